"""The registry's pages: the office previews an Excel history, sees its bad rows by cell, confirms the
good ones; a person's page shows the whole history across units with the decision behind each award."""
from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import func, select

from engine.models import AuditEvent, Awardee, DossierKind, GrantedAward
from engine.vocabulary import AuditAction, Gender
from tests.history_file import generate, row
from tests.registry_factories import NOW, make_awardee
from tests.web.conftest import log_in

MOVED = [
    row(name="Trần Thị Tươi", birth_date="05/05/1985", unit="HBX-X01-THCS", year="2022-2023", award="CSTD_CS",
        decision_number="7/QĐ-UBND", decision_date="18/06/2023", decision_issuer="UBND xã Bình Minh",
        grade="Hoàn thành tốt nhiệm vụ"),
    row(name="Trần Thị Tươi", birth_date="05/05/1985", unit="HBX-X01", year=2024, award="LDTT",
        initiative="Sổ điểm điện tử", initiative_level="cấp cơ sở"),
]


def test_the_office_previews_confirms_and_reads_a_persons_history(client, tree):
    csrf = log_in(client, tree.commune_office)
    page = client.get("/registry").get_data(as_text=True)
    assert "Nhập lịch sử khen thưởng từ tệp Excel" in page
    template = client.get("/registry/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"

    file = generate(["HBX-X01-THCS"], 5, years=range(2022, 2025), extra=MOVED, bad=True)
    refused = client.post("/registry/import", content_type="multipart/form-data", data={
        "csrf_token": csrf, "mode": "all", "file": (io.BytesIO(file.data), "lich-su.xlsx")})
    assert refused.status_code == 422
    assert "chưa nhập gì" in refused.get_data(as_text=True)

    preview = client.post("/registry/import", content_type="multipart/form-data", data={
        "csrf_token": csrf, "mode": "preview", "file": (io.BytesIO(file.data), "lich-su.xlsx")})
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and f"{len(file.bad)} dòng không hợp lệ" in text
    confirm = re.search(r'action="(/registry/imports/\d+/confirm)"', text)
    assert confirm
    done = client.post(confirm.group(1), data={"csrf_token": csrf}).get_data(as_text=True)
    assert "Đã thêm: 6 cá nhân, tập thể" in done

    listing = client.get("/registry?q=tran thi tuoi").get_data(as_text=True)
    link = re.search(r'href="(/registry/people/\d+)">Trần Thị Tươi', listing)
    assert link
    person = client.get(link.group(1)).get_data(as_text=True)
    assert "Lý lịch khen thưởng" in person and "05/05/1985" in person
    assert "Trường THCS Bình Minh" in person and "UBND xã Bình Minh" in person  # both units
    assert "QĐ số 7/QĐ-UBND ngày 18/06/2023 của UBND xã Bình Minh" in person
    assert "2022-2023" in person and "Hoàn thành tốt nhiệm vụ" in person and "Sổ điểm điện tử" in person

    # The same history as a workbook, for the person and for the school.
    excel = re.search(r'href="(/api/v1/people/\d+/history.xlsx)"', person)
    assert excel
    book = load_workbook(io.BytesIO(client.get(excel.group(1)).data), read_only=True)
    rows = list(book["Lý lịch khen thưởng"].iter_rows(values_only=True))
    assert rows[2][3:7] == ("2022-2023", "CSTD_CS", "thường xuyên",
                            "QĐ số 7/QĐ-UBND ngày 18/06/2023 của UBND xã Bình Minh")
    assert [r[1] for r in book["Quá trình công tác"].iter_rows(values_only=True)][1:] == [
        "Trường THCS Bình Minh", "UBND xã Bình Minh"]
    school = client.get(f"/api/v1/units/{tree.school.id}/award-history.xlsx")
    assert school.status_code == 200
    names = {r[0] for r in load_workbook(io.BytesIO(school.data), read_only=True).worksheets[0]
             .iter_rows(min_row=3, values_only=True)}
    assert "Trần Thị Tươi" in names and len(names) == 6  # she moved away, her years there stay


def test_a_proposer_reads_the_registry_but_does_not_import(client, tree):
    csrf = log_in(client, tree.proposer)
    assert "Nhập lịch sử khen thưởng" not in client.get("/registry").get_data(as_text=True)
    file = generate(["HBX-X01-THCS"], 1, years=range(2024, 2025))
    response = client.post("/registry/import", content_type="multipart/form-data", data={
        "csrf_token": csrf, "file": (io.BytesIO(file.data), "x.xlsx")})
    assert response.status_code == 403


def test_the_office_compares_merges_and_undoes_likely_duplicates(client, tree, session, db):
    first = make_awardee(session, "Phạm Thị Lan", tree.school, code="GV-1")
    second = make_awardee(session, "Pham Thi Lan", tree.school, code="GV-2")
    other = make_awardee(session, "Phạm Thị Lan", tree.school, code="GV-3")
    for person in (first, second, other):
        person.birth_date = date(1970, 1, 2)
    other.gender, first.gender = Gender.MALE, Gender.FEMALE
    session.add(GrantedAward(awardee_id=second.id, award_type="LDTT", year=2023, dossier_kind=DossierKind.REGULAR,
                             created_at=NOW))
    session.commit()
    csrf = log_in(client, tree.commune_office)

    page = client.get("/registry/duplicates").get_data(as_text=True)
    assert "Hồ sơ có thể trùng" in page and "GV-1" in page and "GV-2" in page
    compare = client.get(f"/registry/duplicates/{first.id}/{second.id}")
    text = compare.get_data(as_text=True)
    assert compare.status_code == 200 and "So sánh hai hồ sơ" in text
    assert f"Giữ hồ sơ này, gộp hồ sơ số {second.id} vào" in text and "02/01/1970" in text

    refused = client.post("/registry/merges", data={"csrf_token": csrf, "kept": first.id, "merged": other.id})
    assert refused.status_code == 409 and "là hai người khác nhau" in refused.get_data(as_text=True)
    assert client.post("/registry/merges", data={"csrf_token": csrf, "kept": "x"}).status_code == 422

    done = client.post("/registry/merges", data={"csrf_token": csrf, "kept": first.id, "merged": second.id},
                       follow_redirects=True)
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and f"Đã gộp hồ sơ số {second.id} vào hồ sơ số {first.id}" in text
    assert db(lambda s: s.get(Awardee, second.id).merged_into_id) == first.id
    assert db(lambda s: s.scalar(select(GrantedAward.awardee_id).where(GrantedAward.award_type == "LDTT"))) == first.id
    assert db(lambda s: s.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == AuditAction.AWARDEES_MERGED))) == 1
    undo = re.search(r'action="(/registry/merges/\d+/undo)"', text)
    assert undo
    undone = client.post(undo.group(1), data={"csrf_token": csrf}, follow_redirects=True).get_data(as_text=True)
    assert "Đã hoàn tác lần gộp" in undone and "Đã hoàn tác lúc" in undone
    assert db(lambda s: s.get(Awardee, second.id).merged_into_id) is None
    assert db(lambda s: s.scalar(select(GrantedAward.awardee_id).where(GrantedAward.award_type == "LDTT"))) == second.id
    assert client.post(undo.group(1), data={"csrf_token": csrf}).status_code == 409


