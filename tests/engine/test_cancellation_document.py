"""A commune chairman's decision cancelling a Giấy khen won by false declarations, rendered as .docx
and read back: header, bases ending with the cancelled decision and the finding, Điều 1 with the
revoked awards and the ground, recovery in Điều 2, executors in Điều 3, signer and Nơi nhận."""
from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Mm

from engine.documents import CancellationDocument, RevokedAward, render_cancellation
from engine.errors import InvalidInput
from tests.office import docx_text_in_libreoffice

LEGAL_BASES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;",
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
    "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi tiết "
    "một số điều của Luật Thi đua, khen thưởng;",
]
ORIGINAL = "Quyết định số 01/QĐ-UBND ngày 23/11/2026 của Chủ tịch UBND xã Bình Minh về việc tặng Giấy khen"
FINDING = "Kết luận giải quyết khiếu nại số 02/KL-UBND ngày 10 tháng 12 năm 2026 của Chủ tịch UBND xã Bình Minh"
AWARDS = [
    RevokedAward("Bà Nguyễn Thị Tươi", "Giáo viên Trường THCS Bình Minh", "Giấy khen"),
    RevokedAward("Tổ Khoa học tự nhiên", None, "Giấy khen"),
]
RECOVERY = ("Trường THCS Bình Minh có trách nhiệm thu hồi Giấy khen và số tiền thưởng đã nhận của các cá nhân, "
            "tập thể có tên tại Điều 1, nộp về Văn phòng HĐND và UBND xã trước ngày 31 tháng 12 năm 2026.")
EXECUTORS = ("Văn phòng HĐND và UBND xã, Trường THCS Bình Minh và các cá nhân, tập thể có tên tại Điều 1 "
             "chịu trách nhiệm thi hành Quyết định này.")


def _cancellation(**changes: object) -> CancellationDocument:
    values: dict[str, object] = dict(
        governing_body=None,
        issuer="ỦY BAN NHÂN DÂN XÃ BÌNH MINH",
        issuer_short="UBND",
        number=3,
        year=2026,
        place="Bình Minh",
        signed_on=date(2026, 12, 15),
        authority="CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ BÌNH MINH",
        legal_bases=LEGAL_BASES,
        original_decision=ORIGINAL,
        ground="Cá nhân đã kê khai gian dối thành tích",
        finding=FINDING,
        awards=AWARDS,
        recovery=RECOVERY,
        executors=EXECUTORS,
        signer_capacity=None,
        signer_title="CHỦ TỊCH",
        signer_name="Phạm Văn Hùng",
        recipients=["- Như Điều 3;", "- Lưu: VT."],
    )
    values.update(changes)
    return CancellationDocument(**values)  # type: ignore[arg-type]


def _open(doc: CancellationDocument) -> DocxDocument:
    return Document(io.BytesIO(render_cancellation(doc)))


@pytest.fixture(scope="module")
def rendered() -> DocxDocument:
    return _open(_cancellation())


def test_header_is_the_decision_header_with_a_padded_number(rendered):
    issuer_cell, national_cell = rendered.tables[0].rows[0].cells
    assert issuer_cell.text == "ỦY BAN NHÂN DÂN\nXÃ BÌNH MINH\n\nSố: 03/QĐ-UBND"
    assert [p.text for p in national_cell.paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Bình Minh, ngày 15 tháng 12 năm 2026",
    ]
    for table in (rendered.tables[0], rendered.tables[-1]):
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}


def test_preamble_reads_in_order_with_the_cancelled_decision_and_the_finding(rendered):
    texts = [p.text for p in rendered.paragraphs if p.text]
    assert texts[:3] == ["QUYẾT ĐỊNH", "Về việc hủy bỏ quyết định khen thưởng",
                         "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ BÌNH MINH"]
    assert texts[3:6] == LEGAL_BASES
    assert texts[6] == f"Căn cứ {ORIGINAL};"
    assert texts[7] == f"Xét {FINDING}."
    assert texts[8] == "QUYẾT ĐỊNH:"
    bases = [p for p in rendered.paragraphs if p.text in texts[3:8]]
    assert len(bases) == 5
    assert all(run.italic for p in bases for run in p.runs)
    assert all(p.paragraph_format.first_line_indent == Mm(12.7) for p in bases)
    assert all(p.alignment == 3 for p in bases)  # WD_ALIGN_PARAGRAPH.JUSTIFY
    assert all(p.runs[0].bold for p in rendered.paragraphs if p.text in (texts[0], texts[1], texts[8]))


