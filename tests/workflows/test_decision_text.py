"""The decisions a dossier ends with, read as a standing-office officer reads them before signature:
articles and Nơi nhận that agree, the award named by its real issuer, the year of a title, the
achievement and unit of every awardee, the bases of competence, whose proposal, and the council's result."""
from __future__ import annotations

import io
import re

from docx import Document
from sqlalchemy import select

from engine.models import Decision
from engine.storage import AttachmentStore


def decision_text(journey, settings, issuer_id: int) -> str:
    decision = journey.session.scalars(select(Decision).where(Decision.issuer_unit_id == issuer_id)).one()
    document = Document(io.BytesIO(AttachmentStore(settings.attachment_root).read(decision.document_sha256)))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def articles_and_recipients_agree(text: str) -> None:
    articles = [int(n) for n in re.findall(r"^Điều (\d+)\.", text, re.MULTILINE)]
    assert articles == list(range(1, len(articles) + 1))
    [cited] = re.findall(r"^- Như Điều (\d+);$", text, re.MULTILINE)
    assert int(cited) == articles[-1]
    assert f"Điều {cited}. Quyết định này có hiệu lực kể từ ngày ký." in text
    assert "chịu trách nhiệm thi hành Quyết định này" in text.split(f"Điều {cited}.")[1]


def body_of(text: str) -> str:
    """What follows the header: the symbol (QĐ-UBND) may abbreviate, the body may not."""
    return text.split("QUYẾT ĐỊNH\n", 1)[1].replace("QĐ-UBND", "")


def test_a_mixed_dossier_gives_two_decisions_each_to_the_law(one_process_journey, tree, settings):
    journey = one_process_journey
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"), ("LDTT", "Trần Văn Đức"), ("BK_TINH", "Phạm Văn An"))
    journey.dossier.nominations[1].nominee_unit = None  # the proposer left the unit empty
    journey.dossier.nominations[1].achievements = "Hoàn thành xuất sắc nhiệm vụ năm học 2025 - 2026"
    journey.session.commit()
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve",
                       Trần_Văn_Đức="approve", Phạm_Văn_An="forward")
    journey.pass_level(tree.province_office, tree.province_head, Phạm_Văn_An="approve")

    commune = decision_text(journey, settings, tree.commune.id)
    articles_and_recipients_agree(commune)
    assert "UBND" not in body_of(commune)
    assert "Giấy khen của Chủ tịch Ủy ban nhân dân xã /" not in commune
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;" in commune
    assert "1. Tặng Giấy khen của Chủ tịch Ủy ban nhân dân xã cho:" in commune
    assert "2. Công nhận danh hiệu “Lao động tiên tiến” năm 2026 cho:" in commune
    assert "Xét đề nghị của Trường THCS Bình Minh và của Trưởng phòng Văn hóa - Xã hội xã" in commune
    assert "Trần Văn Đức\nGiáo viên, Trường THCS Bình Minh\nHoàn thành xuất sắc nhiệm vụ năm học 2025 - 2026" in commune
    assert "- Trường THCS Bình Minh;" in commune and "\nCHỦ TỊCH\nNguyễn Văn Bình" in commune
    # NĐ 152/2025: 0.3 × 2,340,000 = 702,000, rounded up to tens of thousands.
    assert ("Điều 2. Kèm theo mức tiền thưởng: Giấy khen của Chủ tịch Ủy ban nhân dân xã: 710.000 đồng/người "
            "(0,3 lần mức lương cơ sở); Lao động tiên tiến: 710.000 đồng/người (0,3 lần mức lương cơ sở). "
            "Mức lương cơ sở 2.340.000 đồng/tháng theo Nghị định số 73/2024/NĐ-CP") in commune
    assert "Kinh phí khen thưởng chi từ Quỹ thi đua, khen thưởng của Ủy ban nhân dân xã Bình Minh." in commune

    province = decision_text(journey, settings, tree.province.id)
    articles_and_recipients_agree(province)
    assert "UBND" not in body_of(province) and " / Bộ trưởng" not in province
    assert "Điều 1. Tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho:" in province
    # The commune forwarded the nomination: the province answers its chairman, not the school.
    assert ("Xét đề nghị của Chủ tịch Ủy ban nhân dân xã Bình Minh và của Trưởng ban Thi đua - Khen thưởng tỉnh "
            "(cơ quan thường trực Hội đồng Thi đua - Khen thưởng).") in province
    assert "- Ủy ban nhân dân xã Bình Minh;\n- Trường THCS Bình Minh;\n- Lưu: VT, TĐKT." in province
    assert "\nCHỦ TỊCH\nTrần Văn Bình" in province
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: 2.340.000 đồng/người (1,0 lần mức lương cơ sở)" in province
    assert "Quỹ thi đua, khen thưởng của Ủy ban nhân dân tỉnh Hòa Bình Xanh" in province


def test_a_title_voted_by_the_council_cites_its_result(one_process_journey, tree, settings):
    journey = one_process_journey
    journey.submit(("CSTD_CS", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)
    journey.vote(tree.commune_council)
    journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="approve")
    text = decision_text(journey, settings, tree.commune.id)
    assert ("Căn cứ kết quả biểu quyết của Hội đồng Thi đua - Khen thưởng xã Bình Minh tại phiên họp "
            "ngày 23 tháng 11 năm 2026;") in text
    assert "Về việc công nhận danh hiệu thi đua năm 2026" in text
    assert "Điều 1. Công nhận danh hiệu “Chiến sĩ thi đua cơ sở” năm 2026 cho:" in text


def test_a_deputy_decides_and_signs_for_the_chairman(one_process_journey, tree, settings):
    from engine.models import Role
    from tests.factories import make_user

    journey = one_process_journey
    deputy = make_user(journey.session, settings, "xa.phochutich", (Role.DEPUTY, tree.commune),
                       full_name="Phạm Văn Hùng")
    journey.session.commit()
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)
    journey.decide(deputy, Nguyễn_Thị_Tươi="approve")  # the head's task is in the deputy's list too
    decision = journey.session.scalars(select(Decision)).one()
    assert (decision.signer_name, decision.signer_title) == ("Phạm Văn Hùng", "PHÓ CHỦ TỊCH")
    text = decision_text(journey, settings, tree.commune.id)
    assert "\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nPhạm Văn Hùng" in text
    assert "\nCHỦ TỊCH ỦY BAN NHÂN DÂN XÃ BÌNH MINH\n" in text  # the competence stays the chairman's
