"""Long tables of generated documents (a round's annex, tờ trình, minutes): `add_rows` writes the same XML
python-docx writes cell by cell, and every document that lists names reads back, row by row and cell by
cell, what it was given: the texts, the column widths, a heading row repeated on every page."""
from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table
from lxml import etree

from engine.documents import Awardee, AwardGroup, DecisionDocument, render_decision
from engine.documents.counting import CountedAward, CountedName, CountingDocument, render_counting
from engine.documents.layout import CENTER, LEFT, add_rows, fill_cell, grid_table, set_up_page_and_fonts
from engine.documents.state_submission import StateSubmissionDocument, SubmissionLine, render_state_submission
from engine.documents.submission import SubmissionDocument, SubmittedGroup, SubmittedName, render_submission

ROWS = [
    ["1", "Bà Nguyễn Thị Tươi", "Giáo viên, Trường THCS Bình Minh", ""],
    ["2", "Ông Trần Văn Đức", "", "Đề nghị: Chiến sĩ thi đua tỉnh"],
    ["3", "Tổ Khoa học tự nhiên", "Hai dòng\nmột ô", "  lề trái"],
    ["4", "Tab\tgiữa", "x", "cuối "],
]
WIDTHS = (13, 50, 64, 38)
HEADINGS = ["STT", "Họ và tên", "Chức vụ - Đơn vị", "Ghi chú"]


def _table() -> tuple[DocxDocument, Table]:
    document = Document()
    set_up_page_and_fonts(document)
    return document, grid_table(document, WIDTHS, HEADINGS, size=12)


def _xml(table: Table) -> bytes:
    return etree.tostring(table._tbl)


@pytest.mark.parametrize("middle", [False, True])
def test_add_rows_writes_what_python_docx_writes_cell_by_cell(middle):
    aligns = [CENTER, LEFT, LEFT, CENTER]
    _, by_cell = _table()
    for values in ROWS:
        row = by_cell.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row never breaks across pages
        for cell, value, align in zip(row.cells, values, aligns, strict=True):
            fill_cell(cell, value, align=align, size=12)
            if middle:
                cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    _, fast = _table()
    add_rows(fast, ROWS, aligns=aligns, size=12, middle=middle)
    assert _xml(fast) == _xml(by_cell)
    assert [[cell.text for cell in row.cells] for row in fast.rows[1:]] == ROWS


def test_add_rows_refuses_a_row_of_the_wrong_width_and_adds_nothing_for_no_rows():
    _, table = _table()
    add_rows(table, [], aligns=[LEFT] * 4)
    assert len(table.rows) == 1
    with pytest.raises(ValueError, match="3 cells"):
        add_rows(table, [["1", "a", "b"]], aligns=[LEFT] * 4)


def _read(data: bytes) -> DocxDocument:
    return Document(io.BytesIO(data))


def _body(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows[1:]]


def _widths_mm(table: Table) -> list[list[float]]:
    """Every row's cell widths (what Word reads) and the grid's (what LibreOffice reads), in mm."""
    grid = [round(column.w.mm, 1) for column in table._tbl.tblGrid.gridCol_lst]
    return [grid] + [[round(tc.tcPr.tcW.width.mm, 1) for tc in row._tr.tc_lst] for row in table.rows]


def _repeats_heading(table: Table) -> bool:
    trPr = table.rows[0]._tr.trPr
    return trPr is not None and trPr.find(qn("w:tblHeader")) is not None


def _cant_split(table: Table) -> list[bool]:
    return [row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows[1:]]


def _fonts(table: Table) -> set[tuple[str | None, float | None]]:
    return {(run.font.name, run.font.size.pt if run.font.size else None)
            for row in table.rows[1:] for cell in row.cells for p in cell.paragraphs for run in p.runs}


