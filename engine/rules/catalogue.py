"""The award catalogue and the legal parameters in force on a date, read strictly from
`workflows/rules/catalogue.yaml`: a mistake in the file stops the start, not a user's click."""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

from engine.errors import InvalidInput, NotFound
from engine.rules.calendar import WorkingCalendar
from engine.rules.criteria import Eligibility, parse_eligibility
from engine.rules.reader import Entry, load_yaml
from engine.vocabulary import AttachmentKind, DossierKind, RecusalBase, Subject, UnitLevel

CATALOGUE_FILE = "catalogue.yaml"
_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,39}")  # fits nomination.award_type
_VERSION_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")  # fits dossier.rules_version


class AwardKind(enum.StrEnum):
    TITLE = "title"  # danh hiệu thi đua
    COMMENDATION = "commendation"  # hình thức khen thưởng


class DecidingLevel(enum.StrEnum):
    GRASSROOTS = "grassroots"  # head of a unit, chairman of a commune
    PROVINCE = "province"  # chairman of a province, a minister
    PRIME_MINISTER = "prime_minister"
    PRESIDENT = "president"


class Comparison(enum.StrEnum):
    GREATER = ">"
    AT_LEAST = ">="


class VoteBase(enum.StrEnum):
    MEMBERS = "members"  # the council's total membership; absent members vote in writing
    PRESENT = "present"  # the members who took part: present at the sitting or voting in writing


@dataclass(frozen=True)
class Threshold:
    """A share of the base, given as a percentage (`percent: 90`) or, where a percentage cannot say it
    exactly, as a fraction (`fraction: "2/3"`: 4 of 6 meets "≥ 2/3", 67% would not)."""

    op: Comparison
    percent: int | None
    base: VoteBase = VoteBase.MEMBERS
    fraction: Fraction | None = None

    @property
    def ratio(self) -> Fraction:
        if self.fraction is not None:
            return self.fraction
        assert self.percent is not None
        return Fraction(self.percent, 100)

    @property
    def share_text(self) -> str:
        """"90%", "2/3"."""
        if self.fraction is not None:
            return f"{self.fraction.numerator}/{self.fraction.denominator}"
        return f"{self.percent}%"

    def as_json(self) -> dict[str, Any]:
        """What an agenda item keeps of it (engine/models/council.py)."""
        stored: dict[str, Any] = {"op": self.op.value, "percent": self.percent, "base": self.base.value}
        if self.fraction is not None:
            stored["fraction"] = self.share_text
        return stored

    @classmethod
    def from_json(cls, stored: dict[str, Any]) -> Threshold:
        fraction = stored.get("fraction")
        return cls(Comparison(stored["op"]), stored.get("percent"), VoteBase(stored.get("base", "members")),
                   Fraction(fraction) if fraction else None)


def passes(threshold: Threshold, yes: int, base: int) -> bool:
    """Whether `yes` votes out of `base` meet the threshold, in exact integers (9/10 meets ≥ 90%, 4/6 ≥ 2/3)."""
    if base <= 0 or not 0 <= yes <= base:
        raise ValueError(f"impossible tally: {yes} yes out of {base}")
    ratio = threshold.ratio
    votes, needed = yes * ratio.denominator, ratio.numerator * base
    return votes > needed if threshold.op is Comparison.GREATER else votes >= needed


@dataclass(frozen=True)
class Recusal:
    same_unit: bool  # a member working at the nominee's (proposing) unit is recused too
    base: RecusalBase

    def denominator(self, members: int, recused: int) -> int:
        return members - recused if self.base is RecusalBase.MEMBERS_NOT_RECUSED else members

    @property
    def statement(self) -> str:
        """The sentence the minutes state."""
        who = ("Thành viên là người được đề nghị hoặc công tác tại đơn vị đề nghị"
               if self.same_unit else "Thành viên là người được đề nghị")
        effect = ("không biểu quyết đề nghị đó và không được tính vào tổng số thành viên khi tính tỷ lệ"
                  if self.base is RecusalBase.MEMBERS_NOT_RECUSED else
                  "không biểu quyết đề nghị đó nhưng vẫn được tính vào tổng số thành viên khi tính tỷ lệ")
        return f"{who} {effect}."


