"""The officer's day (issue 14): every page shows what the decision rests on. A complaint,
denunciation or revocation task shows its case (code, subject with a link, who filed it, what they
wrote, when it came in, when it is due) on the task page and in the inbox row, so that two
complaints never look alike."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.models import AgendaItem
from engine.operations import tasks
from engine.operations.complaints.revocation import start_revocation
from tests.engine.test_complaints import COMPLAINANT, Scene, build_scene, file_as, filing
from tests.web.conftest import log_in, open_task, submitted_dossier


@pytest.fixture
def scene(session, settings) -> Scene:
    return build_scene(session, settings)


def _task_of(ctx, user, **where) -> int:
    [task] = [t for t in tasks.list_tasks(ctx.as_actor(user)).items
              if all(getattr(t, k) == v for k, v in where.items())]
    ctx.session.commit()
    return task.id


def test_complaint_tasks_show_their_case_in_the_inbox_and_on_the_task_page(client, ctx, scene):
    first = file_as(ctx.as_actor(scene.tree.proposer), {**filing(decision_id=scene.decision.id),
                                                          "content": "Bà Lê Văn Nam không đạt sáng kiến."})
    second = file_as(ctx.as_actor(scene.tree.proposer), {**filing("denunciation", nomination_id=scene.awarded.id),
                                                           "content": "Hồ sơ của ông Nam kê khai sai ngày công."})
    ctx.session.commit()
    first_task = _task_of(ctx, scene.commune_officer, complaint_id=first.id)
    log_in(client, scene.commune_officer)

    inbox = client.get("/inbox").get_data(as_text=True)
    for complaint, words in ((first, "không đạt sáng kiến"), (second, "kê khai sai ngày công")):
        assert f'href="/complaints/{complaint.id}">{complaint.tracking_code}</a>' in inbox
        assert words in inbox
    assert f"Quyết định số {scene.decision.label} của UBND xã Bình Minh" in inbox
    assert f'href="/dossiers/{scene.awarded.dossier_id}">Đề nghị khen thưởng Lê Văn Nam</a>' in inbox
    assert inbox.count(COMPLAINANT["full_name"]) >= 2

    page = client.get(f"/tasks/{first_task}").get_data(as_text=True)
    case = page.split('<section class="card case"', 1)[1].split("</section>", 1)[0]
    assert f"Khiếu nại <a href=\"/complaints/{first.id}\">{first.tracking_code}</a>" in case
    assert f'href="/decisions?year={scene.decision.year}"' in case
    assert "Người gửi đơn</dt><dd>Phạm Thị Thu" in case and "Bà Lê Văn Nam không đạt sáng kiến." in case
    assert "Ngày nhận đơn</dt><dd>" in case and "Hạn giải quyết</dt><dd>Tính từ ngày thụ lý" in case
    assert "kê khai sai ngày công" not in page  # the other complaint is not this task's case


def test_a_revocation_task_shows_the_decision_and_the_awards_it_cancels(client, ctx, scene):
    office = scene.tree.commune_office
    start_revocation(ctx.as_actor(office), scene.decision.id, [scene.awarded.id], "false_declaration",
                     "Thanh tra huyện kết luận kê khai không đúng.")
    ctx.session.commit()
    task = _task_of(ctx, office, key="prepare_revocation")
    log_in(client, office)
    page = client.get(f"/tasks/{task}").get_data(as_text=True)
    case = page.split('<section class="card case"', 1)[1].split("</section>", 1)[0]
    assert "Hủy bỏ khen thưởng số" in case and "Lê Văn Nam" in case
    assert f"Quyết định số {scene.decision.label} của UBND xã Bình Minh" in case
    assert "gian dối trong việc kê khai công trạng, thành tích" in case and "Thanh tra huyện kết luận" in case
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "Hủy bỏ khen thưởng số" in inbox and "Lê Văn Nam" in inbox


def test_the_head_decides_with_the_council_result_and_the_appraisal_notes_in_view(app, client, ctx, tree, db):
    dossier = submitted_dossier(ctx, tree, ("CSTD_TINH", "Nguyễn Thị Tươi"))
    office = ctx.as_actor(tree.commune_office)
    tasks.complete_task(office, open_task(ctx, tree.commune_office, dossier.id, "check_completeness"),
                        {"outcome": "complete"})
    [nomination] = dossier.nominations
    tasks.complete_task(office, open_task(ctx, tree.commune_office, dossier.id, "appraise"),
                        {"nominations": [{"id": nomination.id, "eligible": True,
                                          "note": "Có sáng kiến cấp tỉnh công nhận năm 2025."}]})
    ctx.session.commit()
    for member in tree.commune_council:
        tasks.complete_task(ctx.as_actor(member), open_task(ctx, member, dossier.id, "cast_ballot"),
                            {"votes": [{"nomination_id": nomination.id, "choice": "yes"}]})
        ctx.session.commit()
    decide = open_task(ctx, tree.commune_head, dossier.id, "decide")
    log_in(client, tree.commune_head)
    page = client.get(f"/tasks/{decide}").get_data(as_text=True)
    item = page.split('<fieldset class="item card">', 1)[1]
    members = len(tree.commune_council)
    [session_id] = db(lambda s: [i.session_id for i in s.scalars(
        select(AgendaItem))])
    assert f'<a href="/council-sessions/{session_id}"><strong>Đạt {members}/{members}</strong></a>' in item
    assert f'href="/council-sessions/{session_id}/minutes.docx">biên bản họp</a>' in item
    assert "Kết quả thẩm định: <strong>đủ điều kiện</strong> — Có sáng kiến cấp tỉnh công nhận năm 2025." in item


# ---- the council: only the chair and the secretary close; participation is the council's business ----

def _voting(ctx, tree):
    dossier = submitted_dossier(ctx, tree, ("CSTD_TINH", "Nguyễn Thị Tươi"))
    office = ctx.as_actor(tree.commune_office)
    tasks.complete_task(office, open_task(ctx, tree.commune_office, dossier.id, "check_completeness"),
                        {"outcome": "complete"})
    [nomination] = dossier.nominations
    tasks.complete_task(office, open_task(ctx, tree.commune_office, dossier.id, "appraise"),
                        {"nominations": [{"id": nomination.id, "eligible": True}]})
    ctx.session.commit()
    return dossier, nomination


def test_only_the_chair_and_the_secretary_are_offered_to_close_the_vote(client, ctx, tree):
    dossier, nomination = _voting(ctx, tree)
    chair, secretary, *members = tree.commune_council
    for member in members:
        keys = [t.key for t in tasks.list_tasks(ctx.as_actor(member), dossier_id=dossier.id).items]
        assert keys == ["cast_ballot"], member.username
    for closer in (chair, secretary):
        keys = sorted(t.key for t in tasks.list_tasks(ctx.as_actor(closer), dossier_id=dossier.id).items)
        assert keys == ["cast_ballot", "close_vote"], closer.username
    close = open_task(ctx, chair, dossier.id, "close_vote")
    log_in(client, members[0])
    assert "Kết thúc bỏ phiếu" not in client.get("/inbox").get_data(as_text=True)
    seen = client.get(f"/tasks/{close}")  # a colleague at the unit may look, and is told before filling anything
    assert seen.status_code != 200 or "không có vai trò để xử lý" in seen.get_data(as_text=True)


def test_the_close_form_counts_the_votes_and_offers_only_those_who_have_not_voted(client, ctx, tree):
    dossier, nomination = _voting(ctx, tree)
    chair, secretary, *members = tree.commune_council
    for voter in (members[0], secretary):
        tasks.complete_task(ctx.as_actor(voter), open_task(ctx, voter, dossier.id, "cast_ballot"),
                            {"votes": [{"nomination_id": nomination.id, "choice": "yes"}]})
        ctx.session.commit()
    close = open_task(ctx, chair, dossier.id, "close_vote")
    log_in(client, chair)
    page = client.get(f"/tasks/{close}").get_data(as_text=True)
    assert f"Đã bỏ phiếu: 2/{len(tree.commune_council)} thành viên." in page
    offered = page.split('name="absent_members"', 1)[1].split("</fieldset>", 1)[0]
    for voted in (members[0], secretary):
        assert voted.full_name not in offered
    for waiting in (chair, *members[1:]):
        assert waiting.full_name in offered


def test_who_voted_when_shows_to_the_council_and_the_office_never_to_the_proposer(app, client, ctx, tree):
    dossier, nomination = _voting(ctx, tree)
    voter = tree.commune_council[2]
    tasks.complete_task(ctx.as_actor(voter), open_task(ctx, voter, dossier.id, "cast_ballot"),
                        {"votes": [{"nomination_id": nomination.id, "choice": "yes"}]})
    ctx.session.commit()
    for reader, sees in ((tree.proposer, False), (tree.commune_office, True), (tree.commune_council[0], True)):
        browser = app.test_client()
        log_in(browser, reader)
        page = browser.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
        assert page.count(voter.full_name) > 0 if sees else voter.full_name not in page, reader.username
        assert ("Hoàn thành «Bỏ phiếu»" in page) is sees, reader.username


# ---- catching mistakes early ----------------------------------------------------------------------

def test_completeness_radios_are_required_and_no_reason_is_asked_when_nothing_was_chosen(client, ctx, tree):
    dossier = submitted_dossier(ctx, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    check = open_task(ctx, tree.commune_office, dossier.id, "check_completeness")
    csrf = log_in(client, tree.commune_office)
    page = client.get(f"/tasks/{check}").get_data(as_text=True)
    radios = [line for line in page.splitlines() if 'type="radio" name="outcome"' in line]
    assert len(radios) == 3 and all(" required" in line for line in radios)
    refused = client.post(f"/tasks/{check}", data={"csrf_token": csrf})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="f-outcome-loi"' in html
    assert 'id="f-missing-loi"' not in html  # nothing chosen: no reason asked for


def test_only_a_denunciation_offers_an_extension(ctx, scene):
    complaint = file_as(ctx.as_actor(scene.tree.proposer), filing(decision_id=scene.decision.id))
    denunciation = file_as(ctx.as_actor(scene.tree.proposer), filing("denunciation", nomination_id=scene.awarded.id))
    ctx.session.commit()
    officer = ctx.as_actor(scene.commune_officer)
    for case, offered in ((complaint, False), (denunciation, True)):
        accept = _task_of(ctx, scene.commune_officer, complaint_id=case.id)
        tasks.complete_task(officer, accept, {"outcome": "accept"})
        ctx.session.commit()
        investigate = _task_of(ctx, scene.commune_officer, complaint_id=case.id)
        form = tasks.task_form(officer, tasks.get_task(officer, investigate))
        assert ("request_extension" in form["properties"]) is offered, case.kind


def test_a_draft_belongs_to_its_unit_until_it_is_submitted(app, client, ctx, tree):
    from engine.operations.award import commands as dossiers
    from engine.operations.award.inputs import check_dossier

    proposer = ctx.as_actor(tree.proposer)
    draft = dossiers.create_dossier(proposer, check_dossier(proposer, {
        "title": "Bản nháp chưa nộp", "year": 2026, "kind": "regular",
        "nominations": [{"award_type": "GIAY_KHEN", "nominee": {"kind": "individual", "full_name": "Lò Văn Pá"},
                         "achievements": "Hoàn thành xuất sắc nhiệm vụ"}]}))
    ctx.session.commit()
    submitted = submitted_dossier(ctx, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    log_in(client, tree.commune_office)
    assert client.get(f"/dossiers/{draft.id}").status_code == 404
    assert client.get(f"/dossiers/{submitted.id}").status_code == 200
    listing = client.get("/dossiers").get_data(as_text=True)
    assert "Bản nháp chưa nộp" not in listing and f'href="/dossiers/{submitted.id}"' in listing
    assert client.get(f"/api/v1/dossiers/{draft.id}").status_code == 404
    assert client.get(f"/api/v1/dossiers/{submitted.id}").status_code == 200
    school = app.test_client()
    log_in(school, tree.proposer)
    assert school.get(f"/dossiers/{draft.id}").status_code == 200
    assert "Bản nháp chưa nộp" in school.get("/dossiers").get_data(as_text=True)


def test_a_new_dossier_form_saves_once_and_a_second_save_leads_to_the_dossier_made(client, tree, db):
    from engine.models import Dossier

    csrf = log_in(client, tree.proposer)
    page = client.get("/dossiers/new").get_data(as_text=True)
    [once] = re.findall(r'name="once" data-once="([^"]+)"', page)
    form = {"csrf_token": csrf, "once": once, "title": "Đề nghị cuối năm", "year": "2026", "kind": "regular",
            "n-0-award_type": "GIAY_KHEN", "n-0-kind": "individual", "n-0-name": "Nguyễn Văn Ba",
            "n-0-achievements": "Hoàn thành xuất sắc nhiệm vụ", "action": "save"}
    first = client.post("/dossiers/new", data=form)
    again = client.post("/dossiers/new", data=form)
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert "đã được lưu trước đó" in client.get(again.headers["Location"]).get_data(as_text=True)
    fresh = re.findall(r'name="once" data-once="([^"]+)"', client.get("/dossiers/new").get_data(as_text=True))
    assert fresh != [once]  # a new form, a new token: a deliberate second dossier is still possible
    assert client.post("/dossiers/new", data={**form, "once": fresh[0]}).headers["Location"] != first.headers[
        "Location"]
    assert db(lambda s: s.query(Dossier).count()) == 2


def test_a_document_is_removed_or_replaced_while_the_dossier_may_change_and_the_old_one_is_kept(
        client, ctx, tree, db, settings):
    import io

    from engine.models import Attachment, AuditEvent, RemovedAttachment
    from engine.operations.award import commands as dossiers
    from engine.operations.award.inputs import check_dossier
    from engine.storage import attachment_store
    from tests.engine.test_dossiers import pdf

    proposer = ctx.as_actor(tree.proposer)
    dossier = dossiers.create_dossier(proposer, check_dossier(proposer, {
        "title": "Hồ sơ có tài liệu sai", "year": 2026, "kind": "regular",
        "nominations": [{"award_type": "GIAY_KHEN", "nominee": {"kind": "individual", "full_name": "Lò Văn Pá"},
                         "achievements": "Hoàn thành xuất sắc nhiệm vụ"}]}))
    [nomination] = dossier.nominations
    wrong = dossiers.add_attachment(proposer, dossier.id, io.BytesIO(pdf("sai")), "bao-cao-sai.pdf",
                                    "achievement_report", nomination.id)
    extra = dossiers.add_attachment(proposer, dossier.id, io.BytesIO(pdf("thua")), "thua.pdf", "other")
    ctx.session.commit()
    old_sha = wrong.sha256
    csrf = log_in(client, tree.proposer)
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert f"/attachments/{wrong.id}/remove" in page and f"/attachments/{wrong.id}/replace" in page

    replaced = client.post(f"/dossiers/{dossier.id}/attachments/{wrong.id}/replace",
                           content_type="multipart/form-data",
                           data={"csrf_token": csrf, "file": (io.BytesIO(pdf("dung")), "bao-cao-dung.pdf")})
    assert replaced.status_code == 302
    assert client.post(f"/dossiers/{dossier.id}/attachments/{extra.id}/remove",
                       data={"csrf_token": csrf}).status_code == 302
    rows = db(lambda s: [(a.kind.value, a.nomination_id, a.filename) for a in s.scalars(select(Attachment))])
    assert rows == [("achievement_report", nomination.id, "bao-cao-dung.pdf")]
    kept = db(lambda s: [(r.attachment_id, r.sha256, r.replaced_by_id is not None)
                         for r in s.scalars(select(RemovedAttachment).order_by(RemovedAttachment.id))])
    assert kept == [(wrong.id, old_sha, True), (extra.id, extra.sha256, False)]
    assert attachment_store(settings).path(old_sha).exists()  # the bytes stay in the store
    events = db(lambda s: [e.before["sha256"] for e in s.scalars(
        select(AuditEvent).where(AuditEvent.action == "attachment_removed").order_by(AuditEvent.seq))])
    assert events == [old_sha, extra.sha256]
    timeline = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "bao-cao-sai.pdf, thay bằng bao-cao-dung.pdf (bản cũ vẫn được lưu)" in timeline


def test_a_submitted_dossier_keeps_its_documents(client, ctx, tree):
    dossier = submitted_dossier(ctx, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    attachment_id = dossier.attachments[0].id
    csrf = log_in(client, tree.proposer)
    assert f"/attachments/{attachment_id}/remove" not in client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    refused = client.post(f"/dossiers/{dossier.id}/attachments/{attachment_id}/remove", data={"csrf_token": csrf})
    assert refused.status_code == 409 and "gỡ bỏ hoặc thay tài liệu" in refused.get_data(as_text=True)


# ---- words a clerk understands --------------------------------------------------------------------

def test_a_ballot_receipt_can_be_read_aloud_and_typed_back_loosely_and_old_receipts_still_work(app, ctx, tree):
    from engine.models import Ballot, BallotChoice, CouncilSession
    from engine.operations.council.queries import ballot_by_receipt

    dossier, nomination = _voting(ctx, tree)
    member = tree.commune_council[3]
    done = tasks.complete_task(ctx.as_actor(member), open_task(ctx, member, dossier.id, "cast_ballot"),
                               {"votes": [{"nomination_id": nomination.id, "choice": "yes"}]})
    ctx.session.commit()
    receipt = done.reply["receipt"]
    assert re.fullmatch(r"PB(-[23456789A-HJ-NP-Z]{4}){4}", receipt), receipt
    reader = ctx.as_actor(tree.proposer)
    for typed in (receipt, receipt.lower(), receipt.replace("-", " "), " " + receipt.replace("-", "") + " "):
        assert ballot_by_receipt(reader, typed)["receipt"] == receipt, typed
    # A receipt handed out before this format keeps working, exactly as it was given.
    session_id = ctx.session.scalar(select(CouncilSession.id))
    [item_id] = [i.id for i in ctx.session.get(CouncilSession, session_id).agenda]
    ctx.session.add(Ballot(receipt="q3_Zx-old-Receipt_9", session_id=session_id, counted=False,
                           choices=[BallotChoice(agenda_item_id=item_id, choice="no")]))
    ctx.session.commit()
    assert ballot_by_receipt(reader, " q3_Zx-old-Receipt_9 ")["choices"][0]["choice"] == "no"


def test_the_minutes_of_a_vote_where_nothing_passed_say_so(ctx, tree):
    import io

    from docx import Document

    from engine.models import CouncilSession
    from engine.operations.council.minutes import conclusion
    from engine.operations.council.queries import minutes_document

    dossier, nomination = _voting(ctx, tree)
    for member in tree.commune_council:
        tasks.complete_task(ctx.as_actor(member), open_task(ctx, member, dossier.id, "cast_ballot"),
                            {"votes": [{"nomination_id": nomination.id, "choice": "no"}]})
        ctx.session.commit()
    session_id = ctx.session.scalar(select(CouncilSession.id))
    text = "\n".join(p.text for p in Document(io.BytesIO(
        minutes_document(ctx.as_actor(tree.commune_office), session_id))).paragraphs)
    assert "Không có trường hợp nào đạt tỷ lệ phiếu theo quy định" in text
    assert "đề nghị khen thưởng 0/1" not in text
    assert conclusion(2, 2).startswith("Hội đồng thống nhất đề nghị khen thưởng cả 2 trường hợp")
    assert conclusion(1, 3).startswith("Hội đồng thống nhất đề nghị khen thưởng 1/3 trường hợp")


def test_pages_and_notifications_name_awards_rather_than_code_them(client, ctx, tree, db):
    from engine.models import Dossier, Notification

    dossier = submitted_dossier(ctx, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    office = ctx.as_actor(tree.commune_office)
    tasks.complete_task(office, open_task(ctx, tree.commune_office, dossier.id, "check_completeness"),
                        {"outcome": "complete"})
    [nomination] = dossier.nominations
    tasks.complete_task(office, open_task(ctx, tree.commune_office, dossier.id, "appraise"),
                        {"nominations": [{"id": nomination.id, "eligible": True}]})
    ctx.session.commit()
    tasks.complete_task(ctx.as_actor(tree.commune_head), open_task(ctx, tree.commune_head, dossier.id, "decide"),
                        {"nominations": [{"id": nomination.id, "action": "approve"}]})
    ctx.session.commit()
    bodies = db(lambda s: [n.body for n in s.scalars(select(Notification).where(
        Notification.user_id == tree.proposer.id))])
    assert any("Nguyễn Thị Tươi (Giấy khen): được khen thưởng" in b for b in bodies), bodies
    assert not any("GIAY_KHEN" in b for b in bodies)
    log_in(client, tree.commune_office)
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Quyết định khen thưởng Nguyễn Thị Tươi (Giấy khen)" in page
    assert db(lambda s: s.get(Dossier, dossier.id).status.value) == "decided"
