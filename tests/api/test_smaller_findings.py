"""Three smaller findings of the hardening review: a PDF named like a program is kept and served under
its own type's extension; a complaint about another unit's object answers as one about nothing; a
completed ballot task can still be read once the vote is tallied, without its choice."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from engine.models import Attachment
from tests.api.test_award_journey_api import _complete, _task
from tests.api.test_council_api import submitted_cstd_tinh
from tests.api.test_dossiers_api import API, create, pdf, upload
from tests.engine.test_complaints import build_scene, filing
from tests.workflows.journey import build_tree


@pytest.mark.parametrize(("given", "kept"), [
    ("virus.bat", "virus.pdf"), ("trang.hta", "trang.pdf"), ("chay.cmd", "chay.pdf"), ("trang.html", "trang.pdf"),
    ("to-trinh", "to-trinh.pdf"), ("Tờ trình.PDF", "Tờ trình.PDF"), ("bao.cao.v2.exe", "bao.cao.v2.pdf"),
])
def test_a_pdf_is_kept_and_served_under_the_pdf_extension(client, world, bearer, given, kept):
    headers = bearer(world.proposer)
    dossier_id = create(client, headers).json["id"]
    stored = upload(client, headers, dossier_id, pdf("tờ trình"), given, "submission")
    assert stored.status_code == 201, stored.json
    assert stored.json["filename"] == kept and stored.json["content_type"] == "application/pdf"
    served = client.get(f"{API}/dossiers/{dossier_id}/attachments/{stored.json['id']}", headers=headers)
    assert served.status_code == 200
    assert served.headers["Content-Disposition"].startswith("attachment; ")
    assert served.headers["Content-Disposition"].endswith(".pdf") or kept.endswith(".PDF")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.mimetype == "application/pdf"


def test_a_file_stored_under_a_program_s_name_before_is_served_as_its_type(client, world, bearer, session):
    headers = bearer(world.proposer)
    dossier_id = create(client, headers).json["id"]
    attachment_id = upload(client, headers, dossier_id, pdf("cũ"), "cu.pdf", "submission").json["id"]
    session.execute(update(Attachment).where(Attachment.id == attachment_id).values(filename="cu.hta"))
    session.commit()
    served = client.get(f"{API}/dossiers/{dossier_id}/attachments/{attachment_id}", headers=headers)
    assert "filename=\"cu.pdf\"" in served.headers["Content-Disposition"]


def test_a_complaint_about_another_unit_s_object_answers_as_one_about_nothing(client, bearer, session, settings):
    scene = build_scene(session, settings)
    proposer = bearer(scene.tree.proposer)
    hidden = client.post(f"{API}/complaints", json=filing(dossier_id=scene.hidden.id), headers=proposer)
    absent = client.post(f"{API}/complaints", json=filing(dossier_id=scene.hidden.id + 1000), headers=proposer)
    assert hidden.status_code == absent.status_code == 422
    assert hidden.json["detail"] == absent.json["detail"]
    assert hidden.json["errors"]["subject.dossier_id"].replace(str(scene.hidden.id), "N") == \
        absent.json["errors"]["subject.dossier_id"].replace(str(scene.hidden.id + 1000), "N")


def test_a_cast_ballot_can_be_read_after_the_tally_without_its_choice(client, bearer, session, settings):
    tree = build_tree(session, settings)
    dossier_id = submitted_cstd_tinh(client, bearer, tree)
    office = bearer(tree.commune_office)
    _complete(client, office, _task(client, office, dossier_id, "check_completeness"), {"outcome": "complete"})
    appraise = _task(client, office, dossier_id, "appraise")
    _complete(client, office, appraise,
              {"nominations": [{"id": n["id"], "eligible": True} for n in appraise["data"]["nominations"]]})
    ballots = []
    for member in tree.commune_council:
        ballot = _task(client, bearer(member), dossier_id, "cast_ballot")
        _complete(client, bearer(member), ballot, {"votes": [
            {"nomination_id": v["nomination_id"], "choice": "no"} for v in ballot["data"]["votes"]]})
        ballots.append((member, ballot["id"]))
    sessions = client.get(f"{API}/council-sessions?dossier={dossier_id}", headers=office).json
    assert sessions[0]["status"] == "tallied"

    for member, task_id in ballots:
        read = client.get(f"{API}/tasks/{task_id}", headers=bearer(member))
        assert read.status_code == 200, read.json
        assert read.json["state"] == "completed" and read.json["key"] == "cast_ballot"
        assert "choice" not in str(read.json["data"])  # the form describes a choice; the data holds none
