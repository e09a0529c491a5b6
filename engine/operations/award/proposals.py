"""A proposal made by a body rather than typed by a proposer — the cluster's vote (suy tôn) electing
its leading units — as a dossier of the unit that speaks for the body, in draft, read by the same
`check_dossier` as any dossier. The papers the body produced (the biên bản of its vote, the unit's tờ
trình, already in the attachment store) come attached as the documents the catalogue asks for; the
proposer of that unit adds what only the proposed units can write (their báo cáo thành tích) and
submits it as any dossier, so it joins the open round of the level that reviews it."""
from __future__ import annotations

from typing import Any

from engine import audit
from engine.context import current_context
from engine.errors import NotFound
from engine.models import Attachment, Unit
from engine.operations.award.commands import new_dossier
from engine.operations.award.inputs import check_dossier
from engine.runtime.helpers import register
from engine.vocabulary import AttachmentKind, AuditAction, Role


@register()
def create_proposal_dossier(proposal: dict[str, Any]) -> int:
    """`proposal`: {proposing_unit (id), created_by (user id), title, year, nominations (as the API
    takes them), documents ([{kind, filename, sha256, size, content_type}] stored already, optional)};
    the new dossier's id."""
    ctx = current_context()
    unit = ctx.session.get(Unit, int(proposal["proposing_unit"]))
    if unit is None:
        raise NotFound(f"Không tìm thấy đơn vị số {proposal['proposing_unit']}.")
    data = check_dossier(ctx, {"title": proposal["title"], "year": proposal["year"], "kind": "regular",
                               "proposing_unit": unit.code, "nominations": proposal["nominations"]})
    created_by = int(proposal["created_by"])
    dossier = new_dossier(ctx, unit, created_by, data)
    for document in proposal.get("documents") or ():
        attachment = Attachment(kind=AttachmentKind(document["kind"]), filename=document["filename"],
                                content_type=document["content_type"], size=int(document["size"]),
                                sha256=document["sha256"], uploaded_by_id=created_by, uploaded_at=ctx.clock.now())
        dossier.attachments.append(attachment)
        ctx.session.flush()
        audit.record(ctx, AuditAction.ATTACHMENT_ADDED, "attachment", attachment.id, role=Role.PROPOSER,
                     unit_id=unit.id, dossier_id=dossier.id,
                     after={"kind": attachment.kind.value, "filename": attachment.filename, "size": attachment.size,
                            "sha256": attachment.sha256, "content_type": attachment.content_type,
                            "nomination_id": None, "generated": True})
    return dossier.id
