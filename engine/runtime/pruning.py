"""Keeping a looping instance's saved state flat.

SpiffWorkflow keeps every task it ever ran: each supplement loop adds its tasks under the last ones,
each level climbed leaves its finished called process behind, and every save walks and serializes
all of it (≈3 KB per supplement loop). What the engine still needs of its past is little: the tasks
not yet finished, and their ancestors up to the nearest completed one. Before a save, `prune()`
drops the rest of each process run once there is enough of it (`PRUNE_AT` tasks):

- a finished called or embedded process whose calling task is finished leaves `subprocesses`;
- in a run still going, the completed task nearest above all its unfinished tasks (the *cut*) becomes
  the only child of the run's root, and everything else above and beside it leaves the tree.

What left is returned as path steps (the caller stores them, `ProcessStep`), so the path taken stays
whole; the cut task keeps the elements that were above it, so a step below it still names the element
it followed. The cut never passes a split whose join is still to come (a boundary event's split, which
the join looks up among its ancestors), nor the workflow's last completed task.
"""
from __future__ import annotations

from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.runtime.inspection import ABOVE, TimedStep, ancestor_elements, timed_step

PRUNE_AT = 16  # tasks: about two supplement loops, so that a path row is not written on every save
_DONE = (TaskState.COMPLETED, TaskState.CANCELLED)


def _finished(task: Any) -> bool:
    return task.state in _DONE


def prune(workflow: BpmnWorkflow, at_least: int | None = None) -> list[TimedStep]:
    """Drop what the engine no longer needs (module docstring), if it is at least `at_least` tasks
    (default PRUNE_AT, read at each call: the benchmark turns it off to compare); returns the completed
    elements that left, as steps of the path. Nothing changes otherwise."""
    at_least = PRUNE_AT if at_least is None else at_least
    if workflow.is_completed():
        return []
    dropped = [task_id for task_id, sub in workflow.subprocesses.items() if _done_run(workflow, task_id, sub)]
    runs = [(workflow, "main")] + [(sub, str(task_id)) for task_id, sub in workflow.subprocesses.items()
                                   if task_id not in dropped]
    cuts = [cut for run_workflow, _ in runs if (cut := _cut(run_workflow)) is not None]
    leaving = sum(len(workflow.subprocesses[task_id].tasks) for task_id in dropped)
    leaving += sum(len(removed) for _, _, removed in cuts)
    if leaving < at_least:
        return []
    steps: list[TimedStep] = []
    for task_id in dropped:
        sub = workflow.subprocesses[task_id]
        steps += [s for task in sub.tasks.values() if (s := timed_step(sub, task)) is not None]
    for run_workflow, keep, removed in cuts:
        steps += [s for task in removed if (s := timed_step(run_workflow, task)) is not None]
        keep.internal_data[ABOVE] = _elements_above(keep)
        root = run_workflow.task_tree
        keep._parent, root._children = root.id, [keep.id]
        for task in removed:
            del run_workflow.tasks[task.id]
    for task_id in dropped:
        del workflow.subprocesses[task_id]
    return steps


def _done_run(workflow: BpmnWorkflow, task_id: UUID, sub: Any) -> bool:
    """A called process that reached its end (or whose tasks are all finished), and whose calling task
    is finished too (tasks the library predicted on branches not taken may stay behind in it)."""
    caller = workflow.get_task_from_id(task_id)
    return _finished(caller) and (sub.completed or all(_finished(task) for task in sub.tasks.values()))


def _chain(task: Any) -> list[Any]:
    """The task and its ancestors, nearest first."""
    chain = []
    node = task
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain


def _cut(run_workflow: Any) -> tuple[Any, Any, list[Any]] | None:
    """(the run, the task to keep as the root's only child, the tasks leaving), or None."""
    live = [task for task in run_workflow.tasks.values() if not _finished(task)]
    if not live:
        return None
    chain = _chain(live[0])
    depth = {id(node): i for i, node in enumerate(chain)}
    lowest = 0  # index in `chain` of the deepest ancestor shared by every unfinished task
    for task in live[1:]:
        node = task
        while id(node) not in depth:
            node = node.parent
        lowest = max(lowest, depth[id(node)])
    keep_at = next((i for i in range(lowest, len(chain) - 1) if chain[i].state == TaskState.COMPLETED), None)
    if keep_at is None:
        return None
    for task in live:  # a join that finds its split among its ancestors keeps the split
        split = getattr(task.task_spec, "split_task", None)
        if split is None:
            continue
        found = task.find_ancestor(split)
        if found is None:
            return None
        keep_at = max(keep_at, depth.get(id(found), keep_at))
    keep = chain[keep_at]
    if keep.state != TaskState.COMPLETED or keep_at >= len(chain) - 2:
        return None  # nothing above it but the root
    kept = {task.id for task in keep}  # iterating a task walks its subtree
    last = run_workflow.last_task
    if last is not None and last.id not in kept:
        return None
    root = run_workflow.task_tree
    removed = [task for task in run_workflow.tasks.values() if task.id not in kept and task is not root]
    return (run_workflow, keep, removed) if removed else None


def _elements_above(task: Any) -> list[str]:
    """The first element above the task and the first one above that differs from it: enough for any
    task below to name the element it followed (inspection.previous_element)."""
    found: list[str] = []
    for element in ancestor_elements(task):
        if not found or (element != found[0]):
            found.append(element)
        if len(found) == 2:
            break
    return found