def test_a_proposer_does_not_see_the_duplicates(client, tree):
    csrf = log_in(client, tree.proposer)
    assert client.get("/registry/duplicates").status_code == 403
    assert client.post("/registry/merges", data={"csrf_token": csrf, "kept": 1, "merged": 2}).status_code == 403
def test_the_office_bars_and_lifts_a_person_on_the_person_page(client, tree, session):
    from tests.registry_factories import make_awardee  # noqa: PLC0415 - only this test builds a person directly

    tuoi = make_awardee(session, "Nguyễn Thị Tươi", tree.school)
    session.commit()
    page = f"/registry/people/{tuoi.id}"
    csrf = log_in(client, tree.commune_office)
    assert "Trường hợp chưa được đề nghị khen thưởng" in client.get(page).get_data(as_text=True)

    refused = client.post(f"{page}/bars", data={"csrf_token": csrf, "reason": "investigation", "from_date": "",
                                                 "note": "Cơ quan điều tra thông báo"})
    assert refused.status_code == 422
    assert "<code>from_date</code>" in refused.get_data(as_text=True) and "<code>note</code>" not in refused.get_data(
        as_text=True)
    saved = client.post(f"{page}/bars", data={"csrf_token": csrf, "reason": "investigation",
                                               "from_date": "2026-03-02", "note": "Cơ quan điều tra thông báo"})
    text = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "Đã ghi trường hợp chưa được đề nghị khen thưởng." in text
    assert "Đang bị điều tra" in text and "02/03/2026" in text
    lift = re.search(r'action="([^"]+/lift)"', text)
    assert lift is not None
    lifted = client.post(lift.group(1), data={"csrf_token": csrf, "lifted_on": "2026-04-01",
                                              "note": "Đình chỉ điều tra"}).get_data(as_text=True)
    assert "Từ ngày 01/04/2026: Đình chỉ điều tra" in lifted


def test_a_proposer_sees_the_barred_cases_without_the_forms(client, tree, session):
    from tests.registry_factories import make_awardee  # noqa: PLC0415

    tuoi = make_awardee(session, "Nguyễn Thị Tươi", tree.school)
    session.commit()
    log_in(client, tree.proposer)
    text = client.get(f"/registry/people/{tuoi.id}").get_data(as_text=True)
    assert "Không có trường hợp nào." in text and "Ghi trường hợp" not in text
