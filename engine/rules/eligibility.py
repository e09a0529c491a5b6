"""The automatic eligibility pre-check the officer sees at `appraise`: every criterion the registry can
answer (met, not met, cannot tell), with the records it used. The officer decides; the check informs.

The criteria of each award type are data of the rules version in force for the dossier (the
`eligibility` section of workflows/rules/catalogue.yaml, read by engine/rules/criteria.py): the
numbers of the law, which years a window covers, the quota's rounding and the article each criterion
rests on. This module only evaluates them against the registry.

Only regular awards that stand count toward later ones: ad-hoc and thematic results do not
(ND 98/2023 Art. 4(3)), nor revoked awards or awards of a cancelled decision.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from engine.config import PROJECT_ROOT
from engine.errors import NotFound
from engine.models import (
    Awardee,
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
    RegistryBar,
    RegistryDecision,
    Unit,
    YearlyGrade,
)
from engine.rules import load_layers, load_rules
from engine.rules.catalogue import Catalogue
from engine.rules.criteria import CheckKind, Criterion, Eligibility, WhenNone, grade_at_least
from engine.rules.layers import Layers
from engine.text import fold
from engine.vocabulary import BarReason, Result, TaskGrade

DEFAULT_RULES_DIR = PROJECT_ROOT / "workflows" / "rules"

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


def eligibility_for(dossier: Dossier, catalogue: Catalogue, layers: Layers | None = None) -> Eligibility:
    """The criteria of the rules version the dossier keeps (fixed at submission), else of the version
    in force today; with the provincial layers in force on its submission day (today before it) for
    its proposing unit, the farthest unit's first."""
    version = None
    if dossier.rules_version:
        try:
            version = catalogue.version(dossier.rules_version)
        except NotFound:
            pass
    version = version or catalogue.on(date.today())
    if layers is None or not layers.layers:
        return version.eligibility
    day = dossier.submitted_at.date() if dossier.submitted_at else date.today()
    unit = dossier.proposing_unit
    chain = [*reversed(unit.ancestors()), unit] if unit is not None else []
    return layers.over(version.eligibility, {t.code for t in version.award_types}, [u.code for u in chain], day)


def _default_eligibility(dossier: Dossier) -> Eligibility:
    return eligibility_for(dossier, load_rules(DEFAULT_RULES_DIR)[0], load_layers(DEFAULT_RULES_DIR))


def check_nomination(session: Session, nomination: Nomination, *, year: int, rules: Eligibility | None = None,
                     cstd_cs_quota_percent: int | None = None, on: date | None = None) -> list[Check]:
    """The pre-check of one nomination for the achievements of `year` (the dossier's year), by the
    criteria of `rules` (default: the version the dossier keeps, from the shipped rules folder), on the
    day `on` (default today: the registry's barred cases in force that day); `cstd_cs_quota_percent`
    overrides the percent of quota criteria."""
    rules = rules if rules is not None else _default_eligibility(nomination.dossier)
    subject = _Subject.load(session, nomination, year)
    checks = [_not_frozen(nomination)]
    if subject.awardee is not None:
        checks.append(_not_barred(session, subject.awardee, on or date.today(), rules.not_barred_basis))
    if subject.awardee is None:
        checks.append(Check("in_registry", "Có trong sổ theo dõi khen thưởng", Result.UNKNOWN,
                            f"{subject.unknown_nominee()}: không kiểm tra được khen thưởng và sáng kiến "
                            "các năm trước."))
    elif nomination.dossier.kind == DossierKind.REGULAR:
        checks.append(_not_already_awarded(subject))
    if twice := _proposed_twice(session, nomination, year):
        checks.append(twice)
    if exclusive := rules.exclusive_with(nomination.award_type):
        if one := _one_award_per_achievement(subject, exclusive, rules.one_award_basis):
            checks.append(one)
    initiative_used = False
    for criterion in rules.of(nomination.award_type):
        if not criterion.applies_to(nomination.nominee_kind):
            continue
        if criterion.check is CheckKind.QUOTA and cstd_cs_quota_percent is not None:
            criterion = replace(criterion, percent=cstd_cs_quota_percent)
        initiative_used |= criterion.check is CheckKind.INITIATIVE
        checks.append(_EVALUATE[criterion.check](subject, criterion))
    if not initiative_used and subject.linked_initiatives:
        checks.append(_initiative_used_once(subject))
    return checks


