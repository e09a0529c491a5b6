"""The automatic eligibility pre-check the officer sees at `appraise`: every criterion the registry can
answer (met, not met, cannot tell), with the records it used. The officer decides; the check informs.

Only regular awards that stand count toward later ones: ad-hoc and thematic results do not
(ND 98/2023 Art. 4(3)), nor revoked awards or awards of a cancelled decision. The numbers of the
law (three consecutive years…) are constants here; the CSTD_CS quota varies and is a parameter.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from engine.models import (
    Awardee,
    AwardeeKind,
    Decision,
    DecisionStatus,
    Dossier,
    DossierKind,
    DossierStatus,
    GrantedAward,
    Initiative,
    InitiativeLevel,
    Nomination,
    NominationStatus,
    RegistryDecision,
    Unit,
)
from engine.text import fold
from engine.vocabulary import Result

LDTT, CSTD_CS, CSTD_TINH, CSTD_TQ, BK_TINH, BK_TTG = "LDTT", "CSTD_CS", "CSTD_TINH", "CSTD_TQ", "BK_TINH", "BK_TTG"
CSTD_TINH_YEARS_OF_CSTD_CS = 3  # Law 06/2022 Art. 22
CSTD_TQ_YEARS_OF_CSTD_TINH = 2  # Art. 21
BK_TTG_SPAN_YEARS, BK_TTG_CSTD_CS = 5, 3  # Art. 73, the route through BK_TINH
DEFAULT_CSTD_CS_QUOTA_PERCENT = 15
LAW = "Luật TĐKT 2022"  # Luật Thi đua, khen thưởng 06/2022/QH15

_OPEN_NOMINATION = (NominationStatus.PENDING, NominationStatus.FROZEN, NominationStatus.APPROVED,
                    NominationStatus.FORWARDED)


@dataclass(frozen=True)
class Check:
    """One criterion: `records` name what it used, as `granted_award:12`, `initiative:3`, `nomination:7`."""

    criterion: str
    label: str
    result: Result
    detail: str
    records: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"criterion": self.criterion, "label": self.label, "result": self.result.value,
                "detail": self.detail, "records": list(self.records)}


def check_nomination(session: Session, nomination: Nomination, *, year: int,
                     cstd_cs_quota_percent: int = DEFAULT_CSTD_CS_QUOTA_PERCENT) -> list[Check]:
    """The pre-check of one nomination for the achievements of `year` (the dossier's year)."""
    subject = _Subject.load(session, nomination, year, cstd_cs_quota_percent)
    checks = [_not_frozen(nomination)]
    if subject.awardee is None:
        checks.append(Check("in_registry", "Có trong sổ theo dõi khen thưởng", Result.UNKNOWN,
                            f"{subject.unknown_nominee()}: không kiểm tra được khen thưởng và sáng kiến "
                            "các năm trước."))
    elif nomination.dossier.kind == DossierKind.REGULAR:
        checks.append(_not_already_awarded(subject))
    if twice := _proposed_twice(session, nomination, year):
        checks.append(twice)
    checks.extend(_CRITERIA.get(nomination.award_type, _no_more)(subject))
    if not any(check.criterion in _INITIATIVE_CRITERIA for check in checks) and subject.linked_initiatives:
        checks.append(_initiative_used_once(subject))
    return checks


def initiative_relied_on(session: Session, nomination: Nomination, *, year: int) -> int | None:
    """The id of the initiative the nomination's title rests on (the first one its initiative
    criterion counts as met), or None: the one to mark used when the award is granted."""
    for check in check_nomination(session, nomination, year=year):
        if check.criterion in _INITIATIVE_CRITERIA and check.result is Result.MET:
            return next((int(r.split(":", 1)[1]) for r in check.records if r.startswith("initiative:")), None)
    return None


# ---- what the registry holds about the nominee -------------------------------------------------------

@dataclass(frozen=True)
class _Award:
    row: GrantedAward
    decision: str | None  # the decision's number, e.g. "12/QĐ-UBND"
    excluded: str | None  # why it does not count, or None
    recorded: RegistryDecision | None = None  # a decision recorded in the registry (imported history)

    @property
    def ref(self) -> str:
        return f"granted_award:{self.row.id}"

    @property
    def source(self) -> str:
        if self.decision:
            return f"QĐ số {self.decision}"
        if self.recorded is not None:
            return self.recorded.citation
        return "theo sổ theo dõi"


@dataclass
class _Subject:
    session: Session
    nomination: Nomination
    year: int
    quota_percent: int
    awardee: Awardee | None
    awards: list[_Award]
    initiatives: list[Initiative]

    @classmethod
    def load(cls, session: Session, nomination: Nomination, year: int, quota_percent: int) -> _Subject:
        awardee = session.get(Awardee, nomination.awardee_id) if nomination.awardee_id is not None else None
        if awardee is None:
            return cls(session, nomination, year, quota_percent, None, [], [])
        rows = session.execute(
            select(GrantedAward, Decision, RegistryDecision)
            .outerjoin(Decision, GrantedAward.decision_id == Decision.id)
            .outerjoin(RegistryDecision, GrantedAward.registry_decision_id == RegistryDecision.id)
            .where(GrantedAward.awardee_id == awardee.id, GrantedAward.nomination_id.is_distinct_from(nomination.id))
            .order_by(GrantedAward.year, GrantedAward.id)
        ).all()
        awards = [_Award(award, decision.label if decision else None, _excluded(award, decision), recorded)
                  for award, decision, recorded in rows]
        initiatives = list(session.scalars(
            select(Initiative).where(Initiative.awardee_id == awardee.id).order_by(Initiative.year, Initiative.id)
        ))
        return cls(session, nomination, year, quota_percent, awardee, awards, initiatives)

    def counting(self, award_type: str, years: Iterable[int]) -> dict[int, _Award]:
        wanted = set(years)
        held: dict[int, _Award] = {}
        for award in self.awards:
            if award.row.award_type == award_type and award.row.year in wanted and award.excluded is None:
                held.setdefault(award.row.year, award)
        return held

    def ignored(self, award_type: str, years: Iterable[int]) -> list[_Award]:
        wanted = set(years)
        return [a for a in self.awards
                if a.row.award_type == award_type and a.row.year in wanted and a.excluded is not None]

    @property
    def linked_initiatives(self) -> list[Initiative]:
        return [i for i in self.initiatives if i.used_by_nomination_id == self.nomination.id]

    def unknown_nominee(self) -> str:
        return f"'{self.nomination.nominee_name}' chưa có trong sổ theo dõi khen thưởng"

    def unknown(self, criterion: str, label: str) -> Check:
        return Check(criterion, label, Result.UNKNOWN, f"{self.unknown_nominee()} nên không kiểm tra được.")


def _excluded(award: GrantedAward, decision: Decision | None) -> str | None:
    if award.revoked_at is not None:
        return "đã bị thu hồi"
    if decision is not None and decision.status == DecisionStatus.CANCELLED:
        return f"quyết định số {decision.label} đã bị hủy"
    if award.dossier_kind != DossierKind.REGULAR:
        return f"khen thưởng {DossierKind(award.dossier_kind).label}, không tính cho khen thưởng thường xuyên"
    return None


def _years(years: Iterable[int]) -> str:
    return ", ".join(str(y) for y in sorted(years))


def _listing(award_type: str, awards: Iterable[_Award], *, reasons: bool = False) -> str:
    """`CSTD_CS các năm 2023 (QĐ số 05/QĐ-UBND), 2024 (theo sổ theo dõi)`."""
    items = sorted(awards, key=lambda a: (a.row.year, a.row.id))
    parts = [f"{a.row.year} ({a.source}{'; ' + a.excluded if reasons and a.excluded else ''})" for a in items]
    return f"{award_type} {'các năm' if len(parts) > 1 else 'năm'} {', '.join(parts)}"


def _not_counted_note(award_type: str, ignored: list[_Award]) -> str:
    return f" Không tính: {_listing(award_type, ignored, reasons=True)}." if ignored else ""


# ---- criteria ----------------------------------------------------------------------------------------

def _not_frozen(nomination: Nomination) -> Check:
    label = "Không bị khiếu nại, tố cáo đang giải quyết (NĐ 98/2023 Điều 4 khoản 4)"
    if nomination.status == NominationStatus.FROZEN:
        return Check("not_frozen", label, Result.NOT_MET, "Đang bị khiếu nại/tố cáo, tạm dừng xét.",
                     [f"nomination:{nomination.id}"])
    return Check("not_frozen", label, Result.MET, "Không có khiếu nại, tố cáo nào đang giải quyết về đề nghị này.")


def _not_already_awarded(s: _Subject) -> Check:
    award_type = s.nomination.award_type
    label = f"Chưa được tặng {award_type} cho thành tích năm {s.year} (một thành tích chỉ khen một lần)"
    held = s.counting(award_type, [s.year])
    if held:
        return Check("not_already_awarded", label, Result.NOT_MET, f"Đã có {_listing(award_type, held.values())}.",
                     [a.ref for a in held.values()])
    return Check("not_already_awarded", label, Result.MET, f"Sổ theo dõi chưa có {award_type} năm {s.year}.")


def _proposed_twice(session: Session, nomination: Nomination, year: int) -> Check | None:
    """Another open nomination, in any dossier submitted at any level, proposing the same nominee for
    the same award and year: the same person in the registry is a fault, the same name a doubt; None
    (no line in the pre-check) when there is none."""
    award_type = nomination.award_type
    label = f"Không có đề nghị {award_type} năm {year} khác cho cùng người, cùng tập thể đang được xét"
    others = session.execute(
        select(Nomination, Dossier).join(Dossier, Nomination.dossier_id == Dossier.id)
        .where(Nomination.id != nomination.id, Nomination.award_type == award_type, Dossier.year == year,
               Nomination.nominee_kind == nomination.nominee_kind, Nomination.status.in_(_OPEN_NOMINATION),
               Dossier.status.not_in((DossierStatus.DRAFT, DossierStatus.WITHDRAWN, DossierStatus.DECIDED)))
        .order_by(Nomination.id)).all()
    same = [(n, d) for n, d in others if nomination.awardee_id is not None and n.awardee_id == nomination.awardee_id]
    name = fold(nomination.nominee_name)
    alike = [(n, d) for n, d in others if (n, d) not in same and fold(n.nominee_name) == name
             and (nomination.awardee_id is None or n.awardee_id is None)]
    found = same or alike
    if not found:
        return None
    where = "; ".join(f"đề nghị số {n.id} trong hồ sơ số {d.id} «{d.title}»" for n, d in found)
    if same:
        return Check("not_proposed_twice", label, Result.NOT_MET,
                     f"{nomination.nominee_name} đang được đề nghị {award_type} năm {year} ở: {where}.",
                     [f"nomination:{n.id}" for n, _ in found])
    return Check("not_proposed_twice", label, Result.UNKNOWN,
                 f"Có đề nghị {award_type} năm {year} cho người, tập thể cùng tên ở: {where}; kiểm tra có phải "
                 "cùng một người không.", [f"nomination:{n.id}" for n, _ in found])


def _consecutive(s: _Subject, criterion: str, award_type: str, count: int, article: str) -> Check:
    years = range(s.year - count, s.year)
    label = f"{award_type} {count} năm liên tục {years[0]}–{years[-1]} ({article})"
    if s.awardee is None:
        return s.unknown(criterion, label)
    held, ignored = s.counting(award_type, years), s.ignored(award_type, years)
    records = [a.ref for a in (*held.values(), *ignored)]
    note = _not_counted_note(award_type, ignored)
    missing = [y for y in years if y not in held]
    if not missing:
        return Check(criterion, label, Result.MET, f"Có {_listing(award_type, held.values())}.{note}", records)
    having = f" Có {_listing(award_type, held.values())}." if held else ""
    return Check(criterion, label, Result.NOT_MET, f"Thiếu {award_type} năm {_years(missing)}.{having}{note}",
                 records)


def _describe(initiative: Initiative) -> str:
    return f"'{initiative.title}' ({InitiativeLevel(initiative.level).label}, {initiative.year})"


def _initiative(s: _Subject, criterion: str, levels: tuple[InitiativeLevel, ...], label: str,
                when_none: Result = Result.NOT_MET, none_detail: str = "") -> Check:
    if s.awardee is None:
        return s.unknown(criterion, label)
    candidates = [i for i in s.initiatives if i.level in levels]
    linked = [i for i in candidates if i.used_by_nomination_id == s.nomination.id]
    free = [i for i in candidates if i.used_by_nomination_id is None]
    if linked or free:
        chosen = linked or free
        how = "dùng cho đề nghị này" if linked else "chưa dùng cho danh hiệu, hình thức khen thưởng nào"
        return Check(criterion, label, Result.MET, f"Sáng kiến {', '.join(map(_describe, chosen))}: {how}.",
                     [f"initiative:{i.id}" for i in chosen])
    if candidates:
        uses = ", ".join(f"{_describe(i)} đã dùng cho {_nomination_name(s.session, i.used_by_nomination_id)}"
                         for i in candidates)
        besides = f" {none_detail}" if none_detail else ""
        return Check(criterion, label, when_none,
                     f"Sáng kiến {uses}; mỗi sáng kiến chỉ được dùng một lần, cho một danh hiệu hoặc một hình "
                     f"thức khen thưởng.{besides}", [f"initiative:{i.id}" for i in candidates])
    scope = " hoặc ".join(level.label for level in levels)
    return Check(criterion, label, when_none, none_detail or f"Sổ theo dõi không có sáng kiến {scope} nào.")


def _nomination_name(session: Session, nomination_id: int | None) -> str:
    other = session.get(Nomination, nomination_id) if nomination_id is not None else None
    if other is None:
        return f"đề nghị số {nomination_id}"
    return f"đề nghị số {other.id} ({other.award_type} năm {other.dossier.year})"


def _initiative_used_once(s: _Subject) -> Check:
    linked = s.linked_initiatives
    return Check("initiative_used_once", "Sáng kiến chỉ dùng cho một danh hiệu hoặc một hình thức khen thưởng",
                 Result.MET, f"Sáng kiến {', '.join(map(_describe, linked))} chỉ dùng cho đề nghị này.",
                 [f"initiative:{i.id}" for i in linked])


def _cstd_tinh(s: _Subject) -> list[Check]:
    return [
        _consecutive(s, "consecutive_cstd_cs", CSTD_CS, CSTD_TINH_YEARS_OF_CSTD_CS, f"{LAW} Điều 22"),
        _initiative(s, "province_initiative", (InitiativeLevel.PROVINCE, InitiativeLevel.NATIONAL),
                    "Có sáng kiến phạm vi ảnh hưởng cấp tỉnh, chưa dùng để xét khen thưởng khác "
                    f"({LAW} Điều 22)"),
    ]


def _cstd_tq(s: _Subject) -> list[Check]:
    return [
        _consecutive(s, "consecutive_cstd_tinh", CSTD_TINH, CSTD_TQ_YEARS_OF_CSTD_TINH, f"{LAW} Điều 21"),
        _initiative(s, "national_initiative", (InitiativeLevel.NATIONAL,),
                    "Có sáng kiến phạm vi ảnh hưởng toàn quốc, chưa dùng để xét khen thưởng khác "
                    f"({LAW} Điều 21)"),
    ]


def _bk_ttg(s: _Subject) -> list[Check]:
    first, last = s.year - BK_TTG_SPAN_YEARS, s.year - 1
    checks = [_holds_bk_tinh(s), Check(
        "duties_well_five_years", f"Hoàn thành tốt nhiệm vụ {BK_TTG_SPAN_YEARS} năm liên tục {first}–{last} "
        f"({LAW} Điều 73)", Result.UNKNOWN,
        "Sổ theo dõi chỉ ghi khen thưởng, không ghi kết quả đánh giá hằng năm: cơ quan thẩm định xem xét.")]
    if s.nomination.nominee_kind == AwardeeKind.INDIVIDUAL:
        checks.append(_cstd_cs_in_span(s, first, last))
    return checks


def _holds_bk_tinh(s: _Subject) -> Check:
    label = f"Đã được tặng Bằng khen cấp bộ, ngành, tỉnh ({LAW} Điều 73)"
    if s.awardee is None:
        return s.unknown("holds_bk_tinh", label)
    earlier = range(1945, s.year)  # held in any year before
    held, ignored = s.counting(BK_TINH, earlier), s.ignored(BK_TINH, earlier)
    records = [a.ref for a in (*held.values(), *ignored)]
    note = _not_counted_note(BK_TINH, ignored)
    if held:
        return Check("holds_bk_tinh", label, Result.MET, f"Có {_listing(BK_TINH, held.values())}.{note}", records)
    return Check("holds_bk_tinh", label, Result.NOT_MET, f"Sổ theo dõi không có {BK_TINH} nào được tính.{note}",
                 records)


def _cstd_cs_in_span(s: _Subject, first: int, last: int) -> Check:
    label = f"Có {BK_TTG_CSTD_CS} lần CSTD_CS trong {BK_TTG_SPAN_YEARS} năm {first}–{last} ({LAW} Điều 73)"
    if s.awardee is None:
        return s.unknown("cstd_cs_in_five_years", label)
    span = range(first, last + 1)
    held, ignored = s.counting(CSTD_CS, span), s.ignored(CSTD_CS, span)
    records = [a.ref for a in (*held.values(), *ignored)]
    found = f"Có {_listing(CSTD_CS, held.values())}." if held else f"Không có CSTD_CS nào trong {first}–{last}."
    result = Result.MET if len(held) >= BK_TTG_CSTD_CS else Result.NOT_MET
    return Check("cstd_cs_in_five_years", label, result,
                 f"{found} Cần {BK_TTG_CSTD_CS} lần, có {len(held)}.{_not_counted_note(CSTD_CS, ignored)}", records)


def _cstd_cs(s: _Subject) -> list[Check]:
    return [
        _ldtt_that_year(s),
        _initiative(s, "excellent_or_initiative", tuple(InitiativeLevel),
                    f"Hoàn thành xuất sắc nhiệm vụ hoặc có sáng kiến được công nhận ({LAW} Điều 23)",
                    when_none=Result.UNKNOWN,
                    none_detail="Sổ theo dõi không có sáng kiến chưa dùng; mức hoàn thành xuất sắc nhiệm vụ do "
                                "cơ quan thẩm định xem xét."),
        _cstd_cs_quota(s),
    ]


def _ldtt_that_year(s: _Subject) -> Check:
    label = f"Đạt danh hiệu LDTT năm {s.year} ({LAW} Điều 23)"
    if s.awardee is None:
        return s.unknown("ldtt_same_year", label)
    held, ignored = s.counting(LDTT, [s.year]), s.ignored(LDTT, [s.year])
    if held:
        return Check("ldtt_same_year", label, Result.MET, f"Có {_listing(LDTT, held.values())}.",
                     [a.ref for a in held.values()])
    if ignored:
        return Check("ldtt_same_year", label, Result.NOT_MET, f"Không tính: {_listing(LDTT, ignored, reasons=True)}.",
                     [a.ref for a in ignored])
    others = s.session.scalars(
        select(Nomination).join(Dossier, Nomination.dossier_id == Dossier.id)
        .where(Nomination.awardee_id == s.awardee.id, Nomination.award_type == LDTT, Dossier.year == s.year,
               Dossier.status != DossierStatus.WITHDRAWN)
        .order_by(Nomination.id)
    ).all()
    rejected = [n for n in others if n.status == NominationStatus.REJECTED]
    pending = [n for n in others if n.status in _OPEN_NOMINATION]
    if rejected and not pending:
        return Check("ldtt_same_year", label, Result.NOT_MET,
                     f"Đề nghị LDTT năm {s.year} (đề nghị số {rejected[-1].id}) đã bị từ chối.",
                     [f"nomination:{n.id}" for n in rejected])
    waiting = f"; đề nghị số {', '.join(str(n.id) for n in pending)} đang được xét" if pending else ""
    return Check("ldtt_same_year", label, Result.UNKNOWN,
                 f"Sổ theo dõi chưa có quyết định công nhận LDTT năm {s.year}{waiting}.",
                 [f"nomination:{n.id}" for n in pending])


def _cstd_cs_quota(s: _Subject) -> Check:
    """At most `quota_percent` of the unit's LDTT holders that year hold or are proposed for CSTD_CS."""
    dossier, percent = s.nomination.dossier, s.quota_percent
    unit_id = s.awardee.unit_id if s.awardee is not None and s.awardee.unit_id else dossier.proposing_unit_id
    unit = s.session.get(Unit, unit_id)
    unit_name = unit.name if unit is not None else f"Đơn vị số {unit_id}"
    label = f"Số CSTD_CS không quá {percent}% số người đạt LDTT của đơn vị năm {s.year}"
    ldtt = {award.awardee_id for award in _granted_in_unit(s.session, LDTT, s.year, unit_id)}
    if not ldtt:
        return Check("cstd_cs_quota", label, Result.UNKNOWN,
                     f"Sổ theo dõi chưa có người đạt LDTT năm {s.year} của {unit_name}: chưa tính được tỉ lệ.")
    granted = _granted_in_unit(s.session, CSTD_CS, s.year, unit_id)
    proposed = {n.id: n for n in s.session.scalars(
        select(Nomination).join(Dossier, Nomination.dossier_id == Dossier.id)
        .outerjoin(Awardee, Nomination.awardee_id == Awardee.id)
        .where(Nomination.award_type == CSTD_CS, Dossier.year == s.year, Nomination.status.in_(_OPEN_NOMINATION),
               or_(Nomination.dossier_id == dossier.id,
                   Dossier.status.not_in((DossierStatus.DRAFT, DossierStatus.WITHDRAWN))),
               or_(Awardee.unit_id == unit_id, and_(Nomination.awardee_id.is_(None),
                                                    Dossier.proposing_unit_id == unit_id)))
        .order_by(Nomination.id)
    )}
    proposed.setdefault(s.nomination.id, s.nomination)  # this one counts, whatever its state
    people = {a.awardee_id for a in granted} | {n.awardee_id for n in proposed.values() if n.awardee_id is not None}
    count = len(people) + sum(1 for n in proposed.values() if n.awardee_id is None)
    allowed = len(ldtt) * percent / 100
    result = Result.MET if count * 100 <= len(ldtt) * percent else Result.NOT_MET
    shown = f"{allowed:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return Check("cstd_cs_quota", label, result,
                 f"{unit_name} năm {s.year}: {len(ldtt)} người đạt LDTT, {percent}% là {shown} người; đã công "
                 f"nhận hoặc đang đề nghị CSTD_CS: {count} người (kể cả đề nghị này).",
                 [*(f"granted_award:{a.id}" for a in granted), *(f"nomination:{n}" for n in proposed)])


def _granted_in_unit(session: Session, award_type: str, year: int, unit_id: int) -> list[GrantedAward]:
    """Awards of that type and year, of people of that unit, that count (regular, standing)."""
    return list(session.scalars(
        select(GrantedAward).join(Awardee, GrantedAward.awardee_id == Awardee.id)
        .outerjoin(Decision, GrantedAward.decision_id == Decision.id)
        .where(Awardee.unit_id == unit_id, GrantedAward.award_type == award_type, GrantedAward.year == year,
               GrantedAward.dossier_kind == DossierKind.REGULAR, GrantedAward.revoked_at.is_(None),
               or_(Decision.id.is_(None), Decision.status != DecisionStatus.CANCELLED))
        .order_by(GrantedAward.id)
    ))


def _no_more(_s: _Subject) -> list[Check]:
    return []


_CRITERIA: dict[str, Callable[[_Subject], list[Check]]] = {
    CSTD_CS: _cstd_cs, CSTD_TINH: _cstd_tinh, CSTD_TQ: _cstd_tq, BK_TTG: _bk_ttg,
}
_INITIATIVE_CRITERIA = {"province_initiative", "national_initiative", "excellent_or_initiative"}
