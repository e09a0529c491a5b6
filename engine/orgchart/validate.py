"""Reading and checking an org-chart file before anything is written: every bad row is reported at
once, with its line (the YAML loader remembers where each value was written)."""
from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.models import (
    RECORDED_AWARD_KINDS,
    Awardee,
    AwardeeKind,
    DossierKind,
    GrantedAward,
    InitiativeLevel,
    Role,
    Unit,
    UnitLevel,
    User,
)
from engine.orgchart.yaml_lines import (
    Fields,
    LineMapping,
    LineSequence,
    Problems,
    item_text,
    line_of,
    load,
    mappings,
    section,
)

# ---- rows of the file ------------------------------------------------------------------------------

SECTIONS = ("units", "users", "councils", "people")
UNIT_FIELDS = ("code", "name", "level", "abbreviation", "parent", "reviews_awards", "remote_area")
USER_FIELDS = ("username", "full_name", "password", "roles")
GRANT_FIELDS = ("role", "unit")
COUNCIL_FIELDS = ("unit", "chair", "secretary", "members")
PERSON_FIELDS = ("code", "full_name", "name", "kind", "position", "unit", "awards", "initiatives")
AWARD_FIELDS = ("award_type", "year", "kind")
INITIATIVE_FIELDS = ("title", "level", "year")
AWARD_CODE = re.compile(r"[A-Z][A-Z0-9_]*")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256


def _length(column: Any) -> int:
    return int(column.type.length)


CODE_LEN, NAME_LEN, ABBR_LEN = _length(Unit.code), _length(Unit.name), _length(Unit.abbreviation)
USERNAME_LEN, FULL_NAME_LEN = _length(User.username), _length(User.full_name)
PERSON_CODE_LEN, PERSON_NAME_LEN = _length(Awardee.code), _length(Awardee.name)
POSITION_LEN, AWARD_TYPE_LEN, TITLE_LEN = _length(Awardee.position), _length(GrantedAward.award_type), 1000


@dataclass
class UnitRow:
    path: str
    src: LineMapping
    code: str
    name: str
    level: UnitLevel | None
    abbreviation: str | None
    parent: str | None
    reviews_awards: bool
    remote_area: bool = False  # vùng sâu, vùng xa: longer complaint periods


@dataclass
class GrantRow:
    path: str
    src: LineMapping
    role: Role | None
    unit: str


@dataclass
class UserRow:
    path: str
    src: LineMapping
    username: str
    full_name: str
    password: str | None
    roles: list[GrantRow]


@dataclass
class CouncilRow:
    path: str
    src: LineMapping
    unit: str
    chair: str
    secretary: str
    members: list[tuple[str, int, str]]  # (path, line, username) of each well-formed member


@dataclass
class AwardRow:
    path: str
    src: LineMapping
    award_type: str
    year: int | None
    kind: DossierKind


@dataclass
class InitiativeRow:
    path: str
    src: LineMapping
    title: str
    level: InitiativeLevel | None
    year: int | None


@dataclass
class PersonRow:
    """A person or collective of the registry, with the history the file gives it."""

    path: str
    src: LineMapping
    code: str
    name: str
    kind: AwardeeKind
    position: str | None
    unit: str
    awards: list[AwardRow]
    initiatives: list[InitiativeRow]


