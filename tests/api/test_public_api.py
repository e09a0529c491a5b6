"""The public face (docs/public.md): a citizen reads the list under disclosure and comments on it,
the comment reaches the standing office on its task; an allegation becomes a denunciation which,
accepted, freezes the nomination; a citizen finds a decision and an award; no page sets a cookie."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine.models import AuditEvent, Complaint, DisclosureComment, Nomination, NominationStatus
from engine.operations.public import commands
from engine.operations.public.queries import comment_counts
from engine.operations.throttle import RateLimit
from tests.workflows.journey import Journey, build_tree


@pytest.fixture
def tree(session, settings):
    return build_tree(session, settings)


@pytest.fixture
def journey(ctx, tree):
    return Journey(ctx, tree)


def _to_province_disclosure(journey: Journey, tree) -> int:
    """An order (HC_LD3) goes up to the province, which publishes it for ten working days."""
    journey.submit(("HC_LD3", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)
    journey.vote(tree.commune_council)
    journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="forward")
    journey.complete(tree.province_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.province_office)
    assert journey.open_tasks() == []  # the list is out for comment
    nomination_id = journey.dossier.nominations[0].id
    journey.session.commit()  # the app's requests write (SQLite: one writer at a time)
    return nomination_id


def _no_cookie(response) -> None:
    assert "Set-Cookie" not in response.headers, response.headers.get("Set-Cookie")


def test_a_public_comment_on_a_disclosed_list_reaches_the_office(client, journey, tree, db):
    nomination_id = _to_province_disclosure(journey, tree)

    listed = client.get("/api/v1/public/disclosures")
    assert listed.status_code == 200
    _no_cookie(listed)
    assert listed.headers["Cache-Control"].startswith("public")
    [item] = listed.json["items"]
    assert item["unit_name"] == "UBND tỉnh Hòa Bình Xanh"
    assert item["proposing_unit_name"] == "Trường THCS Bình Minh"
    assert [(n["id"], n["nominee_name"]) for n in item["nominations"]] == [(nomination_id, "Nguyễn Thị Tươi")]
    assert "achievements" not in item["nominations"][0] and "nominee_birth_date" not in item["nominations"][0]
    again = client.get("/api/v1/public/disclosures", headers={"If-None-Match": listed.headers["ETag"]})
    assert again.status_code == 304

    page = client.get(f"/cong-khai/lay-y-kien/{item['id']}")
    assert page.status_code == 200 and "Nguyễn Thị Tươi" in page.text and "Gửi ý kiến" in page.text
    _no_cookie(page)
    assert page.headers.get("ETag")

    sent = client.post(f"/api/v1/public/disclosures/{item['id']}/comments",
                       json={"nomination_id": nomination_id, "author": "Trần Văn Cường",
                             "content": "Bà Tươi tận tụy với học sinh vùng khó, xứng đáng được khen thưởng."})
    assert sent.status_code == 201, sent.json
    assert sent.json["received"] is True and sent.json["complaint_code"] is None
    _no_cookie(sent)
    form = client.post(f"/cong-khai/lay-y-kien/{item['id']}",
                       data={"nomination_id": "", "content": "Đề nghị công khai thêm thành tích tập thể."})
    assert form.status_code == 201 and "Đã nhận ý kiến" in form.text
    _no_cookie(form)
    robot = client.post(f"/cong-khai/lay-y-kien/{item['id']}", data={"content": "mua ngay", "website": "http://x"})
    assert robot.status_code == 201  # answered as received, nothing kept
    assert db(lambda s: len(s.scalars(select(DisclosureComment)).all())) == 2
    assert db(lambda s: s.scalars(select(AuditEvent.action).where(
        AuditEvent.action == "disclosure_commented")).all()) == ["disclosure_commented"] * 2

    until = datetime.fromisoformat(journey.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "dossier_published")).one().after["until"])
    journey.fire_timers(until + timedelta(minutes=1))
    task = journey.task(tree.province_office, "public_disclosure")
    assert comment_counts(journey.ctx, [task]) == {task.id: 2}
    comments = journey.prefill(tree.province_office, "public_disclosure")["comments"]
    assert [c["content"] for c in comments] == [
        "Bà Tươi tận tụy với học sinh vùng khó, xứng đáng được khen thưởng.",
        "Đề nghị công khai thêm thành tích tập thể."]
    assert comments[0]["nomination_id"] == nomination_id and "Trần Văn Cường" in comments[0]["source"]
    journey.session.commit()
    assert client.get(f"/cong-khai/lay-y-kien/{item['id']}").status_code == 404  # the period is over
    journey.complete(tree.province_office, "public_disclosure", {"comments": comments})


def test_a_comment_alleging_wrongdoing_is_a_denunciation_that_freezes_the_nomination(client, journey, tree, db):
    nomination_id = _to_province_disclosure(journey, tree)
    [item] = client.get("/api/v1/public/disclosures").json["items"]
    refused = client.post(f"/api/v1/public/disclosures/{item['id']}/comments",
                          json={"nomination_id": nomination_id, "alleges": True, "content": "Kê khai sai thành tích."})
    assert refused.status_code == 422
    assert set(refused.json["errors"]) == {"author", "contact", "address"}

    sent = client.post(f"/api/v1/public/disclosures/{item['id']}/comments",
                       json={"nomination_id": nomination_id, "alleges": True, "author": "Lê Văn Dũng",
                             "contact": "0912345678", "address": "Thôn 3, xã Bình Minh",
                             "content": "Kê khai sai thành tích: sáng kiến nêu trong hồ sơ là của người khác."})
    assert sent.status_code == 201, sent.json
    code = sent.json["complaint_code"]
    assert code and sent.json["complaint_secret"]
    complaint = db(lambda s: s.scalars(select(Complaint).where(Complaint.tracking_code == code)).one())
    assert complaint.nomination_id == nomination_id and complaint.kind.value == "denunciation" and complaint.public
    stored = db(lambda s: s.scalars(select(DisclosureComment)).one())
    assert stored.complaint_id == complaint.id
    # as any denunciation about a nomination under review: accepted, it freezes the nomination
    journey.session.expire_all()
    journey.complete(tree.province_complaints, "accept_denunciation", {"outcome": "accept"})
    assert db(lambda s: s.get(Nomination, nomination_id).status) == NominationStatus.FROZEN


def test_a_citizen_finds_a_decision_and_an_award(client, journey, tree):
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve")
    journey.session.commit()

    found = client.get("/api/v1/public/decisions", query_string={"number": 1, "year": 2026, "issuer": "xa binh minh"})
    assert found.status_code == 200
    _no_cookie(found)
    [decision] = found.json["items"]
    assert (decision["label"], decision["issuer_name"]) == ("01/QĐ-UBND", "UBND xã Bình Minh")
    assert client.get("/api/v1/public/decisions", query_string={"issuer": "tinh"}).json["items"] == []
    detail = client.get(f"/api/v1/public/decisions/{decision['id']}").json
    assert [n["nominee_name"] for n in detail["nominations"]] == ["Nguyễn Thị Tươi"]
    document = client.get(f"/api/v1/public/decisions/{decision['id']}/document.docx")
    assert document.status_code == 200 and document.data[:2] == b"PK"
    _no_cookie(document)

    page = client.get("/cong-khai/quyet-dinh", query_string={"so": 1, "nam": 2026, "co-quan": "Bình Minh"})
    assert page.status_code == 200 and "01/QĐ-UBND" in page.text
    _no_cookie(page)

    awards = client.get("/api/v1/public/awards", query_string={"name": "NGUYEN THI TUOI"}).json
    assert [(a["nomination"]["nominee_name"], a["decision"]["label"]) for a in awards["items"]] == [
        ("Nguyễn Thị Tươi", "01/QĐ-UBND")]
    assert client.get("/api/v1/public/awards", query_string={"name": "tuoi", "year": 2025}).json["items"] == []
    lookup = client.get("/cong-khai/tra-cuu", query_string={"ten": "nguyễn thị tươi"})
    assert lookup.status_code == 200 and "UBND xã Bình Minh" in lookup.text
    _no_cookie(lookup)
    for path in ("/cong-khai", "/cong-khai/dien-hinh"):
        response = client.get(path)
        assert response.status_code == 200
        _no_cookie(response)


def test_public_reads_are_counted_per_address(client, monkeypatch):
    monkeypatch.setattr(commands, "PUBLIC_READ", RateLimit("public_read", 2, timedelta(minutes=1)))
    assert [client.get("/api/v1/public/exemplars").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/cong-khai/dien-hinh").status_code == 429
