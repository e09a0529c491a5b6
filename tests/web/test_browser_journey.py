"""A real browser (Playwright driving Debian's Chromium) carries a dossier from proposal to decision:
the school imports its nomination list from Excel (a bad row first), uploads PDFs and submits; the
commune office checks and appraises; the commune head grants the Giấy khen and forwards the Bằng
khen; the province office and head complete it; the proposer reads the outcome and downloads the
decisions. Every page is saved as a screenshot under test-artifacts/screenshots/.

Chromium comes from apt (`.ci/run` installs it); without it the test is skipped here and fails on CI.
"""
from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from werkzeug.serving import make_server

from engine.config import PROJECT_ROOT
from tests.engine.test_dossiers import pdf
from tests.factories import PASSWORD
from tests.web.conftest import workbook

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    """The test application on a free local port, served from a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}: the browser journey is required on CI")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Officer:
    """One browser tab, logging in and out as the demo people do, saving a screenshot of each page."""

    def __init__(self, browser: Any, base: str, tmp: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                           accept_downloads=True)
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        self.base, self.tmp, self.count = base, tmp, 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shot(self, name: str) -> None:
        self.count += 1
        self.page.screenshot(path=str(SCREENSHOTS / f"{self.count:02d}-{name}.png"), full_page=True)

    def log_in(self, username: str) -> None:
        self.page.goto(self.base + "/login")
        self.page.get_by_label("Tên đăng nhập").fill(username)
        self.page.get_by_label("Mật khẩu").fill(PASSWORD)
        self.page.get_by_role("button", name="Đăng nhập").click()
        self.page.wait_for_url("**/inbox")

    def log_out(self) -> None:
        self.page.get_by_role("button", name="Đăng xuất").click()
        self.page.wait_for_url("**/login")

    def open_task(self, name: str) -> None:
        self.page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Việc cần làm").click()
        self.page.get_by_role("link", name=name, exact=True).click()

    def complete(self) -> None:
        self.page.get_by_role("button", name="Hoàn thành", exact=True).click()
        self.page.wait_for_load_state()
        assert "Đã hoàn thành" in self.page.inner_text(".flashes")

    def file(self, name: str, data: bytes) -> str:
        path = self.tmp / name
        path.write_bytes(data)
        return str(path)

    def upload(self, kind: str, nominee: str | None, filename: str) -> None:
        self.page.select_option("#kind", kind)
        self.page.select_option("#nomination_id", label=nominee) if nominee else self.page.select_option(
            "#nomination_id", "")
        self.page.set_input_files("#file", self.file(filename, pdf(filename)))
        self.page.get_by_role("button", name="Tải lên").click()
        assert "Đã tải lên 1 tệp" in self.page.inner_text(".flashes")


def _item(page: Any, nominee: str) -> Any:
    return page.locator("fieldset.item").filter(has_text=nominee)


def test_a_dossier_from_proposal_to_decision_in_the_browser(browser, live_server, tree, tmp_path):
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    me = Officer(browser, live_server, tmp_path)
    page = me.page

    # The school's proposer: a new dossier, its list imported from Excel (a bad row first), papers, submission.
    page.goto(live_server + "/inbox")
    assert "/login?next=" in page.url
    me.shot("dang-nhap")
    me.log_in("truong.denghi")
    me.shot("viec-can-lam-truong-chua-co-viec")
    page.get_by_role("link", name="Hồ sơ", exact=True).click()
    page.get_by_role("link", name="+ Lập hồ sơ mới").click()
    with page.expect_download() as template:
        page.get_by_role("link", name="tệp Excel mẫu").click()
    assert template.value.suggested_filename.endswith(".xlsx")
    page.get_by_label("Tên hồ sơ (bắt buộc)").fill("Đề nghị khen thưởng tổng kết năm học 2025-2026")
    me.shot("lap-ho-so")
    good = [["GIAY_KHEN", "Cá nhân", "Nguyễn Thị Tươi", "Giáo viên Toán", "Tổ Toán", "Giáo viên dạy giỏi cấp tỉnh"],
            ["BK_TINH", "Cá nhân", "Phạm Văn An", "Hiệu trưởng", "Ban giám hiệu", "Dẫn dắt trường đạt chuẩn quốc gia"]]
    page.set_input_files("#excel", me.file("sai.xlsx", workbook(good[0], ["BK_TINH", "Cá nhân", "", "", "", "Tốt"])))
    page.get_by_role("button", name="Lưu hồ sơ").click()
    assert "Dòng 3" in page.inner_text(".error-summary")
    me.shot("nhap-excel-bao-loi-tung-dong")
    page.set_input_files("#excel", me.file("dung.xlsx", workbook(*good)))
    page.get_by_role("button", name="Lưu hồ sơ").click()
    assert "Đã nhập 2 đề nghị từ tệp Excel" in page.inner_text(".flashes")
    me.shot("ho-so-moi-chua-du-tai-lieu")
    me.upload("submission", None, "to-trinh.pdf")
    me.upload("achievement_report", "1. Nguyễn Thị Tươi — Giấy khen", "bao-cao-tuoi.pdf")
    me.upload("achievement_report", "2. Phạm Văn An — Bằng khen của Bộ trưởng, Chủ tịch Ủy ban nhân dân tỉnh",
              "bao-cao-an.pdf")
    assert "có thể nộp" in page.inner_text("main")
    me.shot("ho-so-du-tai-lieu")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    assert "Đã nộp hồ sơ" in page.inner_text(".flashes")
    me.shot("ho-so-da-nop")
    me.log_out()

    # The commune office: completeness, then the appraisal with its automatic pre-check.
    me.log_in("xa.vanphong")
    me.shot("viec-can-lam-van-phong-xa")
    me.open_task("Kiểm tra tính đầy đủ của hồ sơ")
    me.shot("kiem-tra-tinh-day-du")
    page.get_by_label("Hồ sơ đầy đủ, tiếp nhận").check()
    me.complete()
    assert "Thẩm định hồ sơ" in page.inner_text("h1")
    assert "Kiểm tra tự động" in page.inner_text("main")
    me.shot("tham-dinh-co-kiem-tra-tu-dong")
    for nominee in ("Nguyễn Thị Tươi", "Phạm Văn An"):
        _item(page, nominee).get_by_label("Có", exact=True).check()
        _item(page, nominee).get_by_label("Ý kiến thẩm định").fill("Đủ điều kiện theo quy định.")
    me.complete()
    me.log_out()

    # The commune head: grants what the commune may grant, forwards the rest.
    me.log_in("xa.chutich")
    me.open_task("Quyết định hoặc trình cấp trên")
    me.shot("quyet-dinh-cap-xa")
    _item(page, "Nguyễn Thị Tươi").get_by_label("Khen thưởng", exact=True).check()
    _item(page, "Phạm Văn An").get_by_label("Trình cấp trên", exact=True).check()
    me.complete()
    me.log_out()

    # The province: office and head complete the Bằng khen.
    me.log_in("tinh.vanphong")
    me.open_task("Kiểm tra tính đầy đủ của hồ sơ")
    page.get_by_label("Hồ sơ đầy đủ, tiếp nhận").check()
    me.complete()
    _item(page, "Phạm Văn An").get_by_label("Có", exact=True).check()
    me.complete()
    me.log_out()
    me.log_in("tinh.chutich")
    me.open_task("Quyết định hoặc trình cấp trên")
    _item(page, "Phạm Văn An").get_by_label("Khen thưởng", exact=True).check()
    me.shot("quyet-dinh-cap-tinh")
    me.complete()
    me.log_out()

    # The proposer reads the outcome and downloads both decisions.
    me.log_in("truong.denghi")
    page.get_by_role("link", name="Thông báo").click()
    assert "Kết quả xét khen thưởng" in page.inner_text("main")
    me.shot("thong-bao-ket-qua")
    page.get_by_role("link", name="Xem hồ sơ").first.click()
    main = page.inner_text("main")
    assert "Đã có kết quả" in main and main.count("Được khen thưởng") == 2
    me.shot("ho-so-da-co-ket-qua")
    page.get_by_role("link", name="Quyết định", exact=True).click()
    me.shot("danh-sach-quyet-dinh")
    links = page.get_by_role("link", name="Tải văn bản (DOCX)")
    assert links.count() == 2
    for index in range(2):
        with page.expect_download() as download:
            links.nth(index).click()
        data = Path(download.value.path()).read_bytes()
        text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
        assert "QUYẾT ĐỊNH" in text

    # The same pages on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/dossiers")
    me.shot("dien-thoai-danh-sach-ho-so")
    page.get_by_role("link", name="Đề nghị khen thưởng tổng kết năm học 2025-2026").click()
    me.shot("dien-thoai-ho-so")
    me.context.close()