class DayCount(enum.StrEnum):
    CALENDAR = "calendar"  # every day counts
    WORKING = "working"  # working days on the public-holiday calendar (holidays.yaml)


@dataclass(frozen=True)
class StatutoryPeriod:
    """A period the law sets, with how its days count and the article that sets it."""

    days: int
    count: DayCount
    basis: str  # the citation, e.g. "Luật Khiếu nại 2011, Điều 27"

    def last_day(self, start: date, calendar: WorkingCalendar) -> date:
        """The last day of the period that starts the day after `start`."""
        if self.count is DayCount.WORKING:
            return calendar.add_working_days(start, self.days)
        return start + timedelta(days=self.days)


@dataclass(frozen=True)
class StateAwardStep:
    """One step of the forwarding level before a state-level decision (workflows/state_award.bpmn)."""

    period: StatutoryPeriod
    confirmed: bool  # the figure checked against the text in force (docs/procedure.md lists it)


@dataclass(frozen=True)
class StateAwardSteps:
    """The steps a province takes for a nomination it forwards beyond the tree, each with its period
    counted from the day the previous step was due; the Party committee's opinion only for `party_award_types`."""

    consultation: StateAwardStep  # hiệp y of the agencies concerned
    party_opinion: StateAwardStep  # ý kiến Ban Thường vụ Tỉnh ủy
    submission: StateAwardStep  # tờ trình and list to the central level
    party_award_types: frozenset[str]


@dataclass(frozen=True)
class EscalationWindow:
    """Calendar days to take a complaint to the second instance."""

    normal: int
    remote: int  # vùng sâu, vùng xa
    basis: str

    def days(self, remote: bool) -> int:
        return self.remote if remote else self.normal


DENUNCIATION_EXTENDED = "denunciation_extended"  # acceptance key: initial handling extended (several places)


@dataclass(frozen=True)
class ComplaintDeadlines:
    """Calendar days (Luật Khiếu nại 2011, Luật Tố cáo 2018)."""

    filing: int  # a complaint must be filed within this many days of the decision
    first: dict[str, int]  # normal, complex, remote, remote_complex
    second: dict[str, int]
    denunciation: int
    extension: int  # days of each written extension of a denunciation
    max_extensions: dict[str, int]  # complex, especially_complex

    # from the first-instance result, or from the end of its resolution period passed without one
    escalation: EscalationWindow = EscalationWindow(30, 45, "Luật Khiếu nại 2011, Điều 33 khoản 1")
    # by kind ("complaint", "denunciation"): the period to accept or refuse a filing, from its receipt;
    # "denunciation_extended", when given: the longest the officer may extend a denunciation's to
    acceptance: dict[str, StatutoryPeriod] = field(default_factory=dict)

    def resolution_days(self, level: int, complex_case: bool, remote: bool) -> int:
        table = self.first if level == 1 else self.second
        key = {(False, False): "normal", (True, False): "complex", (False, True): "remote",
               (True, True): "remote_complex"}[(complex_case, remote)]
        return table[key]


@dataclass(frozen=True)
class Quorum:
    fraction: Fraction

    def met(self, present: int, members: int) -> bool:
        """At least `fraction` of the members present (exact arithmetic)."""
        return members > 0 and present * self.fraction.denominator >= self.fraction.numerator * members


@dataclass(frozen=True)
class AppraisalDeadlines:
    """Working days for the appraisal at each reviewing level."""

    commune: int
    province: int
    province_to_prime_minister: int
    national: int


@dataclass(frozen=True)
class Deadlines:
    appraisal: AppraisalDeadlines
    notify_result: int  # working days to notify the proposer of the result
    supplement: int  # working days the proposer has to answer a supplement request before the office is alerted


