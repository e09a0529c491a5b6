"""Years of history imported from Excel: a file of a few thousand rows with bad rows, homonyms and a
person who moved; every bad row named by its cell; nothing written while a row is bad, or the good rows
after a preview the office confirms; the same file twice adds nothing; the pre-check reads what came in."""
from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.context import Context
from engine.errors import Forbidden, InvalidInput
from engine.models import (
    AuditEvent,
    Awardee,
    GrantedAward,
    HistoryImport,
    ImportStatus,
    Initiative,
    Membership,
    RegistryDecision,
    Role,
    Unit,
    User,
    YearlyGrade,
)
from engine.operations.registry import history
from engine.rules.eligibility import check_nomination
from tests.factories import make_unit, make_user
from tests.history_file import generate, row
from tests.registry_factories import make_dossier, nominate

TABLES = (Awardee, Membership, RegistryDecision, GrantedAward, Initiative, YearlyGrade)


@dataclass
class Office:
    province: Unit
    commune: Unit
    school: Unit
    kindergarten: Unit
    office: User
    proposer: User
    elsewhere: Unit


@pytest.fixture
def office(session: Session, settings) -> Office:
    province = make_unit(session, "T", level="province", name="UBND tỉnh")
    commune = make_unit(session, "T-X1", parent=province, name="UBND xã Minh Tiến")
    school = make_unit(session, "T-X1-TH", parent=commune, level="agency", reviews_awards=False,
                       name="Trường THCS Minh Tiến")
    kindergarten = make_unit(session, "T-X1-MN", parent=commune, level="agency", reviews_awards=False,
                             name="Trường Mầm non Minh Tiến")
    elsewhere = make_unit(session, "T-X2", parent=province, name="UBND xã Đông Hưng")
    user = make_user(session, settings, "xa.vanphong", (Role.OFFICE, commune))
    proposer = make_user(session, settings, "truong.denghi", (Role.PROPOSER, kindergarten))
    session.commit()
    return Office(province, commune, school, kindergarten, user, proposer, elsewhere)


MOVED = [  # Trần Thị Tươi: CSTD_CS twice at the school, then at the kindergarten, with an initiative there
    row(name="Trần Thị Tươi", birth_date="05/05/1985", gender="Nữ", unit="T-X1-TH", year="2021-2022",
        award="CSTD_CS", decision_number="12/QĐ-UBND", decision_date="20/06/2022", decision_issuer="UBND xã Minh Tiến",
        grade="Hoàn thành xuất sắc nhiệm vụ"),
    row(name="Trần Thị Tươi", birth_date="05/05/1985", unit="T-X1-TH", year=2023, award="Chiến sĩ thi đua cơ sở",
        decision_number="7/QĐ-UBND", decision_date="18/12/2023", decision_issuer="UBND xã Minh Tiến"),
    row(name="Trần Thị Tươi", birth_date="05/05/1985", national_id="001185000123", unit="T-X1-MN", year=2024,
        award="CSTD_CS", decision_number="9/QĐ-UBND", decision_date="19/12/2024", decision_issuer="UBND xã Minh Tiến",
        initiative="Góc học tập bằng vật liệu tái chế", initiative_level="cấp tỉnh", grade="HTXSNV"),
]
HOMONYMS = [  # two teachers named Nguyễn Văn An at the school, told apart by birth date
    row(name="Nguyễn Văn An", birth_date="01/01/1980", unit="T-X1-TH", year=2022, award="CSTD_CS"),
    row(name="Nguyễn Văn An", birth_date="02/02/1990", unit="T-X1-TH", year=2022, award="LDTT"),
]
WHICH_AN = row(name="Nguyễn Văn An", unit="T-X1-TH", year=2023, award="LDTT")  # no birth date: which one?


def counts(session: Session) -> dict[str, int]:
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) for model in TABLES}


def test_a_file_with_bad_rows_names_each_cell_and_writes_nothing(make_ctx, office, session):
    file = generate(["T-X1-TH", "T-X1-MN"], 30, extra=[*MOVED, *HOMONYMS, WHICH_AN], bad=True)
    ctx = make_ctx(office.office, session)

    with pytest.raises(InvalidInput) as refused:
        history.import_history(ctx, "lich-su.xlsx", file.data)

    errors = refused.value.errors
    for number, column in file.bad.items():
        letter = next(c for c in errors if c.endswith(str(number)) and c[:-len(str(number))].isalpha())
        assert errors[letter].startswith(f"Dòng {number}"), errors[letter]
        assert column == "name" or history._HEADER[column] in errors[letter]
    ambiguous = file.rows + 1 - len(file.bad)  # WHICH_AN, the last row before the bad ones
    # Two Ans of this file and one of the generated teachers (Nguyễn Văn An, born 1960) share the name.
    assert "Trùng tên với 3 người" in errors[f"C{ambiguous}"] and "dòng 306 của tệp" in errors[f"C{ambiguous}"]
    assert f"{len(file.bad) + 1} dòng không hợp lệ" in refused.value.detail
    ctx.session.rollback()
    assert set(counts(session).values()) == {0}


