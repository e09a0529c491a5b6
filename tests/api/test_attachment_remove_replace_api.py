"""Removing or replacing an uploaded document over the JSON API, as the pages do: while the dossier is a
draft; the old file kept in the audit trail; refused once submitted."""
from __future__ import annotations

import io

from sqlalchemy import select

from engine.models import AuditEvent, RemovedAttachment
from tests.api.test_dossiers_api import API, create, pdf, upload


def test_a_document_is_replaced_then_removed_over_the_api(client, world, bearer, db):
    proposer = bearer(world.proposer)
    dossier = create(client, proposer).json
    first = upload(client, proposer, dossier["id"], pdf("sai"), "to-trinh-sai.pdf", "submission").json
    path = f"{API}/dossiers/{dossier['id']}/attachments/{first['id']}"

    assert client.put(path, headers=proposer, data={}, content_type="multipart/form-data").status_code == 422
    replaced = client.put(path, headers=proposer, content_type="multipart/form-data",
                          data={"file": (io.BytesIO(pdf("dung")), "to-trinh-dung.pdf")})
    assert replaced.status_code == 200, replaced.json
    assert replaced.json["filename"] == "to-trinh-dung.pdf" and replaced.json["kind"] == "submission"
    assert client.get(path, headers=proposer).status_code == 404  # the old one is off the dossier

    new_path = f"{API}/dossiers/{dossier['id']}/attachments/{replaced.json['id']}"
    assert client.delete(new_path, headers=proposer).status_code == 204
    assert client.delete(new_path, headers=proposer).status_code == 404
    kept = db(lambda s: sorted(r.filename for r in s.scalars(select(RemovedAttachment))))
    assert kept == ["to-trinh-dung.pdf", "to-trinh-sai.pdf"]
    assert db(lambda s: len(s.scalars(select(AuditEvent).where(AuditEvent.action == "attachment_removed")).all())) == 2
    assert client.delete(new_path, headers=bearer(world.office)).status_code in (403, 404)