@dataclass(frozen=True)
class Disclosure:
    """Where the list of a type's nominations is published, beyond `disclosure_days`: the working days a
    unit of a given level discloses (0: that level does not), and the article that asks for it."""

    by_level: tuple[tuple[UnitLevel, int], ...] = ()
    basis: str = ""
    confirmed: bool = False

    @property
    def by_level_map(self) -> dict[str, int]:
        return {level.value: days for level, days in self.by_level}


@dataclass(frozen=True)
class AwardType:
    code: str
    name: str
    kind: AwardKind
    subject: Subject
    deciding_level: DecidingLevel
    council_vote: bool
    secret_ballot: bool
    approval_threshold: Threshold | None
    disclosure_days: int
    required_documents: tuple[AttachmentKind, ...]
    # The name a decision prints when a unit of that level issues it ("Bằng khen của Chủ tịch Ủy ban
    # nhân dân tỉnh" or "… của Bộ trưởng" for BK_TINH); `name` where the level has none.
    printed_names: tuple[tuple[UnitLevel, str], ...] = ()
    # The levels of the tree that may decide it when only some may (GK_SO: a Sở); () : as the level says.
    decided_by: tuple[UnitLevel, ...] = ()
    # The threshold the council of a unit of that level applies, where it differs from
    # `approval_threshold` (a commune's council may vote differently from the province's).
    thresholds_by_level: tuple[tuple[UnitLevel, Threshold], ...] = ()
    # The disclosure of a level that differs from `disclosure_days` (CSTD_TQ: published by the ministry or
    # province with the Huân chương), with its article; None: `disclosure_days` at every level.
    disclosure: Disclosure | None = None

    def disclosure_days_at(self, level: UnitLevel | str) -> int:
        """Working days a unit of `level` publishes the list before its council meets (0: none)."""
        if self.disclosure is not None:
            return dict(self.disclosure.by_level).get(UnitLevel(level), self.disclosure_days)
        return self.disclosure_days

    def threshold_at(self, level: UnitLevel) -> Threshold | None:
        """The approval threshold of the council of a unit of `level`."""
        return dict(self.thresholds_by_level).get(level, self.approval_threshold)

    def printed_name(self, issuer_level: UnitLevel) -> str:
        return dict(self.printed_names).get(issuer_level, self.name)


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
DOCUMENT_PLACEHOLDERS = ("issuer", "parent")


@dataclass(frozen=True)
class DocumentWording:
    """What a decision prints for an issuer of each level: the basis of its competence, the standing
    office that proposes alongside the submitting unit, the official charged with carrying it out."""

    competence: dict[UnitLevel, tuple[str, ...]]
    standing_office: dict[UnitLevel, str]
    office_chief: dict[UnitLevel, str]

    def competence_bases(self, level: UnitLevel, issuer: str, parent: str) -> list[str]:
        return [text.format(issuer=issuer, parent=parent) for text in self.competence.get(level, ())]


@dataclass(frozen=True)
class Authority:
    """The grassroots titles and forms a level of the tree may decide, and the article that says so."""

    decides: tuple[str, ...]
    basis: str


@dataclass(frozen=True)
class SimplifiedProcedure:
    """Thủ tục đơn giản (Luật TĐKT 2022 Art. 85; NĐ 98/2023 on the simplified procedure): a nomination of
    one of `award_types` in a dossier of one of `dossier_kinds` (khen thưởng đột xuất) is reviewed without
    the council, needs only `required_documents`, and its dossier never waits for a review round."""

    dossier_kinds: frozenset[DossierKind]
    award_types: frozenset[str]
    required_documents: tuple[AttachmentKind, ...]
    basis: str
    confirmed: bool  # the list checked against the text in force (docs/rules.md says what is not)

    def applies(self, dossier_kind: DossierKind | str, code: str) -> bool:
        return DossierKind(dossier_kind) in self.dossier_kinds and code in self.award_types


