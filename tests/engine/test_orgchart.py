"""Importing the org-chart file: the demo province, bad rows reported with their lines and nothing
written, children before parents, cycles, and re-imports that change roles, passwords and councils."""
from __future__ import annotations

import re
import textwrap
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.audit import verify_chain
from engine.clock import FixedClock
from engine.config import Settings
from engine.context import Context
from engine.errors import Forbidden, InvalidInput
from engine.models import (
    AuditEvent,
    Awardee,
    Council,
    CouncilMember,
    Decision,
    DecisionStatus,
    GrantedAward,
    Initiative,
    Role,
    RoleGrant,
    Unit,
    User,
)
from engine.orgchart import yaml_lines
from engine.orgchart.writer import ImportSummary, import_org_chart
from engine.security import verify_password
from tests.factories import make_unit, make_user

DEMO = Path(__file__).resolve().parents[2] / "demo" / "org.yaml"
DEMO_PASSWORD = "KhenThuong@2026"
TABLES = (Unit, User, RoleGrant, Council, CouncilMember, Awardee, GrantedAward, Initiative, AuditEvent)
COUNTS = ("units_created", "units_updated", "users_created", "users_updated", "roles_granted", "roles_revoked",
          "councils_created", "councils_updated", "awardees_created", "awardees_updated", "awards_recorded",
          "awards_updated", "initiatives_recorded", "initiatives_updated")


@pytest.fixture
def org_ctx(session: Session, settings: Settings, clock: FixedClock) -> Context:
    return Context(session=session, settings=settings, clock=clock)


def run(ctx: Context, source: str) -> ImportSummary:
    summary = import_org_chart(ctx, textwrap.dedent(source), filename="thu.yaml")
    ctx.session.commit()
    return summary


def refused(ctx: Context, source: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as raised:
        import_org_chart(ctx, textwrap.dedent(source), filename="thu.yaml")
    ctx.session.rollback()
    return raised.value


def row_counts(session: Session) -> dict[str, int]:
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in TABLES}


def events_after(session: Session, seq: int) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq)))


def last_seq(session: Session) -> int:
    return session.scalar(select(func.max(AuditEvent.seq))) or 0


def marked_lines(source: str) -> dict[str, int]:
    """The test files mark each bad value with `# <error key>`: key -> the line it is on."""
    return {match: number for number, line in enumerate(textwrap.dedent(source).splitlines(), start=1)
            for match in re.findall(r"# (\S+)", line)}


def grants_of(session: Session, username: str) -> set[tuple[Role, str]]:
    rows = session.execute(
        select(RoleGrant.role, Unit.code).join(Unit, RoleGrant.unit_id == Unit.id)
        .join(User, RoleGrant.user_id == User.id).where(User.username == username)
    )
    return {(role, code) for role, code in rows}


def council_of(session: Session, code: str) -> Council:
    stmt = select(Council).join(Unit, Council.unit_id == Unit.id).where(Unit.code == code)
    return session.scalars(stmt).one()


SMALL_PROVINCE = """\
    units:
      - {code: T, name: "UBND tỉnh Thử Nghiệm", level: province, abbreviation: UBND, reviews_awards: true}
      - {code: T-X1, name: "UBND xã Một", level: commune, parent: T, reviews_awards: true}
    users:
      - {username: t.vanphong, full_name: "Nguyễn Văn An", password: "MatKhau@2026",
         roles: [{role: office, unit: T}, {role: proposer, unit: T-X1}]}
      - {username: t.hd1, full_name: "Trần Thị Bình", password: MatKhau@2026,
         roles: [{role: council, unit: T}]}
      - {username: t.hd2, full_name: "Lê Văn Cường", password: MatKhau@2026,
         roles: [{role: council, unit: T}]}
      - {username: t.hd3, full_name: "Phạm Thị Dung", password: MatKhau@2026,
         roles: [{role: council, unit: T}]}
    councils:
      - {unit: T, chair: t.hd1, secretary: t.vanphong, members: [t.hd1, t.hd2]}
"""


# ---- the demo province ----------------------------------------------------------------------------

