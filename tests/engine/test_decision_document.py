"""A commune chairman's decision awarding Giấy khen, rendered as .docx and read back the way Word
would: header, preamble, articles, signer and Nơi nhận in the layout of Nghị định 30/2020."""
from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Mm

from engine.documents import (
    Awardee,
    AwardGroup,
    DecisionDocument,
    award_phrase,
    decision_number_label,
    render_decision,
    vietnamese_date_line,
)
from engine.errors import InvalidInput

LEGAL_BASES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;",
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
    "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi tiết "
    "một số điều của Luật Thi đua, khen thưởng;",
]
AWARDEES = [
    Awardee("Bà Nguyễn Thị Tươi", "Giáo viên Trường THCS Bình Minh",
            "Đã có thành tích xuất sắc trong phong trào thi đua năm học 2024 - 2025"),
    Awardee("Ông Trần Văn Đức", "Hiệu phó Trường THCS Bình Minh", None),
    Awardee("Bà Lê Thị Hồng Nhung", "Nhân viên kế toán Trường THCS Bình Minh", None),
    Awardee("Tổ Khoa học tự nhiên", "Trường THCS Bình Minh", "Tập thể có thành tích tiêu biểu"),
]


def _decision(**changes: object) -> DecisionDocument:
    values: dict[str, object] = dict(
        governing_body=None,
        issuer="ỦY BAN NHÂN DÂN XÃ BÌNH MINH",
        issuer_short="UBND",
        number=5,
        year=2026,
        place="Bình Minh",
        signed_on=date(2026, 1, 5),
        summary="Về việc tặng Giấy khen",
        authority="CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ BÌNH MINH",
        legal_bases=LEGAL_BASES,
        proposal="Xét đề nghị của Trường THCS Bình Minh tại Tờ trình số 12/TTr-THCS ngày 02 tháng 01 năm 2026.",
        groups=[AwardGroup("Giấy khen", AWARDEES)],
        reward_note="Kèm theo Giấy khen là tiền thưởng theo quy định hiện hành.",
        executors="Văn phòng HĐND và UBND xã, Trường THCS Bình Minh và các cá nhân, tập thể có tên tại "
                  "Điều 1 chịu trách nhiệm thi hành Quyết định này.",
        signer_capacity="KT. CHỦ TỊCH",
        signer_title="PHÓ CHỦ TỊCH",
        signer_name="Phạm Văn Hùng",
        recipients=["Trường THCS Bình Minh;", "Lưu: VT."],
    )
    values.update(changes)
    return DecisionDocument(**values)  # type: ignore[arg-type]


def _open(decision: DecisionDocument) -> DocxDocument:
    return Document(io.BytesIO(render_decision(decision)))


def _all_text(document: DocxDocument) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def rendered() -> DocxDocument:
    return _open(_decision())


def test_header_shows_issuer_number_national_title_and_date(rendered):
    issuer_cell, national_cell = rendered.tables[0].rows[0].cells
    assert issuer_cell.text == "ỦY BAN NHÂN DÂN\nXÃ BÌNH MINH\n\nSố: 05/QĐ-UBND"
    assert [p.text for p in national_cell.paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Bình Minh, ngày 05 tháng 01 năm 2026",
    ]
    issuer_run = issuer_cell.paragraphs[0].runs[0]
    assert issuer_run.bold and issuer_run.font.size.pt == 13
    title, motto, date_line = (p for p in national_cell.paragraphs if p.text)
    assert title.runs[0].bold and title.runs[0].font.size.pt == 12
    assert motto.runs[0].bold
    assert date_line.runs[0].italic


def test_header_tables_have_no_borders(rendered):
    for table in (rendered.tables[0], rendered.tables[-1]):
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}


def test_governing_body_stands_above_the_issuer_not_bold():
    document = _open(_decision(governing_body="UBND huyện Bình Minh", issuer="PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
                               issuer_short="PGDĐT", number=12))
    first, second = document.tables[0].rows[0].cells[0].paragraphs[:2]
    assert first.text == "UBND HUYỆN BÌNH MINH" and not first.runs[0].bold
    assert second.text == "PHÒNG GIÁO DỤC\nVÀ ĐÀO TẠO" and second.runs[0].bold
    assert "Số: 12/QĐ-PGDĐT" in document.tables[0].rows[0].cells[0].text


