"""The tờ trình to the central level (engine/documents/state_submission.py) opened in LibreOffice as a
văn thư would: the first page carries the header, kính gửi and the body; the list of 60 names runs over
several landscape pages with its heading row repeated on each, and every name appears once."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from engine.documents.state_submission import StateSubmissionDocument, SubmissionLine, render_state_submission
from engine.errors import InvalidInput
from tests.office import pages_in_libreoffice


def _document(lines: int) -> StateSubmissionDocument:
    return StateSubmissionDocument(
        issuer="Ủy ban nhân dân tỉnh Bình An", number="88/TTr-UBND", place="Bình An", signed_on=date(2026, 11, 4),
        addressee="Thủ tướng Chính phủ", via="(qua Bộ Nội vụ - Ban Thi đua - Khen thưởng Trung ương)",
        legal_bases=["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"],
        proposal="Ủy ban nhân dân tỉnh Bình An kính đề nghị Thủ tướng Chính phủ xem xét, tặng:",
        awards=[("Bằng khen của Thủ tướng Chính phủ", lines - 1, 1)],
        lines=[SubmissionLine(name=f"Người thứ {i:03d}" if i < lines else "Trường Tiểu học Bình An",
                              collective=i == lines, position="Giáo viên", unit="Trường Tiểu học Bình An",
                              award="Bằng khen của Thủ tướng Chính phủ",
                              achievement="Có thành tích xuất sắc trong phong trào thi đua dạy tốt, học tốt "
                                          "năm học 2025-2026, góp phần xây dựng đơn vị vững mạnh.")
               for i in range(1, lines + 1)],
        signer_capacity="TM. ỦY BAN NHÂN DÂN", signer_title="CHỦ TỊCH", signer_name="Lê Văn Chủ",
        recipients=["Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương);", "Lưu: VT, TĐKT."])


def test_a_submission_without_a_list_is_refused():
    with pytest.raises(InvalidInput):
        render_state_submission(replace(_document(1), lines=[]))


def test_in_libreoffice_the_list_spans_pages_with_its_heading_on_each(tmp_path):
    pages = pages_in_libreoffice({"to-trinh": render_state_submission(_document(60))}, tmp_path)["to-trinh"]
    first = " ".join(pages[0].split())
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 88/TTr-UBND", "TỜ TRÌNH",
                  "Kính gửi: Thủ tướng Chính phủ", "Căn cứ Luật Thi đua, khen thưởng"):
        assert words in first
    annex = [" ".join(page.split()) for page in pages if "Hình thức đề nghị" in page]
    assert len(annex) >= 3  # the list runs over several pages
    assert all("Họ và tên / Tập thể" in page and "Thành tích tóm tắt" in page for page in annex)
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG CẤP NHÀ NƯỚC" in annex[0]
    names = re.findall(r"Người thứ (\d{3})", " ".join(annex))
    assert sorted(names) == [f"{i:03d}" for i in range(1, 60)]
    assert "Tổng cộng: 59 cá nhân, 1 tập thể." in annex[-1]
    signed = next(" ".join(p.split()) for p in pages if "Lê Văn Chủ" in p)
    assert "TM. ỦY BAN NHÂN DÂN" in signed and "CHỦ TỊCH" in signed and "Nơi nhận:" in signed
