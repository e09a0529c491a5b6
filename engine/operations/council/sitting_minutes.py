"""The documents of a round's sitting: one biên bản họp Hội đồng for the whole agenda (the tally of
every name, grouped by award type, and to whom the council proposes those that passed) and the ban
kiểm phiếu's biên bản kiểm phiếu of the secret ballot. Time and place as the chair entered them."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engine.clock import LOCAL_TZ
from engine.context import Context
from engine.documents import MinutesDocument, MinutesItem, MinutesMember, render_minutes
from engine.documents.counting import CountedAward, CountedName, CountingDocument, render_counting
from engine.errors import NotFound
from engine.models import (
    CouncilSession,
    CouncilSitting,
    MemberPosition,
    SessionMember,
    SessionStatus,
    SittingSession,
    Unit,
    UnitLevel,
)
from engine.operations.council.minutes import conclusion
from engine.operations.council.sitting import counting_board, get_sitting, nominations_of
from engine.operations.council.texts import percent_text, threshold_text
from engine.rules import DecidingLevel, load_rules
from engine.storage import DOCX, NamedFile, attachment_store
from engine.text import file_name

COUNCIL = "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG"
# The levels of the tree that award each deciding level above the grassroots (as the award domain's
# routing reads the catalogue); a grassroots award is the first reviewing level's that the version allows.
ISSUING_LEVELS = {DecidingLevel.PROVINCE: {UnitLevel.PROVINCE, UnitLevel.MINISTRY},
                  DecidingLevel.PRIME_MINISTER: {UnitLevel.CENTRAL}, DecidingLevel.PRESIDENT: {UnitLevel.STATE}}


def _head_title(unit: Unit) -> str:
    return f"Chủ tịch {unit.name}" if unit.name.startswith("UBND ") else f"Thủ trưởng {unit.name}"


def proposal_text(rules: Any, unit: Unit, code: str, passed: int) -> str:
    """To whom the council proposes the names that passed: "Đề nghị Chủ tịch UBND tỉnh Bình An tặng…"
    where the unit decides the award, "Đề nghị Chủ tịch UBND xã Bình An trình Chủ tịch UBND tỉnh Bình An
    tặng…" where a level above does."""
    award = rules.award_type(code)
    whom = "trường hợp" if passed == 1 else f"{passed} trường hợp"
    if passed == 0:
        return f"Không có trường hợp nào đạt: Hội đồng không đề nghị tặng {award.name}."
    wanted = ISSUING_LEVELS.get(award.deciding_level)

    def decides(one: Unit) -> bool:
        return (wanted is None or one.level in wanted) and rules.may_decide(one.level, code)

    if decides(unit):
        return f"Hội đồng đề nghị {_head_title(unit)} tặng {award.printed_name(unit.level)} cho {whom} đạt nêu trên."
    upper = next((u for u in unit.ancestors() if decides(u)), None)
    to = (f"{_head_title(upper)} tặng {award.printed_name(upper.level)}" if upper
          else f"cấp có thẩm quyền tặng {award.name}")
    return f"Hội đồng đề nghị {_head_title(unit)} trình {to} cho {whom} đạt nêu trên."


@dataclass(frozen=True, eq=False)  # one object per group, hashed by identity
class _Group:
    """The names of one award type judged by one threshold: where the round's dossiers are of two rules
    versions giving the type different thresholds, each version's names are a group of their own."""
    code: str
    rules: Any  # the version the group's names were judged by (the newest of them when not split)
    label: str  # the award's name, with the version's first day when the type is split by version
    threshold: str