def test_demo_province_imports_once_and_the_second_import_changes_nothing(org_ctx: Context) -> None:
    session = org_ctx.session
    first = run(org_ctx, DEMO.read_text(encoding="utf-8"))

    assert first.as_dict() == {
        "units_created": 6, "units_updated": 0, "users_created": 52, "users_updated": 0,
        "roles_granted": 52, "roles_revoked": 0, "councils_created": 5, "councils_updated": 0,
        "awardees_created": 18, "awardees_updated": 0, "awards_recorded": 37, "awards_updated": 0,
        "initiatives_recorded": 5, "initiatives_updated": 0, "warnings": [], "changed": True,
    }
    school = session.scalars(select(Unit).where(Unit.code == "HBX-X01-THCS")).one()
    assert [u.code for u in school.ancestors()] == ["HBX-X01", "HBX"]
    assert not school.reviews_awards
    province = council_of(session, "HBX")
    assert len(province.members) == 9 and province.chair.username == "tinh.hd.chutich"
    for code in ("HBX-X01", "HBX-X02", "HBX-X03", "HBX-SGDDT"):
        assert len(council_of(session, code).members) == 5
    assert grants_of(session, "tinh.chutich") == {(Role.HEAD, "HBX")}
    head = session.scalars(select(User).where(User.username == "tinh.chutich")).one()
    assert verify_password(org_ctx.settings, head.password_hash, DEMO_PASSWORD)
    teacher = session.scalars(select(Awardee).where(Awardee.code == "P-0001")).one()
    assert (teacher.name, teacher.name_folded, teacher.unit_id) == ("Nguyễn Thị Lụa", "nguyen thi lua", school.id)
    assert [(a.award_type, a.year) for a in teacher.awards if a.award_type == "CSTD_CS"] == [
        ("CSTD_CS", 2023), ("CSTD_CS", 2024), ("CSTD_CS", 2025)]
    assert [(i.level, i.year) for i in teacher.initiatives] == [("province", 2025)]
    school_collective = session.scalars(select(Awardee).where(Awardee.code == "TT-0001")).one()
    assert school_collective.kind.value == "collective"
    assert row_counts(session)["audit_event"] == 6 + 52 + 52 + 5 + 18 + 37 + 5
    assert verify_chain(org_ctx).ok

    before, head_hash = row_counts(session), head.password_hash
    second = run(org_ctx, DEMO.read_text(encoding="utf-8"))

    assert not second.changed
    assert row_counts(session) == before
    session.refresh(head)
    assert head.password_hash == head_hash
    assert {k: v for k, v in second.as_dict().items() if k not in ("warnings", "changed")} == dict.fromkeys(
        COUNTS, 0)
    assert second.as_dict()["changed"] is False


def test_the_import_leaves_the_commit_to_the_caller(org_ctx: Context) -> None:
    import_org_chart(org_ctx, textwrap.dedent(SMALL_PROVINCE))
    org_ctx.session.rollback()
    assert set(row_counts(org_ctx.session).values()) == {0}


def test_an_admin_imports_in_their_own_name_and_others_may_not(org_ctx: Context) -> None:
    root = make_unit(org_ctx.session, "GOC", level="province")
    admin = make_user(org_ctx.session, org_ctx.settings, "quantri.cu", (Role.ADMIN, root))
    officer = make_user(org_ctx.session, org_ctx.settings, "vanphong.cu", (Role.OFFICE, root))
    org_ctx.session.commit()
    seq = last_seq(org_ctx.session)

    with pytest.raises(Forbidden):
        import_org_chart(org_ctx.as_actor(officer), textwrap.dedent(SMALL_PROVINCE))
    org_ctx.session.rollback()
    run(org_ctx.as_actor(admin), SMALL_PROVINCE)

    events = events_after(org_ctx.session, seq)
    assert events and {e.actor for e in events} == {"quantri.cu"}
    assert all(e.reason == "Nhập sơ đồ tổ chức từ tệp thu.yaml" for e in events)


# ---- bad files: every bad row with its line, nothing written ---------------------------------------

def test_one_bad_row_writes_nothing_and_names_its_row_and_line(org_ctx: Context) -> None:
    run(org_ctx, SMALL_PROVINCE)
    before = row_counts(org_ctx.session)

    error = refused(org_ctx, """\
        units:
          - {code: T, name: "UBND tỉnh Thử Nghiệm (tên mới)", level: province, reviews_awards: true}
          - {code: T-X2, name: "UBND xã Hai", level: commune, parent: T, reviews_awards: true}
          - {code: T-X3, name: "UBND xã Ba", level: commune, parent: XYZ, reviews_awards: true}
        users:
          - {username: t.moi, full_name: "Đỗ Thị Mới", password: MatKhau@2026, roles: []}
    """)

    assert error.detail == "Tệp sơ đồ tổ chức có 1 lỗi."
    assert error.errors == {
        "units[2].parent": "Dòng 4: đơn vị cha 'XYZ' không có trong tệp hay trong cơ sở dữ liệu.",
    }
    assert row_counts(org_ctx.session) == before
    assert org_ctx.session.scalars(select(Unit.name).where(Unit.code == "T")).one() == "UBND tỉnh Thử Nghiệm"


