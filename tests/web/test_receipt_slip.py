"""When a level finds a dossier complete, the dossier page offers its receipt and appointment slip
(giấy tiếp nhận hồ sơ và hẹn trả kết quả): a DOCX naming the level, the papers received, the working
days of the rules version and the day the result is due by the working-day calendar."""
from __future__ import annotations

import io
import re

from docx import Document

from engine.models import Dossier
from engine.operations import tasks
from tests.web.conftest import log_in, open_task, submitted_dossier


def test_the_commune_receives_a_complete_dossier_and_the_school_downloads_the_slip(client, ctx, tree, db):
    dossier = submitted_dossier(ctx, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    log_in(client, tree.proposer)
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" not in client.get(f"/dossiers/{dossier.id}").get_data(
        as_text=True)  # not complete yet: no slip
    office = ctx.as_actor(tree.commune_office)
    tasks.complete_task(office, open_task(ctx, tree.commune_office, dossier.id, "check_completeness"),
                        {"outcome": "complete"})
    ctx.session.commit()
    received_on, due_on = db(lambda s: (lambda d: (d.received_on, d.result_due_on))(s.get(Dossier, dossier.id)))
    assert due_on is not None and due_on > received_on

    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in page
    assert f"hẹn trả kết quả ngày <strong>{due_on:%d/%m/%Y}</strong> (10 ngày làm việc)" in page
    link = re.search(r'href="(/dossiers/\d+/receipts/\d+\.docx)"', page)
    assert link
    download = client.get(link.group(1))
    assert download.status_code == 200 and download.data[:2] == b"PK"
    text = "\n".join(p.text for p in Document(io.BytesIO(download.data)).paragraphs)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Trường THCS Bình Minh" in text and dossier.title in text
    assert tree.commune_office.full_name in "\n".join(c.text for t in Document(io.BytesIO(download.data)).tables
                                                      for row in t.rows for c in row.cells)
    assert "Tờ trình: submission.pdf" in text and "10 ngày làm việc" in text
    assert f"ngày {due_on.day:02d} tháng {due_on.month if due_on.month > 2 else f'{due_on.month:02d}'} năm" in text
    assert client.get(f"/dossiers/{dossier.id}/receipts/999999.docx").status_code == 404