def achievement_conflict(session: Session, nomination: Nomination, *, year: int, rules: Eligibility) -> Check | None:
    """The nominee already holds, or is proposed in an open dossier (or this one) for, another form of
    the same group for the same year's achievement: what `submit` refuses (Luật TĐKT 2022 Art. 5(2))."""
    others = rules.exclusive_with(nomination.award_type)
    if not others or nomination.awardee_id is None:
        return None
    return _one_award_per_achievement(_Subject.load(session, nomination, year), others, rules.one_award_basis)


def initiative_relied_on(session: Session, nomination: Nomination, *, year: int,
                         rules: Eligibility | None = None) -> int | None:
    """The id of the initiative the nomination's title rests on (the first one its initiative
    criterion counts as met), or None: the one to mark used when the award is granted."""
    rules = rules if rules is not None else _default_eligibility(nomination.dossier)
    initiative_ids = {c.id for c in rules.of(nomination.award_type) if c.check is CheckKind.INITIATIVE}
    for check in check_nomination(session, nomination, year=year, rules=rules):
        if check.criterion in initiative_ids and check.result is Result.MET:
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
    awardee: Awardee | None
    awards: list[_Award]
    initiatives: list[Initiative]
    grades: dict[int, YearlyGrade]

    @classmethod
    def load(cls, session: Session, nomination: Nomination, year: int) -> _Subject:
        awardee = session.get(Awardee, nomination.awardee_id) if nomination.awardee_id is not None else None
        if awardee is None:
            return cls(session, nomination, year, None, [], [], {})
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
        grades = {g.year: g for g in session.scalars(select(YearlyGrade).where(YearlyGrade.awardee_id == awardee.id))}
        return cls(session, nomination, year, awardee, awards, initiatives, grades)

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


def _not_barred(session: Session, awardee: Awardee, day: date, basis: str) -> Check:
    """The registry's dated flags in force on `day`: under disciplinary review, investigation, inspection,
    or a petition under verification (set and lifted by the standing office)."""
    label = ("Không đang bị xem xét kỷ luật, điều tra, thanh tra, kiểm tra hoặc có đơn thư đang xác minh "
             f"({basis})")
    bars = session.scalars(select(RegistryBar).where(RegistryBar.awardee_id == awardee.id)
                           .order_by(RegistryBar.from_date, RegistryBar.id)).all()
    active = [b for b in bars if b.in_force_on(day)]
    if not active:
        return Check("not_barred", label, Result.MET,
                     f"Sổ theo dõi không ghi trường hợp nào đang có hiệu lực ngày {day:%d/%m/%Y}.")
    found = "; ".join(f"{BarReason(b.reason).label} từ ngày {b.from_date:%d/%m/%Y} ({b.note.rstrip('.')})"
                      for b in active)
    return Check("not_barred", label, Result.NOT_MET, f"{awardee.name} {found}.",
                 [f"registry_bar:{b.id}" for b in active])


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


def _one_award_per_achievement(s: _Subject, others: tuple[str, ...], basis: str) -> Check | None:
    """The same nominee, year and kind of achievement already holds, or is proposed in an open dossier for,
    another form of the same group (a Giấy khen and a Bằng khen for one achievement); None when not."""
    nomination, kind = s.nomination, s.nomination.dossier.kind
    label = (f"Một thành tích chỉ được một hình thức khen thưởng: không đồng thời {nomination.award_type} và "
             f"{', '.join(others)} cho thành tích năm {s.year} ({basis})")
    held = [a for a in s.awards if a.row.award_type in others and a.row.year == s.year and a.excluded is None
            and a.row.dossier_kind == kind]
    proposed = [] if nomination.awardee_id is None else list(s.session.scalars(
        select(Nomination).join(Dossier, Nomination.dossier_id == Dossier.id)
        .where(Nomination.id != nomination.id, Nomination.awardee_id == nomination.awardee_id,
               Nomination.award_type.in_(others), Dossier.year == s.year, Dossier.kind == kind,
               Nomination.status.in_(_OPEN_NOMINATION),
               or_(Dossier.id == nomination.dossier_id,
                   Dossier.status.not_in((DossierStatus.DRAFT, DossierStatus.WITHDRAWN, DossierStatus.DECIDED))))
        .order_by(Nomination.id)))
    if not held and not proposed:
        return None
    found = [f"{a.row.award_type} năm {a.row.year} ({a.source})" for a in held]
    found += [f"đề nghị số {n.id} ({n.award_type}) trong hồ sơ số {n.dossier_id}" for n in proposed]
    return Check("one_award_per_achievement", label, Result.NOT_MET,
                 f"{nomination.nominee_name} đã có hoặc đang được đề nghị: {'; '.join(found)}.",
                 [*(a.ref for a in held), *(f"nomination:{n.id}" for n in proposed)])