@dataclass(frozen=True)
class RulesVersion:
    id: str
    effective_from: date
    effective_to: date | None  # inclusive; None: open
    legal_bases: tuple[str, ...]
    quorum: Quorum
    deadlines: Deadlines
    award_types: tuple[AwardType, ...]
    # The law's base is the council's total membership: a recused member does not shrink it unless the
    # version says so (workflows/rules/catalogue.yaml `recusal.base`).
    recusal: Recusal = Recusal(same_unit=False, base=RecusalBase.MEMBERS)
    complaints: ComplaintDeadlines | None = None
    documents: DocumentWording = DocumentWording({}, {}, {})
    eligibility: Eligibility = Eligibility()  # the criteria the pre-check reads (criteria.py)
    # Which grassroots awards a level of the tree may decide, with the article; a level absent decides all.
    authority: dict[UnitLevel, Authority] = field(default_factory=dict)
    state_award: StateAwardSteps | None = None  # the steps before a state-level decision, if set
    # The values a provincial (or sector) layer set, each with the layer's source: "deadlines.supplement",
    # "deadlines.appraisal.commune", "award_types.CSTD_TINH.approval_threshold"… (engine/rules/layers.py);
    # empty for the national version.
    sources: tuple[tuple[str, str], ...] = ()
    simplified: SimplifiedProcedure | None = None  # thủ tục đơn giản, if the version has one
    # The province's cut-off day (hạn nhận hồ sơ) per round kind, as (day, month): a layer's data only
    # (its source under "deadlines.cutoffs.<kind>"); the national version sets none.
    cutoffs: tuple[tuple[str, tuple[int, int]], ...] = ()

    def cutoff_on(self, kind: str, opened_on: date) -> date | None:
        """The cut-off of a round of `kind` opened on `opened_on`: the first of the layer's day and month on
        or after it (annual 15/01: 15/01/2027 for a round opened on 23/11/2026); None when no layer sets it."""
        day_month = dict(self.cutoffs).get(str(kind))
        if day_month is None:
            return None
        day, month = day_month
        cutoff = date(opened_on.year, month, day)
        return cutoff if cutoff >= opened_on else date(opened_on.year + 1, month, day)

    def source_of(self, key: str) -> str | None:
        """The layer's source of the value `key`, or None when the national version sets it."""
        return dict(self.sources).get(key)

    def is_simplified(self, dossier_kind: DossierKind | str, code: str) -> bool:
        """Whether a nomination of `code` in a dossier of that kind goes the simplified way."""
        return self.simplified is not None and self.simplified.applies(dossier_kind, code)

    def needs_council(self, dossier_kind: DossierKind | str, code: str) -> bool:
        """Whether the reviewing level's council votes on it: the award type's rule, never on the
        simplified procedure."""
        return self.award_type(code).council_vote and not self.is_simplified(dossier_kind, code)

    def required_documents(self, dossier_kind: DossierKind | str, code: str) -> tuple[AttachmentKind, ...]:
        """The documents a nomination of `code` needs: the simplified procedure's fewer ones where it applies."""
        if self.simplified is not None and self.simplified.applies(dossier_kind, code):
            return self.simplified.required_documents
        return self.award_type(code).required_documents

    def may_decide(self, level: UnitLevel | str, code: str) -> bool:
        """Whether a unit of `level` may decide `code` under this version (Luật TĐKT 2022 Art. 80)."""
        award_type = self.award_type(code)
        if award_type.decided_by and UnitLevel(level) not in award_type.decided_by:
            return False
        if award_type.deciding_level is not DecidingLevel.GRASSROOTS:
            return True
        rule = self.authority.get(UnitLevel(level))
        return rule is None or code in rule.decides

    def applies_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def award_types_in_force(self) -> tuple[AwardType, ...]:
        return self.award_types

    def award_type(self, code: str, on: date | None = None) -> AwardType:
        """The award type `code`; `on` (default: the version's first day) only words the refusal."""
        for award_type in self.award_types:
            if award_type.code == code:
                return award_type
        day = (on or self.effective_from).strftime("%d/%m/%Y")
        raise InvalidInput(f"Loại khen thưởng '{code}' không có trong danh mục áp dụng ngày {day}.")


