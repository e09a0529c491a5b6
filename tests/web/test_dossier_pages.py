"""A school's proposer works in the pages: the nomination list imported from Excel (all rows checked,
nothing saved while any is bad, each bad row named), typed rows with errors beside them, uploads,
submission; and everyone who may see the dossier reads it with its process drawn."""
from __future__ import annotations

import io
import os
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from api.web import excel
from engine.models import Dossier, DossierStatus
from engine.operations.award.inputs import MAX_ACHIEVEMENTS, MAX_NAME, MAX_POSITION
from tests.api.helpers import audit_count
from tests.engine.test_dossiers import pdf
from tests.web.conftest import log_in, submitted_dossier, workbook

GOOD = ["GIAY_KHEN", "Cá nhân", "Nguyễn Thị Tươi", "Giáo viên", "Tổ Toán", "Giáo viên dạy giỏi cấp tỉnh"]
HEADER = {"title": "Đề nghị khen thưởng năm học 2025-2026", "year": "2026", "kind": "regular"}


def _dossiers(db) -> list[Dossier]:
    return db(lambda s: list(s.scalars(select(Dossier).order_by(Dossier.id))))


def _create(client, csrf, data: bytes | None = None, **fields):
    form = {"csrf_token": csrf, **HEADER, **fields}
    if data is not None:
        form["excel"] = (io.BytesIO(data), "danh-sach.xlsx")
    return client.post("/dossiers/new", data=form, content_type="multipart/form-data")


