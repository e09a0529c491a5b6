"""A commune council's meeting minutes, rendered as .docx and read back: nine members, one absent
who voted in writing, one member recused from one nomination, a secret ballot under the 90% rule
passed and another failed, an open vote passed without the recused member and one failed."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn

from engine.documents import MinutesDocument, MinutesItem, MinutesMember, render_minutes
from engine.errors import InvalidInput
from tests.office import docx_text_in_libreoffice

MEMBERS = [
    MinutesMember("Phạm Văn Hùng", "Chủ tịch Hội đồng", True),
    MinutesMember("Nguyễn Văn Bình", "Phó Chủ tịch Hội đồng", True),
    MinutesMember("Đặng Thị Thu", "Thư ký Hội đồng", True),
    MinutesMember("Lê Thị Mai", "Ủy viên", True),
    MinutesMember("Hoàng Văn Nam", "Ủy viên", False, written_vote=True),
    MinutesMember("Vũ Thị Lan", "Ủy viên", True),
    MinutesMember("Bùi Quang Minh", "Ủy viên", True),
    MinutesMember("Đỗ Thị Hạnh", "Ủy viên", True),
    MinutesMember("Ngô Văn Toàn", "Ủy viên", True),
]
NINETY = "Từ 90% trở lên tổng số thành viên Hội đồng"
MAJORITY = "Trên 50% tổng số thành viên Hội đồng"
ITEMS = [
    MinutesItem("Bà Nguyễn Thị Tươi, Giáo viên Trường THCS Bình Minh", "Chiến sĩ thi đua cấp tỉnh", True,
                9, 0, 0, 9, "100,00%", NINETY, True, []),
    MinutesItem("Ông Trần Văn Đức, Phó Hiệu trưởng Trường THCS Bình Minh", "Chiến sĩ thi đua cấp tỉnh", True,
                8, 1, 0, 9, "88,89%", NINETY, False, []),
    MinutesItem("Tổ Khoa học tự nhiên, Trường THCS Bình Minh", "Tập thể lao động xuất sắc", False,
                7, 1, 0, 8, "87,50%", MAJORITY, True, ["Lê Thị Mai"]),
    MinutesItem("Bà Lê Thị Hồng Nhung, Nhân viên kế toán Trường THCS Bình Minh", "Chiến sĩ thi đua cơ sở", False,
                4, 3, 2, 9, "44,44%", MAJORITY, False, []),
]
QUORUM = "Có mặt 8/9 thành viên, đủ điều kiện tiến hành phiên họp (từ 2/3 trở lên)."
RECUSAL = ("Thành viên Hội đồng có quan hệ gia đình hoặc là người đứng đầu tập thể được đề nghị không tham gia "
           "biểu quyết trường hợp đó; tỷ lệ phiếu của trường hợp này được tính trên tổng số thành viên Hội đồng "
           "trừ số thành viên không tham gia biểu quyết.")
CONCLUSION = ("Hội đồng thống nhất đề nghị Chủ tịch Ủy ban nhân dân xã trình cấp có thẩm quyền xét tặng danh hiệu "
              "Chiến sĩ thi đua cấp tỉnh cho 01 cá nhân và danh hiệu Tập thể lao động xuất sắc cho 01 tập thể; "
              "02 trường hợp không đạt tỷ lệ phiếu đồng ý theo quy định.")


def _minutes(**changes: object) -> MinutesDocument:
    values: dict[str, object] = dict(
        governing_body="ỦY BAN NHÂN DÂN XÃ BÌNH MINH",
        council="HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",
        number="01/BB-HĐTĐKT",
        place="Bình Minh",
        held_on=date(2026, 1, 8),
        started_at="08 giờ 30 phút",
        location="Phòng họp UBND xã Bình Minh",
        chair="Phạm Văn Hùng",
        secretary="Đặng Thị Thu",
        members=MEMBERS,
        present=8,
        written_votes=1,
        total_members=9,
        quorum_text=QUORUM,
        recusal_policy=RECUSAL,
        items=ITEMS,
        conclusion=CONCLUSION,
        closed_at="10 giờ 15 phút",
    )
    values.update(changes)
    return MinutesDocument(**values)  # type: ignore[arg-type]


def _open(minutes: MinutesDocument) -> DocxDocument:
    return Document(io.BytesIO(render_minutes(minutes)))


def _texts(document: DocxDocument) -> list[str]:
    return [p.text for p in document.paragraphs if p.text]


@pytest.fixture(scope="module")
def rendered() -> DocxDocument:
    return _open(_minutes())


def test_header_is_the_decision_header_with_the_council_and_minutes_number(rendered):
    body_cell, national_cell = rendered.tables[0].rows[0].cells
    assert body_cell.text == "ỦY BAN NHÂN DÂN\nXÃ BÌNH MINH\nHỘI ĐỒNG THI ĐUA -\nKHEN THƯỞNG\n\nSố: 01/BB-HĐTĐKT"
    governing, council = body_cell.paragraphs[:2]
    assert not governing.runs[0].bold and council.runs[0].bold
    assert [p.text for p in national_cell.paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Bình Minh, ngày 08 tháng 01 năm 2026"]
    assert national_cell.paragraphs[-1].runs[0].italic
    borders = rendered.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}


def test_an_unnumbered_minutes_leaves_the_number_blank():
    cell = _open(_minutes(number=None)).tables[0].rows[0].cells[0]
    assert cell.paragraphs[-1].text == "Số:      /BB-HĐTĐKT"


def test_opening_reads_in_order(rendered):
    texts = _texts(rendered)
    assert texts[:7] == [
        "BIÊN BẢN",
        "Họp Hội đồng Thi đua - Khen thưởng xét đề nghị khen thưởng",
        "Thời gian: bắt đầu lúc 08 giờ 30 phút, ngày 08 tháng 01 năm 2026.",
        "Địa điểm: Phòng họp UBND xã Bình Minh.",
        "Chủ trì: Phạm Văn Hùng - Chủ tịch Hội đồng.",
        "Thư ký: Đặng Thị Thu - Thư ký Hội đồng.",
        "Thành phần: Hội đồng có 9 thành viên.",
    ]
    assert texts[7] == "- Có mặt: 8/9 thành viên, gồm:"
    present = [m for m in MEMBERS if m.present]
    assert texts[8:16] == [f"+ {m.name} - {m.position}{'.' if i == 7 else ';'}" for i, m in enumerate(present)]
    assert texts[16] == "- Vắng mặt: 1/9 thành viên: Hoàng Văn Nam (có phiếu biểu quyết bằng văn bản)."
    assert texts[17] == QUORUM
    title, summary = [p for p in rendered.paragraphs if p.text][:2]
    assert title.runs[0].bold and summary.runs[0].bold and title.alignment == 1  # CENTER
    time_line = next(p for p in rendered.paragraphs if p.text.startswith("Thời gian:"))
    assert time_line.runs[0].text == "Thời gian:" and time_line.runs[0].bold and not time_line.runs[1].bold


def test_sections_follow_one_another(rendered):
    texts = _texts(rendered)
    order = [texts.index(t) for t in (QUORUM, "NỘI DUNG", "KẾT LUẬN", CONCLUSION,
                                      "Phiên họp kết thúc lúc 10 giờ 15 phút cùng ngày.",
                                      "Biên bản đã được thông qua tại phiên họp.")]
    assert order == sorted(order)
    content = texts[texts.index("NỘI DUNG") + 1]
    assert content == f"Hội đồng xem xét 4 trường hợp được đề nghị khen thưởng. {RECUSAL}"
    headings = [p for p in rendered.paragraphs if p.text in ("NỘI DUNG", "KẾT LUẬN")]
    assert len(headings) == 2 and all(p.runs[0].bold for p in headings)
    # the tally table sits between the content's opening and the notes under it
    body = rendered.element.body
    children = list(body.iterchildren())
    tally = rendered.tables[1]._tbl
    before = next(p._p for p in rendered.paragraphs if p.text == "Kết quả biểu quyết như sau:")
    after = next(p._p for p in rendered.paragraphs if p.text == "Tỷ lệ phiếu đồng ý cần đạt:")
    assert children.index(before) < children.index(tally) < children.index(after)


def test_tally_table_has_the_counts_for_each_nomination(rendered):
    tally = rendered.tables[1]
    rows = [[cell.text for cell in row.cells] for row in tally.rows]
    assert rows[0] == ["STT", "Người/tập thể được đề nghị", "Hình thức khen thưởng", "Hình thức bỏ phiếu",
                       "Đồng ý", "Không đồng ý", "Không biểu quyết", "Tỷ lệ", "Kết quả"]
    assert rows[1:] == [
        ["1", ITEMS[0].nominee, "Chiến sĩ thi đua cấp tỉnh", "Bỏ phiếu kín", "9", "0", "0", "100,00%\n(9/9)", "Đạt"],
        ["2", ITEMS[1].nominee, "Chiến sĩ thi đua cấp tỉnh", "Bỏ phiếu kín", "8", "1", "0", "88,89%\n(8/9)",
         "Không đạt"],
        ["3", ITEMS[2].nominee, "Tập thể lao động xuất sắc", "Biểu quyết công khai", "7", "1", "0", "87,50%\n(7/8)",
         "Đạt"],
        ["4", ITEMS[3].nominee, "Chiến sĩ thi đua cơ sở", "Biểu quyết công khai", "4", "3", "2", "44,44%\n(4/9)",
         "Không đạt"],
    ]
    assert tally.style.name == "Table Grid"
    assert tally.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(cell.paragraphs[0].runs[0].bold for cell in tally.rows[0].cells)
    assert round(sum(column.width.mm for column in tally.columns)) == 165  # the text width, no wider


def test_thresholds_and_recusals_are_listed_under_the_table(rendered):
    texts = _texts(rendered)
    start = texts.index("Tỷ lệ phiếu đồng ý cần đạt:")
    assert texts[start + 1:start + 9] == [
        "- Chiến sĩ thi đua cấp tỉnh: từ 90% trở lên tổng số thành viên Hội đồng.",
        "- Tập thể lao động xuất sắc: trên 50% tổng số thành viên Hội đồng.",
        "- Chiến sĩ thi đua cơ sở: trên 50% tổng số thành viên Hội đồng.",
        "Thành viên không tham gia biểu quyết:",
        "- STT 3 (Tổ Khoa học tự nhiên, Trường THCS Bình Minh): Lê Thị Mai.",
        "Tổng hợp: 2/4 trường hợp đạt, 2/4 trường hợp không đạt tỷ lệ phiếu theo quy định.",
        "KẾT LUẬN",
        CONCLUSION,
    ]


def test_no_member_name_in_the_tally_only_the_recused_list(rendered):
    tally_text = "\n".join(cell.text for row in rendered.tables[1].rows for cell in row.cells)
    for member in MEMBERS:
        assert member.name not in tally_text
    texts = _texts(rendered)
    recusal_notes = texts[texts.index("Thành viên không tham gia biểu quyết:"):texts.index("KẾT LUẬN")]
    mentions = [t for t in recusal_notes if "Lê Thị Mai" in t]
    assert mentions == ["- STT 3 (Tổ Khoa học tự nhiên, Trường THCS Bình Minh): Lê Thị Mai."]
    # outside the attendance list and the signatures, nobody is named: no vote is tied to a person
    content = texts[texts.index("NỘI DUNG"):]
    for member in MEMBERS:
        if member.name != "Lê Thị Mai":
            assert not any(member.name in t for t in content)


def test_signatures_of_secretary_and_chair(rendered):
    signatures = rendered.tables[-1]
    secretary, chair = signatures.rows[0].cells
    assert [p.text for p in secretary.paragraphs] == ["THƯ KÝ", "Đặng Thị Thu"]
    assert [p.text for p in chair.paragraphs] == ["CHỦ TỊCH HỘI ĐỒNG", "Phạm Văn Hùng"]
    assert all(p.runs[0].bold for cell in (secretary, chair) for p in cell.paragraphs)
    borders = signatures._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
    assert len(rendered.tables) == 3


def test_a_vice_chair_in_the_chair_signs_as_chu_tri():
    members = [replace(m, present=False, written_vote=True) if m.name == "Phạm Văn Hùng" else m for m in MEMBERS]
    document = _open(_minutes(members=members, chair="Nguyễn Văn Bình", present=7, written_votes=2))
    assert [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs] == ["CHỦ TRÌ", "Nguyễn Văn Bình"]
    assert "Chủ trì: Nguyễn Văn Bình - Phó Chủ tịch Hội đồng." in _texts(document)
    absent = next(t for t in _texts(document) if t.startswith("- Vắng mặt"))
    assert absent == ("- Vắng mặt: 2/9 thành viên: Phạm Văn Hùng (có phiếu biểu quyết bằng văn bản); "
                      "Hoàng Văn Nam (có phiếu biểu quyết bằng văn bản).")


def test_page_is_a4_and_every_run_times_new_roman(rendered):
    section = rendered.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25 and 30 <= round(section.left_margin.mm) <= 35
    assert 15 <= round(section.right_margin.mm) <= 20
    body_runs = [run for p in rendered.paragraphs for run in p.runs]
    assert {run.font.size.pt for run in body_runs} == {14}
    table_runs = [run for table in rendered.tables for row in table.rows for cell in row.cells
                  for p in cell.paragraphs for run in p.runs]
    for run in body_runs + table_runs:
        fonts = run._r.rPr.rFonts
        assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
        assert 12 <= run.font.size.pt <= 14
    tally_runs = [run for row in rendered.tables[1].rows for cell in row.cells for p in cell.paragraphs
                  for run in p.runs]
    assert {run.font.size.pt for run in tally_runs} == {12}


def test_core_properties(rendered):
    assert rendered.core_properties.title == "Họp Hội đồng Thi đua - Khen thưởng xét đề nghị khen thưởng"
    assert rendered.core_properties.author == "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG"
    assert rendered.core_properties.subject == "Biên bản số 01/BB-HĐTĐKT"


@pytest.mark.parametrize("changes", [
    {"present": 9},  # the list has 8 present
    {"written_votes": 0},
    {"total_members": 10},
    {"items": []},
    {"members": [*MEMBERS[:4], replace(MEMBERS[4], written_vote=False), *MEMBERS[5:]], "written_votes": 0,
     "items": [ITEMS[0]]},  # 9 ballots, but the absent member sent none
    {"items": [replace(ITEMS[2], recused=["Người ngoài Hội đồng"])]},
    {"items": [replace(ITEMS[2], yes=8)]},  # 9 votes over a base of 8
    {"items": [replace(ITEMS[0], base=10)]},  # more than the council
    {"items": [replace(ITEMS[3], abstain=-1)]},
    {"secretary": "Hoàng Văn Nam"},  # absent
])
def test_inconsistent_minutes_are_refused(changes):
    with pytest.raises(InvalidInput):
        render_minutes(_minutes(**changes))


def test_members_may_share_a_name():
    namesake = MinutesMember("Nguyễn Văn Bình", "Ủy viên", True)
    document = _open(_minutes(members=[*MEMBERS, namesake], total_members=10, present=9))
    assert "+ Nguyễn Văn Bình - Ủy viên." in _texts(document)


def test_a_present_member_cannot_also_vote_in_writing():
    members = [replace(MEMBERS[1], written_vote=True)] + MEMBERS[2:] + [MEMBERS[0]]
    with pytest.raises(InvalidInput):
        render_minutes(_minutes(members=members, written_votes=2))


def test_libreoffice_renders_the_vietnamese_text(tmp_path):
    text = docx_text_in_libreoffice(render_minutes(_minutes()), tmp_path, "bien-ban")
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BIÊN BẢN",
                     "NỘI DUNG", "KẾT LUẬN", "THƯ KÝ", "CHỦ TỊCH HỘI ĐỒNG", "Tỷ lệ phiếu đồng ý cần đạt",
                     "Phạm Văn Hùng", "Đặng Thị Thu", "Hoàng Văn Nam", "Lê Thị Mai", "100,00%", "88,89%"):
        assert expected in text, expected