class _Sitting:
    """What both documents read, loaded once: the tallied sessions, their names, the council. Each name
    is judged by its dossier's rules version (the session keeps it): its award's name, its threshold and
    to whom the council proposes it come from that version."""

    def __init__(self, ctx: Context, sitting: CouncilSitting) -> None:
        self.sitting = sitting
        self.sessions = list(ctx.session.scalars(
            select(CouncilSession).join(SittingSession, SittingSession.session_id == CouncilSession.id)
            .where(SittingSession.sitting_id == sitting.id, CouncilSession.status == SessionStatus.TALLIED)
            .options(selectinload(CouncilSession.agenda), selectinload(CouncilSession.members)
                     .selectinload(SessionMember.user)).order_by(CouncilSession.id)))
        if not self.sessions or sitting.held_at is None:
            raise NotFound("Phiên họp chưa có biên bản (chưa kiểm phiếu).")
        unit = ctx.session.get(Unit, sitting.unit_id)
        assert unit is not None
        self.unit = unit
        catalogue = load_rules(ctx.settings.rules_dir)[0]
        versions = {s.rules_version: catalogue.version(s.rules_version) for s in self.sessions}
        # the newest of the sitting's versions speaks for the whole document (the recusal sentence)
        self.versions = sorted(versions.values(), key=lambda v: v.effective_from)
        self.rules = self.versions[-1]
        self.nominations = nominations_of(ctx, self.sessions)
        first = self.sessions[0]  # the sitting's council: every session was seated with it (sitting.py `_seat`)
        self.names = {m.user_id: m.user.full_name for m in first.members}
        self.members = sorted(first.members, key=lambda m: (list(MemberPosition).index(m.position),
                                                            self.names[m.user_id]))
        voted = [(self.nominations[i.nomination_id], i, versions[s.rules_version]) for s in self.sessions
                 for i in s.agenda if i.base is not None]
        thresholds: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for nomination, item, rules in voted:
            thresholds[nomination.award_type].add((rules.id, threshold_text(item.threshold)))
        split = {code for code, seen in thresholds.items()
                 if len({t for _, t in seen}) > 1 and len({v for v, _ in seen}) > 1}
        groups: dict[tuple[str, str | None], _Group] = {}
        self.items: list[tuple[Any, Any, _Group]] = []
        for nomination, item, rules in voted:
            code = nomination.award_type
            key = (code, rules.id if code in split else None)
            if key not in groups:
                own = rules if code in split else next(v for v in reversed(self.versions)
                                                       if (v.id, threshold_text(item.threshold)) in thresholds[code])
                name = own.award_type(code).name
                groups[key] = _Group(code, own, f"{name} (hồ sơ theo quy định áp dụng từ {own.effective_from:%d/%m/%Y})"
                                     if code in split else name, threshold_text(item.threshold))
            self.items.append((nomination, item, groups[key]))
        self.items.sort(key=lambda row: (row[2].code, row[2].rules.effective_from, not row[1].passed, row[1].id))
        self.held = sitting.held_at.astimezone(LOCAL_TZ)

    @property
    def quorum(self) -> str:
        """The quorum the sitting was held to: the strictest of its sessions' (sitting.py `_close`)."""
        return max((s.quorum for s in self.sessions), key=Fraction)

    @property
    def recusal_policy(self) -> str:
        return " ".join(dict.fromkeys(v.recusal.statement for v in self.versions))

    def nominee(self, nomination: Any) -> str:
        return ", ".join(p for p in (nomination.nominee_name, nomination.nominee_position, nomination.nominee_unit)
                         if p)