def test_preamble_reads_in_order(rendered):
    texts = [p.text for p in rendered.paragraphs if p.text]
    assert texts[:3] == ["QUYẾT ĐỊNH", "Về việc tặng Giấy khen", "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ BÌNH MINH"]
    assert texts[3:6] == LEGAL_BASES
    assert texts[6].startswith("Xét đề nghị của Trường THCS Bình Minh")
    assert texts[7] == "QUYẾT ĐỊNH:"
    bases = [p for p in rendered.paragraphs if p.text in LEGAL_BASES]
    assert all(run.italic for p in bases for run in p.runs)
    assert all(p.paragraph_format.first_line_indent == Mm(12.7) for p in bases)
    assert all(p.alignment == 3 for p in bases)  # WD_ALIGN_PARAGRAPH.JUSTIFY


def test_articles_list_every_awardee_once(rendered):
    texts = [p.text for p in rendered.paragraphs]
    article_1 = next(p for p in rendered.paragraphs if p.text.startswith("Điều 1."))
    assert article_1.text == "Điều 1. Tặng Giấy khen cho:"
    assert article_1.runs[0].text == "Điều 1." and article_1.runs[0].bold and not article_1.runs[1].bold
    assert "Điều 2. Kèm theo Giấy khen là tiền thưởng theo quy định hiện hành." in texts
    assert any(t.startswith("Điều 3. Văn phòng HĐND và UBND xã") for t in texts)

    awardees = rendered.tables[1]
    assert [c.text for c in awardees.rows[0].cells] == ["STT", "Họ và tên / Tập thể", "Chức vụ - Đơn vị", "Thành tích"]
    assert [r.cells[0].text for r in awardees.rows[1:]] == ["1", "2", "3", "4"]
    assert awardees.rows[2].cells[2].text == "Hiệu phó Trường THCS Bình Minh"
    everything = _all_text(rendered)
    for awardee in AWARDEES:
        assert everything.count(awardee.name) == 1


def test_signer_block_and_recipients(rendered):
    recipients_cell, signer_cell = rendered.tables[-1].rows[0].cells
    label = recipients_cell.paragraphs[0]
    assert label.text == "Nơi nhận:" and label.runs[0].bold and label.runs[0].italic
    assert label.runs[0].font.size.pt == 12
    assert [p.text for p in recipients_cell.paragraphs[1:]] == [
        "- Như Điều 3;", "- Trường THCS Bình Minh;", "- Lưu: VT."]
    assert all(p.runs[0].font.size.pt == 11 for p in recipients_cell.paragraphs[1:])
    assert [p.text for p in signer_cell.paragraphs] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Phạm Văn Hùng"]
    assert all(p.runs[0].bold for p in signer_cell.paragraphs)


def test_page_is_a4_with_nd30_margins(rendered):
    section = rendered.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20


def test_every_run_is_times_new_roman_in_every_script(rendered):
    paragraphs = list(rendered.paragraphs)
    for table in rendered.tables:
        paragraphs += [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    runs = [run for p in paragraphs for run in p.runs]
    assert len(runs) > 30
    for run in runs:
        assert run.font.name == "Times New Roman"
        fonts = run._r.rPr.rFonts
        assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
        assert 11 <= run.font.size.pt <= 14


def test_core_properties_name_the_document(rendered):
    assert rendered.core_properties.title == "Về việc tặng Giấy khen"
    assert rendered.core_properties.author == "ỦY BAN NHÂN DÂN XÃ BÌNH MINH"


def test_several_award_types_are_numbered_within_article_1_and_articles_close_ranks():
    document = _open(_decision(
        groups=[AwardGroup("Danh hiệu Lao động tiên tiến", [AWARDEES[0], AWARDEES[3]]),
                AwardGroup("Giấy khen", AWARDEES[1:3])],
        reward_note=None, signer_capacity=None, signer_title="CHỦ TỊCH"))
    texts = [p.text for p in document.paragraphs]
    assert "Điều 1. Khen thưởng như sau:" in texts
    assert "1. Tặng danh hiệu Lao động tiên tiến cho:" in texts
    assert "2. Tặng Giấy khen cho:" in texts
    assert any(t.startswith("Điều 2. Văn phòng HĐND") for t in texts)
    assert not any(t.startswith("Điều 3.") for t in texts)
    assert [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs] == ["CHỦ TỊCH", "Phạm Văn Hùng"]
    assert document.tables[-1].rows[0].cells[0].paragraphs[1].text == "- Như Điều 2;"  # the executors' article
    awardee_tables = document.tables[1:3]
    assert [len(t.columns) for t in awardee_tables] == [4, 3]  # no Thành tích column when none is given


def test_number_label_pads_below_ten():
    assert decision_number_label(5, "UBND") == "05/QĐ-UBND"
    assert decision_number_label(12, "UBND") == "12/QĐ-UBND"
    assert decision_number_label(134, "UBND") == "134/QĐ-UBND"
    with pytest.raises(InvalidInput):
        decision_number_label(0, "UBND")


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 1, 5), "Bình Minh, ngày 05 tháng 01 năm 2026"),
    (date(2026, 2, 28), "Bình Minh, ngày 28 tháng 02 năm 2026"),
    (date(2026, 3, 2), "Bình Minh, ngày 02 tháng 3 năm 2026"),
    (date(2026, 11, 21), "Bình Minh, ngày 21 tháng 11 năm 2026"),
])
def test_date_line_pads_days_below_ten_and_months_one_and_two(day, expected):
    assert vietnamese_date_line("Bình Minh", day) == expected