@dataclass(frozen=True)
class Catalogue:
    versions: tuple[RulesVersion, ...]  # by effective_from, contiguous

    @classmethod
    def load(cls, rules_dir: Path) -> Catalogue:
        path = Path(rules_dir) / CATALOGUE_FILE
        return cls.parse(load_yaml(path), str(path))

    @classmethod
    def parse(cls, data: Any, source: str = CATALOGUE_FILE) -> Catalogue:
        root = Entry(data, source)
        root.keys("versions")
        entries = root.entries("versions")
        if not entries:
            raise root.error("cần ít nhất một phiên bản quy định.")
        versions = sorted((_version(entry, source) for entry in entries), key=lambda v: v.effective_from)
        _check_contiguous(versions, source)
        return cls(tuple(versions))

    def on(self, day: date) -> RulesVersion:
        for version in self.versions:
            if version.applies_on(day):
                return version
        raise NotFound(f"Không có phiên bản quy định thi đua, khen thưởng nào áp dụng ngày {day:%d/%m/%Y}.")

    def version(self, version_id: str) -> RulesVersion:
        for version in self.versions:
            if version.id == version_id:
                return version
        raise NotFound(f"Không có phiên bản quy định '{version_id}'.")


def _version(entry: Entry, source: str) -> RulesVersion:
    version_id = entry.text("id", pattern=_VERSION_ID)
    entry = entry.at(f"{source}, phiên bản '{version_id}'")
    entry.keys("id", "effective_from", "effective_to", "legal_bases", "quorum", "deadlines", "award_types",
               optional=("recusal", "complaints", "documents", "eligibility", "authority", "state_award",
                         "simplified"))
    effective_from = entry.day("effective_from")
    effective_to = entry.optional_day("effective_to")
    if effective_to is not None and effective_to < effective_from:
        raise entry.error("'effective_to' trước 'effective_from'.")
    legal_bases = tuple(entry.texts("legal_bases"))
    if not legal_bases:
        raise entry.error("cần ít nhất một căn cứ pháp lý ('legal_bases').")
    award_types = tuple(_award_type(item, entry.where) for item in entry.entries("award_types"))
    codes = [award_type.code for award_type in award_types]
    if duplicates := sorted({code for code in codes if codes.count(code) > 1}):
        raise entry.error(f"loại khen thưởng trùng mã: {', '.join(duplicates)}.")
    version = RulesVersion(version_id, effective_from, effective_to, legal_bases, _quorum(entry.entry("quorum")),
                           _deadlines(entry.entry("deadlines")), award_types)
    if entry.get("recusal") is not None:
        recusal = entry.entry("recusal")
        recusal.keys("same_unit", "base")
        version = replace(version, recusal=Recusal(recusal.flag("same_unit"), recusal.choice("base", RecusalBase)))
    if entry.get("complaints") is not None:
        version = replace(version, complaints=_complaints(entry.entry("complaints")))
    if entry.get("documents") is not None:
        version = replace(version, documents=_documents(entry.entry("documents")))
    if entry.get("authority") is not None:
        version = replace(version, authority=_authority(entry, set(codes)))
    if entry.get("state_award") is not None:
        version = replace(version, state_award=_state_award(entry.entry("state_award"), set(codes)))
    if entry.get("eligibility") is not None:
        version = replace(version, eligibility=parse_eligibility(entry.entry("eligibility"), set(codes)))
    if entry.get("simplified") is not None:
        version = replace(version, simplified=_simplified(entry.entry("simplified"), set(codes)))
    return version


