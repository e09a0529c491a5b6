"""The tờ trình the forwarding level (the province) sends to the central level with the list of the
nominations waiting for a state-level decision: what it says (`submission_of`, read from the dossier, the
rules version, the steps recorded before it and the head who decided to forward), and the stored file
(`state_submission_file`, generated once at the `submit_to_central` step of state_award.bpmn)."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from engine.clock import LOCAL_TZ
from engine.context import Context
from engine.documents.layout import vietnamese_date
from engine.documents.state_submission import StateSubmissionDocument, SubmissionLine
from engine.errors import NotFound
from engine.models import AuditEvent, AwardeeKind, CouncilSession, Dossier, Unit
from engine.operations.award.decisions import deciding_head, head_title, signer_title, submitting_unit
from engine.operations.award.queries import rules_of, visible_dossier
from engine.operations.award.state_awards import waiting_outside
from engine.rules import DecidingLevel
from engine.storage import DOCX, NamedFile, attachment_store
from engine.vocabulary import AuditAction

ADDRESSEE = "Thủ tướng Chính phủ"
VIA = "(qua Bộ Nội vụ - Ban Thi đua - Khen thưởng Trung ương)"
CENTRAL_OFFICE = "Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương);"
_PEOPLE_COMMITTEE = "Ủy ban nhân dân"


def _steps(ctx: Context, dossier: Dossier) -> dict[str, dict[str, Any]]:
    """The last recording of each step of state_award.bpmn, by step."""
    events = ctx.session.scalars(select(AuditEvent).where(
        AuditEvent.dossier_id == dossier.id, AuditEvent.action == AuditAction.STATE_AWARD_STEP_RECORDED.value)
        .order_by(AuditEvent.seq))
    return {str((e.after or {}).get("step")): dict(e.after or {}) for e in events}


def submission_of(ctx: Context, dossier: Dossier, unit: Unit, number: str, signed_on: date,
                  recipient: str) -> StateSubmissionDocument:
    """The tờ trình of `unit` for the nominations of `dossier` waiting for the central decision."""
    rules, _ = rules_of(ctx, dossier)
    waiting = sorted(waiting_outside(dossier), key=lambda n: (n.award_type, n.position))
    bases = list(rules.legal_bases)
    closed = ctx.session.scalars(select(CouncilSession.closed_at).where(
        CouncilSession.dossier_id == dossier.id, CouncilSession.unit_id == unit.id,
        CouncilSession.closed_at.is_not(None)).order_by(CouncilSession.closed_at.desc())).first()
    if closed is not None:
        bases.append(f"Căn cứ kết quả biểu quyết của Hội đồng Thi đua - Khen thưởng "
                     f"{unit.spelled_name.removeprefix(_PEOPLE_COMMITTEE + ' ')} tại phiên họp "
                     f"{vietnamese_date(closed.astimezone(LOCAL_TZ).date())};")
    steps = _steps(ctx, dossier)
    if consulted := steps.get("consultation"):
        bases.append(f"Căn cứ ý kiến hiệp y của {consulted.get('agencies', '')};")
    if party := steps.get("party_opinion"):
        day = date.fromisoformat(str(party["signed_on"]))
        bases.append(f"Căn cứ ý kiến của Ban Thường vụ Tỉnh ủy tại văn bản số {party.get('document_number', '')} "
                     f"{vietnamese_date(day)};")
    lines: list[SubmissionLine] = []
    awards: dict[str, tuple[int, int]] = {}
    for nomination in waiting:
        award = rules.award_type(nomination.award_type)
        collective = nomination.nominee_kind != AwardeeKind.INDIVIDUAL
        lines.append(SubmissionLine(
            name=nomination.nominee_name, collective=collective, position=nomination.nominee_position,
            unit=(nomination.nominee_unit or "").strip() or dossier.proposing_unit.name, award=award.name,
            achievement=(nomination.achievements or "").strip() or None))
        individuals, collectives = awards.get(award.name, (0, 0))
        awards[award.name] = (individuals + (not collective), collectives + collective)
    levels = {rules.award_type(n.award_type).deciding_level for n in waiting}
    verb = ("xem xét, tặng và trình Chủ tịch nước tặng" if len(levels) > 1 else
            "xem xét, trình Chủ tịch nước tặng" if levels == {DecidingLevel.PRESIDENT} else "xem xét, tặng")
    signer = deciding_head(ctx, dossier, unit.id)
    title = head_title(unit)
    signed_as = signer_title(ctx, signer, unit)
    capacity = [f"TM. {_PEOPLE_COMMITTEE.upper()}"] if unit.spelled_name.startswith(_PEOPLE_COMMITTEE) else []
    if signed_as != title:
        capacity.append(f"KT. {title}")
    below = submitting_unit(dossier.proposing_unit, unit)  # the level that forwarded them to this one
    recipients = [CENTRAL_OFFICE]
    if recipient and recipient.strip().rstrip(";") not in CENTRAL_OFFICE:
        recipients.append(f"{recipient.strip().rstrip(';')};")
    recipients.append("Lưu: VT, TĐKT.")
    return StateSubmissionDocument(
        issuer=unit.spelled_name, number=number, place=unit.place_name, signed_on=signed_on,
        addressee=ADDRESSEE, via=VIA, legal_bases=bases,
        proposal=(f"Xét đề nghị của {below.spelled_name} và kết quả thẩm định của cơ quan thường "
                  f"trực Hội đồng Thi đua - Khen thưởng, {unit.spelled_name} kính đề nghị {ADDRESSEE} {verb} các "
                  f"hình thức khen thưởng sau cho {len(waiting)} cá nhân, tập thể (hồ sơ «{dossier.title}», "
                  f"năm {dossier.year}):"),
        awards=[(name, i, c) for name, (i, c) in awards.items()], lines=lines,
        signer_capacity="\n".join(capacity) or None, signer_title=signed_as,
        signer_name=signer.full_name if signer else "", recipients=recipients)


def state_submission_file(ctx: Context, dossier_id: int) -> NamedFile:
    """The last tờ trình generated for the dossier's state-level nominations, for whoever may see it."""
    _, dossier = visible_dossier(ctx, dossier_id)
    document = _steps(ctx, dossier).get("submission", {}).get("document")
    if not document:
        raise NotFound("Hồ sơ chưa có tờ trình đề nghị khen thưởng cấp Nhà nước.")
    return NamedFile(attachment_store(ctx.settings).read(document["sha256"]), document["filename"], DOCX)


def has_state_submission(ctx: Context, dossier: Dossier) -> bool:
    """Whether a tờ trình was generated for the dossier (the page offers its download)."""
    return bool(_steps(ctx, dossier).get("submission", {}).get("document"))