SEVERAL_BAD_ROWS = """\
    units:
      - code: T
        name: "UBND tỉnh Thử Nghiệm"
        level: tinh                                # units[0].level
        reviews_awards: true
      - code: T                                    # units[1].code
        name: "Trùng mã"
        level: province
      - code: T-X1                                 # units[2].name
        level: commune
        parent: T
        reviews_awards: "maybe"                    # units[2].reviews_awards
      - code: 012                                  # units[3].code
        name: "Mã là số"
        level: agency
      - code: T-TRUONG
        name: "Trường THCS Thử Nghiệm"
        level: agency
        parent: T-X1
    users:
      - username: ngan
        full_name: "Mật Khẩu Ngắn"
        password: "1234567"                        # users[0].password
        roles: []
      - username: moi                              # users[1].password
        full_name: "Người Mới"
        roles:
          - {role: boss, unit: T}                  # users[1].roles[0].role
          - {role: office, unit: KHONGCO}          # users[1].roles[1].unit
      - username: "nguyễn.a"                       # users[2].username
        full_name: "Tên Có Dấu"
        password: "MatKhau@2026"
        roles: []
        colour: blue                               # users[2].colour
    councils:
      - unit: T-TRUONG                             # councils[0].unit
        chair: ngan                                # councils[0].chair
        secretary: ngan
        members: [moi,
                  vang.mat]                        # councils[0].members[1]
    extra: 1                                       # extra
"""


def test_several_bad_rows_are_each_reported_with_their_line(org_ctx: Context) -> None:
    error = refused(org_ctx, SEVERAL_BAD_ROWS)

    expected = marked_lines(SEVERAL_BAD_ROWS)
    assert set(error.errors) == set(expected)
    for key, line in expected.items():
        assert error.errors[key].startswith(f"Dòng {line}: "), (key, error.errors[key])
    assert error.detail == f"Tệp sơ đồ tổ chức có {len(expected)} lỗi."
    assert "'tinh'" in error.errors["units[0].level"]
    assert "đã xuất hiện ở dòng 2" in error.errors["units[1].code"]
    assert "thiếu trường bắt buộc 'name'" in error.errors["units[2].name"]
    assert "ít nhất 8 ký tự" in error.errors["users[0].password"]
    assert "1234567" not in " ".join(error.errors.values())
    assert "reviews_awards: false" in error.errors["councils[0].unit"]
    assert "không có trong tệp hay trong cơ sở dữ liệu" in error.errors["councils[0].members[1]"]
    assert set(row_counts(org_ctx.session).values()) == {0}


@pytest.mark.parametrize("source, key, fragment", [
    ("units:\n  - {code: 012, name: A, level: province}\n", "units[0].code", "'012' thành số 10"),
    ("units:\n  - {code: A, name: A, level: province, reviews_awards: \"maybe\"}\n",
     "units[0].reviews_awards", "true hoặc false"),
    ("units:\n  - {code: A, name: yes, level: province}\n", "units[0].name", "giá trị đúng/sai"),
    ("units:\n  - {code: A, name: 2024-05-01, level: province}\n", "units[0].name", "ngày 2024-05-01"),
    ("units:\n  - {code: A, name: A, level: [province]}\n", "units[0].level", "một danh sách"),
    ("units:\n  - HBX\n", "units[0]", "chuỗi 'HBX'"),
    ("units: {code: A}\n", "units", "phải là một danh sách"),
    ("users:\n  - {username: a.b, full_name: A, password: 12345678, roles: []}\n", "users[0].password",
     "chuỗi ký tự"),
    ("users:\n  - {username: a.b, full_name: A, password: MatKhau@2026, roles: {role: office}}\n",
     "users[0].roles", "phải là một danh sách"),
    ("councils:\n  - {unit: A, chair: a, secretary: a, members: a}\n", "councils[0].members", "danh sách"),
    ("units:\n  - {code: \"A B\", name: A, level: province}\n", "units[0].code", "chữ cái không dấu"),
    ("units:\n  - {code: A, name: A, level: province, abbreviation: " + "X" * 41 + "}\n",
     "units[0].abbreviation", "tối đa 40"),
])
def test_wrong_types_and_formats_are_reported_not_raised(org_ctx: Context, source: str, key: str,
                                                        fragment: str) -> None:
    error = refused(org_ctx, source)
    assert key in error.errors, error.errors
    assert fragment in error.errors[key]
    assert error.errors[key].startswith("Dòng ")
    assert "12345678" not in error.errors.get("users[0].password", "")


