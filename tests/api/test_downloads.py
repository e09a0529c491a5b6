"""Every file leaves through one door (api/downloads.py): saved, never cached, never sniffed, under a
name that says whose document it is, the same from the API and from the pages."""
from __future__ import annotations

import io
from datetime import date
from urllib.parse import unquote

import pytest

from api.downloads import content_disposition
from engine.models import Decision, DecisionStatus
from engine.storage import DOCX, PDF, XLSX, AttachmentStore
from tests.api.test_council_api import _pass_level, submitted_cstd_tinh
from tests.api.test_dossiers_api import API, create, pdf, upload
from tests.engine.test_dossiers import DOCX_BYTES
from tests.workflows.journey import build_tree


def assert_saved_not_kept(response, content_type: str) -> str:
    """The download's checks every route shares; its UTF-8 file name."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == content_type
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.isascii()
    return unquote(disposition.split("filename*=UTF-8''", 1)[1])


@pytest.mark.parametrize(("name", "header"), [
    ("QĐ-01-QĐ-UBND-2026-UBND-xã-Bình-Minh.docx",
     "attachment; filename=\"QD-01-QD-UBND-2026-UBND-xa-Binh-Minh.docx\"; "
     "filename*=UTF-8''Q%C4%90-01-Q%C4%90-UBND-2026-UBND-x%C3%A3-B%C3%ACnh-Minh.docx"),
    ('Tờ trình "số 12".pdf',
     "attachment; filename=\"To trinh so 12.pdf\"; "
     "filename*=UTF-8''T%E1%BB%9D%20tr%C3%ACnh%20%22s%E1%BB%91%2012%22.pdf"),
    ("报告.pdf", "attachment; filename=\"tep-tai-ve.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf"),
])
def test_the_name_is_sent_in_utf_8_with_a_plain_fallback(name, header):
    assert content_disposition(name, PDF) == header


def test_two_decisions_numbered_01_by_two_units_download_under_two_names(client, world, bearer, session, clock,
                                                                          settings):
    dossier = create(client, bearer(world.proposer)).json
    sha = AttachmentStore(settings.attachment_root).put_bytes(DOCX_BYTES)
    decisions = [Decision(issuer_unit_id=unit.id, year=2026, number=1, symbol="QĐ-UBND", signed_on=date(2026, 11, 30),
                          dossier_id=dossier["id"], status=DecisionStatus.ISSUED, document_sha256=sha,
                          created_at=clock.now()) for unit in (world.commune, world.province)]
    session.add_all(decisions)
    session.commit()
    names = []
    for decision, unit in zip(decisions, (world.commune, world.province), strict=True):
        api = client.get(f"{API}/decisions/{decision.id}/document.docx", headers=bearer(world.proposer))
        page = client.get(f"/decisions/{decision.id}/document.docx", headers=bearer(world.proposer))
        name = assert_saved_not_kept(api, DOCX)
        assert assert_saved_not_kept(page, DOCX) == name
        assert api.headers["Content-Disposition"] == page.headers["Content-Disposition"]
        assert name == f"QĐ-01-QĐ-UBND-2026-{unit.name.replace(' ', '-')}.docx"
        names.append(name)
    assert names[0] != names[1]


def test_an_attachment_keeps_its_vietnamese_name_on_every_path(client, world, bearer):
    proposer = bearer(world.proposer)
    dossier = create(client, proposer).json
    uploaded = upload(client, proposer, dossier["id"], pdf("tờ trình"), "Tờ trình số 12.pdf", "submission").json
    path = f"/dossiers/{dossier['id']}/attachments/{uploaded['id']}"
    api, page = client.get(API + path, headers=proposer), client.get(path, headers=proposer)
    assert assert_saved_not_kept(api, PDF) == assert_saved_not_kept(page, PDF) == "Tờ trình số 12.pdf"
    assert 'filename="To trinh so 12.pdf"' in api.headers["Content-Disposition"]
    assert api.data == page.data == pdf("tờ trình")


def test_the_excel_template_is_a_download_like_any_other(client, world, bearer):
    response = client.get("/dossiers/template.xlsx", headers=bearer(world.proposer))
    assert assert_saved_not_kept(response, XLSX) == "Mẫu danh sách đề nghị khen thưởng.xlsx"


def test_minutes_name_the_council_s_unit_and_the_session(client, bearer, session, settings):
    tree = build_tree(session, settings)
    proposer = bearer(tree.proposer)
    dossier_id = submitted_cstd_tinh(client, bearer, tree)
    _pass_level(client, bearer, dossier_id, tree.commune_office, tree.commune_council, tree.commune_head, "forward")
    _pass_level(client, bearer, dossier_id, tree.province_office, tree.province_council, tree.province_head,
                "approve")
    sessions = client.get(f"{API}/council-sessions?dossier={dossier_id}", headers=proposer).json
    names = []
    for council, unit in zip(sessions, (tree.commune, tree.province), strict=True):
        path = f"/council-sessions/{council['id']}/minutes.docx"
        api, page = client.get(API + path, headers=proposer), client.get(path, headers=proposer)
        name = assert_saved_not_kept(api, DOCX)
        assert assert_saved_not_kept(page, DOCX) == name
        assert name == f"Biên-bản-họp-Hội-đồng-{unit.name.replace(' ', '-')}-phiên-{council['id']}.docx"
        assert io.BytesIO(api.data).read(2) == b"PK"
        names.append(name)
    assert names[0] != names[1]
