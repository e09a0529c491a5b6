"""What a dossier's author sends, typed: `DossierInput` and its `NominationInput`s, with every limit
named once, and `check_dossier`, the one function that turns a raw mapping into it.

The JSON API, the web form and the Excel import all build their input through `check_dossier`, so
a limit (a name's 300 characters, an achievements text's 20,000) holds on every path. It reports
every fault of the request at once by field path (`nominations[2].award_type`): the shape and the
limits, and what the content is measured against (the award types in force today, who may receive
them, the registry, the same nominee twice), so an Excel sheet's rows are all named together; a
body of the wrong form (a year in words, an unknown field) is told its faults of form alone.
What depends on the dossier itself (its state, which nominations it has) is the operation's part.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.clock import local_today
from engine.context import Context
from engine.errors import InvalidInput, NotFound
from engine.models import AwardeeKind, DossierKind, Gender
from engine.operations.award.queries import rules_on
from engine.operations.inputs import Faults, at, choice, identifier, integer, items, mapping, text
from engine.operations.inputs import day as read_day
from engine.operations.registry.commands import find_or_create_awardee
from engine.operations.registry.identity import hash_national_id
from engine.text import fold

MAX_TITLE = 500
MIN_YEAR, MAX_YEAR = 1945, 2200
MAX_UNIT_CODE = 64
MAX_AWARD_CODE = 40
MAX_NAME = 300
MAX_POSITION = 200
MAX_NOMINEE_UNIT = 300
MAX_ACHIEVEMENTS = 20_000
MAX_NOMINATIONS = 1000
MAX_REASON = 2000
HEADER_FIELDS = ("title", "year", "kind", "nominations")
NOMINATION_FIELDS = ("id", "award_type", "nominee", "achievements")
NOMINEE_FIELDS = ("kind", "person_id", "full_name", "name", "position", "unit", "birth_date", "gender", "national_id",
                  "has_national_id")  # the last one is the answer's flag, ignored: a nominee read can be sent back
REFUSED = "Hồ sơ có thông tin không hợp lệ; xem lỗi từng trường."


@dataclass(frozen=True)
class NomineeInput:
    kind: AwardeeKind
    name: str
    position: str | None
    unit: str | None
    person_id: int | None  # a registry entry the author chose
    birth_date: date | None = None  # tells namesakes apart (engine/operations/registry/identity.py)
    gender: Gender | None = None
    national_id_hash: str | None = None  # the CCCD's keyed hash; the number itself is never kept


@dataclass(frozen=True)
class NominationInput:
    award_type: str
    nominee: NomineeInput
    achievements: str
    id: int | None = None  # on an edit: the nomination kept (with its attachments)


@dataclass(frozen=True)
class DossierInput:
    """A dossier as sent. On an edit a field left out is None and stays as it is; `nominations`,
    when given, replace the whole list."""

    title: str | None
    year: int | None
    kind: DossierKind | None
    proposing_unit: str | None = None
    nominations: tuple[NominationInput, ...] | None = None


def check_dossier(ctx: Context, raw: Any, *, partial: bool = False) -> DossierInput:
    """`raw` (a JSON body, or the mapping a page builds) as a DossierInput; InvalidInput naming every
    fault. `partial`: an edit, where every field may be left out and the proposing unit is fixed."""
    faults = Faults(form_first=True)
    body = mapping(raw, "", faults, HEADER_FIELDS if partial else (*HEADER_FIELDS, "proposing_unit"))
    given = set(body) if partial else {*HEADER_FIELDS, "proposing_unit"}
    title = text(body.get("title"), "title", faults, high=MAX_TITLE) if "title" in given else None
    year = (integer(body.get("year"), "year", faults, low=MIN_YEAR, high=MAX_YEAR, digits=True)
            if "year" in given else None)
    kind = None
    if "kind" in body or not partial:
        kind = choice(body.get("kind", DossierKind.REGULAR.value), "kind", faults, DossierKind)
    unit = text(body.get("proposing_unit"), "proposing_unit", faults, high=MAX_UNIT_CODE, required=None)
    nominations = None
    if "nominations" in given:
        nominations = _nominations(ctx, body.get("nominations", []), faults)
    faults.refuse(REFUSED)
    return DossierInput(title, year, kind, unit, nominations)


def _nominations(ctx: Context, raw: Any, faults: Faults) -> tuple[NominationInput, ...]:
    """Every nomination read and checked against the rules in force today; one nominee proposed twice
    for one award is refused."""
    day = local_today(ctx.clock)
    rules = rules_on(ctx, day)
    read: list[NominationInput] = []
    seen: dict[tuple[str, str, str], int] = {}
    for i, item in enumerate(items(raw, "nominations", faults, high=MAX_NOMINATIONS, noun="đề nghị")):
        nomination = _nomination(ctx, rules, day, item, at("nominations", i), faults)
        if nomination is None:
            continue
        key = (nomination.award_type, nomination.nominee.kind.value, fold(nomination.nominee.name))
        if key in seen:
            faults.add(f"nominations[{i}].nominee", f"Trùng với đề nghị thứ {seen[key] + 1}: mỗi thành tích "
                                                   "chỉ được đề nghị một hình thức khen thưởng.")
        seen.setdefault(key, i)
        read.append(nomination)
    return tuple(read)


def _nomination(ctx: Context, rules: Any, day: date, raw: Any, path: str, faults: Faults) -> NominationInput | None:
    before = len(faults.errors)
    body = mapping(raw, path, faults, NOMINATION_FIELDS)
    if not body and not isinstance(raw, dict):
        return None
    nominee = mapping(body.get("nominee"), at(path, "nominee"), faults, NOMINEE_FIELDS)
    code = (text(body.get("award_type"), at(path, "award_type"), faults, high=MAX_AWARD_CODE) or "").upper()
    kind = choice(nominee.get("kind"), at(path, "nominee.kind"), faults, AwardeeKind)
    award = _award_type(rules, day, code, at(path, "award_type"), faults) if code else None
    if award is not None and kind is not None and not award.subject.admits(kind):
        faults.add(at(path, "nominee.kind"), f"{award.name} ({code}) chỉ dành cho {award.subject.label}, "
                                             f"không dành cho {kind.label}.")
    name_field = "full_name" if kind is AwardeeKind.INDIVIDUAL else "name"  # a collective's, a household's name
    names = [text(nominee.get(f), at(path, f"nominee.{f}"), faults, high=MAX_NAME, required=None)
             for f in ("full_name", "name")]
    name = next((n for n in names if n), "")
    person_id = identifier(nominee.get("person_id"), at(path, "nominee.person_id"), faults, digits=True)
    if person_id is not None and kind is not None:
        try:
            registered = find_or_create_awardee(ctx, kind, name, None, person_id=person_id)
            name = name or registered.name
        except (NotFound, InvalidInput) as exc:
            faults.add(at(path, "nominee.person_id"), exc.detail)
    if not name:
        faults.add(at(path, f"nominee.{name_field}"),
                   "Bắt buộc nhập họ tên cá nhân, tên tập thể hoặc tên hộ gia đình được đề nghị.")
    achievements = text(body.get("achievements"), at(path, "achievements"), faults, high=MAX_ACHIEVEMENTS,
                        required="Cần nêu tóm tắt thành tích.", collapse=False)
    position = text(nominee.get("position"), at(path, "nominee.position"), faults, high=MAX_POSITION, required=None)
    unit = text(nominee.get("unit"), at(path, "nominee.unit"), faults, high=MAX_NOMINEE_UNIT, required=None)
    nomination_id = identifier(body.get("id"), at(path, "id"), faults, digits=True)
    born = read_day(nominee.get("birth_date"), at(path, "nominee.birth_date"), faults, high=local_today(ctx.clock))
    gender = (choice(nominee["gender"], at(path, "nominee.gender"), faults, Gender,
                     message="Giới tính là 'male' (nam) hoặc 'female' (nữ).")
              if nominee.get("gender") not in (None, "") else None)
    national_id_hash = None
    if nominee.get("national_id") not in (None, ""):
        if not isinstance(nominee["national_id"], str):
            faults.add(at(path, "nominee.national_id"), "Số CCCD gồm 12 chữ số (CMND cũ: 9 chữ số).")
        else:
            try:
                national_id_hash = hash_national_id(ctx.settings, nominee["national_id"])
            except InvalidInput as exc:
                faults.add(at(path, "nominee.national_id"), exc.errors.get("national_id", exc.detail))
    if len(faults.errors) > before or kind is None or achievements is None:
        return None
    return NominationInput(code, NomineeInput(kind, name, position, unit, person_id, born, gender, national_id_hash),
                           achievements, nomination_id)


def _award_type(rules: Any, day: date, code: str, path: str, faults: Faults) -> Any:
    try:
        return rules.award_type(code)
    except InvalidInput:
        faults.add(path, f"Không có loại khen thưởng '{code}' áp dụng ngày {day:%d/%m/%Y}.")
        return None


ROUND_DECISION_FIELDS = ("nominations",)
ROUND_CHOICE_FIELDS = ("nomination_id", "action", "note", "lower_award")
ROUND_ACTIONS = ("approve", "forward", "reject", "lower_award")
MAX_ROUND_NOMINATIONS, MAX_NOTE, MAX_CODE = 5000, 4000, 40


def read_round_decision(raw: Any) -> list[dict[str, Any]]:
    """The head's round decision: a row per nomination (`nomination_id`, `action` of approve | forward |
    reject | lower_award, `note`, `lower_award` the code given instead), its shape checked; what each
    row may do is the operation's part (the level's authority, the catalogue)."""
    faults = Faults()
    body = mapping(raw, "", faults, ROUND_DECISION_FIELDS)
    rows = []
    for index, item in enumerate(items(body.get("nominations"), "nominations", faults,
                                       high=MAX_ROUND_NOMINATIONS, noun="đề nghị")):
        path = at("nominations", index)
        row = mapping(item, path, faults, ROUND_CHOICE_FIELDS)
        nomination_id = identifier(row.get("nomination_id"), at(path, "nomination_id"), faults, required=True)
        action = text(row.get("action"), at(path, "action"), faults, high=20)
        if action is not None and action not in ROUND_ACTIONS:
            faults.add(at(path, "action"), "Chọn một trong: " + ", ".join(ROUND_ACTIONS) + ".")
        note = text(row.get("note"), at(path, "note"), faults, high=MAX_NOTE, required=None)
        lower = text(row.get("lower_award"), at(path, "lower_award"), faults, high=MAX_CODE, required=None)
        if action == "lower_award" and lower is None:
            faults.add(at(path, "lower_award"), "Chọn hình thức khen thưởng thay thế.")
        rows.append({"nomination_id": nomination_id, "action": action, "note": note,
                     "lower_award": lower.upper() if lower else None})
    faults.refuse("Quyết định đợt xét chưa hợp lệ.")
    return rows
