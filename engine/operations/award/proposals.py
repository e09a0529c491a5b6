"""A proposal made by a body rather than typed by a proposer — the cluster's vote (suy tôn) electing
its leading units — as a dossier of the unit that speaks for the body, in draft, read by the same
`check_dossier` as any dossier: the proposer of that unit attaches the documents the award types
require and submits it as any dossier, so it joins the open round of the level that reviews it."""
from __future__ import annotations

from typing import Any

from engine.context import current_context
from engine.errors import NotFound
from engine.models import Unit
from engine.operations.award.commands import new_dossier
from engine.operations.award.inputs import check_dossier
from engine.runtime.helpers import register


@register()
def create_proposal_dossier(proposal: dict[str, Any]) -> int:
    """`proposal`: {proposing_unit (id), created_by (user id), title, year, nominations (as the API
    takes them)}; the new dossier's id."""
    ctx = current_context()
    unit = ctx.session.get(Unit, int(proposal["proposing_unit"]))
    if unit is None:
        raise NotFound(f"Không tìm thấy đơn vị số {proposal['proposing_unit']}.")
    data = check_dossier(ctx, {"title": proposal["title"], "year": proposal["year"], "kind": "regular",
                               "proposing_unit": unit.code, "nominations": proposal["nominations"]})
    return new_dossier(ctx, unit, int(proposal["created_by"]), data).id