@pytest.mark.parametrize("source, line", [
    ("units:\n  - {code: A, name: [chưa đóng\n", 3),
    ("units:\n  - code: A\n   name: lệch lề\n", 3),
    ("units:\n\t- {code: A}\n", 2),
    ("units: []\nunits: []\n", 2),
    ("units:\n  - {code: A, code: B, name: A, level: province}\n", 2),
])
def test_malformed_yaml_is_refused_with_the_line_of_the_error(org_ctx: Context, source: str,
                                                              line: int) -> None:
    error = refused(org_ctx, source)
    assert set(error.errors) == {"file"}
    assert error.errors["file"].startswith(f"Dòng {line}, cột ")
    assert "thu.yaml" in error.detail


@pytest.mark.parametrize("source", ["", "# chỉ có chú thích\n", "- units\n", "chuỗi\n"])
def test_a_file_that_is_not_a_mapping_is_refused(org_ctx: Context, source: str) -> None:
    assert set(refused(org_ctx, source).errors) == {"file"}


def test_python_tags_are_refused(org_ctx: Context) -> None:
    error = refused(org_ctx, "units: !!python/object/apply:os.system ['true']\n")
    assert error.errors["file"].startswith("Dòng 1, cột ")


def test_a_school_listed_before_its_commune_and_province_imports(org_ctx: Context) -> None:
    summary = run(org_ctx, """\
        units:
          - {code: T-X1-THCS, name: "Trường THCS Một", level: agency, parent: T-X1}
          - {code: T-X1, name: "UBND xã Một", level: commune, parent: T, reviews_awards: true}
          - {code: T, name: "UBND tỉnh Thử Nghiệm", level: province, reviews_awards: true}
    """)
    assert summary.units_created == 3
    school = org_ctx.session.scalars(select(Unit).where(Unit.code == "T-X1-THCS")).one()
    assert [u.code for u in school.ancestors()] == ["T-X1", "T"]
    created = [e.after["code"] for e in events_after(org_ctx.session, 0)]
    assert created == ["T", "T-X1", "T-X1-THCS"]


def test_a_parent_cycle_in_the_file_is_refused(org_ctx: Context) -> None:
    error = refused(org_ctx, """\
        units:
          - {code: A, name: "Đơn vị A", level: commune, parent: B}
          - {code: B, name: "Đơn vị B", level: commune, parent: A}
          - {code: C, name: "Đơn vị C", level: commune, parent: C}
          - {code: D, name: "Đơn vị D", level: agency, parent: A}
    """)
    assert error.errors == {
        "units[0].parent": "Dòng 2: quan hệ đơn vị cha tạo thành vòng lặp: A → B → A.",
        "units[1].parent": "Dòng 3: quan hệ đơn vị cha tạo thành vòng lặp: B → A → B.",
        "units[2].parent": "Dòng 4: quan hệ đơn vị cha tạo thành vòng lặp: C → C.",
    }


def test_a_cycle_through_units_already_stored_is_refused(org_ctx: Context) -> None:
    run(org_ctx, SMALL_PROVINCE)
    error = refused(org_ctx, "units:\n  - {code: T, name: Tỉnh, level: province, parent: T-X1}\n")
    assert error.errors == {"units[0].parent": "Dòng 2: quan hệ đơn vị cha tạo thành vòng lặp: T → T-X1 → T."}


