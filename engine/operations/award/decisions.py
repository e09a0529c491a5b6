"""Issuing decisions: one per deciding unit, numbered gaplessly per issuer per year, written to the
award registry, and generated as a DOCX in the Nghị định 30/2020 layout."""
from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, select

from engine import anchor, audit
from engine.clock import LOCAL_TZ, local_today
from engine.context import Context
from engine.documents import Awardee, AwardGroup, DecisionDocument, award_phrase, render_decision
from engine.documents.layout import vietnamese_date
from engine.documents.pdf import docx_to_pdf
from engine.documents.signing import sign_pdf
from engine.models import Awardee as RegistryAwardee
from engine.models import (
    AwardeeKind,
    CouncilSession,
    Decision,
    DecisionStatus,
    Dossier,
    HumanTask,
    Nomination,
    NominationStatus,
    Role,
    RoleGrant,
    Unit,
    UnitLevel,
    User,
)
from engine.operations import award_tally as tally
from engine.operations.award.queries import reviewing_ancestors, rules_of
from engine.operations.numbering import next_number
from engine.operations.registry.commands import find_or_create_awardee, record_award, use_initiative_relied_on
from engine.rules import AwardKind, Reward, load_rewards
from engine.storage import AttachmentStore
from engine.vocabulary import AuditAction

HEAD_TITLES = {UnitLevel.DEPARTMENT: "GIÁM ĐỐC", UnitLevel.MINISTRY: "BỘ TRƯỞNG", UnitLevel.CENTRAL: "THỦ TƯỚNG"}
DEPUTY_PREFIX, ON_BEHALF = "PHÓ ", "KT. "  # ND30: "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" when a deputy signs


def head_title(unit: Unit) -> str:
    return HEAD_TITLES.get(unit.level, "CHỦ TỊCH")


def signer_title(ctx: Context, signer: User | None, unit: Unit) -> str:
    """The head's title, or the deputy's ("PHÓ CHỦ TỊCH") when the one who decided holds the
    deputy's role at the unit and not the head's."""
    title = head_title(unit)
    if signer is None:
        return title
    is_head = ctx.session.scalar(select(exists().where(RoleGrant.user_id == signer.id, RoleGrant.role == Role.HEAD,
                                                       RoleGrant.unit_id == unit.id)))
    return title if is_head else DEPUTY_PREFIX + title



@dataclass(frozen=True)
class Registered:
    """The number and date a unit's văn thư gives a decision from the agency's own register."""
    number: int
    signed_on: date


def issue_for_dossier(ctx: Context, dossier: Dossier, unit_id: int | None = None,
                      registered: Registered | None = None) -> list[Decision]:
    """A decision for each unit (or only `unit_id`) that approved nominations not yet in a decision.
    Each level's head decides in turn, and its decision is issued then (`issue_level_decisions`);
    what is left at the end of the dossier (instances started before that step existed) is issued then."""
    groups: dict[int, list[Nomination]] = defaultdict(list)
    for nomination in dossier.nominations:
        if nomination.status == NominationStatus.APPROVED and nomination.decision_id is None:
            assert nomination.decided_by_unit_id is not None
            if unit_id is None or nomination.decided_by_unit_id == unit_id:
                groups[nomination.decided_by_unit_id].append(nomination)
    return [_issue(ctx, dossier, ctx.session.get(Unit, unit_id), nominations, registered)  # type: ignore[arg-type]
            for unit_id, nominations in sorted(groups.items())]


def deciding_head(ctx: Context, dossier: Dossier, unit_id: int) -> User | None:
    """The head who decided at that level signs."""
    task = ctx.session.scalars(
        select(HumanTask).where(HumanTask.dossier_id == dossier.id, HumanTask.key == "decide",
                                HumanTask.unit_id == unit_id, HumanTask.completed_by_id.is_not(None))
        .order_by(HumanTask.id.desc())
    ).first()
    return ctx.session.get(User, task.completed_by_id) if task and task.completed_by_id else None