def test_a_round_decisions_annex_reads_back_row_by_row_with_its_column_widths():
    awardees = [Awardee(f"Người {i:03d}", f"Giáo viên {i}" if i % 7 else None, None,
                        note="Đề nghị: Chiến sĩ thi đua tỉnh" if i % 10 == 0 else None) for i in range(1, 251)]
    doc = DecisionDocument(
        governing_body=None, issuer="ỦY BAN NHÂN DÂN XÃ BÌNH MINH", issuer_short="UBND", number=7, year=2026,
        place="Bình Minh", signed_on=date(2026, 12, 15), summary="Về việc tặng Giấy khen",
        authority="CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ BÌNH MINH", legal_bases=[], proposal="Xét đề nghị.",
        groups=[AwardGroup("Giấy khen", awardees)], reward_note=None, executors="Thi hành.",
        signer_capacity=None, signer_title="CHỦ TỊCH", signer_name="Phạm Văn Hùng", recipients=["Lưu: VT."],
        annexed=True, signer_body="Chủ tịch Ủy ban nhân dân xã Bình Minh")
    annex = _read(render_decision(doc)).tables[-1]
    assert _body(annex) == [[str(i), a.name, a.position or "", a.note or ""]  # the title names the form
                            for i, a in enumerate(awardees, start=1)]
    assert all(widths == [13, 55, 59, 38] for widths in _widths_mm(annex))  # STT 13 mm, Ghi chú 38 mm
    assert _repeats_heading(annex) and all(_cant_split(annex)) and _fonts(annex) == {("Times New Roman", 12)}
    assert annex.rows[1].cells[0].paragraphs[0].alignment == CENTER


def test_a_round_submission_counts_and_lists_each_award_types_names_row_by_row():
    groups = [SubmittedGroup("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
                             [SubmittedName(f"Người {g}.{i:03d}", None if i % 5 == 0 else "Giáo viên",
                                            f"Trường {i % 3}", collective=g == 2 and i > 100)
                              for i in range(1, 121)]) for g in (1, 2)]
    doc = SubmissionDocument(
        governing_body=None, issuer="ỦY BAN NHÂN DÂN XÃ BÌNH MINH", issuer_short="UBND",
        issuer_name="Ủy ban nhân dân xã Bình Minh", place="Bình Minh", signed_on=date(2026, 12, 15),
        round_title="Đợt xét tổng kết năm 2026", addressee="Chủ tịch Ủy ban nhân dân tỉnh", bases=[],
        groups=groups, attached=[], signer_title="Chủ tịch", signer_name="Phạm Văn Hùng")
    document = _read(render_submission(doc))
    text = [p.text for p in document.paragraphs]
    assert ("Ủy ban nhân dân xã Bình Minh kính trình Chủ tịch Ủy ban nhân dân tỉnh xem xét, khen thưởng cho "
            "220 cá nhân và 20 tập thể có thành tích, cụ thể như sau:") in text
    assert "1. Đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: 120 cá nhân." in text
    assert "2. Đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: 100 cá nhân và 20 tập thể." in text
    tables = document.tables[1:-1]
    assert [_body(t) for t in tables] == [[[str(i), n.name, n.position or "", n.proposing_unit]
                                           for i, n in enumerate(g.names, start=1)] for g in groups]
    for table in tables:
        assert all(widths == [12, 55, 60, 38] for widths in _widths_mm(table))
        assert _repeats_heading(table) and all(_cant_split(table)) and _fonts(table) == {("Times New Roman", 12)}


def test_the_state_submissions_landscape_annex_keeps_every_row_on_one_page():
    lines = [SubmissionLine(f"Người {i:03d}", i % 9 == 0, None if i % 4 == 0 else "Giáo viên", "Trường THCS",
                            "Bằng khen của Thủ tướng Chính phủ", None if i % 3 else "Có thành tích\nxuất sắc")
             for i in range(1, 151)]
    doc = StateSubmissionDocument(
        issuer="Ủy ban nhân dân tỉnh Đồng Nai", number="88/TTr-UBND", place="Đồng Nai", signed_on=date(2026, 12, 15),
        addressee="Thủ tướng Chính phủ", via=None, legal_bases=[], proposal="Kính đề nghị:",
        awards=[("Bằng khen của Thủ tướng Chính phủ", 134, 16)], lines=lines, signer_capacity=None,
        signer_title="CHỦ TỊCH", signer_name="Võ Tấn Đức", recipients=[])
    document = _read(render_state_submission(doc))
    annex = document.tables[-1]
    assert _body(annex) == [[str(i), n.name, n.position or "", n.unit or "", n.award, n.achievement or ""]
                            for i, n in enumerate(lines, start=1)]
    assert all(_cant_split(annex)) and _repeats_heading(annex)
    assert document.sections[-1].page_width > document.sections[-1].page_height  # landscape, as before


