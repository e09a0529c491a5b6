"""Reading and checking an org-chart file before anything is written: every bad row is reported at
once, with its line (the YAML loader remembers where each value was written)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.models import Role, Unit, UnitLevel, User
from engine.operations.orgchart_yaml import (
    Fields,
    LineMapping,
    LineSequence,
    Problems,
    describe,
    item_text,
    line_of,
    load,
)

# ---- rows of the file ------------------------------------------------------------------------------

SECTIONS = ("units", "users", "councils", "people")
UNIT_FIELDS = ("code", "name", "level", "abbreviation", "parent", "reviews_awards")
USER_FIELDS = ("username", "full_name", "password", "roles")
GRANT_FIELDS = ("role", "unit")
COUNCIL_FIELDS = ("unit", "chair", "secretary", "members")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256


def _length(column: Any) -> int:
    return int(column.type.length)


CODE_LEN, NAME_LEN, ABBR_LEN = _length(Unit.code), _length(Unit.name), _length(Unit.abbreviation)
USERNAME_LEN, FULL_NAME_LEN = _length(User.username), _length(User.full_name)


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
class OrgChart:
    """A file that passed every check: units in dependency order (parents first)."""

    units: list[UnitRow]
    users: list[UserRow]
    councils: list[CouncilRow]
    warnings: list[str] = field(default_factory=list)

    def unit_codes(self) -> set[str]:
        codes = {u.code for u in self.units} | {u.parent for u in self.units if u.parent}
        codes |= {g.unit for user in self.users for g in user.roles} | {c.unit for c in self.councils}
        return codes

    def usernames(self) -> set[str]:
        return {u.username for u in self.users} | _council_usernames(self.councils)


def _council_usernames(councils: list[CouncilRow]) -> set[str]:
    names = {c.chair for c in councils} | {c.secretary for c in councils}
    names |= {name for c in councils for _, _, name in c.members}
    return names - {""}


def _mappings(problems: Problems, items: LineSequence, prefix: str, allowed: tuple[str, ...],
              what: str) -> Iterator[Fields]:
    for index, item in enumerate(items):
        path = f"{prefix}[{index}]"
        if isinstance(item, LineMapping):
            yield Fields(problems, path, item, allowed)
        else:
            problems.add(path, line_of(items, index),
                         f"mỗi {what} phải là một bảng {{{allowed[0]}: …, …}}, nhận được {describe(item)}.")


def _section(problems: Problems, top: LineMapping, name: str) -> LineSequence:
    value = top.get(name)
    if value is None:
        return LineSequence()
    if not isinstance(value, LineSequence):
        problems.add(name, line_of(top, name),
                     f"mục '{name}' phải là một danh sách, nhận được {describe(value)}.")
        return LineSequence()
    return value


def _choice(f: Fields, key: str, kind: type[UnitLevel] | type[Role], what: str) -> Any:
    text = f.required_text(key, max_len=40)
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        f.error(key, f"{what} '{text}' không hợp lệ (hợp lệ: {', '.join(m.value for m in kind)}).")
        return None


def _read_unit(f: Fields) -> UnitRow:
    return UnitRow(
        f.path, f.row,
        code=f.required_text("code", max_len=CODE_LEN, identifier=True),
        name=f.required_text("name", max_len=NAME_LEN),
        level=_choice(f, "level", UnitLevel, "cấp đơn vị"),
        abbreviation=f.optional_text("abbreviation", max_len=ABBR_LEN),
        parent=f.optional_text("parent", max_len=CODE_LEN, identifier=True),
        reviews_awards=f.flag("reviews_awards"),
    )


def _read_user(problems: Problems, f: Fields) -> UserRow:
    password = f.optional_text("password", max_len=MAX_PASSWORD_LENGTH, secret=True)
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        f.error("password", f"mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    roles = [
        GrantRow(g.path, g.row, role=_choice(g, "role", Role, "vai trò"),
                 unit=g.required_text("unit", max_len=CODE_LEN, identifier=True))
        for g in _mappings(problems, f.items("roles", required=True), f"{f.path}.roles", GRANT_FIELDS,
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


def read_org_chart(session: Session, source: str, filename: str) -> OrgChart:
    """Parse and check the whole file; raise InvalidInput listing every bad row, or return the plan."""
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
        return _mappings(problems, _section(problems, top, name), name, allowed, what)

    units = [_read_unit(f) for f in rows("units", UNIT_FIELDS, "đơn vị")]
    users = [_read_user(problems, f) for f in rows("users", USER_FIELDS, "người dùng")]
    councils = [_read_council(problems, f) for f in rows("councils", COUNCIL_FIELDS, "hội đồng")]
    file_users = {u.username for u in users if u.username}
    stored = _Stored.load(session, ({u.username for u in users} | _council_usernames(councils)) - {""})
    by_code = _check_units(problems, units, stored)
    _check_users(problems, users, by_code, stored)
    _check_councils(problems, councils, by_code, file_users | stored.usernames, stored)
    problems.raise_if_any()
    warnings = []
    if "people" in top:
        people = top["people"]
        count = f" ({len(people)} mục)" if isinstance(people, list) else ""
        warnings.append(f"Mục 'people'{count} chưa được nhập: danh sách cá nhân và khen thưởng đã có "
                        "sẽ được hỗ trợ ở phiên bản sau.")
    return OrgChart(_dependency_order(units), users, councils, warnings)