def _simplified(entry: Entry, codes: set[str]) -> SimplifiedProcedure:
    entry.keys("dossier_kinds", "award_types", "required_documents", "basis", "confirmed")
    award_types = frozenset(entry.texts("award_types"))
    if unknown := sorted(award_types - codes):
        raise entry.error(f"loại khen thưởng không có trong danh mục: {', '.join(unknown)}.")
    documents = tuple(entry.choices("required_documents", AttachmentKind,
                                    exclude={AttachmentKind.OTHER, AttachmentKind.COUNCIL_MINUTES}))
    return SimplifiedProcedure(frozenset(entry.choices("dossier_kinds", DossierKind)), award_types, documents,
                               entry.text("basis"), entry.flag("confirmed"))


def _authority(entry: Entry, codes: set[str]) -> dict[UnitLevel, Authority]:
    table = _by_level(entry, "authority")
    found = {}
    for level in table.data:
        rule = table.entry(level)
        rule.keys("decides", "basis")
        decides = tuple(rule.texts("decides"))
        if unknown := [c for c in decides if c not in codes]:
            raise rule.error(f"không có loại khen thưởng {', '.join(unknown)} trong phiên bản này.")
        found[UnitLevel(level)] = Authority(decides, rule.text("basis"))
    return found


def _by_level(entry: Entry, key: str) -> Entry:
    table = entry.entry(key)
    levels = [level.value for level in UnitLevel]
    if unknown := sorted(str(k) for k in table.data if k not in levels):
        raise table.error(f"cấp không hợp lệ: {', '.join(unknown)}; phải là một trong: {', '.join(levels)}.")
    return table


def _checked_text(entry: Entry, key: str, text: str) -> str:
    for name in _PLACEHOLDER.findall(text):
        if name not in DOCUMENT_PLACEHOLDERS:
            raise entry.error(f"'{key}' có chỗ thay thế không biết {{{name}}}; chỉ dùng "
                              + ", ".join(f"{{{n}}}" for n in DOCUMENT_PLACEHOLDERS) + ".")
    return text


def _documents(entry: Entry) -> DocumentWording:
    entry.keys("competence", "standing_office", "office_chief")
    competence = _by_level(entry, "competence")
    offices, chiefs = _by_level(entry, "standing_office"), _by_level(entry, "office_chief")
    return DocumentWording(
        competence={UnitLevel(k): tuple(_checked_text(competence, k, t) for t in competence.texts(k))
                    for k in competence.data},
        standing_office={UnitLevel(k): offices.text(k) for k in offices.data},
        office_chief={UnitLevel(k): chiefs.text(k) for k in chiefs.data},
    )


def _complaints(entry: Entry) -> ComplaintDeadlines:
    entry.keys("filing", "first_instance", "second_instance", "denunciation", "extension", "max_extensions",
               "escalation", "acceptance")
    tables = []
    for key in ("first_instance", "second_instance"):
        table = entry.entry(key)
        table.keys("normal", "complex", "remote", "remote_complex")
        tables.append({k: table.integer(k, minimum=1) for k in ("normal", "complex", "remote", "remote_complex")})
    limits = entry.entry("max_extensions")
    limits.keys("complex", "especially_complex")
    return ComplaintDeadlines(entry.integer("filing", minimum=1), tables[0], tables[1],
                              entry.integer("denunciation", minimum=1), entry.integer("extension", minimum=1),
                              {k: limits.integer(k, minimum=0) for k in ("complex", "especially_complex")},
                              _escalation(entry.entry("escalation")), _acceptance(entry.entry("acceptance")))


def _escalation(entry: Entry) -> EscalationWindow:
    entry.keys("normal", "remote", "basis")
    return EscalationWindow(entry.integer("normal", minimum=1), entry.integer("remote", minimum=1),
                            entry.text("basis"))