def _cite(criterion: Criterion) -> str:
    """The article, and the provincial layer that set the values when one did."""
    return f"({criterion.basis}; mức theo {criterion.source})" if criterion.source else f"({criterion.basis})"


def _span(window: range) -> str:
    return str(window[0]) if len(window) == 1 else f"{window[0]}–{window[-1]}"


def _held_in(s: _Subject, codes: tuple[str, ...], window: range) -> tuple[dict[int, _Award], list[_Award]]:
    """The years of `window` holding one of `codes` (the first counting award of each), and those not counted."""
    held: dict[int, _Award] = {}
    ignored: list[_Award] = []
    for code in codes:
        for year, award in s.counting(code, window).items():
            held.setdefault(year, award)
        ignored += s.ignored(code, window)
    return held, ignored


def _awards_in_window(s: _Subject, c: Criterion) -> Check:
    window, names = c.window(s.year), "/".join(c.awards)
    alternative = "/".join(c.alternative_awards)
    if c.count == c.years:
        label = c.label or (f"{names} năm {_span(window)}" if c.years == 1 else
                            f"{names} {c.years} năm liên tục {_span(window)}")
    else:
        label = c.label or f"Có {c.count} lần {names} trong {c.years} năm {_span(window)}"
    if alternative and not c.label:
        label += f" hoặc {c.alternative_count} lần {alternative}"
    label = label if c.label else f"{label} {_cite(c)}"
    if s.awardee is None:
        return s.unknown(c.id, label)
    held, ignored = _held_in(s, c.awards, window)
    other, other_ignored = _held_in(s, c.alternative_awards, window) if alternative else ({}, [])
    records = [a.ref for a in (*held.values(), *ignored, *other.values(), *other_ignored)]
    note = _not_counted_note(names, ignored) + (_not_counted_note(alternative, other_ignored) if alternative else "")
    having = f"Có {_listing(names, held.values())}." if held else f"Không có {names} nào trong {_span(window)}."
    if alternative:
        having += (f" Có {_listing(alternative, other.values())}." if other else
                   f" Không có {alternative} nào trong {_span(window)}.")
        if len(other) >= c.alternative_count:
            return Check(c.id, label, Result.MET, f"{having}{note}", records)
    if c.count == c.years:
        missing = [y for y in window if y not in held]
        if not missing:
            return Check(c.id, label, Result.MET, f"{having}{note}", records)
        extra = f" {having}" if held or alternative else ""
        return Check(c.id, label, Result.NOT_MET, f"Thiếu {names} năm {_years(missing)}.{extra}{note}", records)
    result = Result.MET if len(held) >= c.count else Result.NOT_MET
    needed = f"Cần {c.count} lần {names}" + (f" hoặc {c.alternative_count} lần {alternative}" if alternative else "")
    return Check(c.id, label, result, f"{having} {needed}, có {len(held)}.{note}"
                 if alternative else f"{having} Cần {c.count} lần, có {len(held)}.{note}", records)


def _prior_award(s: _Subject, c: Criterion) -> Check:
    """One of `awards` held before the window: the window is the years that follow it."""
    window, names = c.window(s.year), "/".join(c.awards)
    before = window[0] - 1
    label = c.label or (f"Đã được tặng {names} từ năm {before} trở về trước, rồi {c.years} năm tiếp theo "
                        f"{_span(window)} {_cite(c)}")
    if s.awardee is None:
        return s.unknown(c.id, label)
    earlier = range(1945, before + 1)
    held: dict[int, _Award] = {}
    ignored: list[_Award] = []
    for code in c.awards:
        held.update(s.counting(code, earlier))
        ignored += s.ignored(code, earlier)
    later = [a for code in c.awards for a in s.counting(code, window).values()]
    records = [a.ref for a in (*held.values(), *ignored, *later)]
    note = _not_counted_note(names, ignored)
    if held:
        return Check(c.id, label, Result.MET, f"Có {_listing(names, held.values())}.{note}", records)
    too_late = (f" {_listing(names, later)} chưa đủ {c.years} năm tiếp theo đến năm {window[-1]}." if later else "")
    return Check(c.id, label, Result.NOT_MET,
                 f"Sổ theo dõi không có {names} nào được tính từ năm {before} trở về trước.{too_late}{note}", records)