def test_the_counting_minutes_list_who_passed_and_who_did_not():
    names = [CountedName(f"Người {i:03d}", 10 + i % 3, 15, "66,67%") for i in range(1, 101)]
    doc = CountingDocument(
        governing_body="ỦY BAN NHÂN DÂN TỈNH", council="HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", place="Đồng Nai",
        held_on=date(2026, 12, 15), started_at="10 giờ 15 phút", location="Hội trường",
        board=[("Trưởng ban A", "Trưởng ban")], total_members=15, present=15, written_votes=0,
        awards=[CountedAward("Chiến sĩ thi đua cấp tỉnh", "Từ 2/3 trở lên", names[:60], names[60:], "Đề nghị.")])
    passed, failed = _read(render_counting(doc)).tables[1:3]
    for table, listed in ((passed, names[:60]), (failed, names[60:])):
        assert _body(table) == [[str(i), n.nominee, str(n.yes), f"66,67% ({n.yes}/15)"]
                                for i, n in enumerate(listed, start=1)]
        assert all(_cant_split(table)) and _repeats_heading(table)


def test_in_libreoffice_no_row_of_a_round_annex_is_cut_by_a_page_break(tmp_path):
    """Each name's row (four lines: its unit and the award wrap) prints whole on one page, under the
    heading row repeated at the top of every page of the list."""
    from tests.office import pages_in_libreoffice

    awardees = [Awardee(f"Người {i:03d}", "Giáo viên, Tổ Khoa học tự nhiên, Trường Trung học cơ sở Bình Minh, "
                                          f"xã Bình Minh, mã BM{i:03d}", None)
                for i in range(1, 81)]
    doc = DecisionDocument(
        governing_body=None, issuer="ỦY BAN NHÂN DÂN XÃ BÌNH MINH", issuer_short="UBND", number=7, year=2026,
        place="Bình Minh", signed_on=date(2026, 12, 15), summary="Về việc tặng Giấy khen",
        authority="CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ BÌNH MINH", legal_bases=[], proposal="Xét đề nghị.",
        groups=[AwardGroup("Giấy khen của Chủ tịch Ủy ban nhân dân xã", awardees)], reward_note=None,
        executors="Thi hành.", signer_capacity=None, signer_title="CHỦ TỊCH", signer_name="Phạm Văn Hùng",
        recipients=["Lưu: VT."], annexed=True, signer_body="Chủ tịch Ủy ban nhân dân xã Bình Minh")
    pages = pages_in_libreoffice({"annex": render_decision(doc)}, tmp_path)["annex"]
    listed = [page for page in pages if "Người " in page]
    assert len(listed) > 2  # the list runs over several pages
    for i in range(1, 81):
        with_name = [n for n, page in enumerate(pages) if f"Người {i:03d}" in page]
        with_unit_end = [n for n, page in enumerate(pages) if f"BM{i:03d}" in page]
        assert with_name == with_unit_end, (i, with_name, with_unit_end)
    assert all(page.lstrip().startswith("STT") for page in listed[1:])  # the heading row repeats


def test_in_libreoffice_the_submissions_signature_never_stands_alone_on_its_page(tmp_path):
    """Lists of 8 to 22 names push the end of the tờ trình past every point of a page break: the closing
    sentence is always on the page of the signature, and a group's heading on the page of its list."""
    from tests.office import pages_in_libreoffice

    documents = {}
    for count in range(8, 23):
        names = [SubmittedName(f"Người {i:03d}", "Giáo viên, Trường THCS Bình Minh", "Trường THCS Bình Minh")
                 for i in range(1, count + 1)]
        documents[f"t{count:02d}"] = render_submission(SubmissionDocument(
            governing_body=None, issuer="ỦY BAN NHÂN DÂN XÃ BÌNH MINH", issuer_short="UBND",
            issuer_name="Ủy ban nhân dân xã Bình Minh", place="Bình Minh", signed_on=date(2026, 12, 15),
            round_title="Đợt xét tổng kết năm 2026", addressee="Chủ tịch Ủy ban nhân dân tỉnh",
            bases=["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"],
            groups=[SubmittedGroup("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", names)],
            attached=["Biên bản họp Hội đồng Thi đua - Khen thưởng", "Danh sách đề nghị khen thưởng"],
            signer_title="Chủ tịch", signer_name="Phạm Văn Hùng Ký Tên"))
    for name, pages in pages_in_libreoffice(documents, tmp_path).items():
        [signed] = [page for page in pages if "Phạm Văn Hùng Ký Tên" in page]
        assert "xem xét, quyết định./." in signed and "CHỦ TỊCH" in signed, name
        [heading] = [page for page in pages if "1. Đề nghị tặng" in page]
        assert "Người 001" in heading, name
