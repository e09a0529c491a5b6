"""What a workflow can tell about itself: the path it took (for the diagrams), and the repair of
multi-instance tasks whose finished children were never merged (issue 10's stuck council sessions)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

MAIN_RUN = "main"
ABOVE = "khenthuong_above"  # internal data of a task that pruning made the root's child (pruning.py)


@dataclass(frozen=True)
class Step:
    """One BPMN element the workflow completed."""

    process: str  # the process (or embedded sub-process) the element belongs to
    run: str  # which run of that process: MAIN_RUN, or the id of the activity that started the run
    caller: str | None  # the run that started this one (None for MAIN_RUN)
    element: str  # the element's BPMN id
    after: str | None  # the element completed just before it on the same way, in the same run


TimedStep = tuple[float, Step]  # with the time its task finished (SpiffWorkflow's last state change)


def path_taken(workflow: BpmnWorkflow, earlier: list[TimedStep] | None = None) -> list[Step]:
    """Every completed element of the workflow and of the processes it ran, in the order they finished;
    `earlier`: the steps whose tasks pruning took out of the workflow (stored beside it)."""
    return in_order(earlier or [], timed_steps(workflow))


def timed_steps(workflow: BpmnWorkflow) -> list[TimedStep]:
    """The steps of the completed elements still in the workflow and in the processes it ran."""
    return [step for run_workflow in (workflow, *workflow.subprocesses.values())
            for task in run_workflow.tasks.values() if (step := timed_step(run_workflow, task))]


def in_order(earlier: list[TimedStep], current: list[TimedStep]) -> list[Step]:
    """Both lists as one path, in the order the tasks finished (a step read in both, when a save pruned
    between the two reads, counts once)."""
    seen = set(current)
    found = [step for step in earlier if step not in seen] + current
    return [step for _, _, step in sorted(((at, i, step) for i, (at, step) in enumerate(found)),
                                          key=lambda item: (item[0], item[1]))]


def timed_step(run_workflow: Any, task: Any) -> TimedStep | None:
    """The step a task of this run stands for, if it is a completed BPMN element."""
    element = task.task_spec.bpmn_id
    if element is None or task.state != TaskState.COMPLETED:
        return None
    run = run_of(run_workflow)
    caller = None if run == MAIN_RUN else run_of(run_workflow.parent_workflow)
    step = Step(run_workflow.spec.name, run, caller, element, previous_element(task, element))
    return task.last_state_change or 0.0, step


def run_of(workflow: Any) -> str:
    parent = getattr(workflow, "parent_task_id", None)
    return MAIN_RUN if parent is None else str(parent)


def ancestor_elements(task: Any) -> Iterator[str]:
    """The BPMN elements above the task, nearest first (tasks the library inserts have none); past a
    task that pruning made the root's child, the elements that were above it."""
    node = task
    while ABOVE not in node.internal_data:
        node = node.parent
        if node is None:
            return
        if node.task_spec.bpmn_id is not None:
            yield node.task_spec.bpmn_id
    yield from node.internal_data[ABOVE]


def previous_element(task: Any, element: str) -> str | None:
    """The nearest element above the task other than its own (the library inserts tasks of its own
    between two elements, and a multi-instance child sits under its loop task)."""
    return next((previous for previous in ancestor_elements(task) if previous != element), None)


def merge_finished_children(workflow: BpmnWorkflow) -> list[str]:
    """Merge the completed children of every running loop (multi-instance) task that were never merged
    into it, as SpiffWorkflow does when a child completes on a wired spec; returns the loop elements
    repaired (one entry per child merged). A process that ran on a spec never wired for the merge
    (issue 10, before the fix) left such children behind, and no later step would merge them."""
    merged: list[str] = []
    for run_workflow in (workflow, *workflow.subprocesses.values()):
        for task in list(run_workflow.tasks.values()):
            spec = task.task_spec
            if not isinstance(spec, LoopTask) or task.state != TaskState.STARTED:
                continue
            done = set(task.internal_data.get("merged", []))
            for child in list(spec._instances(task)):
                if child.state == TaskState.COMPLETED and str(child.id) not in done:
                    spec.merge_child(run_workflow, child)
                    merged.append(spec.bpmn_id)
    return merged