def test_moving_and_renaming_a_unit_updates_it_with_one_event(org_ctx: Context) -> None:
    run(org_ctx, SMALL_PROVINCE)
    seq = last_seq(org_ctx.session)
    summary = run(org_ctx, """\
        units:
          - {code: T-X2, name: "UBND xã Hai", level: commune, parent: T, reviews_awards: true}
          - {code: T-X1, name: "UBND xã Một Mới", level: commune, parent: T-X2, reviews_awards: true}
    """)
    assert (summary.units_created, summary.units_updated) == (1, 1)
    updated = events_after(org_ctx.session, seq)[-1]
    assert updated.action == "unit_updated"
    assert updated.before == {"code": "T-X1", "name": "UBND xã Một", "parent": "T"}
    assert updated.after == {"code": "T-X1", "name": "UBND xã Một Mới", "parent": "T-X2"}



def test_a_unit_in_a_remote_area_is_flagged_by_the_file(org_ctx: Context) -> None:
    """vùng sâu, vùng xa: longer complaint periods (docs/complaints.md)."""
    run(org_ctx, SMALL_PROVINCE)
    seq = last_seq(org_ctx.session)
    summary = run(org_ctx, """\
        units:
          - {code: T-X1, name: "UBND xã Một", level: commune, parent: T, reviews_awards: true, remote_area: true}
    """)
    assert summary.units_updated == 1
    assert org_ctx.session.scalars(select(Unit.remote_area).where(Unit.code == "T-X1")).one() is True
    assert org_ctx.session.scalars(select(Unit.remote_area).where(Unit.code == "T")).one() is False
    updated = events_after(org_ctx.session, seq)[-1]
    assert (updated.before, updated.after) == ({"code": "T-X1", "remote_area": False},
                                               {"code": "T-X1", "remote_area": True})


# ---- people, roles, councils --------------------------------------------------------------------------

def test_changing_a_users_roles_grants_the_new_and_revokes_the_old(org_ctx: Context) -> None:
    session = org_ctx.session
    run(org_ctx, SMALL_PROVINCE)
    seq = last_seq(session)

    # Only users: the units come from the database, and the password may be left out for a known user.
    summary = run(org_ctx, """\
        users:
          - {username: t.vanphong, full_name: "Nguyễn Văn An",
             roles: [{role: office, unit: T}, {role: head, unit: T-X1}]}
    """)

    assert (summary.roles_granted, summary.roles_revoked, summary.users_updated) == (1, 1, 0)
    assert grants_of(session, "t.vanphong") == {(Role.OFFICE, "T"), (Role.HEAD, "T-X1")}
    events = events_after(session, seq)
    assert [e.action for e in events] == ["role_revoked", "role_granted"]
    assert events[0].before == {"username": "t.vanphong", "role": "proposer", "unit": "T-X1"}
    assert events[1].after == {"username": "t.vanphong", "role": "head", "unit": "T-X1"}
    assert not run(org_ctx, "users:\n  - {username: t.vanphong, full_name: Nguyễn Văn An, roles: "
                            "[{role: office, unit: T}, {role: head, unit: T-X1}]}\n").changed


def test_a_new_password_is_rehashed_and_audited_without_the_secret(org_ctx: Context) -> None:
    session = org_ctx.session
    run(org_ctx, SMALL_PROVINCE)
    user = session.scalars(select(User).where(User.username == "t.hd2")).one()
    old_hash, seq = user.password_hash, last_seq(session)

    summary = run(org_ctx, """\
        users:
          - {username: t.hd2, full_name: "Lê Văn Cường Mới", password: "MatKhauMoi@2027",
             roles: [{role: council, unit: T}]}
    """)

    assert summary.users_updated == 1 and not summary.roles_granted
    session.refresh(user)
    assert user.password_hash != old_hash
    assert verify_password(org_ctx.settings, user.password_hash, "MatKhauMoi@2027")
    [event] = events_after(session, seq)
    assert event.action == "user_updated"
    assert event.before == {"username": "t.hd2", "full_name": "Lê Văn Cường"}
    assert event.after == {"username": "t.hd2", "full_name": "Lê Văn Cường Mới", "password_changed": True}
    assert "MatKhauMoi" not in str(event.after) and "argon2" not in str(event.after)