def render_sitting_minutes(ctx: Context, sitting: CouncilSitting) -> bytes:
    read = _Sitting(ctx, sitting)
    names, first = read.names, read.sessions[0]
    present = [m for m in read.members if m.present]
    chair = names[present[0].user_id]
    secretary = next((names[m.user_id] for m in present[1:] if m.position is MemberPosition.SECRETARY),
                     names[present[1].user_id] if len(present) > 1 else chair)
    items = [MinutesItem(nominee=read.nominee(n), award_name=group.label,
                         secret=i.secret, yes=i.yes or 0, no=i.no or 0, abstain=i.abstain or 0, base=i.base or 0,
                         percent=percent_text(i.yes or 0, i.base or 0), threshold=threshold_text(i.threshold),
                         passed=bool(i.passed), recused=[names[uid] for uid in i.recused])
             for n, i, group in read.items]
    by_group: dict[_Group, list[bool]] = defaultdict(list)
    for _, item, group in read.items:
        by_group[group].append(bool(item.passed))
    lines = [conclusion(sum(i.passed for i in items), len(items))]
    lines += [f"- {group.label}: {sum(flags)}/{len(flags)} trường hợp đạt. "
              + proposal_text(group.rules, read.unit, group.code, sum(flags)) for group, flags in by_group.items()]
    attending, written = first.present or 0, first.written_votes or 0
    closed = (sitting.closed_at or sitting.held_at).astimezone(LOCAL_TZ)  # type: ignore[union-attr]
    return render_minutes(MinutesDocument(
        governing_body=read.unit.spelled_name.upper(), council=COUNCIL, number=None, place=read.unit.place_name,
        held_on=read.held.date(), started_at=f"{read.held:%H} giờ {read.held:%M} phút",
        location=sitting.place or f"Trụ sở {read.unit.name}", chair=chair, secretary=secretary,
        members=[MinutesMember(name=names[m.user_id], position=m.position.label, present=bool(m.present),
                               written_vote=m.written_vote) for m in read.members],
        present=attending, written_votes=written, total_members=first.members_total,
        quorum_text=(f"Có mặt {attending}/{first.members_total} thành viên"
                     + (f", {written} thành viên vắng mặt gửi phiếu bằng văn bản" if written else
                        "; không có phiếu bằng văn bản")
                     + f"; đủ điều kiện tiến hành phiên họp (từ {read.quorum} tổng số thành viên trở lên)."),
        recusal_policy=read.recusal_policy, items=items, conclusion="\n".join(lines),
        closed_at=f"{closed:%H} giờ {closed:%M} phút" if closed.date() == read.held.date() else "cùng ngày"))


def render_counting_minutes(ctx: Context, sitting: CouncilSitting) -> bytes | None:
    """The biên bản kiểm phiếu of the secret ballot; None when nothing was put to a secret ballot."""
    read = _Sitting(ctx, sitting)
    grouped: dict[_Group, tuple[list[CountedName], list[CountedName]]] = {}
    for nomination, item, group in read.items:
        if not item.secret:
            continue
        passed, failed = grouped.setdefault(group, ([], []))
        (passed if item.passed else failed).append(CountedName(read.nominee(nomination), item.yes or 0,
                                                               item.base or 0, percent_text(item.yes or 0,
                                                                                            item.base or 0)))
    if not grouped:
        return None
    board = counting_board(ctx, sitting)
    first = read.sessions[0]
    return render_counting(CountingDocument(
        governing_body=read.unit.spelled_name.upper(), council=COUNCIL, place=read.unit.place_name,
        held_on=read.held.date(), started_at=f"{read.held:%H} giờ {read.held:%M} phút",
        location=sitting.place or f"Trụ sở {read.unit.name}",
        board=[(read.names.get(m.user_id, str(m.user_id)), "Trưởng ban" if m.head else "Thành viên") for m in board],
        total_members=first.members_total, present=first.present or 0, written_votes=first.written_votes or 0,
        awards=[CountedAward(group.label, group.threshold, passed, failed,
                             proposal_text(group.rules, read.unit, group.code, len(passed)))
                for group, (passed, failed) in grouped.items()]))


def sitting_document(ctx: Context, sitting_id: int, which: str) -> NamedFile:
    """The sitting's minutes (`minutes`) or its biên bản kiểm phiếu (`counting`), as stored at the close:
    "Biên-bản-họp-Hội-đồng-UBND-xã-Bình-Minh-đợt-xét-3.docx"."""
    sitting = get_sitting(ctx, sitting_id)
    digest = sitting.minutes_sha256 if which == "minutes" else sitting.counting_sha256
    if digest is None:
        raise NotFound("Phiên họp chưa có biên bản (chưa kiểm phiếu)." if which == "minutes"
                       else "Phiên họp không có biên bản kiểm phiếu (chưa kiểm phiếu hoặc không có phiếu kín).")
    unit = ctx.session.get(Unit, sitting.unit_id)
    assert unit is not None
    title = "Biên bản họp Hội đồng" if which == "minutes" else "Biên bản kiểm phiếu"
    name = file_name(title, unit.name, f"đợt xét {sitting.round_id}", extension="docx")
    return NamedFile(attachment_store(ctx.settings).read(digest), name, DOCX)
