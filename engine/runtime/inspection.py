"""What a workflow can tell about itself: the path it took (for the diagrams), and the repair of
multi-instance tasks whose finished children were never merged (issue 10's stuck council sessions)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

MAIN_RUN = "main"


@dataclass(frozen=True)
class Step:
    """One BPMN element the workflow completed."""

    process: str  # the process (or embedded sub-process) the element belongs to
    run: str  # which run of that process: MAIN_RUN, or the id of the activity that started the run
    caller: str | None  # the run that started this one (None for MAIN_RUN)
    element: str  # the element's BPMN id
    after: str | None  # the element completed just before it on the same way, in the same run


def path_taken(workflow: BpmnWorkflow) -> list[Step]:
    """Every completed element of the workflow and of the processes it ran, in the order they finished."""
    found: list[tuple[float, int, Step]] = []
    runs: list[tuple[Any, str, str | None]] = [(workflow, MAIN_RUN, None)]
    runs += [(sub, str(task_id), _run_of(sub.parent_workflow)) for task_id, sub in workflow.subprocesses.items()]
    for run_workflow, run, caller in runs:
        for task in run_workflow.tasks.values():
            element = task.task_spec.bpmn_id
            if element is None or task.state != TaskState.COMPLETED:
                continue
            step = Step(run_workflow.spec.name, run, caller, element, _previous_element(task, element))
            found.append((task.last_state_change or 0.0, len(found), step))
    return [step for _, _, step in sorted(found, key=lambda item: (item[0], item[1]))]


def _run_of(workflow: Any) -> str:
    parent = getattr(workflow, "parent_task_id", None)
    return MAIN_RUN if parent is None else str(parent)


def _previous_element(task: Any, element: str) -> str | None:
    """The nearest ancestor that is a BPMN element other than this one (the library inserts tasks of
    its own between two elements, and a multi-instance child sits under its loop task)."""
    node = task.parent
    while node is not None:
        previous = node.task_spec.bpmn_id
        if previous is not None and previous != element:
            return previous
        node = node.parent
    return None


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
