"""Back after saving a new dossier, then Save again, in Chromium: the form's one-time token brings the
proposer to the dossier already saved instead of creating a second one (issue 14)."""
from __future__ import annotations

from sqlalchemy import func, select

from engine.models import Dossier
from tests.web.test_browser_journey import Officer, browser, live_server  # noqa: F401  (fixtures)


def test_back_and_save_again_does_not_create_a_duplicate(browser, live_server, tree, tmp_path, db):  # noqa: F811
    me = Officer(browser, live_server, tmp_path)
    page = me.page
    me.log_in("truong.denghi")
    page.goto(live_server + "/dossiers/new")
    page.get_by_label("Tên hồ sơ (bắt buộc)").fill("Đề nghị khen thưởng cuối năm")
    page.select_option("#n-0-award_type", "GIAY_KHEN")
    page.fill("#n-0-name", "Nguyễn Thị Tươi")
    page.fill("#n-0-achievements", "Hoàn thành xuất sắc nhiệm vụ")
    page.get_by_role("button", name="Lưu hồ sơ").click()
    page.wait_for_url("**/dossiers/*")
    first = page.url
    assert "Đã lưu hồ sơ." in page.inner_text(".flashes")

    page.go_back()
    page.wait_for_url("**/dossiers/new")
    assert page.input_value("#title") == "Đề nghị khen thưởng cuối năm"  # the browser gave the form back
    page.get_by_role("button", name="Lưu hồ sơ").click()
    page.wait_for_url("**/dossiers/*")
    assert page.url == first
    assert "đã được lưu" in page.inner_text(".flashes")
    assert db(lambda s: s.scalar(select(func.count()).select_from(Dossier))) == 1