def _issue(ctx: Context, dossier: Dossier, issuer: Unit, nominations: list[Nomination],
           registered: Registered | None = None) -> Decision:
    today = registered.signed_on if registered else local_today(ctx.clock)
    rules, _ = rules_of(ctx, dossier)
    signer = deciding_head(ctx, dossier, issuer.id)
    decision = Decision(
        issuer_unit_id=issuer.id, year=today.year,
        number=registered.number if registered else next_number(ctx, issuer.id, today.year),
        symbol=f"QĐ-{issuer.abbreviation or 'UBND'}", signed_on=today,
        signer_name=signer.full_name if signer else None, signer_title=signer_title(ctx, signer, issuer),
        dossier_id=dossier.id, rules_version=rules.id, status=DecisionStatus.ISSUED, created_at=ctx.clock.now(),
    )
    ctx.session.add(decision)
    ctx.session.flush()
    for nomination in nominations:
        nomination.decision_id = decision.id
        awardee = find_or_create_awardee(ctx, nomination.nominee_kind, nomination.nominee_name,
                                         dossier.proposing_unit_id, position=nomination.nominee_position,
                                         person_id=nomination.awardee_id)
        nomination.awardee_id = awardee.id
        record_award(ctx, awardee, nomination.award_type, dossier.year, dossier.kind.value, decision.id,
                     nomination.id)
        use_initiative_relied_on(ctx, nomination, dossier.year)  # "đã dùng" in every later pre-check
    tally.count_granted(ctx, decision, nominations)  # the statistics' summary, in this transaction
    store_issued(ctx, decision, render(ctx, decision, dossier, issuer, nominations, rules), issuer)
    audit.record(ctx, AuditAction.DECISION_ISSUED, "decision", decision.id,
                 after={"number": decision.label, "issuer": issuer.code, "nominations": [n.id for n in nominations],
                        "docx_sha256": decision.document_sha256, "pdf_sha256": decision.pdf_sha256},
                 unit_id=issuer.id, dossier_id=dossier.id)
    # Sign the chain's head with the decision in it, in the decision's own transaction: under the chain
    # lock held to the commit, so the signed head is exactly what commits, and a rollback takes both.
    anchor.checkpoint(ctx)
    return decision



def store_issued(ctx: Context, decision: Decision, document: bytes, issuer: Unit) -> None:
    """Keep the issued decision's DOCX, and its PDF where the settings ask for one, in the store."""
    store = AttachmentStore(ctx.settings.attachment_root)
    decision.document_sha256, _ = store.put(io.BytesIO(document), ctx.settings.max_upload_bytes * 10)
    if ctx.settings.decision_pdf:
        decision.pdf_sha256, _ = store.put(io.BytesIO(issued_pdf(ctx, document, issuer)),
                                           ctx.settings.max_upload_bytes * 10)


def issued_pdf(ctx: Context, document: bytes, issuer: Unit) -> bytes:
    """The decision as PDF (LibreOffice), signed (PAdES) with the certificate of the configuration when
    one is named. Made once, when the decision is issued; its bytes and SHA-256 are kept, never remade."""
    pdf = docx_to_pdf(document)
    if ctx.settings.signing_pkcs12 is None:
        return pdf
    return sign_pdf(pdf, ctx.settings.signing_pkcs12, ctx.settings.signing_passphrase,
                    reason="Ban hành quyết định khen thưởng", location=issuer.place_name)


