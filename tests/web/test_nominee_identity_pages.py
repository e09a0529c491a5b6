"""The nominee as the web form tells them apart: birth date, gender and the national ID (kept only as its
keyed hash) typed beside the name and kept by an edit; at submission a name two people of the unit bear
shows the candidates and the proposer picks the right one."""
from __future__ import annotations

import io
import re

from engine.models import Dossier, DossierStatus, Gender, Membership, Nomination
from engine.security import identity_hash
from tests.engine.test_dossiers import pdf
from tests.registry_factories import NOW, make_awardee
from tests.web.conftest import log_in

HEADER = {"title": "Đề nghị khen thưởng năm học 2025-2026", "year": "2026", "kind": "regular"}
ROW = {"n-0-award_type": "GIAY_KHEN", "n-0-kind": "individual", "n-0-position": "Giáo viên",
       "n-0-achievements": "Giáo viên dạy giỏi cấp tỉnh"}


def _create(client, csrf, **fields):
    response = client.post("/dossiers/new", data={"csrf_token": csrf, **HEADER, **ROW, **fields},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _nomination(db, dossier_id) -> Nomination:
    return db(lambda s: s.get(Dossier, dossier_id).nominations[0])


def test_birth_date_gender_and_national_id_are_kept_and_an_edit_does_not_clear_them(client, tree, db, settings):
    csrf = log_in(client, tree.proposer)
    bad = client.post("/dossiers/new", data={"csrf_token": csrf, **HEADER, **ROW, "n-0-name": "Lê Thị Hoa",
                                             "n-0-birth_date": "31/02/1985", "n-0-national_id": "12345"},
                      content_type="multipart/form-data")
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert 'id="n-0-birth_date-loi"' in page and 'id="n-0-national_id-loi"' in page
    assert "Số CCCD gồm 12 chữ số" in page and "12345" not in re.findall(r'name="n-0-national_id" value="([^"]*)"',
                                                                          page)[0]

    dossier_id = _create(client, csrf, **{"n-0-name": "Lê Thị Hoa", "n-0-birth_date": "05/05/1985",
                                          "n-0-gender": "female", "n-0-national_id": "001 085 012345"})
    saved = _nomination(db, dossier_id)
    assert saved.nominee_birth_date.isoformat() == "1985-05-05" and saved.nominee_gender == Gender.FEMALE
    assert saved.nominee_national_id_hash == identity_hash(settings, "001085012345")

    form = client.get(f"/dossiers/{dossier_id}/edit").get_data(as_text=True)
    assert 'value="05/05/1985"' in form and '<option value="female" selected>' in form
    assert "001085012345" not in form and "Đã ghi; để trống để giữ nguyên" in form
    edited = client.post(f"/dossiers/{dossier_id}/edit", content_type="multipart/form-data", data={
        "csrf_token": csrf, **HEADER, **ROW, "n-0-id": str(saved.id), "n-0-name": "Lê Thị Hoa",
        "n-0-birth_date": "05/05/1985", "n-0-gender": "female", "n-0-national_id": "",
        "n-0-achievements": "Giáo viên dạy giỏi cấp tỉnh hai năm liền"})
    assert edited.status_code == 302
    kept = _nomination(db, dossier_id)
    assert kept.achievements.endswith("hai năm liền")
    assert kept.nominee_birth_date == saved.nominee_birth_date and kept.nominee_gender == Gender.FEMALE
    assert kept.nominee_national_id_hash == saved.nominee_national_id_hash


def test_an_ambiguous_name_at_submission_shows_the_candidates_and_the_proposer_picks_one(client, tree, session, db):
    first = make_awardee(session, "Nguyễn Văn An", tree.school, code="GV-7")
    second = make_awardee(session, "Nguyễn Văn An", tree.school, code="GV-8")
    for person in (first, second):
        session.add(Membership(awardee_id=person.id, unit_id=tree.school.id, created_at=NOW))
    session.commit()
    csrf = log_in(client, tree.proposer)
    dossier_id = _create(client, csrf, **{"n-0-name": "Nguyễn Văn An"})
    nomination_id = _nomination(db, dossier_id).id
    for kind, nomination in (("submission", ""), ("achievement_report", str(nomination_id))):
        response = client.post(f"/dossiers/{dossier_id}/attachments", content_type="multipart/form-data", data={
            "csrf_token": csrf, "kind": kind, "nomination_id": nomination,
            "file": (io.BytesIO(pdf(kind)), f"{kind}.pdf")})
        assert response.status_code == 302

    refused = client.post(f"/dossiers/{dossier_id}/submit", data={"csrf_token": csrf})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Chọn đúng người trong sổ theo dõi" in page
    assert "GV-7" in page and "GV-8" in page
    assert _nomination(db, dossier_id).awardee_id is None  # nothing attached to one of the two
    action = f"/dossiers/{dossier_id}/nominations/{nomination_id}/person"
    assert action in page
    assert client.post(action, data={"csrf_token": csrf, "person_id": "x"}).status_code == 422
    chosen = client.post(action, data={"csrf_token": csrf, "person_id": str(second.id)})
    assert chosen.status_code == 302
    assert _nomination(db, dossier_id).awardee_id == second.id
    assert client.post(f"/dossiers/{dossier_id}/submit", data={"csrf_token": csrf}).status_code == 302
    assert db(lambda s: s.get(Dossier, dossier_id).status) == DossierStatus.IN_REVIEW
    assert _nomination(db, dossier_id).awardee_id == second.id