def _acceptance(entry: Entry) -> dict[str, StatutoryPeriod]:
    entry.keys("complaint", "denunciation", optional=(DENUNCIATION_EXTENDED,))
    periods = {kind: _period(entry.entry(kind)) for kind in ("complaint", "denunciation")}
    if entry.get(DENUNCIATION_EXTENDED) is not None:
        longer = periods[DENUNCIATION_EXTENDED] = _period(entry.entry(DENUNCIATION_EXTENDED))
        shorter = periods["denunciation"]
        if longer.count is not shorter.count or longer.days <= shorter.days:
            raise entry.error(f"'{DENUNCIATION_EXTENDED}' phải dài hơn 'denunciation' và đếm ngày cùng một cách.")
    return periods


def _state_award(entry: Entry, codes: set[str]) -> StateAwardSteps:
    entry.keys("consultation", "party_opinion", "submission")

    def step(key: str, *extra: str) -> StateAwardStep:
        item = entry.entry(key)
        item.keys("days", "count", "basis", "confirmed", *extra)
        period = StatutoryPeriod(item.integer("days", minimum=1), item.choice("count", DayCount), item.text("basis"))
        return StateAwardStep(period, item.flag("confirmed"))

    party = entry.entry("party_opinion")
    award_types = frozenset(party.texts("award_types"))
    if unknown := sorted(award_types - codes):
        raise party.error(f"loại khen thưởng không có trong danh mục: {', '.join(unknown)}.")
    return StateAwardSteps(step("consultation"), step("party_opinion", "award_types"), step("submission"),
                           award_types)


def _period(entry: Entry) -> StatutoryPeriod:
    entry.keys("days", "count", "basis")
    return StatutoryPeriod(entry.integer("days", minimum=1), entry.choice("count", DayCount), entry.text("basis"))


def _quorum(entry: Entry) -> Quorum:
    entry.keys("fraction")
    text = entry.text("fraction", pattern=re.compile(r"[1-9][0-9]*/[1-9][0-9]*"))
    fraction = Fraction(text)
    if fraction > 1:
        raise entry.error(f"tỷ lệ '{text}' lớn hơn 1.")
    return Quorum(fraction)


def _deadlines(entry: Entry) -> Deadlines:
    entry.keys("appraisal", "notify_result", "supplement")
    appraisal = entry.entry("appraisal")
    appraisal.keys("commune", "province", "province_to_prime_minister", "national")
    return Deadlines(
        AppraisalDeadlines(*(appraisal.integer(key, minimum=1) for key in
                             ("commune", "province", "province_to_prime_minister", "national"))),
        notify_result=entry.integer("notify_result", minimum=1),
        supplement=entry.integer("supplement", minimum=1),
    )


def _award_type(entry: Entry, where: str) -> AwardType:
    code = entry.text("code", pattern=_CODE)
    entry = entry.at(f"{where}, loại khen thưởng '{code}'")
    entry.keys("code", "name", "kind", "subject", "deciding_level", "council_vote", "secret_ballot",
               "approval_threshold", "disclosure_days", "required_documents",
               optional=("printed_names", "decided_by", "disclosure"))
    council_vote, secret_ballot = entry.flag("council_vote"), entry.flag("secret_ballot")
    threshold = None if entry.get("approval_threshold") is None else _threshold(entry.entry("approval_threshold"))
    by_level: tuple[tuple[UnitLevel, Threshold], ...] = ()
    if threshold is not None and entry.entry("approval_threshold").get("by_level") is not None:
        table = _by_level(entry.entry("approval_threshold"), "by_level")
        by_level = tuple((UnitLevel(k), _threshold(table.entry(k), nested=False)) for k in table.data)
    if council_vote and threshold is None:
        raise entry.error("có biểu quyết của hội đồng nhưng thiếu 'approval_threshold'.")
    if not council_vote and (threshold is not None or secret_ballot):
        raise entry.error("không biểu quyết ('council_vote: false') thì không có ngưỡng hay bỏ phiếu kín.")
    documents = tuple(entry.choices("required_documents", AttachmentKind, exclude={AttachmentKind.OTHER}))
    return AwardType(
        code=code,
        name=entry.text("name"),
        kind=entry.choice("kind", AwardKind),
        subject=entry.choice("subject", Subject),
        deciding_level=entry.choice("deciding_level", DecidingLevel),
        council_vote=council_vote,
        secret_ballot=secret_ballot,
        approval_threshold=threshold,
        disclosure_days=entry.integer("disclosure_days", minimum=0),
        required_documents=documents,
        printed_names=_printed_names(entry) if entry.get("printed_names") is not None else (),
        decided_by=tuple(entry.choices("decided_by", UnitLevel)) if entry.get("decided_by") is not None else (),
        thresholds_by_level=by_level,
        disclosure=_disclosure(entry.entry("disclosure")) if entry.get("disclosure") is not None else None,
    )


