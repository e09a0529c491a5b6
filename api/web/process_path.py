"""Which parts of a process diagram a case went through and where it stands now: the path from the
engine (the elements its workflow completed, each with the element it followed: Runtime.path_taken),
the current step from the tasks open now.

A process called by a call activity is drawn on its own, with its latest run (the current reviewing
level, not the one before); its activity in the caller counts as the steps inside it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from api.web.bpmn_model import Model
from engine.runtime import MAIN_RUN, Step

_ACTIVITIES = {"callActivity", "subProcess", "transaction", "adHocSubProcess"}


@dataclass
class DiagramState:
    model: Model
    taken: set[str]  # node and flow ids
    active: set[str]  # node ids
    trail: list[str]  # the activities passed, in order (for a text description)


def _chosen_runs(models: dict[str, Model], main: str, steps: list[Step]) -> dict[str, set[str]]:
    """Per drawn process, the runs to draw: the main run for the main process; for a called process,
    its latest run started by a run already chosen (the level being reviewed now, not the last one);
    every run of an embedded sub-process goes with the process that contains it."""
    embedded = {node.id: key for key, model in models.items() for node in model.nodes.values()
                if node.kind in _ACTIVITIES and not node.called}
    chosen: dict[str, set[str]] = {main: {MAIN_RUN}}
    pending = [MAIN_RUN]
    while pending:
        caller = pending.pop()
        runs_of: dict[str, list[str]] = {}
        for step in steps:  # in the order they finished: a process's last run listed is its latest
            listed = runs_of.setdefault(step.process, [])
            if step.caller == caller and step.run not in listed:
                listed.append(step.run)
        for process, runs in runs_of.items():
            owner = embedded.get(process, process)
            if owner not in models or not runs:
                continue
            drawn = runs if process in embedded else runs[-1:]
            chosen.setdefault(owner, set()).update(drawn)
            pending.extend(drawn)
    return chosen


def _closures(models: dict[str, Model]) -> dict[str, set[str]]:
    """Per process: the ids of its nodes and of every node of the processes it calls, transitively."""
    done: dict[str, set[str]] = {}

    def visit(key: str, path: frozenset[str]) -> set[str]:
        if key in done:
            return done[key]
        model = models.get(key)
        if model is None or key in path:
            return set()
        found = set(model.nodes)
        for node in model.nodes.values():
            if node.called:
                found |= {node.called} | visit(node.called, path | {key})
        done[key] = found
        return found

    for key in models:
        visit(key, frozenset())
    return done


def _element(model: Model, key: str, closures: dict[str, set[str]]) -> str | None:
    """The node of `model` that stands for `key`: the node itself, or the call activity it runs in."""
    if key in model.nodes and model.nodes[key].kind != "callActivity":
        return key
    for node in model.nodes.values():
        if node.called and (node.called == key or key in closures.get(node.called, set())):
            return node.id
    return None


def _is_activity(model: Model, node_id: str) -> bool:
    node = model.nodes.get(node_id)
    return node is not None and (node.kind.endswith("Task") or node.kind in _ACTIVITIES)


def diagram_states(models: dict[str, Model], main: str, steps: Iterable[Step],
                   active_keys: set[str]) -> dict[str, DiagramState]:
    """For each process: what was taken (the elements completed and the flows between them, in the
    runs drawn) and what is active now (the open tasks, or the activity that runs them)."""
    steps = list(steps)
    closures = _closures(models)
    chosen = _chosen_runs(models, main, steps)
    states = {}
    for key, model in models.items():
        runs = chosen.get(key, set())
        mine = [s for s in steps if s.run in runs and s.element in model.nodes]
        pairs = {(s.after, s.element) for s in mine}
        taken = {s.element for s in mine} | {f.id for f in model.flows.values() if (f.source, f.target) in pairs}
        trail = [s.element for s in mine if _is_activity(model, s.element)]
        trail = [e for i, e in enumerate(trail) if i == 0 or trail[i - 1] != e]
        active = {e for k in active_keys if (e := _element(model, k, closures)) is not None}
        states[key] = DiagramState(model, taken, active, trail)
    return states
