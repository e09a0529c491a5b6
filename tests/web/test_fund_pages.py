"""The fund's page and the office's exemplar page, through the forms as a browser sends them."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from engine.models import Exemplar, FundEntry
from tests.web.conftest import log_in

PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
             b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_the_office_records_money_in_and_sees_the_balance(client, tree, db):
    commune = tree.commune.id
    csrf = log_in(client, tree.commune_office)
    page = client.get("/quy")
    assert page.status_code == 200 and "Quỹ thi đua, khen thưởng — UBND xã Bình Minh" in page.text
    assert "Quỹ, điển hình" in page.text  # in the navigation
    sent = client.post("/quy/nguon", data={"csrf_token": csrf, "unit_id": commune, "year": 2026, "kind": "budget",
                                           "amount": "3000000", "entered_on": "05/01/2026", "note": "Dự toán 2026"})
    assert sent.status_code == 302
    page = client.get("/quy", query_string={"don-vi": commune, "nam": 2026})
    assert re.search(r"Số dư</dt><dd><strong>3\.000\.000 đồng", page.text)
    assert db(lambda s: s.scalars(select(FundEntry.amount)).all()) == [3_000_000]
    report = client.get("/quy/bao-cao.xlsx", query_string={"don-vi": commune, "nam": 2026})
    assert report.status_code == 200 and report.data[:2] == b"PK"


def test_the_office_adds_and_publishes_an_exemplar(client, tree, db):
    commune = tree.commune.id
    csrf = log_in(client, tree.commune_office)
    sent = client.post("/dien-hinh", data={
        "csrf_token": csrf, "unit_id": commune, "kind": "advanced", "name": "Trường THCS Bình Minh", "year": "2026",
        "story": "Mười năm liền dẫn đầu phong trào dạy tốt, học tốt.", "photo": (io.BytesIO(PNG_BYTES), "truong.png")},
        content_type="multipart/form-data")
    assert sent.status_code == 302
    row = db(lambda s: s.scalars(select(Exemplar)).one())
    assert row.photo_type == "image/png" and not row.published
    assert client.post(f"/dien-hinh/{row.id}/cong-bo", data={"csrf_token": csrf, "published": "1"}).status_code == 302
    assert db(lambda s: s.get(Exemplar, row.id).published)
    public = client.get("/cong-khai/dien-hinh")
    assert "Trường THCS Bình Minh" in public.text
    assert public.headers["Cache-Control"].startswith("private")  # a logged-in browser's copy: not shared