def render(ctx: Context, decision: Decision, dossier: Dossier, issuer: Unit, nominations: list[Nomination],
           rules: Any) -> bytes:
    """The decision's text, to the law (Luật Thi đua, khen thưởng 2022; Nghị định 30/2020 for the form)."""
    proposing = ctx.session.get(Unit, dossier.proposing_unit_id)
    assert proposing is not None
    submitting = submitting_unit(proposing, issuer)
    wording = rules.documents
    by_type: dict[str, list[Nomination]] = defaultdict(list)
    for nomination in nominations:
        by_type[nomination.award_type].append(nomination)
    groups = []
    for code, items in by_type.items():
        award_type = rules.award_type(code)
        printed = award_type.printed_name(issuer.level)
        groups.append(AwardGroup(
            award_name=printed, phrase=award_phrase(printed, award_type.kind == AwardKind.TITLE, dossier.year),
            recipients=[Awardee(name=n.nominee_name, position=_position(ctx, n, proposing),
                                achievement=(n.achievements or "").strip() or None, note=lowered_note(rules, n))
                        for n in items]))
    issuer_name = issuer.spelled_name
    parent_name = issuer.parent.spelled_name if issuer.parent else ""
    governing = parent_name.upper() if issuer.level == UnitLevel.DEPARTMENT and parent_name else None
    title = head_title(issuer)
    signed_as = decision.signer_title or title
    deputy = signed_as != title
    bases = [*wording.competence_bases(issuer.level, issuer_name, parent_name), *rules.legal_bases,
             *_council_bases(ctx, dossier, issuer, nominations, rules)]
    standing = wording.standing_office.get(issuer.level)
    proposal = f"Xét đề nghị của {_head_of(submitting)}" + (
        f" và của {standing} (cơ quan thường trực Hội đồng Thi đua - Khen thưởng)." if standing else ".")
    officials = list(dict.fromkeys(o for o in (wording.office_chief.get(issuer.level), standing) if o))
    officials.append(_head_of(submitting, executor=True))
    recipients = [f"{unit.spelled_name};" for unit in dict.fromkeys((submitting, proposing))]
    return render_decision(DecisionDocument(
        governing_body=governing, issuer=issuer_name.upper(), issuer_short=issuer.abbreviation or "UBND",
        number=decision.number, year=decision.year, place=issuer.place_name, signed_on=decision.signed_on,
        summary=_summary(groups, rules, by_type, dossier.year), authority=f"{title} {issuer_name.upper()}",
        legal_bases=bases, proposal=proposal, groups=groups,
        reward_note=reward_note(ctx, issuer, nominations, rules, decision.signed_on),
        executors=("Quyết định này có hiệu lực kể từ ngày ký. " + ", ".join(officials)
                   + ", thủ trưởng các cơ quan, đơn vị có liên quan và các cá nhân, tập thể có tên tại Điều 1 "
                   "chịu trách nhiệm thi hành Quyết định này."),
        signer_capacity=ON_BEHALF + title if deputy else None, signer_title=signed_as,
        signer_name=decision.signer_name or "",
        recipients=[*recipients, "Lưu: VT, TĐKT."],
    ))


def lowered_note(rules: Any, nomination: Nomination) -> str | None:
    """What the decision says of a lower form given instead of what was proposed."""
    if not nomination.proposed_award_type:
        return None
    return f"Đề nghị: {rules.award_type(nomination.proposed_award_type).name}"


def money(amount: int | Decimal) -> str:
    """Vietnamese figures: 2.340.000 (a dot between thousands), 0,3 (a decimal comma)."""
    whole, _, fraction = f"{amount:,}".partition(".")
    return whole.replace(",", ".") + (f",{fraction}" if fraction else "")


def reward_note(ctx: Context, issuer: Unit, nominations: list[Nomination], rules: Any, day: date) -> str | None:
    """The article on the money: the amount per person or collective of each award (a multiple of the
    base salary in force on the decision's date, rounded as the decree says) and the fund it is paid
    from; None when no award of the decision carries money in rewards.yaml."""
    table = load_rewards(ctx.settings.rules_dir)
    found: dict[tuple[str, AwardeeKind], Reward] = {}
    for nomination in nominations:
        kind = AwardeeKind(nomination.nominee_kind)
        reward = table.reward(nomination.award_type, kind, day)
        if reward is not None:
            found.setdefault((nomination.award_type, kind), reward)
    if not found:
        return None
    multiples = table.table_on(day)
    assert multiples is not None
    parts = []
    for (code, kind), reward in found.items():
        per = {AwardeeKind.INDIVIDUAL: "người", AwardeeKind.HOUSEHOLD: "hộ"}.get(kind, "tập thể")
        parts.append(f"{rules.award_type(code).printed_name(issuer.level)}: {money(reward.amount)} đồng/{per} "
                     f"({money(reward.multiple)} lần mức lương cơ sở)")
    salary = next(iter(found.values())).base_salary
    rounding = ("hàng chục nghìn đồng" if multiples.round_up_to == 10_000
                else f"bội số của {money(multiples.round_up_to)} đồng")
    return (f"Kèm theo mức tiền thưởng: {'; '.join(parts)}. Mức lương cơ sở {money(salary.amount)} đồng/tháng "
            f"theo {salary.source}; tiền thưởng tính theo {multiples.source}, làm tròn lên {rounding}. "
            f"Kinh phí khen thưởng chi từ {table.fund(day, issuer.spelled_name)}.")


