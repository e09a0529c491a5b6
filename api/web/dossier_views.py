"""The process diagrams of a dossier's page, with the path taken and the current step."""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from api.web.bpmn_model import Model, parse
from api.web.diagram_svg import render_svg
from api.web.process_path import diagram_states
from engine.context import Context
from engine.models import Dossier
from engine.operations.award import queries as access

LEVEL_PROCESS = "level_review"  # entered anew at every reviewing level (WORKFLOWS.md)


@dataclass
class DiagramView:
    title: str
    svg: Markup
    passed: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)


def _title(model: Model, dossier: Dossier, context: Context) -> str:
    if model.process_id == LEVEL_PROCESS and dossier.reviewing_unit is not None:
        return f"{model.name} — {dossier.reviewing_unit.name}"
    return model.name or model.process_id


def process_diagrams(context: Context, dossier: Dossier) -> list[DiagramView]:
    """The dossier's process and the processes it called, each with the path the engine took and the
    current step."""
    if dossier.instance_id is None:
        return []
    diagram = access.dossier_diagram(context, dossier.id)
    main = parse(diagram.xml)
    sources = {main.process_id: diagram.xml, **diagram.called}
    models = {main.process_id: main, **{key: parse(xml, key) for key, xml in diagram.called.items()}}
    states = diagram_states(models, main.process_id, diagram.path, set(diagram.active))
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
