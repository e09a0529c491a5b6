"""The clicks of the main job, counted in Chromium: one dossier of three nominations from the school's
proposal to both decisions (commune and province), no council; each click, radio, drop-down choice and
file chooser counts one, typing does not, log-ins are counted apart. Run twice: uploading one file at a
time as before (kind and nomination chosen for each), and all files together with kinds and nominations
guessed from their names. The figures go to test-artifacts/clicks.txt (docs/officer-pages.md)."""
from __future__ import annotations

from typing import Any

import pytest

from engine.config import PROJECT_ROOT
from tests.engine.test_dossiers import pdf
from tests.web.conftest import workbook
from tests.web.test_browser_journey import Officer, _item, browser, live_server  # noqa: F401

ARTIFACT = PROJECT_ROOT / "test-artifacts" / "clicks.txt"
COUNT = """
for (const [type, test] of [["click", () => true],
                            ["change", (t) => t.tagName === "SELECT" || (t.type || "") === "file"]]) {
  document.addEventListener(type, (e) => { if (test(e.target)) window.countClick(); }, true);
}
"""
NOMINEES = [["GIAY_KHEN", "Cá nhân", "Nguyễn Thị Tươi", "Giáo viên Toán", "Tổ Toán", "Giáo viên dạy giỏi cấp tỉnh"],
            ["GIAY_KHEN", "Cá nhân", "Lê Văn Bình", "Giáo viên Văn", "Tổ Văn", "Hoàn thành xuất sắc nhiệm vụ"],
            ["BK_TINH", "Cá nhân", "Phạm Văn An", "Hiệu trưởng", "Ban giám hiệu", "Dẫn dắt trường đạt chuẩn quốc gia"]]


class Counted(Officer):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.clicks = self.logins = 0

        def count(_source: Any) -> None:
            self.clicks += 1
        self.context.expose_binding("countClick", count)
        self.context.add_init_script(COUNT)

    def log_in(self, username: str) -> None:
        before = self.clicks
        super().log_in(username)
        self.logins += self.clicks - before
        self.clicks = before

    def log_out(self) -> None:
        before = self.clicks
        super().log_out()
        self.logins += self.clicks - before
        self.clicks = before


@pytest.mark.parametrize("uploads", ["one_by_one", "together"])
def test_the_clicks_of_the_main_job(browser, live_server, tree, tmp_path, uploads):  # noqa: F811
    me = Counted(browser, live_server, tmp_path)
    page = me.page
    me.log_in("truong.denghi")
    if uploads == "together":
        page.get_by_role("link", name="+ Lập hồ sơ mới").click()  # from the empty inbox
    else:
        page.get_by_role("link", name="Hồ sơ", exact=True).click()
        page.get_by_role("link", name="+ Lập hồ sơ mới").click()
    page.get_by_label("Tên hồ sơ (bắt buộc)").fill("Đề nghị khen thưởng tổng kết năm học 2025-2026")
    page.set_input_files("#excel", me.file("danh-sach.xlsx", workbook(*NOMINEES)))
    page.get_by_role("button", name="Lưu hồ sơ").click()
    assert "Đã nhập 3 đề nghị từ tệp Excel" in page.inner_text(".flashes")
    assert page.get_by_role("button", name="Nộp hồ sơ").is_disabled()
    if uploads == "together":
        names = ["to-trinh.pdf", "bao-cao-thanh-tich-Tuoi.pdf", "bao-cao-thanh-tich-Binh.pdf",
                 "bao-cao-thanh-tich-An.pdf"]
        page.set_input_files("#file", [me.file(name, pdf(name)) for name in names])
        page.get_by_role("button", name="Tải lên").click()
        assert "Đã tải lên 4 tệp" in page.inner_text(".flashes")
    else:
        page.select_option("#kind", "submission")
        page.set_input_files("#file", me.file("to-trinh.pdf", pdf("to-trinh")))
        page.get_by_role("button", name="Tải lên").click()
        for position, row in enumerate(NOMINEES, start=1):
            page.select_option("#kind", "achievement_report")
            page.select_option("#nomination_id", index=position)
            page.set_input_files("#file", me.file(f"bc{position}.pdf", pdf(row[2])))
            page.get_by_role("button", name="Tải lên").click()
            assert "Đã tải lên 1 tệp" in page.inner_text(".flashes")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    assert "Đã nộp hồ sơ" in page.inner_text(".flashes")
    me.log_out()

    for office, head, granted, forwarded in (("xa.vanphong", "xa.chutich", ["Nguyễn Thị Tươi", "Lê Văn Bình"],
                                              ["Phạm Văn An"]),
                                             ("tinh.vanphong", "tinh.chutich", ["Phạm Văn An"], [])):
        me.log_in(office)
        page.get_by_role("link", name="Kiểm tra tính đầy đủ của hồ sơ", exact=True).click()
        page.get_by_label("Hồ sơ đầy đủ, tiếp nhận").check()
        me.complete()
        for nominee in granted + forwarded:
            _item(page, nominee).get_by_label("Có", exact=True).check()
        me.complete()
        me.log_out()
        me.log_in(head)
        page.get_by_role("link", name="Quyết định hoặc trình cấp trên", exact=True).click()
        for nominee in granted:
            _item(page, nominee).get_by_label("Khen thưởng", exact=True).check()
        for nominee in forwarded:
            _item(page, nominee).get_by_label("Trình cấp trên", exact=True).check()
        me.complete()
        me.log_out()

    me.log_in("truong.denghi")
    page.get_by_role("link", name="Thông báo").click()
    page.get_by_role("link", name="Xem hồ sơ").first.click()
    assert page.inner_text("main").count("Được khen thưởng") == 3
    me.context.close()

    ARTIFACT.parent.mkdir(exist_ok=True)
    lines = dict(line.split(": ", 1) for line in ARTIFACT.read_text(encoding="utf-8").splitlines()
                 if ": " in line) if ARTIFACT.exists() else {}
    lines[uploads] = f"{me.clicks} clicks, {me.logins} clicks to log in and out"
    ARTIFACT.write_text("".join(f"{k}: {v}\n" for k, v in sorted(lines.items())), encoding="utf-8")
    assert me.clicks <= (38 if uploads == "one_by_one" else 24), lines[uploads]