def _disclosure(entry: Entry) -> Disclosure:
    """`{by_level: {<unit level>: days}, basis, confirmed}`; `by_level` optional."""
    entry.keys("basis", "confirmed", optional=("by_level",))
    by_level: tuple[tuple[UnitLevel, int], ...] = ()
    if entry.get("by_level") is not None:
        table = _by_level(entry, "by_level")
        by_level = tuple((UnitLevel(k), table.integer(k, minimum=0)) for k in table.data)
    return Disclosure(by_level, entry.text("basis"), entry.flag("confirmed"))


def _printed_names(entry: Entry) -> tuple[tuple[UnitLevel, str], ...]:
    table = _by_level(entry, "printed_names")
    return tuple((UnitLevel(k), table.text(k)) for k in table.data)


def _threshold(entry: Entry, nested: bool = True) -> Threshold:
    """`{op, percent | fraction, base}`, and at the top (`nested`) an optional `by_level` table of the same."""
    entry.keys("op", "base", optional=("percent", "fraction", *(("by_level",) if nested else ())))
    if (entry.get("percent") is None) == (entry.get("fraction") is None):
        raise entry.error("cần đúng một trong 'percent' hoặc 'fraction'.")
    if entry.get("fraction") is not None:
        text = entry.text("fraction", pattern=re.compile(r"[1-9][0-9]*/[1-9][0-9]*"))
        fraction = Fraction(text)
        if fraction > 1:
            raise entry.error(f"tỷ lệ '{text}' lớn hơn 1.")
        if f"{fraction.numerator}/{fraction.denominator}" != text:
            raise entry.error(f"tỷ lệ '{text}' cần viết tối giản ('{fraction.numerator}/{fraction.denominator}').")
        return Threshold(entry.choice("op", Comparison), None, entry.choice("base", VoteBase), fraction)
    percent = entry.integer("percent", minimum=1)
    if percent > 100:
        raise entry.error("'percent' phải từ 1 đến 100.")
    return Threshold(entry.choice("op", Comparison), percent, entry.choice("base", VoteBase))


def _check_contiguous(versions: list[RulesVersion], source: str) -> None:
    ids = [version.id for version in versions]
    if duplicates := sorted({i for i in ids if ids.count(i) > 1}):
        raise _error(source, f"phiên bản trùng mã: {', '.join(duplicates)}.")
    for earlier, later in zip(versions, versions[1:], strict=False):
        names = f"phiên bản '{earlier.id}' và '{later.id}'"
        if earlier.effective_to is None or later.effective_from <= earlier.effective_to:
            raise _error(source, f"{names} chồng lấn thời gian hiệu lực.")
        gap_from, gap_to = earlier.effective_to + timedelta(days=1), later.effective_from - timedelta(days=1)
        if gap_from <= gap_to:
            raise _error(source, f"{names} để hở khoảng thời gian từ {gap_from:%d/%m/%Y} đến {gap_to:%d/%m/%Y}.")


def _error(source: str, message: str) -> Exception:
    return Entry({}, source).error(message)
