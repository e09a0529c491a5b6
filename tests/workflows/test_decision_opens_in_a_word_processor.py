"""The decision a dossier ends with opens in a word processor (LibreOffice, headless) and reads
correctly in Vietnamese. Required on CI (.ci/run installs LibreOffice); reported as skipped elsewhere."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from sqlalchemy import select

from engine.models import Decision
from engine.storage import AttachmentStore

SOFFICE = shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")


def _require_tools() -> None:
    if SOFFICE and PDFTOTEXT:
        return
    if os.environ.get("CI") == "true":
        pytest.fail("LibreOffice (soffice) and pdftotext are required on CI to open generated documents")
    pytest.skip("LibreOffice or pdftotext not installed")


def test_a_commune_decision_opens_and_reads_in_vietnamese(journey, tree, settings, tmp_path):
    _require_tools()
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"), ("LDTT", "Trần Văn Đức"))
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve", Trần_Văn_Đức="approve")
    decision = journey.session.scalars(select(Decision)).one()
    with AttachmentStore(settings.attachment_root).open(decision.document_sha256) as stored:
        (tmp_path / "decision.docx").write_bytes(stored.read())

    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "decision.docx")],
                   check=True, timeout=180, capture_output=True)
    text = subprocess.run([PDFTOTEXT, "-layout", str(tmp_path / "decision.pdf"), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    words = " ".join(text.split())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN",
                     "Số: 01/QĐ-UBND", "QUYẾT ĐỊNH", "Căn cứ Luật Thi đua, khen thưởng", "Nguyễn Thị Tươi",
                     "Trần Văn Đức", "Giấy khen", "Nơi nhận", "Nguyễn Văn Bình", "Bình Minh, ngày"):
        assert expected in words, expected
