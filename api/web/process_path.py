"""Which parts of a process diagram a case went through and where it stands now, from what the
audit trail records (the user tasks completed, the levels entered) and the tasks open now.

Between two recorded steps the case went the shortest way the sequence flows allow: gateways and
script tasks in between are marked taken without needing events of their own. A process called by
a call activity is drawn on its own; its activity in the caller counts as the steps inside it.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from api.web.bpmn_model import Model


@dataclass(frozen=True)
class Token:
    """A task completed (`task`, its key) or a called process entered anew (`enter`, its process id)."""

    kind: str
    key: str


@dataclass
class DiagramState:
    model: Model
    taken: set[str]  # node and flow ids
    active: set[str]  # node ids
    trail: list[str]  # the nodes recorded, in order (for a text description)


def _shortest(model: Model, sources: Iterable[str], accept: set[str] | None, *, step: bool = True) -> list[str]:
    """Ids (nodes and flows) of the shortest way from one of `sources` to a node in `accept` (None: any
    end event); with `step`, at least one flow is followed (a loop back to the same node)."""
    queue: deque[tuple[str, list[str]]] = deque()
    seen: set[str] = set()
    for source in sources:
        if not step and (source in (accept or set()) or (accept is None and model.is_end(source))):
            return [source]
        queue.append((source, [source]))
    while queue:
        node, path = queue.popleft()
        for flow in model.outgoing(node):
            if flow.target in seen:
                continue
            seen.add(flow.target)
            way = [*path, flow.id, flow.target]
            if (accept is None and model.is_end(flow.target)) or (accept is not None and flow.target in accept):
                return way
            queue.append((flow.target, way))
    return []


def taken_path(model: Model, trail: list[str], *, finished: bool, current: Iterable[str] = ()) -> set[str]:
    """The nodes and flows on the way through `trail`, on to each `current` node, and to an end event
    when the process is `finished`."""
    taken: set[str] = set()
    last: str | None = None
    for node in trail:
        way = (_shortest(model, [last], {node}) if last is not None
               else _shortest(model, model.starts(), {node}, step=False))
        taken.update(way or [node])
        last = node
    for node in current:
        way = (_shortest(model, [last], {node}) if last is not None
               else _shortest(model, model.starts(), {node}, step=False))
        taken.update(way)
        taken.discard(node)
    if finished and last is not None:
        taken.update(_shortest(model, [last], None))
    return taken


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


def diagram_states(models: dict[str, Model], tokens: list[Token], active_keys: set[str], *,
                   completed: bool) -> dict[str, DiagramState]:
    """For each process: what was taken and what is active now."""
    closures = _closures(models)
    states = {}
    for key, model in models.items():
        trail: list[str] = []
        for token in tokens:
            element = _element(model, token.key, closures)
            if token.kind == "enter" and (token.key == key or key in closures.get(token.key, set())):
                trail = []  # this process (or the one around it) starts again: only the latest visit is drawn
            elif token.kind == "enter" and element is not None:
                trail.append(element)  # a new visit of the call activity, even right after the last one
            elif element is not None and (not trail or trail[-1] != element):
                trail.append(element)
        active = {e for k in active_keys if (e := _element(model, k, closures)) is not None}
        if trail and active and trail[-1] in active:
            trail.pop()  # still there: the activity is current, not behind us
        finished = bool(trail) and not active and (completed or bool(active_keys))
        states[key] = DiagramState(model, taken_path(model, trail, finished=finished, current=sorted(active)),
                                   active, trail)
    return states