def test_a_preview_lists_the_bad_rows_and_the_confirmation_imports_the_good_ones_once(make_ctx, office, session):
    file = generate(["T-X1-TH", "T-X1-MN"], 300, extra=[*MOVED, *HOMONYMS, WHICH_AN], bad=True)
    assert file.rows > 3000
    ctx = make_ctx(office.office, session)

    preview = history.preview_history(ctx, "lich-su.xlsx", file.data)
    ctx.session.commit()
    assert (preview.status, preview.rows_read, preview.rows_bad) == (ImportStatus.PREVIEWED, file.rows,
                                                                    len(file.bad) + 1)
    assert set(counts(session).values()) == {0}  # nothing yet

    done = history.confirm_history(ctx, preview.id)
    ctx.session.commit()
    assert done.status == ImportStatus.IMPORTED
    assert done.added["people"] == 300 + 3  # Tươi once, the two Ans
    assert done.added["awards"] == 300 * 10 + 5 and done.added["grades"] == 300 * 10 + 2
    assert done.added["decisions"] == counts(session)["registry_decision"]
    (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "history_imported")).all()
    assert event.after["added"] == done.added and event.actor == "xa.vanphong"

    # Tươi is one person who moved: two memberships, the later one open, her current unit the kindergarten.
    (tuoi,) = session.scalars(select(Awardee).where(Awardee.name == "Trần Thị Tươi")).all()
    assert tuoi.unit_id == office.kindergarten.id and tuoi.national_id_hash not in (None, "001185000123")
    spans = sorted((m.unit_id, m.from_date, m.to_date) for m in tuoi.memberships)
    assert [(u, f and f.year, t and t.year) for u, f, t in spans] == [
        (office.school.id, 2022, 2023), (office.kindergarten.id, 2024, None)]
    grades = session.scalars(select(YearlyGrade).where(YearlyGrade.awardee_id == tuoi.id)
                             .order_by(YearlyGrade.year)).all()
    assert [(g.year, g.period, g.grade.value) for g in grades] == [(2022, "2021-2022", "excellent"),
                                                                     (2024, None, "excellent")]
    ans = session.scalars(select(Awardee).where(Awardee.name == "Nguyễn Văn An").order_by(Awardee.birth_date)).all()
    assert [a.birth_date.year for a in ans] == [1960, 1980, 1990]  # the generated one and the two homonyms

    # The same file again adds nothing; the same good rows as an all-or-nothing import neither.
    again = history.confirm_history(ctx, history.preview_history(ctx, "lich-su.xlsx", file.data).id)
    ctx.session.commit()
    assert set(again.added.values()) == {0}
    good = generate(["T-X1-TH", "T-X1-MN"], 300, extra=[*MOVED, *HOMONYMS])
    before = counts(session)
    assert set(history.import_history(ctx, "lai.xlsx", good.data).added.values()) == {0}
    ctx.session.commit()
    assert counts(session) == before

    # The pre-check of a CSTD_TINH for 2024 (the third CSTD_CS in its own round) reads the three CSTD_CS
    # across both units, citing each decision.
    dossier = make_dossier(session, office.kindergarten, office.proposer, year=2024)
    nomination = nominate(session, dossier, "CSTD_TINH", tuoi)
    checks = {c.criterion: c for c in check_nomination(session, nomination, year=2024)}
    consecutive = checks["consecutive_cstd_cs"]
    assert consecutive.result.value == "met", consecutive.detail
    assert "QĐ số 12/QĐ-UBND ngày 20/06/2022 của UBND xã Minh Tiến" in consecutive.detail
    assert "QĐ số 9/QĐ-UBND ngày 19/12/2024" in consecutive.detail
    assert checks["province_initiative"].result.value == "met"


def test_only_the_office_imports_and_only_within_its_units(make_ctx, office, session):
    file = generate(["T-X2"], 2)
    with pytest.raises(Forbidden):
        history.preview_history(make_ctx(office.proposer, session), "x.xlsx", file.data)
    with pytest.raises(InvalidInput) as refused:
        history.import_history(make_ctx(office.office, session), "x.xlsx", file.data)
    assert all("không thuộc phạm vi" in message for message in refused.value.errors.values())


@pytest.mark.parametrize("data, message", [(b"not a zip", "không phải bảng tính"), (b"", "không phải bảng tính")])
def test_a_file_that_is_not_a_workbook_is_refused(make_ctx, office, session, data, message):
    with pytest.raises(InvalidInput, match=message):
        history.import_history(make_ctx(office.office, session), "x.xlsx", data)


def test_the_template_has_every_column_and_the_award_names(make_ctx, office, session):
    book = load_workbook(io.BytesIO(history.template(make_ctx(office.office, session))), read_only=True)
    header = next(book[history.SHEET].iter_rows(values_only=True))
    assert list(header) == [c.header for c in history.COLUMNS]
    guide = [r[0] for r in book[history.GUIDE_SHEET].iter_rows(values_only=True)]
    assert "CSTD_CS" in guide and "BK_TINH" in guide


def test_the_history_row_counts_are_kept(make_ctx, office, session):
    ctx: Context = make_ctx(office.office, session)
    history.import_history(ctx, "nho.xlsx", generate(["T-X1-TH"], 3, years=range(2020, 2022)).data)
    ctx.session.commit()
    (record,) = session.scalars(select(HistoryImport)).all()
    assert (record.rows_read, record.rows_bad, record.filename) == (6, 0, "nho.xlsx")