def test_council_membership_and_secretary_follow_the_file(org_ctx: Context) -> None:
    session = org_ctx.session
    run(org_ctx, SMALL_PROVINCE)
    seq = last_seq(session)

    summary = run(org_ctx, "councils: [{unit: T, chair: t.hd1, secretary: t.hd3, members: [t.hd3, t.hd1]}]")

    assert (summary.councils_created, summary.councils_updated) == (0, 1)
    council = council_of(session, "T")
    assert sorted(m.user.username for m in council.members) == ["t.hd1", "t.hd3"]
    assert council.secretary.username == "t.hd3"
    [event] = events_after(session, seq)
    assert event.action == "council_updated"
    assert event.before == {"unit": "T", "secretary": "t.vanphong", "members": ["t.hd1", "t.hd2"]}
    assert event.after == {"unit": "T", "secretary": "t.hd3", "members": ["t.hd1", "t.hd3"]}


def test_a_council_chair_must_sit_on_it_and_the_unit_must_review_awards(org_ctx: Context) -> None:
    run(org_ctx, SMALL_PROVINCE)
    error = refused(org_ctx, """\
        units:
          - {code: T-X1-THCS, name: "Trường THCS Một", level: agency, parent: T-X1}
        councils:
          - {unit: T, chair: t.hd3, secretary: khong.co, members: [t.hd1, t.hd2, t.hd1]}
          - {unit: T-X1-THCS, chair: t.hd1, secretary: t.hd1, members: [t.hd1]}
          - {unit: T, chair: t.hd1, secretary: t.hd1, members: [t.hd1]}
    """)
    assert error.errors == {
        "councils[0].chair": "Dòng 4: chủ tịch hội đồng 't.hd3' phải có trong danh sách thành viên "
                             "(members).",
        "councils[0].secretary": "Dòng 4: thư ký hội đồng 'khong.co' không có trong tệp hay trong cơ sở "
                                 "dữ liệu.",
        "councils[0].members[2]": "Dòng 4: thành viên 't.hd1' được liệt kê hai lần.",
        "councils[1].unit": "Dòng 5: đơn vị 'T-X1-THCS' không xét khen thưởng (reviews_awards: false) "
                            "nên không có hội đồng.",
        "councils[2].unit": "Dòng 6: hội đồng của đơn vị 'T' đã xuất hiện ở dòng 4.",
    }


def test_a_new_user_needs_a_password_and_usernames_are_unique(org_ctx: Context) -> None:
    error = refused(org_ctx, """\
        units:
          - {code: T, name: "Tỉnh", level: province}
        users:
          - {username: a.moi, full_name: Người Mới, roles: [{role: office, unit: T}, {role: office, unit: T}]}
          - {username: a.moi, full_name: "Người Mới", password: "MatKhau@2026", roles: []}
    """)
    assert error.errors == {
        "users[0].password": "Dòng 4: người dùng mới 'a.moi' phải có trường 'password'.",
        "users[0].roles[1]": "Dòng 4: vai trò 'office' tại 'T' đã khai báo ở dòng 4.",
        "users[1].username": "Dòng 5: tên đăng nhập 'a.moi' đã xuất hiện ở dòng 4.",
    }


# ---- the registry: people, collectives, their awards and initiatives ----------------------------------

PEOPLE = SMALL_PROVINCE + """\
    people:
      - {code: P-1, full_name: "Trần Thị Bình", position: "Giáo viên", unit: T-X1,
         awards: [{award_type: CSTD_CS, year: 2024}, {award_type: BK_TINH, year: 2024, kind: ad_hoc}],
         initiatives: [{title: "Sổ điểm điện tử", level: province, year: 2024}]}
      - {code: TT-1, name: "UBND xã Một", kind: collective, unit: T-X1,
         awards: [{award_type: TTLDTT, year: 2025}]}
"""


def test_people_are_imported_with_their_history_and_a_second_import_changes_nothing(org_ctx: Context) -> None:
    session = org_ctx.session
    seq = last_seq(session)
    first = run(org_ctx, PEOPLE)

    assert (first.awardees_created, first.awards_recorded, first.initiatives_recorded) == (2, 3, 1)
    person = session.scalars(select(Awardee).where(Awardee.code == "P-1")).one()
    assert (person.kind.value, person.name, person.name_folded, person.position) == (
        "individual", "Trần Thị Bình", "tran thi binh", "Giáo viên")
    assert [(a.award_type, a.year, a.dossier_kind, a.decision_id) for a in person.awards] == [
        ("CSTD_CS", 2024, "regular", None), ("BK_TINH", 2024, "ad_hoc", None)]
    (initiative,) = person.initiatives
    assert (initiative.title, initiative.level, initiative.used_by_nomination_id) == ("Sổ điểm điện tử", "province",
                                                                                     None)
    collective = session.scalars(select(Awardee).where(Awardee.code == "TT-1")).one()
    assert (collective.kind.value, collective.name) == ("collective", "UBND xã Một")
    actions = [e.action for e in events_after(session, seq) if e.entity_type in ("awardee", "granted_award",
                                                                                 "initiative")]
    assert actions == ["awardee_created", "award_recorded", "award_recorded", "initiative_recorded",
                       "awardee_created", "award_recorded"]
    recorded = next(e for e in events_after(session, seq) if e.action == "initiative_recorded")
    assert recorded.after == {"awardee": "P-1", "title": "Sổ điểm điện tử", "year": 2024, "level": "province"}
    assert recorded.unit_id == person.unit_id

    before = row_counts(session)
    again = run(org_ctx, PEOPLE)
    assert not again.changed and row_counts(session) == before