def test_an_excel_list_with_bad_rows_saves_nothing_and_names_every_bad_row(client, tree, db):
    csrf = log_in(client, tree.proposer)
    before = audit_count(db)
    data = workbook(GOOD,
                    ["KHONG_CO", "Cá nhân", "Phạm Văn An", "Hiệu trưởng", "", "Dẫn dắt nhà trường"],
                    ["BK_TINH", "Cá nhân", "", "", "", "Thành tích xuất sắc"],
                    [None] * 6,
                    ["Giấy khen", "Nhóm", "Tổ Ngữ văn", "", "", "Tập thể tiêu biểu"])
    response = _create(client, csrf, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Dòng 3" in page and "KHONG_CO" in page
    assert "Dòng 4" in page and "Họ tên cá nhân hoặc tên tập thể: bắt buộc nhập." in page
    assert "Dòng 6" in page and "«Nhóm»" in page
    assert "Dòng 2" not in page and "Dòng 5" not in page  # the good row and the empty one
    assert "chưa lưu gì" in page
    assert _dossiers(db) == [] and audit_count(db) == before


def test_a_good_excel_list_becomes_the_dossier_s_nominations(client, tree, db):
    csrf = log_in(client, tree.proposer)
    data = workbook(GOOD, ["Bằng khen của Bộ trưởng, Chủ tịch Ủy ban nhân dân tỉnh", "Cá nhân", "Phạm Văn An",
                           "Hiệu trưởng", "", "Dẫn dắt nhà trường"],
                    ["GIAY_KHEN", "Tập thể", "Tổ Ngữ văn", "", "", "Tập thể giỏi"])
    response = _create(client, csrf, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    [dossier] = _dossiers(db)
    nominations = db(lambda s: [(n.award_type, n.nominee_kind, n.nominee_name, n.nominee_unit)
                                for n in s.get(Dossier, dossier.id).nominations])
    assert nominations == [("GIAY_KHEN", "individual", "Nguyễn Thị Tươi", "Tổ Toán"),
                           ("BK_TINH", "individual", "Phạm Văn An", None),
                           ("GIAY_KHEN", "collective", "Tổ Ngữ văn", None)]
    assert "Đã nhập 3 đề nghị từ tệp Excel" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_file_that_is_not_a_workbook_is_refused_in_words(client, tree, db):
    csrf = log_in(client, tree.proposer)
    response = _create(client, csrf, pdf("không phải Excel"))
    assert response.status_code == 422
    assert "không phải bảng tính Excel" in response.get_data(as_text=True)
    response = _create(client, csrf, workbook(GOOD, headers=["A", "B"]))
    assert response.status_code == 422 and "Không tìm thấy cột" in response.get_data(as_text=True)
    assert _dossiers(db) == []


def test_the_template_downloads_with_its_columns_and_the_award_types_in_force(client, tree):
    log_in(client, tree.proposer)
    response = client.get("/dossiers/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert [c.value for c in book["Danh sách đề nghị"][1]][:3] == ["Loại khen thưởng", "Cá nhân hay tập thể",
                                                                  "Họ tên cá nhân hoặc tên tập thể"]
    rows = [[c.value for c in row] for row in book["Danh mục khen thưởng"].iter_rows(min_row=2)]
    assert ["Giấy khen", "Cá nhân, tập thể", "GIAY_KHEN"] in rows or any(
        r[0] == "Giấy khen" and r[2] == "GIAY_KHEN" for r in rows)
    [names] = [v for v in book["Danh sách đề nghị"].data_validations.dataValidation if "A2" in str(v.sqref)]
    assert names.formula1 == f"'Danh mục khen thưởng'!$A$2:$A${len(rows) + 1}"  # a drop-down of names


def test_typed_rows_show_their_errors_beside_the_field_and_keep_what_was_typed(client, tree, db):
    csrf = log_in(client, tree.proposer)
    response = _create(client, csrf, **{"n-0-award_type": "GIAY_KHEN", "n-0-kind": "individual",
                                        "n-0-name": "Nguyễn Thị Tươi", "n-0-achievements": "",
                                        "n-1-award_type": "", "n-1-kind": "individual", "n-1-name": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="n-0-achievements-loi"' in page and "Cần nêu tóm tắt thành tích." in page
    assert 'value="Nguyễn Thị Tươi"' in page
    assert _dossiers(db) == []


def test_adding_a_row_saves_nothing(client, tree, db):
    csrf = log_in(client, tree.proposer)
    response = _create(client, csrf, action="add_row", **{"n-0-name": "Nguyễn Thị Tươi"})
    assert response.status_code == 200 and 'name="n-1-name"' in response.get_data(as_text=True)
    assert _dossiers(db) == []


def test_the_proposer_uploads_and_submits_from_the_dossier_page(client, tree, db):
    csrf = log_in(client, tree.proposer)
    location = _create(client, csrf, workbook(GOOD)).headers["Location"]
    dossier_id = int(location.rsplit("/", 1)[1])
    page = client.get(location).get_data(as_text=True)
    assert "Chưa đủ để nộp" in page
    refused = client.post(f"/dossiers/{dossier_id}/submit", data={"csrf_token": csrf})
    assert refused.status_code == 422 and "Thiếu" in refused.get_data(as_text=True)
    [nomination_id] = db(lambda s: [n.id for n in s.get(Dossier, dossier_id).nominations])
    for kind, nomination in (("submission", ""), ("achievement_report", str(nomination_id))):
        response = client.post(f"/dossiers/{dossier_id}/attachments", content_type="multipart/form-data", data={
            "csrf_token": csrf, "kind": kind, "nomination_id": nomination,
            "file": (io.BytesIO(pdf(kind)), f"{kind}.pdf")})
        assert response.status_code == 302
    not_pdf = client.post(f"/dossiers/{dossier_id}/attachments", content_type="multipart/form-data", data={
        "csrf_token": csrf, "kind": "evidence", "file": (io.BytesIO(b"MZ\x90\x00 not a document"), "virus.exe")})
    assert not_pdf.status_code == 415 and "Chỉ chấp nhận tệp" in not_pdf.get_data(as_text=True)
    assert client.post(f"/dossiers/{dossier_id}/submit", data={"csrf_token": csrf}).status_code == 302
    assert db(lambda s: s.get(Dossier, dossier_id).status) == DossierStatus.IN_REVIEW
    page = client.get(location).get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="bpmn"' in page
    assert 'class="node userTask active" data-id="check_completeness"' in page
    assert "Nộp hồ sơ" in page and "Chuyển hồ sơ đến UBND xã Bình Minh xét duyệt" in page


def test_search_ignores_diacritics_and_filters_by_status(client, ctx, tree, db):
    submitted_dossier(ctx, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    log_in(client, tree.commune_office)
    assert "Đề nghị khen thưởng năm học" in client.get("/dossiers?q=nguyen+thi+tuoi").get_data(as_text=True)
    assert "0 hồ sơ" in client.get("/dossiers?q=tran+van+b").get_data(as_text=True)
    assert "0 hồ sơ" in client.get("/dossiers?status=decided").get_data(as_text=True)
    assert client.get("/dossiers?status=nonsense&year=abc&unit=-1").status_code == 200
    assert db(lambda s: s.scalar(select(func.count()).select_from(Dossier))) == 1


def test_an_excel_row_over_a_limit_is_refused_with_its_row_named(client, tree, db):
    """The limits of engine/operations/award/inputs.py hold for the sheet as for the API: an
    achievements text one character too long is refused on its row, and nothing is saved."""
    csrf = log_in(client, tree.proposer)
    before = audit_count(db)
    too_long = ["GIAY_KHEN", "Cá nhân", "Phạm Văn An", "", "", "x" * (MAX_ACHIEVEMENTS + 1)]
    response = _create(client, csrf, workbook(GOOD, too_long))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Dòng 3" in page and f"Tóm tắt thành tích: Tối đa {MAX_ACHIEVEMENTS} ký tự." in page
    assert "Dòng 2" not in page
    assert _dossiers(db) == [] and audit_count(db) == before


def test_a_typed_row_over_a_limit_is_refused_beside_its_field(client, tree, db):
    csrf = log_in(client, tree.proposer)
    response = _create(client, csrf, **{"n-0-award_type": "GIAY_KHEN", "n-0-kind": "individual",
                                        "n-0-name": "N" * (MAX_NAME + 1), "n-0-achievements": "Thành tích",
                                        "n-0-position": "P" * (MAX_POSITION + 1)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="n-0-name-loi"' in page and f"Tối đa {MAX_NAME} ký tự." in page
    assert 'id="n-0-position-loi"' in page and f"Tối đa {MAX_POSITION} ký tự." in page
    assert f'maxlength="{MAX_NAME}"' in page
    assert _dossiers(db) == []


def _with_part(data: bytes, name: str, size: int, *, random: bool = False) -> bytes:
    """The workbook with one more part of `size` bytes (zeros compress to almost nothing)."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as book, book.open(name, "w") as part:
        chunk = os.urandom(1 << 20) if random else bytes(1 << 20)
        for _ in range(size >> 20):
            part.write(chunk)
    return out.getvalue()


@pytest.mark.parametrize(("size", "random", "refusal"), [
    (excel.MAX_UNPACKED_BYTES + (1 << 20), False, "khi giải nén quá lớn"),  # a 100 KB file unpacking to 49 MB
    (excel.MAX_FILE_BYTES + (1 << 20), True, "Tệp Excel quá lớn"),
])
def test_an_excel_file_over_the_bounds_is_refused_before_it_is_parsed(client, tree, db, size, random, refusal):
    csrf = log_in(client, tree.proposer)
    data = _with_part(workbook(GOOD), "xl/media/padding.bin", size, random=random)
    response = _create(client, csrf, data)
    assert response.status_code == 422 and refusal in response.get_data(as_text=True)
    assert _dossiers(db) == []


def test_an_excel_sheet_with_rows_far_below_the_list_is_refused_at_the_bound(client, tree, db):
    csrf = log_in(client, tree.proposer)
    book = load_workbook(io.BytesIO(workbook(GOOD)))
    book.active.cell(row=excel.MAX_SCANNED_ROWS + 5, column=1, value="GIAY_KHEN")
    out = io.BytesIO()
    book.save(out)
    response = _create(client, csrf, out.getvalue())
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and f"Dòng {excel.MAX_SCANNED_ROWS + 1}" in page and "quá nhiều dòng" in page
    assert _dossiers(db) == []


def test_an_over_long_name_cell_is_refused_on_its_row_and_column(client, tree, db):
    csrf = log_in(client, tree.proposer)
    response = _create(client, csrf, workbook(GOOD, ["GIAY_KHEN", "Cá nhân", "N" * (MAX_NAME + 1), "", "", "Tốt"]))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Dòng 3" in page and f"Họ tên cá nhân hoặc tên tập thể: Tối đa {MAX_NAME} ký tự." in page
    assert page.count(f"Tối đa {MAX_NAME} ký tự.") == 1  # the sheet's refusal, not again from check_dossier


def test_households_come_from_the_excel_list_and_from_typed_rows(client, tree, db):
    """"Hộ gia đình" in the list's kind column (or the form's select) nominates a household by its name."""
    csrf = log_in(client, tree.proposer)
    data = workbook(["GD_VH", "Hộ gia đình", "Hộ ông Nguyễn Văn A", "", "Thôn Đông", "Gia đình văn hóa tiêu biểu"])
    response = _create(client, csrf, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    response = _create(client, csrf, **{"n-0-award_type": "GD_VH", "n-0-kind": "household",
                                        "n-0-name": "Hộ bà Trần Thị B", "n-0-achievements": "Gia đình no ấm"})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hộ bà Trần Thị B" in page and "Hộ gia đình" in page
    rows = db(lambda s: [(n.award_type, n.nominee_kind, n.nominee_name) for d in s.scalars(select(Dossier)
                         .order_by(Dossier.id)) for n in d.nominations])
    assert rows == [("GD_VH", "household", "Hộ ông Nguyễn Văn A"), ("GD_VH", "household", "Hộ bà Trần Thị B")]
    refused = _create(client, csrf, **{"n-0-award_type": "LDTT", "n-0-kind": "household",
                                       "n-0-name": "Hộ ông Lê Văn C", "n-0-achievements": "…"})
    assert refused.status_code == 422 and "không dành cho hộ gia đình" in refused.get_data(as_text=True)
