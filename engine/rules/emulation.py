"""The rules of the emulation year (workflows/rules/emulation.yaml), and the two pre-check items they
drive: whether a nomination's title was registered at the start of the year, and whether a thematic
award for a movement goes to the level that launched it. Whether "not registered" blocks is a rule
of the version in force, never code."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.models import Awardee, DossierKind, Movement, Nomination, Registration
from engine.rules.catalogue import Threshold, _threshold
from engine.rules.eligibility import Check
from engine.rules.reader import Entry, load_yaml
from engine.vocabulary import ClusterVoteChoice, Result

EMULATION_FILE = "emulation.yaml"


@dataclass(frozen=True)
class ClusterVoteRules:
    """The cluster's vote (suy tôn): the award each choice proposes, the share of votes a unit needs,
    and at most how many units a choice may propose (the leading units: one flag per cluster)."""

    awards: dict[str, str]  # ClusterVoteChoice value (flag, merit) → award code of the catalogue
    threshold: Threshold
    limits: dict[str, int]


@dataclass(frozen=True)
class EmulationRules:
    effective_from: date
    effective_to: date | None
    source: str
    registered_titles: frozenset[str]
    registration_blocks: bool
    thematic_award_by_launching_level: bool
    cluster_vote: ClusterVoteRules | None = None

    def applies_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True)
class EmulationRuleBook:
    versions: tuple[EmulationRules, ...]

    def on(self, day: date) -> EmulationRules | None:
        return next((v for v in self.versions if v.applies_on(day)), None)

    @classmethod
    def parse(cls, data: Any, source: str) -> EmulationRuleBook:
        root = Entry(data, source)
        root.keys("versions")
        versions = []
        for entry in root.entries("versions"):
            entry.keys("effective_from", "effective_to", "source", "registration",
                       "thematic_award_by_launching_level", optional=("cluster_vote",))
            registration = entry.entry("registration")
            registration.keys("titles", "blocks")
            versions.append(EmulationRules(
                entry.day("effective_from"), entry.optional_day("effective_to"), entry.text("source"),
                frozenset(registration.texts("titles")), registration.flag("blocks"),
                entry.flag("thematic_award_by_launching_level"),
                _cluster_vote(entry.entry("cluster_vote")) if entry.get("cluster_vote") is not None else None))
        for before, after in zip(versions, versions[1:], strict=False):
            if before.effective_to is None or (after.effective_from - before.effective_to).days != 1:
                raise root.error(f"phiên bản từ {after.effective_from:%d/%m/%Y} phải bắt đầu ngay sau ngày kết "
                                 "thúc của phiên bản trước (không chồng lấn, không để trống).")
        if not versions:
            raise root.error("cần ít nhất một phiên bản.")
        return cls(tuple(versions))


def _cluster_vote(entry: Entry) -> ClusterVoteRules:
    entry.keys("awards", "threshold", optional=("limits",))
    choices = [c.value for c in ClusterVoteChoice if c is not ClusterVoteChoice.NONE]
    awards = entry.entry("awards")
    awards.keys(optional=choices)
    if not awards.data:
        raise awards.error("cần ít nhất một hình thức để suy tôn.")
    limits = entry.entry("limits") if entry.get("limits") is not None else None
    if limits is not None:
        limits.keys(optional=list(awards.data))
    return ClusterVoteRules({str(k): awards.text(k) for k in awards.data}, _threshold(entry.entry("threshold"), False),
                            {str(k): limits.integer(k, minimum=1) for k in limits.data} if limits else {})


@functools.lru_cache(maxsize=8)
def _load(path: Path, stamp: tuple[int, int]) -> EmulationRuleBook:
    return EmulationRuleBook.parse(load_yaml(path), str(path))


def load_emulation_rules(rules_dir: Path) -> EmulationRuleBook:
    """The rules of emulation.yaml in `rules_dir`, read again when the file changes."""
    path = (Path(rules_dir) / EMULATION_FILE).resolve()
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = (0, 0)  # the load itself says the file is missing
    return _load(path, stamp)


@dataclass(frozen=True)
class AdvisoryCheck(Check):
    """A check whose "not met" informs the officer without making the nomination not eligible."""

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "blocking": False}


def registered(session: Session, nomination: Nomination, *, year: int, rules: EmulationRules | None) -> Check | None:
    """Whether the nominee was registered for this title in `year` by its unit (or the proposing unit);
    None when the rules do not ask registration for this title."""
    if rules is None or nomination.award_type not in rules.registered_titles:
        return None
    dossier = nomination.dossier
    units = {dossier.proposing_unit_id}
    awardee = session.get(Awardee, nomination.awardee_id) if nomination.awardee_id is not None else None
    if awardee is not None and awardee.unit_id is not None:
        units.add(awardee.unit_id)
    who = [Registration.nominee_name_folded == nomination.nominee_name_folded]
    if nomination.awardee_id is not None:
        who.append(Registration.awardee_id == nomination.awardee_id)
    found = session.scalars(select(Registration).where(
        Registration.year == year, Registration.award_type == nomination.award_type,
        Registration.nominee_kind == nomination.nominee_kind, Registration.unit_id.in_(units), or_(*who),
    ).order_by(Registration.id)).first()
    kind = Check if rules.registration_blocks else AdvisoryCheck
    label = "Đã đăng ký thi đua đầu năm"
    if found is not None:
        return kind("registered", label, Result.MET,
                    f"Đã đăng ký danh hiệu năm {year} (đăng ký số {found.id}).", [f"registration:{found.id}"])
    effect = "" if rules.registration_blocks else " Theo quy định đang áp dụng, chỉ để tham khảo, không loại đề nghị."
    return kind("registered", label, Result.NOT_MET,
                f"Không có đăng ký danh hiệu này năm {year} của {nomination.nominee_name}.{effect}")


def launching_level(session: Session, nomination: Nomination, *, rules: EmulationRules | None) -> Check | None:
    """A thematic nomination naming a movement is decided by the unit that launched the movement."""
    if (rules is None or not rules.thematic_award_by_launching_level or nomination.movement_id is None
            or nomination.dossier.kind != DossierKind.THEMATIC):
        return None
    movement = session.get_one(Movement, nomination.movement_id)
    label = "Cấp phát động phong trào khen thưởng"
    deciding = nomination.deciding_unit_id or nomination.dossier.reviewing_unit_id
    if deciding == movement.unit_id:
        return Check("launching_level", label, Result.MET,
                     f"Phong trào \"{movement.theme}\" do chính cấp xét khen thưởng phát động.",
                     [f"movement:{movement.id}"])
    return Check("launching_level", label, Result.NOT_MET,
                 f"Phong trào \"{movement.theme}\" do {movement.unit.name} phát động: cấp nào phát động thi đua "
                 "thì cấp đó khen thưởng; hồ sơ cần trình đến đơn vị này.", [f"movement:{movement.id}"])


def emulation_checks(session: Session, nomination: Nomination, *, year: int, rules_dir: Path,
                     on: date) -> list[Check]:
    """The pre-check items of the emulation year for one nomination, by the rules in force on `on`."""
    rules = load_emulation_rules(rules_dir).on(on)
    found = [registered(session, nomination, year=year, rules=rules), launching_level(session, nomination, rules=rules)]
    return [check for check in found if check is not None]