def _grades(s: _Subject, c: Criterion) -> Check:
    window, floor = c.window(s.year), TaskGrade(c.at_least)
    scope = f"năm {_span(window)}" if c.years == 1 else f"{c.years} năm liên tục {_span(window)}"
    if c.count == c.years:
        label = c.label or f"Xếp loại từ {floor.label} trở lên {scope} {_cite(c)}"
    else:
        label = c.label or f"Ít nhất {c.count} năm {floor.label} trong {c.years} năm {_span(window)} {_cite(c)}"
    if s.awardee is None:
        return s.unknown(c.id, label)
    good = [y for y in window if y in s.grades and grade_at_least(s.grades[y].grade, floor)]
    below = [y for y in window if y in s.grades and y not in good]
    missing = [y for y in window if y not in s.grades]
    records = [f"yearly_grade:{s.grades[y].id}" for y in window if y in s.grades]
    parts = [f"năm {y}: {TaskGrade(s.grades[y].grade).label}" for y in window if y in s.grades]
    recorded = f"Sổ theo dõi ghi {'; '.join(parts)}." if parts else "Sổ theo dõi chưa ghi xếp loại năm nào."
    absent = f" Chưa có xếp loại năm {_years(missing)}." if missing and parts else ""
    if len(good) >= c.count:
        return Check(c.id, label, Result.MET, f"{recorded}{absent}", records)
    if len(good) + len(missing) >= c.count:
        return Check(c.id, label, Result.UNKNOWN, f"{recorded}{absent} Cơ quan thẩm định xem xét.", records)
    return Check(c.id, label, Result.NOT_MET, f"{recorded}{absent} Năm {_years(below)} dưới mức {floor.label}.",
                 records)


def _assessment(s: _Subject, c: Criterion) -> Check:
    return Check(c.id, f"{c.label} {_cite(c)}", Result.UNKNOWN,
                 "Sổ theo dõi không ghi được tiêu chí này: cơ quan thẩm định xem xét.")


def _initiative_criterion(s: _Subject, c: Criterion) -> Check:
    scope = " hoặc ".join(InitiativeLevel(level).label for level in c.levels)
    if c.when_none is WhenNone.UNKNOWN:
        label = c.label or (f"Có sáng kiến được công nhận và áp dụng ({scope}) hoặc đề tài nghiên cứu khoa học "
                            f"đã nghiệm thu và áp dụng, chưa dùng để xét khen thưởng khác {_cite(c)}")
        detail = ("Sổ theo dõi không có sáng kiến chưa dùng; đề tài nghiên cứu khoa học đã nghiệm thu và áp dụng "
                  "(nếu có) do cơ quan thẩm định xem xét. Hoàn thành xuất sắc nhiệm vụ không thay được sáng kiến.")
        return _initiative(s, c.id, c.levels, label, when_none=Result.UNKNOWN, none_detail=detail)
    label = c.label or f"Có sáng kiến phạm vi ảnh hưởng {scope}, chưa dùng để xét khen thưởng khác {_cite(c)}"
    return _initiative(s, c.id, c.levels, label)


