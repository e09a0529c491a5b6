"""The papers the tally of a cluster's vote produces for its proposal: the biên bản họp suy tôn of the
cluster and the tờ trình of the head unit (engine/documents/cluster_proposal.py lays them out). Both are
stored in the attachment store and handed to the proposal as the documents the catalogue asks of the
dossier (`council_minutes`, `submission`); the award domain attaches them. Counts only, never who chose
what: the ballots are read as counts by candidate (`cluster_vote._counts`)."""
from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select

from engine.clock import LOCAL_TZ, local_today
from engine.context import Context
from engine.documents.cluster_proposal import (
    ClusterMinutesDocument,
    ClusterSubmissionDocument,
    ProposedGroup,
    ProposedUnit,
    Signer,
    TallyLine,
    minutes_time,
    render_cluster_minutes,
    render_cluster_submission,
)
from engine.documents.decision import award_phrase
from engine.models import ClusterVote, RoleGrant, Unit, User
from engine.operations.award.queries import rules_on
from engine.operations.council.queries import percent_text
from engine.rules.catalogue import AwardKind
from engine.storage import DOCX, attachment_store
from engine.vocabulary import AttachmentKind, ClusterVoteChoice, Role, UnitLevel, VoteClosing

DECIDING_LEVELS = (UnitLevel.PROVINCE, UnitLevel.MINISTRY)


def proposal_documents(ctx: Context, vote: ClusterVote, counts: dict[int, Counter[str]], elected: dict[int, str],
                       base: int, voted: set[int], achievements: dict[int, str]) -> list[dict[str, Any]]:
    """Render, store and describe the minutes and the tờ trình ({kind, filename, sha256, size,
    content_type} each) for the elected units."""
    row = vote.cluster_year
    units = {u.id: u for u in ctx.session.scalars(select(Unit).where(
        Unit.id.in_([c["unit_id"] for c in vote.candidates] + list(vote.voters) + [row.head_unit_id]
                    + ([row.deputy_unit_id] if row.deputy_unit_id else []))))}
    head_unit = units[row.head_unit_id]
    decider = _decider(head_unit, row.cluster.organiser_unit)
    rules = rules_on(ctx, local_today(ctx.clock))
    groups: list[tuple[str, list[int]]] = []
    for choice, code in vote.awards.items():
        chosen = [c["unit_id"] for c in vote.candidates if elected.get(c["unit_id"]) == choice]
        if chosen:
            award = rules.award_type(code)
            groups.append((award_phrase(award.printed_name(decider.level), award.kind == AwardKind.TITLE,
                                        row.year).replace("Tặng", "tặng", 1), chosen))
    authority = f"Chủ tịch {decider.spelled_name}"
    proposal = (f"đề nghị {authority} " + "; ".join(f"{phrase} cho {', '.join(units[u].name for u in chosen)}"
                                                     for phrase, chosen in groups) + ".")
    closed = (vote.closed_at or ctx.clock.now()).astimezone(LOCAL_TZ)
    head = Signer("TRƯỞNG CỤM", head_unit.name, _head_person(
        ctx, head_unit.id, vote.closed_by_id if vote.closed_how == VoteClosing.CLOSED_BY_CHAIR else vote.opened_by_id))
    deputy = units.get(row.deputy_unit_id) if row.deputy_unit_id else None
    secretary = (Signer("PHÓ TRƯỞNG CỤM", deputy.name, _head_person(ctx, deputy.id, None)) if deputy
                 else Signer("THƯ KÝ", None, None))
    by_name = sorted(vote.voters, key=lambda u: units[u].name)
    minutes = render_cluster_minutes(ClusterMinutesDocument(
        governing_body=row.cluster.organiser_unit.spelled_name.upper(), cluster=row.cluster.name,
        place=head_unit.place_name, year=row.year, held_on=closed.date(),
        opened=minutes_time(vote.opened_at.astimezone(LOCAL_TZ)), closed=minutes_time(closed),
        location=f"Trụ sở {head_unit.name} (đơn vị Trưởng cụm)",
        members=[units[u].name for u in by_name], voted=[units[u].name for u in by_name if u in voted],
        threshold=_threshold_text(vote.threshold), lines=_lines(vote, counts, elected, base, units),
        proposal=proposal, head=head, secretary=secretary))
    submission = render_cluster_submission(ClusterSubmissionDocument(
        issuer=head_unit.spelled_name, issuer_short=head_unit.abbreviation or (
            "UBND" if head_unit.name.startswith("UBND ") else None),
        place=head_unit.place_name, signed_on=closed.date(),
        summary=(f"Về việc đề nghị khen thưởng các đơn vị dẫn đầu {row.cluster.name} năm {row.year}"),
        authority=authority, legal_bases=list(rules.legal_bases),
        reasons=[*([f"Căn cứ Giao ước thi đua số {row.pact_number}"
                    + (f" ngày {row.pact_signed_on:%d/%m/%Y}" if row.pact_signed_on else "")
                    + f" của {row.cluster.name};"] if row.pact_number else []),
                 f"Căn cứ kết quả chấm điểm, xếp hạng thi đua năm {row.year} và Biên bản họp bình xét, suy tôn "
                 f"ngày {closed:%d/%m/%Y} của {row.cluster.name};"],
        opening=(f"{head_unit.spelled_name}, đơn vị Trưởng {row.cluster.name} năm {row.year}, kính đề nghị "
                 f"{authority} xem xét:"),
        groups=[ProposedGroup(phrase, [ProposedUnit(units[u].name, achievements[u]) for u in chosen])
                for phrase, chosen in groups],
        attached="(Kèm theo Biên bản họp bình xét, suy tôn của Cụm và báo cáo thành tích của các tập thể.)",
        signer_capacity="TM. ỦY BAN NHÂN DÂN" if head_unit.name.startswith("UBND ") else None,
        signer_title="CHỦ TỊCH" if head_unit.name.startswith("UBND ") else "THỦ TRƯỞNG ĐƠN VỊ",
        signer_name=head.name, recipients=["Như trên;", f"Các đơn vị thành viên {row.cluster.name};", "Lưu: VT."]))
    store = attachment_store(ctx.settings)
    return [{"kind": kind.value, "filename": filename, "sha256": store.put_bytes(data), "size": len(data),
             "content_type": DOCX}
            for kind, filename, data in (
                (AttachmentKind.SUBMISSION, f"To trinh de nghi khen thuong nam {row.year}.docx", submission),
                (AttachmentKind.COUNCIL_MINUTES, f"Bien ban suy ton nam {row.year}.docx", minutes))]


