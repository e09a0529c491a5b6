"""The process diagrams of a dossier's page, with the path taken and the current step."""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from api.web.bpmn_model import Model, parse
from api.web.diagram_svg import render_svg
from api.web.process_path import Token, diagram_states
from engine.context import Context
from engine.models import AuditAction, AuditEvent, Dossier
from engine.operations.award import queries as access

LEVEL_PROCESS = "level_review"  # entered anew at every reviewing level (WORKFLOWS.md)


@dataclass
class DiagramView:
    title: str
    svg: Markup
    passed: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)


def _tokens(events: list[AuditEvent]) -> list[Token]:
    """The steps in the order they happened. A completion is written to the audit trail after the
    engine ran on: when completing `decide` sent the dossier up a level, the completion is recorded
    after the entry into the next level, so it is put back before it, at its own level's unit."""
    tokens: list[tuple[Token, int | None]] = []
    for event in events:
        after = event.after if isinstance(event.after, dict) else {}
        if event.action == AuditAction.DOSSIER_ROUTED:
            tokens.append((Token("enter", LEVEL_PROCESS), event.unit_id))
        elif event.action == AuditAction.TASK_COMPLETED and after.get("key"):
            token = Token("task", str(after["key"]))
            entries = [i for i, (t, _) in enumerate(tokens) if t.kind == "enter"]
            own = [i for i in entries if tokens[i][1] == event.unit_id]
            later = [i for i in entries if own and i > own[-1]]
            tokens.insert(later[0] if later else len(tokens), (token, event.unit_id))
    return [token for token, _ in tokens]


def _title(model: Model, dossier: Dossier, context: Context) -> str:
    if model.process_id == LEVEL_PROCESS and dossier.reviewing_unit is not None:
        return f"{model.name} — {dossier.reviewing_unit.name}"
    return model.name or model.process_id


def process_diagrams(context: Context, dossier: Dossier, events: list[AuditEvent]) -> list[DiagramView]:
    """The dossier's process and the processes it called, each with its path and current step."""
    if dossier.instance_id is None:
        return []
    diagram = access.dossier_diagram(context, dossier.id)
    main = parse(diagram.xml)
    sources = {main.process_id: diagram.xml, **diagram.called}
    models = {main.process_id: main, **{key: parse(xml, key) for key, xml in diagram.called.items()}}
    completed = any(e.action == AuditAction.PROCESS_COMPLETED for e in events)
    states = diagram_states(models, _tokens(events), set(diagram.active), completed=completed)
    called_by_main = {n.called for n in main.nodes.values() if n.called}
    views = []
    for key, state in states.items():
        if key != main.process_id and key not in called_by_main and not (state.trail or state.active):
            continue  # a process further down that this dossier has not reached
        title = _title(state.model, dossier, context)
        views.append(DiagramView(
            title, Markup(render_svg(sources[key], state.active, state.taken, title=title, process_id=key)),
            [state.model.nodes[n].name for n in state.trail if n in state.model.nodes],
            [state.model.nodes[n].name for n in sorted(state.active)]))
    return views