@dataclass
class OrgChart:
    """A file that passed every check: units in dependency order (parents first)."""

    units: list[UnitRow]
    users: list[UserRow]
    councils: list[CouncilRow]
    people: list[PersonRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def unit_codes(self) -> set[str]:
        codes = {u.code for u in self.units} | {u.parent for u in self.units if u.parent}
        codes |= {g.unit for user in self.users for g in user.roles} | {c.unit for c in self.councils}
        return codes | {p.unit for p in self.people}

    def usernames(self) -> set[str]:
        return {u.username for u in self.users} | _council_usernames(self.councils)


def _council_usernames(councils: list[CouncilRow]) -> set[str]:
    names = {c.chair for c in councils} | {c.secretary for c in councils}
    names |= {name for c in councils for _, _, name in c.members}
    return names - {""}


def _read_unit(f: Fields) -> UnitRow:
    return UnitRow(
        f.path, f.row,
        code=f.required_text("code", max_len=CODE_LEN, identifier=True),
        name=f.required_text("name", max_len=NAME_LEN),
        level=f.choice("level", UnitLevel, "cấp đơn vị"),
        abbreviation=f.optional_text("abbreviation", max_len=ABBR_LEN),
        parent=f.optional_text("parent", max_len=CODE_LEN, identifier=True),
        reviews_awards=f.flag("reviews_awards"),
        remote_area=f.flag("remote_area"),
    )


def _read_user(problems: Problems, f: Fields) -> UserRow:
    password = f.optional_text("password", max_len=MAX_PASSWORD_LENGTH, secret=True)
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        f.error("password", f"mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    roles = [
        GrantRow(g.path, g.row, role=g.choice("role", Role, "vai trò"),
                 unit=g.required_text("unit", max_len=CODE_LEN, identifier=True))
        for g in mappings(problems, f.items("roles", required=True), f"{f.path}.roles", GRANT_FIELDS,
                           "vai trò")
    ]
    return UserRow(
        f.path, f.row,
        username=f.required_text("username", max_len=USERNAME_LEN, identifier=True),
        full_name=f.required_text("full_name", max_len=FULL_NAME_LEN),
        password=password,
        roles=roles,
    )


def _read_council(problems: Problems, f: Fields) -> CouncilRow:
    items = f.items("members", required=True)
    if isinstance(f.row.get("members"), LineSequence) and not items:
        f.error("members", "danh sách thành viên hội đồng không được để trống.")
    members = []
    for index in range(len(items)):
        path = f"{f.path}.members[{index}]"
        name = item_text(problems, path, items, index, "thành viên", USERNAME_LEN)
        if name:
            members.append((path, line_of(items, index), name))
    return CouncilRow(
        f.path, f.row,
        unit=f.required_text("unit", max_len=CODE_LEN, identifier=True),
        chair=f.required_text("chair", max_len=USERNAME_LEN, identifier=True),
        secretary=f.required_text("secretary", max_len=USERNAME_LEN, identifier=True),
        members=members,
    )


def _read_award(f: Fields, award_types: Collection[str] | None) -> AwardRow:
    code = f.required_text("award_type", max_len=AWARD_TYPE_LEN)
    if code and not AWARD_CODE.fullmatch(code):
        f.error("award_type", f"mã loại khen thưởng '{code}' không hợp lệ: dùng chữ in hoa không dấu, chữ số "
                              "và '_' (ví dụ CSTD_CS).")
    elif code and award_types is not None and code not in award_types:
        f.error("award_type", f"loại khen thưởng '{code}' không có trong danh mục khen thưởng.")
    kind = f.choice("kind", DossierKind, "kiểu khen thưởng", required=False, allowed=RECORDED_AWARD_KINDS)
    return AwardRow(f.path, f.row, award_type=code, year=f.year("year"), kind=kind or DossierKind.REGULAR)


def _read_person(problems: Problems, f: Fields, award_types: Collection[str] | None) -> PersonRow:
    if "name" in f.row and "full_name" in f.row:
        f.error("name", "chỉ dùng một trong hai trường 'full_name' (cá nhân) hoặc 'name' (tập thể).")
    awards = [_read_award(a, award_types)
              for a in mappings(problems, f.items("awards"), f"{f.path}.awards", AWARD_FIELDS, "khen thưởng")]
    initiatives = [
        InitiativeRow(i.path, i.row, title=i.required_text("title", max_len=TITLE_LEN),
                      level=i.choice("level", InitiativeLevel, "phạm vi công nhận sáng kiến"), year=i.year("year"))
        for i in mappings(problems, f.items("initiatives"), f"{f.path}.initiatives", INITIATIVE_FIELDS,
                          "sáng kiến")
    ]
    return PersonRow(
        f.path, f.row,
        code=f.required_text("code", max_len=PERSON_CODE_LEN, identifier=True),
        name=f.required_text("name" if "name" in f.row and "full_name" not in f.row else "full_name",
                             max_len=PERSON_NAME_LEN),
        kind=f.choice("kind", AwardeeKind, "loại đối tượng", required=False) or AwardeeKind.INDIVIDUAL,
        position=f.optional_text("position", max_len=POSITION_LEN),
        unit=f.required_text("unit", max_len=CODE_LEN, identifier=True),
        awards=awards,
        initiatives=initiatives,
    )


# ---- checks across rows and against the database -------------------------------------------------

NOT_FOUND = "không có trong tệp hay trong cơ sở dữ liệu."


@dataclass
class _Stored:
    """What the database already holds, as far as the file refers to it."""

    unit_parent: dict[str, str | None]
    unit_reviews: dict[str, bool]
    usernames: set[str]

    @classmethod
    def load(cls, session: Session, usernames: set[str]) -> _Stored:
        rows = session.execute(select(Unit.id, Unit.code, Unit.parent_id, Unit.reviews_awards)).all()
        code_of = {r.id: r.code for r in rows}
        found = set(session.scalars(select(User.username).where(User.username.in_(usernames))))
        return cls({r.code: code_of.get(r.parent_id) for r in rows}, {r.code: r.reviews_awards for r in rows},
                   found)


def _first_rows(problems: Problems, rows: list[Any], key: str, what: str) -> dict[str, Any]:
    """Rows by their identifier; a later row with the same identifier is an error."""
    first: dict[str, Any] = {}
    for row in rows:
        ident = getattr(row, key)
        if not ident:
            continue
        if ident in first:
            problems.add(f"{row.path}.{key}", line_of(row.src, key),
                         f"{what} '{ident}' đã xuất hiện ở dòng {first[ident].src.line}.")
        else:
            first[ident] = row
    return first


def _check_units(problems: Problems, units: list[UnitRow], stored: _Stored) -> dict[str, UnitRow]:
    by_code = _first_rows(problems, units, "code", "mã đơn vị")
    for row in units:
        if row.parent and row.parent not in by_code and row.parent not in stored.unit_parent:
            problems.add(f"{row.path}.parent", line_of(row.src, "parent"),
                         f"đơn vị cha '{row.parent}' {NOT_FOUND}")
    parents = {**stored.unit_parent, **{code: row.parent for code, row in by_code.items()}}
    for code, row in by_code.items():
        chain, node = [code], parents.get(code)
        while node is not None and node != code and node not in chain:
            chain.append(node)
            node = parents.get(node)
        if node == code:
            problems.add(f"{row.path}.parent", line_of(row.src, "parent"),
                         f"quan hệ đơn vị cha tạo thành vòng lặp: {' → '.join([*chain, code])}.")
    return by_code


def _check_users(problems: Problems, users: list[UserRow], units: dict[str, UnitRow],
                 stored: _Stored) -> None:
    _first_rows(problems, users, "username", "tên đăng nhập")
    for user in users:
        if user.password is None and user.username and user.username not in stored.usernames:
            problems.add(f"{user.path}.password", line_of(user.src, "password"),
                         f"người dùng mới '{user.username}' phải có trường 'password'.")
        seen: dict[tuple[Role, str], GrantRow] = {}
        for grant in user.roles:
            if grant.unit and grant.unit not in units and grant.unit not in stored.unit_parent:
                problems.add(f"{grant.path}.unit", line_of(grant.src, "unit"),
                             f"đơn vị '{grant.unit}' {NOT_FOUND}")
            if grant.role is None or not grant.unit:
                continue
            if (first := seen.get((grant.role, grant.unit))) is not None:
                problems.add(grant.path, grant.src.line, f"vai trò '{grant.role.value}' tại '{grant.unit}' "
                                                         f"đã khai báo ở dòng {first.src.line}.")
            seen.setdefault((grant.role, grant.unit), grant)


def _check_councils(problems: Problems, councils: list[CouncilRow], units: dict[str, UnitRow],
                    known_users: set[str], stored: _Stored) -> None:
    _first_rows(problems, councils, "unit", "hội đồng của đơn vị")
    for council in councils:
        unit_line = line_of(council.src, "unit")
        if council.unit in units:
            reviews: bool | None = units[council.unit].reviews_awards
        else:
            reviews = stored.unit_reviews.get(council.unit)
        if council.unit and reviews is None:
            problems.add(f"{council.path}.unit", unit_line, f"đơn vị '{council.unit}' {NOT_FOUND}")
        elif council.unit and not reviews:
            problems.add(f"{council.path}.unit", unit_line, f"đơn vị '{council.unit}' không xét khen thưởng "
                                                            "(reviews_awards: false) nên không có hội đồng.")
        names = [name for _, _, name in council.members]
        if council.chair and council.chair not in names:
            problems.add(f"{council.path}.chair", line_of(council.src, "chair"),
                         f"chủ tịch hội đồng '{council.chair}' phải có trong danh sách thành viên (members).")
        if council.secretary and council.secretary not in known_users:
            problems.add(f"{council.path}.secretary", line_of(council.src, "secretary"),
                         f"thư ký hội đồng '{council.secretary}' {NOT_FOUND}")
        for index, (path, line, name) in enumerate(council.members):
            if name in names[:index]:
                problems.add(path, line, f"thành viên '{name}' được liệt kê hai lần.")
            elif name not in known_users:
                problems.add(path, line, f"người dùng '{name}' {NOT_FOUND}")


def _check_people(problems: Problems, people: list[PersonRow], units: dict[str, UnitRow], stored: _Stored) -> None:
    _first_rows(problems, people, "code", "mã cá nhân, tập thể")
    for person in people:
        if person.unit and person.unit not in units and person.unit not in stored.unit_parent:
            problems.add(f"{person.path}.unit", line_of(person.src, "unit"), f"đơn vị '{person.unit}' {NOT_FOUND}")
        _once_each(problems, person.awards, lambda a: (a.award_type, a.year), "khen thưởng {} năm {}")
        _once_each(problems, person.initiatives, lambda i: (i.title, i.year), "sáng kiến '{}' năm {}")


def _once_each(problems: Problems, rows: list[Any], key: Callable[[Any], tuple[Any, ...]], what: str) -> None:
    """A person's award (type, year) or initiative (title, year) listed twice is an error."""
    first: dict[tuple[Any, ...], Any] = {}
    for row in rows:
        ident = key(row)
        if not all(ident):
            continue
        if ident in first:
            problems.add(row.path, row.src.line, f"{what.format(*ident)} đã khai báo ở dòng {first[ident].src.line}.")
        first.setdefault(ident, row)


def _dependency_order(units: list[UnitRow]) -> list[UnitRow]:
    by_code = {u.code: u for u in units}
    ordered: list[UnitRow] = []
    placed: set[str] = set()
    for row in units:
        chain: list[UnitRow] = []
        node: UnitRow | None = row
        while node is not None and node.code not in placed:
            chain.append(node)
            placed.add(node.code)
            node = by_code.get(node.parent) if node.parent else None
        ordered.extend(reversed(chain))
    return ordered


def read_org_chart(session: Session, source: str, filename: str,
                   award_types: Collection[str] | None = None) -> OrgChart:
    """Parse and check the whole file; raise InvalidInput listing every bad row, or return the plan.

    `award_types`, when given, are the codes a person's award may name; otherwise any well-formed code.
    """
    top = load(source, filename)
    if not isinstance(top, LineMapping):
        message = "Dòng 1: tệp trống hoặc không phải một bảng với các mục units, users, councils, people."
        raise InvalidInput("Tệp sơ đồ tổ chức có 1 lỗi.", errors={"file": message})
    problems = Problems()
    for key in top:
        if key not in SECTIONS:
            problems.add(str(key), line_of(top, key),
                         f"mục '{key}' không được hỗ trợ (các mục hợp lệ: {', '.join(SECTIONS)}).")

    def rows(name: str, allowed: tuple[str, ...], what: str) -> Iterator[Fields]:
        return mappings(problems, section(problems, top, name), name, allowed, what)

    units = [_read_unit(f) for f in rows("units", UNIT_FIELDS, "đơn vị")]
    users = [_read_user(problems, f) for f in rows("users", USER_FIELDS, "người dùng")]
    councils = [_read_council(problems, f) for f in rows("councils", COUNCIL_FIELDS, "hội đồng")]
    people = [_read_person(problems, f, award_types) for f in rows("people", PERSON_FIELDS, "cá nhân, tập thể")]
    file_users = {u.username for u in users if u.username}
    stored = _Stored.load(session, ({u.username for u in users} | _council_usernames(councils)) - {""})
    by_code = _check_units(problems, units, stored)
    _check_users(problems, users, by_code, stored)
    _check_councils(problems, councils, by_code, file_users | stored.usernames, stored)
    _check_people(problems, people, by_code, stored)
    problems.raise_if_any()
    return OrgChart(_dependency_order(units), users, councils, people)
