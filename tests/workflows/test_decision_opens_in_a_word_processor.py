"""The decision a dossier ends with opens in a word processor (LibreOffice, headless) and reads
correctly in Vietnamese. Required on CI (.ci/run installs LibreOffice); reported as skipped elsewhere."""
from __future__ import annotations

from sqlalchemy import select

from engine.models import Decision
from engine.storage import AttachmentStore
from tests.office import docx_text_in_libreoffice


def test_a_commune_decision_opens_and_reads_in_vietnamese(one_process_journey, tree, settings, tmp_path):
    journey = one_process_journey
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"), ("LDTT", "Trần Văn Đức"))
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve", Trần_Văn_Đức="approve")
    decision = journey.session.scalars(select(Decision)).one()
    words = docx_text_in_libreoffice(AttachmentStore(settings.attachment_root).read(decision.document_sha256),
                                     tmp_path, "decision")
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN",
                     "Số: 01/QĐ-UBND", "QUYẾT ĐỊNH", "Căn cứ Luật Thi đua, khen thưởng", "Nguyễn Thị Tươi",
                     "Trần Văn Đức", "Giấy khen", "Nơi nhận", "Nguyễn Văn Bình", "Bình Minh, ngày"):
        assert expected in words, expected