def test_articles_follow_one_another(rendered):
    texts = [p.text for p in rendered.paragraphs if p.text]
    start = texts.index("QUYẾT ĐỊNH:") + 1
    assert texts[start:start + 4] == [
        f"Điều 1. Hủy bỏ {ORIGINAL} đối với:",
        "Lý do: Cá nhân đã kê khai gian dối thành tích.",
        f"Điều 2. {RECOVERY}",
        f"Điều 3. {EXECUTORS}",
    ]
    article_1 = next(p for p in rendered.paragraphs if p.text.startswith("Điều 1."))
    assert article_1.runs[0].text == "Điều 1." and article_1.runs[0].bold and not article_1.runs[1].bold


def test_the_table_of_revoked_awards_sits_between_article_1_and_the_ground(rendered):
    body = rendered.element.body
    children = list(body.iterchildren())
    table = rendered.tables[1]
    article_1 = next(p for p in rendered.paragraphs if p.text.startswith("Điều 1."))
    ground = next(p for p in rendered.paragraphs if p.text.startswith("Lý do:"))
    assert children.index(article_1._p) < children.index(table._tbl) < children.index(ground._p)
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows == [
        ["STT", "Họ và tên / Tập thể", "Chức vụ - Đơn vị", "Hình thức khen thưởng"],
        ["1", "Bà Nguyễn Thị Tươi", "Giáo viên Trường THCS Bình Minh", "Giấy khen"],
        ["2", "Tổ Khoa học tự nhiên", "", "Giấy khen"],
    ]
    assert all(c.paragraphs[0].runs[0].bold for c in table.rows[0].cells)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert len(rendered.tables) == 3  # header, revoked awards, signer block


def test_signer_block_and_recipients(rendered):
    recipients_cell, signer_cell = rendered.tables[-1].rows[0].cells
    label = recipients_cell.paragraphs[0]
    assert label.text == "Nơi nhận:" and label.runs[0].bold and label.runs[0].italic
    assert [p.text for p in recipients_cell.paragraphs[1:]] == ["- Như Điều 3;", "- Lưu: VT."]
    assert [p.text for p in signer_cell.paragraphs] == ["CHỦ TỊCH", "Phạm Văn Hùng"]
    assert rendered.tables[-1].rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None  # kept on one page
    document = _open(_cancellation(signer_capacity="KT. Chủ tịch", signer_title="Phó Chủ tịch"))
    assert [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs] == [
        "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Phạm Văn Hùng"]


def test_page_is_a4_and_every_run_times_new_roman(rendered):
    section = rendered.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    paragraphs = list(rendered.paragraphs)
    for table in rendered.tables:
        paragraphs += [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    runs = [run for p in paragraphs for run in p.runs]
    assert len(runs) > 20
    for run in runs:
        fonts = run._r.rPr.rFonts
        assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
        assert 11 <= run.font.size.pt <= 14


def test_core_properties(rendered):
    assert rendered.core_properties.title == "Về việc hủy bỏ quyết định khen thưởng"
    assert rendered.core_properties.subject == "Quyết định số 03/QĐ-UBND"
    assert rendered.core_properties.author == "ỦY BAN NHÂN DÂN XÃ BÌNH MINH"


def test_punctuation_typed_by_the_caller_is_not_doubled():
    document = _open(_cancellation(ground="Hồ sơ khen thưởng bị làm giả.", finding=f"Xét {FINDING}.",
                                   original_decision=f"{ORIGINAL};", number=134))
    texts = [p.text for p in document.paragraphs]
    assert f"Căn cứ {ORIGINAL};" in texts
    assert f"Xét {FINDING}." in texts
    assert f"Điều 1. Hủy bỏ {ORIGINAL} đối với:" in texts
    assert "Lý do: Hồ sơ khen thưởng bị làm giả." in texts
    assert "Số: 134/QĐ-UBND" in document.tables[0].rows[0].cells[0].text


@pytest.mark.parametrize("changes", [
    {"awards": []},
    {"number": 0},
    {"year": 2025},
    {"ground": "  "},
    {"original_decision": ""},
    {"recovery": ""},
])
def test_an_incomplete_cancellation_is_refused(changes):
    with pytest.raises(InvalidInput):
        render_cancellation(_cancellation(**changes))


def test_libreoffice_renders_the_vietnamese_text(tmp_path):
    text = docx_text_in_libreoffice(render_cancellation(_cancellation()), tmp_path, "huy-bo")
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 03/QĐ-UBND", "Về việc hủy bỏ quyết định khen thưởng",
                     "Hủy bỏ", "Bà Nguyễn Thị Tươi", "Tổ Khoa học tự nhiên", "Hình thức khen thưởng",
                     "Lý do", "Cá nhân đã kê khai gian dối thành tích", "Điều 3.", "Phạm Văn Hùng"):
        assert expected in text, expected
