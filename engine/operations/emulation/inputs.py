"""What the emulation year's pages and API send, typed: a plan, a task and its follow-up, a movement,
an answer to one, registrations, a cluster's year and its scores. Every limit named once; each reader
refuses with every fault at once by field."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.models import AwardeeKind, ClusterKind, MovementKind, TaskGrade
from engine.operations.inputs import Faults, at, boolean, choice, day, identifier, integer, items, mapping, text

MAX_TITLE = 500
MAX_NUMBER = 60
MAX_TEXT = 8000
MAX_NAME = 300
MAX_POSITION = 200
MAX_AWARD_CODE = 40
MAX_REGISTRATIONS = 2000
MAX_SCORES = 500
MAX_CRITERIA = 200
MAX_POINTS = Decimal("1000")
MIN_YEAR, MAX_YEAR = 2000, 2100
REFUSED = "Thông tin không hợp lệ; xem lỗi từng trường."

PLAN_FIELDS = ("unit", "year", "title", "document_number", "document_date", "registration_due_on")
TASK_FIELDS = ("title", "owner_unit", "due_on")
FOLLOW_FIELDS = ("done_on", "note")
MOVEMENT_FIELDS = ("unit", "kind", "theme", "content", "criteria", "starts_on", "ends_on", "parent")
RESPONSE_FIELDS = ("unit", "commitment", "report")
REGISTRATION_FIELDS = ("kind", "name", "position", "award_type", "awardee", "movement")
REGISTRATIONS_FIELDS = ("unit", "year", "registrations")
CLUSTER_FIELDS = ("name", "kind", "organiser_unit", "year", "members", "head_unit", "deputy_unit", "pact_number",
                  "pact_signed_on", "sheet")
CRITERION_FIELDS = ("code", "group", "title", "max_points", "kind", "evidence_required")
SCORE_FIELDS = ("criterion", "points", "evidence")
ADJUST_FIELDS = ("unit", "criterion", "points", "reason")
CRITERION_KINDS = ("score", "bonus", "penalty")


@dataclass(frozen=True)
class PlanInput:
    unit_id: int
    year: int
    title: str
    document_number: str | None
    document_date: date | None
    registration_due_on: date | None


@dataclass(frozen=True)
class TaskInput:
    title: str
    owner_unit_id: int
    due_on: date


@dataclass(frozen=True)
class FollowInput:
    done_on: date | None
    note: str | None


@dataclass(frozen=True)
class MovementInput:
    unit_id: int
    kind: MovementKind
    theme: str
    content: str | None
    criteria: str | None
    starts_on: date
    ends_on: date | None
    parent_id: int | None


@dataclass(frozen=True)
class ResponseInput:
    unit_id: int
    commitment: str | None
    report: str | None


@dataclass(frozen=True)
class RegistrationLine:
    kind: AwardeeKind
    name: str
    position: str | None
    award_type: str
    awardee_id: int | None
    movement_id: int | None


@dataclass(frozen=True)
class RegistrationsInput:
    unit_id: int
    year: int
    lines: list[RegistrationLine]


@dataclass(frozen=True)
class Criterion:
    code: str
    group: str
    title: str
    max_points: Decimal
    kind: str  # score | bonus | penalty
    evidence_required: bool

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "group": self.group, "title": self.title, "max_points": str(self.max_points),
                "kind": self.kind, "evidence_required": self.evidence_required}


@dataclass(frozen=True)
class ClusterInput:
    name: str
    kind: ClusterKind
    organiser_unit_id: int
    year: int
    members: list[int]
    head_unit_id: int
    deputy_unit_id: int | None
    pact_number: str | None
    pact_signed_on: date | None
    sheet: list[Criterion]


@dataclass(frozen=True)
class ScoreLine:
    criterion: str
    points: Decimal
    evidence: str | None


@dataclass(frozen=True)
class AdjustInput:
    unit_id: int
    criterion: str
    points: Decimal
    reason: str


def _year(value: Any, path: str, faults: Faults) -> int | None:
    return integer(value, path, faults, low=MIN_YEAR, high=MAX_YEAR, digits=True)


def points(value: Any, path: str, faults: Faults, *, high: Decimal = MAX_POINTS) -> Decimal | None:
    """Points with at most two decimals, from 0 to `high` (a number or its text, "7,5" too)."""
    if value is None or value == "":
        faults.add(path, "Bắt buộc nhập.")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        faults.add(path, "Cần một số.", form=True)
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        faults.add(path, "Cần một số.")
        return None
    if not number.is_finite() or not Decimal(0) <= number <= high:
        faults.add(path, f"Phải từ 0 đến {high}.")
        return None
    if number != number.quantize(Decimal("0.01")):
        faults.add(path, "Tối đa hai chữ số thập phân.")
        return None
    return number.quantize(Decimal("0.01"))


def read_plan(raw: Any) -> PlanInput:
    faults = Faults(form_first=True)
    body = mapping(raw, "", faults, PLAN_FIELDS)
    unit = identifier(body.get("unit"), "unit", faults, required=True, digits=True)
    year = _year(body.get("year"), "year", faults)
    title = text(body.get("title"), "title", faults, high=MAX_TITLE)
    number = text(body.get("document_number"), "document_number", faults, high=MAX_NUMBER, required=None)
    signed = day(body.get("document_date"), "document_date", faults)
    due = day(body.get("registration_due_on"), "registration_due_on", faults)
    faults.refuse(REFUSED)
    assert unit is not None and year is not None and title is not None
    return PlanInput(unit, year, title, number, signed, due)


def read_task(raw: Any) -> TaskInput:
    faults = Faults(form_first=True)
    body = mapping(raw, "", faults, TASK_FIELDS)
    title = text(body.get("title"), "title", faults, high=MAX_TITLE)
    owner = identifier(body.get("owner_unit"), "owner_unit", faults, required=True, digits=True)
    due = day(body.get("due_on"), "due_on", faults, required=True)
    faults.refuse(REFUSED)
    assert title is not None and owner is not None and due is not None
    return TaskInput(title, owner, due)


def read_follow(raw: Any) -> FollowInput:
    faults = Faults(form_first=True)
    body = mapping(raw, "", faults, FOLLOW_FIELDS)
    done = day(body.get("done_on"), "done_on", faults)
    note = text(body.get("note"), "note", faults, high=MAX_TEXT, required=None, collapse=False)
    faults.refuse(REFUSED)
    return FollowInput(done, note)


def read_movement(raw: Any) -> MovementInput:
    faults = Faults(form_first=True)
    body = mapping(raw, "", faults, MOVEMENT_FIELDS)
    unit = identifier(body.get("unit"), "unit", faults, required=True, digits=True)
    kind = choice(body.get("kind"), "kind", faults, MovementKind)
    theme = text(body.get("theme"), "theme", faults, high=MAX_TITLE)
    content = text(body.get("content"), "content", faults, high=MAX_TEXT, required=None, collapse=False)
    criteria = text(body.get("criteria"), "criteria", faults, high=MAX_TEXT, required=None, collapse=False)
    starts = day(body.get("starts_on"), "starts_on", faults, required=True)
    ends = day(body.get("ends_on"), "ends_on", faults)
    parent = identifier(body.get("parent"), "parent", faults, digits=True)
    if starts is not None and ends is not None and ends < starts:
        faults.add("ends_on", "Ngày kết thúc phải sau ngày bắt đầu.")
    faults.refuse(REFUSED)
    assert unit is not None and kind is not None and theme is not None and starts is not None
    return MovementInput(unit, kind, theme, content, criteria, starts, ends, parent)


def read_response(raw: Any) -> ResponseInput:
    faults = Faults(form_first=True)
    body = mapping(raw, "", faults, RESPONSE_FIELDS)
    unit = identifier(body.get("unit"), "unit", faults, required=True, digits=True)
    commitment = text(body.get("commitment"), "commitment", faults, high=MAX_TEXT, required=None, collapse=False)
    report = text(body.get("report"), "report", faults, high=MAX_TEXT, required=None, collapse=False)
    faults.refuse(REFUSED)
    assert unit is not None
    return ResponseInput(unit, commitment, report)


def read_registration_line(raw: Any, path: str, faults: Faults) -> RegistrationLine | None:
    body = mapping(raw, path, faults, REGISTRATION_FIELDS)
    kind = choice(body.get("kind", AwardeeKind.INDIVIDUAL.value), at(path, "kind"), faults, AwardeeKind)
    name = text(body.get("name"), at(path, "name"), faults, high=MAX_NAME)
    position = text(body.get("position"), at(path, "position"), faults, high=MAX_POSITION, required=None)
    award_type = text(body.get("award_type"), at(path, "award_type"), faults, high=MAX_AWARD_CODE)
    awardee = identifier(body.get("awardee"), at(path, "awardee"), faults, digits=True)
    movement = identifier(body.get("movement"), at(path, "movement"), faults, digits=True)
    if kind is None or name is None or award_type is None:
        return None
    return RegistrationLine(kind, name, position, award_type.upper(), awardee, movement)


def read_registrations(raw: Any) -> RegistrationsInput:
    faults = Faults(form_first=True)
    body = mapping(raw, "", faults, REGISTRATIONS_FIELDS)
    unit = identifier(body.get("unit"), "unit", faults, required=True, digits=True)
    year = _year(body.get("year"), "year", faults)
    lines = []
    for index, row in enumerate(items(body.get("registrations"), "registrations", faults,
                                      high=MAX_REGISTRATIONS, noun="đăng ký")):
        line = read_registration_line(row, at("registrations", index), faults)
        if line is not None:
            lines.append(line)
    faults.refuse(REFUSED)
    assert unit is not None and year is not None
    return RegistrationsInput(unit, year, lines)


def _sheet(value: Any, faults: Faults) -> list[Criterion]:
    sheet = []
    seen: set[str] = set()
    for index, row in enumerate(items(value, "sheet", faults, high=MAX_CRITERIA, noun="tiêu chí")):
        path = at("sheet", index)
        body = mapping(row, path, faults, CRITERION_FIELDS)
        code = text(body.get("code"), at(path, "code"), faults, high=40)
        group = text(body.get("group"), at(path, "group"), faults, high=MAX_TITLE)
        title = text(body.get("title"), at(path, "title"), faults, high=MAX_TITLE)
        high = points(body.get("max_points"), at(path, "max_points"), faults)
        kind = body.get("kind", "score")
        if kind not in CRITERION_KINDS:
            faults.add(at(path, "kind"), "Phải là một trong: score, bonus, penalty.", form=True)
        evidence = boolean(body.get("evidence_required"), at(path, "evidence_required"), faults)
        if code is not None and code in seen:
            faults.add(at(path, "code"), "Mã tiêu chí bị lặp lại.")
        if code is not None:
            seen.add(code)
        if code and group and title and high is not None and kind in CRITERION_KINDS:
            sheet.append(Criterion(code, group, title, high, kind, evidence))
    if isinstance(value, list) and not value:
        faults.add("sheet", "Cần ít nhất một tiêu chí.")
    return sheet


def read_cluster(raw: Any) -> ClusterInput:
    faults = Faults(form_first=True)
    body = mapping(raw, "", faults, CLUSTER_FIELDS)
    name = text(body.get("name"), "name", faults, high=MAX_NAME)
    kind = choice(body.get("kind", ClusterKind.CLUSTER.value), "kind", faults, ClusterKind)
    organiser = identifier(body.get("organiser_unit"), "organiser_unit", faults, required=True, digits=True)
    year = _year(body.get("year"), "year", faults)
    members = []
    for index, member in enumerate(items(body.get("members"), "members", faults, high=200, noun="thành viên")):
        unit = identifier(member, at("members", index), faults, required=True, digits=True)
        if unit is not None:
            members.append(unit)
    if len(set(members)) != len(members):
        faults.add("members", "Một đơn vị được kê hai lần.")
    if isinstance(body.get("members"), list) and not body["members"]:
        faults.add("members", "Cần ít nhất một đơn vị thành viên.")
    head = identifier(body.get("head_unit"), "head_unit", faults, required=True, digits=True)
    deputy = identifier(body.get("deputy_unit"), "deputy_unit", faults, digits=True)
    for field, unit in (("head_unit", head), ("deputy_unit", deputy)):
        if unit is not None and unit not in members:
            faults.add(field, "Phải là một đơn vị thành viên của cụm, khối.")
    if head is not None and head == deputy:
        faults.add("deputy_unit", "Cụm phó phải khác cụm trưởng.")
    pact_number = text(body.get("pact_number"), "pact_number", faults, high=MAX_NUMBER, required=None)
    pact_signed = day(body.get("pact_signed_on"), "pact_signed_on", faults)
    sheet = _sheet(body.get("sheet"), faults)
    faults.refuse(REFUSED)
    assert name is not None and kind is not None and organiser is not None and year is not None and head is not None
    return ClusterInput(name, kind, organiser, year, members, head, deputy, pact_number, pact_signed, sheet)


def read_scores(raw: Any) -> tuple[int, list[ScoreLine]]:
    """The member scoring itself and its points by criterion."""
    faults = Faults(form_first=True)
    body = mapping(raw, "", faults, ("unit", "scores"))
    unit = identifier(body.get("unit"), "unit", faults, required=True, digits=True)
    lines: list[ScoreLine] = []
    for index, row in enumerate(items(body.get("scores"), "scores", faults, high=MAX_SCORES, noun="điểm")):
        path = at("scores", index)
        line = mapping(row, path, faults, SCORE_FIELDS)
        criterion = text(line.get("criterion"), at(path, "criterion"), faults, high=40)
        value = points(line.get("points"), at(path, "points"), faults)
        evidence = text(line.get("evidence"), at(path, "evidence"), faults, high=MAX_TEXT, required=None,
                        collapse=False)
        if criterion is not None and any(line.criterion == criterion for line in lines):
            faults.add(at(path, "criterion"), "Tiêu chí bị kê hai lần.")
        elif criterion is not None and value is not None:
            lines.append(ScoreLine(criterion, value, evidence))
    faults.refuse(REFUSED)
    assert unit is not None
    return unit, lines


def read_grade(raw: Any) -> tuple[int, int, TaskGrade]:
    """A yearly grade: the person or collective, the year, the grade."""
    faults = Faults(form_first=True)
    body = mapping(raw, "", faults, ("awardee", "year", "grade"))
    awardee = identifier(body.get("awardee"), "awardee", faults, required=True, digits=True)
    year = _year(body.get("year"), "year", faults)
    grade = choice(body.get("grade"), "grade", faults, TaskGrade)
    faults.refuse(REFUSED)
    assert awardee is not None and year is not None and grade is not None
    return awardee, year, grade


def read_adjust(raw: Any) -> AdjustInput:
    faults = Faults(form_first=True)
    body = mapping(raw, "", faults, ADJUST_FIELDS)
    unit = identifier(body.get("unit"), "unit", faults, required=True, digits=True)
    criterion = text(body.get("criterion"), "criterion", faults, high=40)
    value = points(body.get("points"), "points", faults)
    reason = text(body.get("reason"), "reason", faults, high=MAX_TEXT, collapse=False,
                  required="Cần nêu lý do điều chỉnh điểm.")
    faults.refuse(REFUSED)
    assert unit is not None and criterion is not None and value is not None and reason is not None
    return AdjustInput(unit, criterion, value, reason)