def test_a_decision_without_awardees_is_refused():
    with pytest.raises(InvalidInput):
        render_decision(_decision(groups=[]))
    with pytest.raises(InvalidInput):
        render_decision(_decision(groups=[AwardGroup("Giấy khen", [])]))


def test_the_number_must_come_from_the_register_of_the_signing_year():
    with pytest.raises(InvalidInput):
        render_decision(_decision(year=2025))


def test_titles_are_recognised_for_their_year_flags_and_commendations_are_given():
    assert award_phrase("Lao động tiên tiến", True, 2026) == "Công nhận danh hiệu “Lao động tiên tiến” năm 2026"
    assert award_phrase("Cờ thi đua của Ủy ban nhân dân tỉnh", True, 2026) == (
        "Tặng Cờ thi đua của Ủy ban nhân dân tỉnh năm 2026")
    assert award_phrase("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", False, 2026) == (
        "Tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh")
    document = _open(_decision(groups=[AwardGroup("Lao động tiên tiến", AWARDEES[:1],
                                                  award_phrase("Lao động tiên tiến", True, 2026))]))
    assert "Điều 1. Công nhận danh hiệu “Lao động tiên tiến” năm 2026 cho:" in [p.text for p in document.paragraphs]


def test_the_signature_row_cannot_break_and_the_last_article_keeps_with_it(rendered):
    row = rendered.tables[-1].rows[0]._tr
    assert row.trPr is not None and row.trPr.find(qn("w:cantSplit")) is not None
    last_article = next(p for p in rendered.paragraphs if p.text.startswith("Điều 3."))
    assert last_article.paragraph_format.keep_with_next


def test_in_libreoffice_the_signature_never_leaves_its_title_and_stt_stays_one_word(tmp_path):
    """Decisions of 1 to 24 awardees push the signature block past every point of the first page
    break: the title, the signature space and the name always print on one page, with Nơi nhận."""
    from tests.office import pages_in_libreoffice

    documents = {}
    for count in range(1, 25):
        awardees = [Awardee(f"Người thứ {i} Nguyễn Văn", "Giáo viên Trường THCS Bình Minh",
                            "Hoàn thành xuất sắc nhiệm vụ năm học 2025 - 2026") for i in range(1, count + 1)]
        documents[f"d{count:02d}"] = render_decision(_decision(groups=[AwardGroup("Giấy khen", awardees)],
                                                               signer_name="Phạm Văn Hùng Ký Tên"))
    for name, pages in pages_in_libreoffice(documents, tmp_path).items():
        with_name = [i for i, page in enumerate(pages) if "Phạm Văn Hùng Ký Tên" in page]
        with_title = [i for i, page in enumerate(pages) if "PHÓ CHỦ TỊCH" in page]
        with_recipients = [i for i, page in enumerate(pages) if "- Lưu: VT." in page]
        assert with_name == with_title == with_recipients, (name, with_name, with_title)
        assert " STT " in f" {' '.join(pages[0].split())} ", name