def test_a_changed_person_is_updated_and_history_is_added_never_removed(org_ctx: Context) -> None:
    session = org_ctx.session
    run(org_ctx, PEOPLE)
    seq = last_seq(session)

    summary = run(org_ctx, SMALL_PROVINCE + """\
    people:
      - {code: P-1, full_name: "Trần Thị Bình", position: "Tổ trưởng chuyên môn", unit: T,
         awards: [{award_type: BK_TINH, year: 2024, kind: regular}, {award_type: CSTD_CS, year: 2025}],
         initiatives: [{title: "Sổ điểm điện tử", level: national, year: 2024}]}
""")

    assert (summary.awardees_updated, summary.awards_updated, summary.awards_recorded,
            summary.initiatives_updated) == (1, 1, 1, 1)
    events = {e.action: e for e in events_after(session, seq)}
    assert events["awardee_updated"].before == {"code": "P-1", "position": "Giáo viên", "unit": "T-X1"}
    assert events["awardee_updated"].after == {"code": "P-1", "position": "Tổ trưởng chuyên môn", "unit": "T"}
    assert events["award_updated"].after == {"awardee": "P-1", "award_type": "BK_TINH", "year": 2024,
                                             "kind": "regular"}
    assert events["initiative_updated"].before["level"] == "province"
    person = session.scalars(select(Awardee).where(Awardee.code == "P-1")).one()
    assert sorted((a.award_type, a.year) for a in person.awards) == [
        ("BK_TINH", 2024), ("CSTD_CS", 2024), ("CSTD_CS", 2025)]  # CSTD_CS 2024, not in the file, stays
    assert verify_chain(org_ctx).ok


def test_an_award_written_by_a_decision_keeps_its_kind_and_the_import_says_so(org_ctx: Context) -> None:
    session = org_ctx.session
    run(org_ctx, PEOPLE)
    province = session.scalars(select(Unit).where(Unit.code == "T")).one()
    decision = Decision(issuer_unit_id=province.id, year=2024, number=7, symbol="QĐ-UBND", signed_on=date(2024, 12, 20),
                        status=DecisionStatus.ISSUED, created_at=org_ctx.clock.now())
    session.add(decision)
    session.flush()
    award = session.scalars(select(GrantedAward).where(GrantedAward.award_type == "BK_TINH")).one()
    award.decision_id = decision.id
    session.commit()

    summary = run(org_ctx, PEOPLE.replace("kind: ad_hoc", "kind: regular"))

    assert not summary.changed
    assert summary.warnings == ["BK_TINH năm 2024 của 'P-1' đã được ghi theo quyết định khen thưởng; kiểu khen "
                                "thưởng không được sửa từ tệp."]
    session.refresh(award)
    assert award.dossier_kind == "ad_hoc"


PEOPLE_BAD_ROWS = """\
    units:
      - {code: T, name: "UBND tỉnh Thử Nghiệm", level: province, reviews_awards: true}
    people:
      - code: P-1
        full_name: "Trần Thị Bình"
        name: "Trần Bình"                              # people[0].name
        kind: person                                   # people[0].kind
        unit: KHONGCO                                  # people[0].unit
        awards:
          - {award_type: CSTD_CS, year: 2024}
          - {award_type: cstd_cs, year: 2025}          # people[0].awards[1].award_type
          - {award_type: LDTT, year: "2024"}           # people[0].awards[2].year
          - {award_type: LDTT, year: 2024, kind: x}    # people[0].awards[3].kind
          - {award_type: CSTD_CS, year: 2024}          # people[0].awards[4]
        initiatives:
          - {title: "Sổ điểm điện tử", level: commune, year: 2024}   # people[0].initiatives[0].level
          - {level: province, year: 1800}              # people[0].initiatives[1].title # people[0].initiatives[1].year
      - {code: P-1, name: "Trùng mã", unit: T}         # people[1].code
      - {full_name: "Không mã", unit: T, awards: {}}   # people[2].code # people[2].awards
      - "P-9"                                          # people[3]
"""