def submitting_unit(proposing: Unit, issuer: Unit) -> Unit:
    """The unit that submitted the nominations to `issuer`: the reviewing unit just below it on the
    dossier's way up, or the proposing unit when the issuer is the first level."""
    chain = [proposing, *reviewing_ancestors(proposing)]
    ids = [unit.id for unit in chain]
    return chain[ids.index(issuer.id) - 1] if issuer.id in ids[1:] else proposing


_PEOPLE_COMMITTEE = "Ủy ban nhân dân "
_HEADS = {UnitLevel.DEPARTMENT: "Giám đốc", UnitLevel.MINISTRY: "Bộ trưởng"}


def _head_of(unit: Unit, executor: bool = False) -> str:
    """Who speaks for a unit: "Chủ tịch Ủy ban nhân dân xã Bình Minh", "Giám đốc Sở …"; another
    unit proposes by its name and carries a decision out through its head ("Thủ trưởng …")."""
    name = unit.spelled_name
    if name.startswith(_PEOPLE_COMMITTEE):
        return f"Chủ tịch {name}"
    if unit.level in _HEADS:
        return f"{_HEADS[unit.level]} {name}"
    return f"Thủ trưởng {name}" if executor else name


def _position(ctx: Context, nomination: Nomination, proposing: Unit) -> str | None:
    """Chức vụ - Đơn vị: the position and the unit as the proposer wrote them; a unit left empty is
    the awardee's unit in the registry, else the proposing unit (an awardee is never unit-less)."""
    unit = (nomination.nominee_unit or "").strip()
    if not unit:
        awardee = ctx.session.get(RegistryAwardee, nomination.awardee_id) if nomination.awardee_id else None
        unit = (awardee.unit if awardee and awardee.unit else proposing).name
    if nomination.nominee_kind == AwardeeKind.COLLECTIVE and unit == nomination.nominee_name:
        unit = ""
    position = (nomination.nominee_position or "").strip()
    if nomination.nominee_kind == AwardeeKind.HOUSEHOLD and not position:
        position = "Hộ gia đình"  # the list says what the line is: "Hộ gia đình, Thôn Đông"
    return ", ".join(p for p in (position, unit) if p) or None


def _council_bases(ctx: Context, dossier: Dossier, issuer: Unit, nominations: list[Nomination],
                   rules: Any) -> list[str]:
    """For titles the council voted on, its result is a basis of the decision."""
    if not any(rules.needs_council(dossier.kind, n.award_type) for n in nominations):
        return []
    closed = ctx.session.scalars(
        select(CouncilSession.closed_at).where(CouncilSession.dossier_id == dossier.id,
                                               CouncilSession.unit_id == issuer.id,
                                               CouncilSession.closed_at.is_not(None))
        .order_by(CouncilSession.closed_at.desc())).first()
    if closed is None:
        return []
    council = issuer.spelled_name.removeprefix(_PEOPLE_COMMITTEE)
    return [f"Căn cứ kết quả biểu quyết của Hội đồng Thi đua - Khen thưởng {council} tại phiên họp "
            f"{vietnamese_date(closed.astimezone(LOCAL_TZ).date())};"]


def _summary(groups: list[AwardGroup], rules: Any, by_type: dict[str, list[Nomination]], year: int) -> str:
    kinds = {rules.award_type(code).kind for code in by_type}
    if kinds == {AwardKind.TITLE}:
        return f"Về việc công nhận danh hiệu thi đua năm {year}"
    if kinds == {AwardKind.COMMENDATION} and len(groups) == 1:
        return f"Về việc tặng {groups[0].award_name}"
    return "Về việc khen thưởng"