def _lines(vote: ClusterVote, counts: dict[int, Counter[str]], elected: dict[int, str], base: int,
           units: dict[int, Unit]) -> list[TallyLine]:
    """Per candidate its counts, and its support for each award: a ballot for a higher award supports the
    lower ones (as the tally counts it)."""
    names = {c: ClusterVoteChoice(c).label.removeprefix("đề nghị tặng ") for c in vote.awards}
    lines = []
    for c in vote.candidates:
        count, supporting, support = counts[c["unit_id"]], 0, []
        for choice in vote.awards:
            supporting += count[choice]
            support.append(f"{names[choice]}: {supporting}/{base} ({percent_text(supporting, base)})")
        chosen = elected.get(c["unit_id"])
        lines.append(TallyLine(units[c["unit_id"]].name, c["rank"], c["total"].replace(".", ","),
                               count[ClusterVoteChoice.FLAG.value], count[ClusterVoteChoice.MERIT.value],
                               count[ClusterVoteChoice.NONE.value], support,
                               f"Suy tôn {names[chosen]}" if chosen else "Không đạt"))
    return lines


def _threshold_text(threshold: dict[str, Any]) -> str:
    words, suffix = ("từ", " trở lên") if threshold["op"] == ">=" else ("trên", "")
    share = threshold.get("fraction") or f"{threshold['percent']}%"
    of = ("số đơn vị thành viên đã bỏ phiếu" if threshold.get("base") == "present"
          else "tổng số đơn vị thành viên của cụm (đơn vị không bỏ phiếu tính là không đồng ý)")
    return f"{words} {share}{suffix} {of}"


def _decider(head_unit: Unit, organiser: Unit) -> Unit:
    """The chairman the proposal is addressed to: the first province (or ministry) above the head unit,
    else the cluster's organiser."""
    return next((u for u in [head_unit, *head_unit.ancestors()] if u.level in DECIDING_LEVELS), organiser)


def _head_person(ctx: Context, unit_id: int, preferred: int | None) -> str | None:
    """The name of the unit's head: the one who acted (closed or opened the vote) when they hold the head's
    role there, else the first head of the unit; None leaves the name to write by hand."""
    heads = ctx.session.execute(select(User.id, User.full_name).join(RoleGrant, RoleGrant.user_id == User.id)
                                .where(RoleGrant.unit_id == unit_id, RoleGrant.role == Role.HEAD, User.active)
                                .order_by(User.id)).all()
    return next((name for uid, name in heads if uid == preferred), heads[0][1] if heads else None)
