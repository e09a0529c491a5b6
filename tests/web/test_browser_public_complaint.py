"""A real browser (Playwright driving Debian's Chromium): a citizen, not logged in, files a complaint
about an issued decision from the public form, reads the tracking code and checks the status; the
commune's complaint officer finds it in the complaint list and accepts it on the task page; the
citizen's tracking page then shows it under investigation with its due date. Screenshots are saved
under test-artifacts/screenshots/ (20-… onwards, after the dossier journey's)."""
from __future__ import annotations

import re

from sqlalchemy import select

from engine.models import Complaint, Decision
from tests.factories import PASSWORD
from tests.web.test_browser_journey import SCREENSHOTS, browser, live_server  # noqa: F401  (fixtures)
from tests.workflows.journey import Journey

CODE = re.compile(r"KN-[23456789A-HJ-NP-Z]{8}")


def _issued_decision(ctx, tree) -> tuple[int, str, str]:
    """The commune's decision on a Giấy khen: its id, its number and the commune officer's username.
    Read here, then the session closed: no transaction of the test's own while the server writes."""
    journey = Journey(ctx, tree)
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve")
    decision = ctx.session.scalar(select(Decision).where(Decision.issuer_unit_id == tree.commune.id))
    assert decision is not None
    found = decision.id, decision.label, tree.commune_complaints.username
    ctx.session.commit()
    ctx.session.close()
    return found


def test_a_public_complaint_filed_and_tracked_in_the_browser(browser, live_server, ctx, tree, db):  # noqa: F811
    decision_id, label, officer_name = _issued_decision(ctx, tree)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("2[0-9]-*.png"):
        old.unlink()

    def shot(name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    citizen = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")  # a phone
    citizen.set_default_timeout(20_000)
    page = citizen.new_page()

    # The citizen, not logged in, finds the form from the footer of the login page.
    page.goto(live_server + "/login")
    page.get_by_role("link", name="Gửi khiếu nại, tố cáo").click()
    page.wait_for_url("**/khieu-nai")
    assert "Gửi đơn khiếu nại, tố cáo về khen thưởng" in page.inner_text("h1")
    shot("20-khieu-nai-cong-khai")

    # A first try with nothing typed: errors next to the fields, nothing filed.
    page.get_by_role("button", name="Gửi đơn").click()
    assert "Đơn chưa được gửi" in page.inner_text(".error-summary")
    assert "Chọn quyết định bị khiếu nại, tố cáo." in page.inner_text("#decision_id-loi")
    shot("21-khieu-nai-bao-loi")

    page.get_by_label("Khiếu nại", exact=True).check()
    page.get_by_label("Quyết định bị khiếu nại, tố cáo").select_option(str(decision_id))
    assert label in page.locator("#decision_id option:checked").inner_text()
    page.get_by_label("Họ và tên").fill("Phạm Thị Thu")
    page.get_by_label("Số điện thoại hoặc thư điện tử để liên hệ").fill("0912 345 678")
    page.get_by_label("Địa chỉ nơi cư trú").fill("Thôn Đông, xã Bình Minh")
    page.get_by_label("Nội dung khiếu nại, tố cáo").fill("Thành tích nêu trong hồ sơ không đúng với thực tế.")
    page.get_by_label("Tôi ở vùng sâu, vùng xa, đi lại khó khăn").check()
    shot("22-khieu-nai-da-dien")
    page.get_by_role("button", name="Gửi đơn").click()
    page.wait_for_url("**/khieu-nai/da-gui")
    code = page.inner_text("#ma-theo-doi").strip()
    assert CODE.fullmatch(code), code
    shot("23-khieu-nai-ma-theo-doi")

    page.get_by_role("link", name="Tra cứu tình trạng đơn").click()
    assert "Chờ thụ lý" in page.inner_text("#tinh-trang")
    assert "Phạm Thị Thu" not in page.inner_text("main")
    shot("24-tra-cuu-cho-thu-ly")

    # The commune's complaint officer: the complaint list, the detail, the acceptance task.
    officer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    officer.set_default_timeout(20_000)
    page = officer.new_page()
    page.goto(live_server + "/login")
    page.get_by_label("Tên đăng nhập").fill(officer_name)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/inbox")
    assert "Xem xét thụ lý khiếu nại" in page.inner_text("main")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Khiếu nại").click()
    page.wait_for_url("**/complaints")
    assert "Chờ thụ lý" in page.inner_text("table")
    shot("25-danh-sach-khieu-nai")
    page.get_by_role("link", name=code).click()
    main = page.inner_text("main")
    assert "Phạm Thị Thu" in main and f"Quyết định số {label}" in main
    shot("26-chi-tiet-khieu-nai")
    page.get_by_role("link", name="Xử lý").click()
    assert "Xem xét thụ lý khiếu nại" in page.inner_text("h1")
    page.get_by_label("Thụ lý", exact=True).check()
    shot("27-thu-ly-khieu-nai")
    page.get_by_role("button", name="Hoàn thành", exact=True).click()
    page.wait_for_load_state()
    assert "Đã hoàn thành" in page.inner_text(".flashes")
    officer.close()

    # The citizen checks again: under investigation, with the due date.
    due_on = db(lambda s: s.scalar(select(Complaint.due_on).where(Complaint.tracking_code == code)))
    assert due_on is not None
    page = citizen.new_page()
    page.goto(live_server + "/khieu-nai/tra-cuu")
    page.get_by_label("Mã theo dõi").fill(code.lower())
    page.get_by_role("button", name="Tra cứu").click()
    assert "Đang xác minh" in page.inner_text("#tinh-trang")
    assert f"{due_on:%d/%m/%Y}" in page.inner_text("#thoi-han")
    shot("28-tra-cuu-dang-xac-minh")
    citizen.close()