def _held_same_year(s: _Subject, c: Criterion) -> Check:
    names = " hoặc ".join(c.awards)
    label = c.label or f"Đạt danh hiệu {names} năm {s.year} {_cite(c)}"
    if s.awardee is None:
        return s.unknown(c.id, label)
    held: list[_Award] = []
    ignored: list[_Award] = []
    for code in c.awards:
        held += s.counting(code, [s.year]).values()
        ignored += s.ignored(code, [s.year])
    if held:
        return Check(c.id, label, Result.MET, f"Có {_listing(names, held)}.", [a.ref for a in held])
    if ignored:
        return Check(c.id, label, Result.NOT_MET, f"Không tính: {_listing(names, ignored, reasons=True)}.",
                     [a.ref for a in ignored])
    others = s.session.scalars(
        select(Nomination).join(Dossier, Nomination.dossier_id == Dossier.id)
        .where(Nomination.awardee_id == s.awardee.id, Nomination.award_type.in_(c.awards), Dossier.year == s.year,
               Dossier.status != DossierStatus.WITHDRAWN)
        .order_by(Nomination.id)
    ).all()
    rejected = [n for n in others if n.status == NominationStatus.REJECTED]
    pending = [n for n in others if n.status in _OPEN_NOMINATION]
    if rejected and not pending:
        return Check(c.id, label, Result.NOT_MET,
                     f"Đề nghị {rejected[-1].award_type} năm {s.year} (đề nghị số {rejected[-1].id}) đã bị từ chối.",
                     [f"nomination:{n.id}" for n in rejected])
    waiting = f"; đề nghị số {', '.join(str(n.id) for n in pending)} đang được xét" if pending else ""
    return Check(c.id, label, Result.UNKNOWN,
                 f"Sổ theo dõi chưa có quyết định công nhận {names} năm {s.year}{waiting}.",
                 [f"nomination:{n.id}" for n in pending])


def _quota(s: _Subject, c: Criterion) -> Check:
    """At most `percent` of the unit's holders of `of` that year hold or are proposed for this title,
    the remainder rounded as the rules say."""
    code = s.nomination.award_type
    dossier = s.nomination.dossier
    unit_id = s.awardee.unit_id if s.awardee is not None and s.awardee.unit_id else dossier.proposing_unit_id
    unit = s.session.get(Unit, unit_id)
    unit_name = unit.name if unit is not None else f"Đơn vị số {unit_id}"
    label = c.label or f"Số {code} không quá {c.percent}% số người đạt {c.of} của đơn vị năm {s.year} {_cite(c)}"
    holders = {award.awardee_id for award in _granted_in_unit(s.session, c.of, s.year, unit_id)}
    if not holders:
        return Check(c.id, label, Result.UNKNOWN,
                     f"Sổ theo dõi chưa có người đạt {c.of} năm {s.year} của {unit_name}: chưa tính được tỉ lệ.")
    granted = _granted_in_unit(s.session, code, s.year, unit_id)
    proposed = {n.id: n for n in s.session.scalars(
        select(Nomination).join(Dossier, Nomination.dossier_id == Dossier.id)
        .outerjoin(Awardee, Nomination.awardee_id == Awardee.id)
        .where(Nomination.award_type == code, Dossier.year == s.year, Nomination.status.in_(_OPEN_NOMINATION),
               or_(Nomination.dossier_id == dossier.id,
                   Dossier.status.not_in((DossierStatus.DRAFT, DossierStatus.WITHDRAWN))),
               or_(Awardee.unit_id == unit_id, and_(Nomination.awardee_id.is_(None),
                                                    Dossier.proposing_unit_id == unit_id)))
        .order_by(Nomination.id)
    )}
    proposed.setdefault(s.nomination.id, s.nomination)  # this one counts, whatever its state
    people = {a.awardee_id for a in granted} | {n.awardee_id for n in proposed.values() if n.awardee_id is not None}
    count = len(people) + sum(1 for n in proposed.values() if n.awardee_id is None)
    allowed = c.allowed(len(holders))
    exact = f"{len(holders) * c.percent / 100:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    rounding = {"up": "làm tròn lên", "down": "làm tròn xuống", "half_up": "làm tròn"}[c.rounding.value]
    floor = f", tối thiểu {c.minimum}" if c.minimum else ""
    result = Result.MET if count <= allowed else Result.NOT_MET
    return Check(c.id, label, result,
                 f"{unit_name} năm {s.year}: {len(holders)} người đạt {c.of}, {c.percent}% là {exact} người, "
                 f"{rounding}{floor}: được {allowed} người; đã công nhận hoặc đang đề nghị {code}: {count} người "
                 "(kể cả đề nghị này).",
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


_EVALUATE = {
    CheckKind.HELD_SAME_YEAR: _held_same_year,
    CheckKind.INITIATIVE: _initiative_criterion,
    CheckKind.AWARDS_IN_WINDOW: _awards_in_window,
    CheckKind.GRADES: _grades,
    CheckKind.PRIOR_AWARD: _prior_award,
    CheckKind.QUOTA: _quota,
    CheckKind.ASSESSMENT: _assessment,
}