def test_bad_people_rows_are_each_reported_with_their_line_and_nothing_is_written(org_ctx: Context) -> None:
    error = refused(org_ctx, PEOPLE_BAD_ROWS)

    expected = marked_lines(PEOPLE_BAD_ROWS)
    assert set(error.errors) == set(expected)
    for key, line in expected.items():
        assert error.errors[key].startswith(f"Dòng {line}: "), (key, error.errors[key])
    assert "chỉ dùng một trong hai" in error.errors["people[0].name"]
    assert "'person' không hợp lệ (hợp lệ: individual, collective, household)" in error.errors["people[0].kind"]
    assert "đơn vị 'KHONGCO' không có" in error.errors["people[0].unit"]
    assert "chữ in hoa" in error.errors["people[0].awards[1].award_type"]
    assert "chuỗi '2024'" in error.errors["people[0].awards[2].year"]
    assert "regular, ad_hoc, thematic" in error.errors["people[0].awards[3].kind"]
    assert "CSTD_CS năm 2024 đã khai báo ở dòng 10" in error.errors["people[0].awards[4]"]
    assert "grassroots, province, national" in error.errors["people[0].initiatives[0].level"]
    assert "từ 1945 đến 2200" in error.errors["people[0].initiatives[1].year"]
    assert "đã xuất hiện ở dòng 4" in error.errors["people[1].code"]
    assert set(row_counts(org_ctx.session).values()) == {0}


def test_award_codes_outside_the_catalogue_are_refused_when_it_is_given(org_ctx: Context) -> None:
    with pytest.raises(InvalidInput) as raised:
        import_org_chart(org_ctx, textwrap.dedent(PEOPLE), filename="thu.yaml",
                         award_types={"CSTD_CS", "BK_TINH"})
    org_ctx.session.rollback()
    assert raised.value.errors == {
        "people[1].awards[0].award_type": "Dòng 20: loại khen thưởng 'TTLDTT' không có trong danh mục khen thưởng."}


def test_an_award_code_unknown_to_the_catalogue_is_a_bad_row(session, settings, clock):
    from engine.context import Context
    from engine.errors import InvalidInput
    from engine.orgchart.writer import import_org_chart

    source = (
        "units:\n  - {code: A, name: 'Đơn vị A', level: commune, reviews_awards: true}\n"
        "people:\n  - {code: P-1, full_name: 'Nguyễn Văn A', unit: A, awards: [{award_type: CSTD_XYZ, year: 2024}]}\n"
    )
    with pytest.raises(InvalidInput) as caught:
        import_org_chart(Context(session=session, settings=settings, clock=clock), source)
    session.rollback()
    assert any("CSTD_XYZ" in message and "Dòng 4" in message for message in caught.value.errors.values())


def test_a_file_over_the_size_bound_is_refused_before_parsing(org_ctx: Context) -> None:
    source = "units:\n" + "  - {code: A, name: '" + "x" * (yaml_lines.MAX_SOURCE_CHARS) + "'}\n"
    error = refused(org_ctx, source)
    assert error.errors["file"].startswith("Tệp: quá lớn") and "chia thành nhiều tệp" in error.errors["file"]


def test_a_file_with_too_many_nodes_is_refused_naming_the_line(org_ctx: Context) -> None:
    rows = yaml_lines.MAX_NODES // 4 + 10  # each unit row: a mapping, two keys, two values
    source = "units:\n" + "".join(f"  - {{code: U{i}, name: N}}\n" for i in range(rows))
    assert len(source) < yaml_lines.MAX_SOURCE_CHARS
    error = refused(org_ctx, source)
    assert re.match(r"Dòng \d+: tệp có quá nhiều mục", error.errors["file"]), error.errors["file"]
    line = int(error.errors["file"].split()[1].rstrip(":"))
    assert 2 < line < rows + 2  # where the bound was crossed, not the file's end
