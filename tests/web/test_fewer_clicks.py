"""Fewer clicks: several files at once, each one's kind and nomination guessed from its name and reported
back to be checked; "Nộp hồ sơ" disabled, with what is missing, until the dossier is complete."""
from __future__ import annotations

import io

from sqlalchemy import select

from engine.models import Attachment
from engine.operations.award import commands as dossiers
from engine.operations.award.commands import guess_kind
from engine.operations.award.inputs import check_dossier
from engine.vocabulary import AttachmentKind
from tests.engine.test_dossiers import pdf
from tests.web.conftest import log_in, token


def test_kinds_are_guessed_from_vietnamese_file_names():
    assert guess_kind("Tờ trình số 12.pdf") == AttachmentKind.SUBMISSION
    assert guess_kind("to-trinh.pdf") == AttachmentKind.SUBMISSION
    assert guess_kind("Biên bản họp HĐ.docx") == AttachmentKind.COUNCIL_MINUTES
    assert guess_kind("bao_cao_thanh_tich_Tuoi.pdf") == AttachmentKind.ACHIEVEMENT_REPORT
    assert guess_kind("Giấy chứng nhận sáng kiến.jpg") == AttachmentKind.EVIDENCE
    assert guess_kind("scan0001.pdf") is None


def _draft(ctx, tree):
    proposer = ctx.as_actor(tree.proposer)
    dossier = dossiers.create_dossier(proposer, check_dossier(proposer, {
        "title": "Đề nghị khen thưởng năm học 2025-2026", "year": 2026, "kind": "regular",
        "nominations": [{"award_type": "GIAY_KHEN", "nominee": {"kind": "individual", "full_name": name},
                         "achievements": "Hoàn thành xuất sắc nhiệm vụ"}
                        for name in ("Nguyễn Thị Tươi", "Phạm Văn An", "Lê Văn Bình")]}))
    ctx.session.commit()
    return dossier


def test_every_paper_of_three_nominations_in_one_upload_then_submit(client, ctx, tree, db):
    dossier = _draft(ctx, tree)
    csrf = log_in(client, tree.proposer)
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Chưa đủ để nộp" in page
    assert 'class="button primary" disabled aria-describedby="chua-du">Nộp hồ sơ' in page

    names = ["to-trinh.pdf", "bao-cao-thanh-tich-Tuoi.pdf", "Báo cáo thành tích Phạm Văn An.pdf",
             "bao_cao_le_van_binh.pdf"]
    files = [(io.BytesIO(pdf(name)), name) for name in names]
    done = client.post(f"/dossiers/{dossier.id}/attachments", data={"csrf_token": csrf, "kind": "auto",
                                                                     "nomination_id": "", "file": files},
                       content_type="multipart/form-data", follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "Đã tải lên 4 tệp, loại tài liệu đoán theo tên tệp" in text
    assert "«bao-cao-thanh-tich-Tuoi.pdf»: Báo cáo thành tích của Nguyễn Thị Tươi" in text
    assert "«to-trinh.pdf»: Tờ trình (cả hồ sơ)" in text
    assert "Hồ sơ đã đủ tài liệu bắt buộc và có thể nộp" in text
    assert 'class="button primary">Nộp hồ sơ' in text  # enabled
    by_name = {n.nominee_name: n.id for n in dossier.nominations}
    stored = db(lambda s: {(a.filename, a.kind.value, a.nomination_id) for a in s.scalars(select(Attachment))})
    assert stored == {("to-trinh.pdf", "submission", None),
                      ("bao-cao-thanh-tich-Tuoi.pdf", "achievement_report", by_name["Nguyễn Thị Tươi"]),
                      ("Báo cáo thành tích Phạm Văn An.pdf", "achievement_report", by_name["Phạm Văn An"]),
                      ("bao_cao_le_van_binh.pdf", "achievement_report", by_name["Lê Văn Bình"])}
    form = token(client, f"/dossiers/{dossier.id}")
    submitted = client.post(f"/dossiers/{dossier.id}/submit", data={"csrf_token": form})
    assert submitted.status_code == 302


def test_a_file_that_tells_nothing_refuses_the_lot_naming_it(client, ctx, tree, db):
    dossier = _draft(ctx, tree)
    csrf = log_in(client, tree.proposer)
    files = [(io.BytesIO(pdf("a")), "to-trinh.pdf"), (io.BytesIO(pdf("b")), "scan0001.pdf"),
             (io.BytesIO(pdf("c")), "bao-cao-ai-do.pdf")]
    refused = client.post(f"/dossiers/{dossier.id}/attachments", data={"csrf_token": csrf, "kind": "auto",
                                                                       "nomination_id": "", "file": files},
                          content_type="multipart/form-data")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "«scan0001.pdf»: không đoán được loại tài liệu" in text
    assert "«bao-cao-ai-do.pdf»: không rõ là tài liệu của đề nghị nào" in text
    assert db(lambda s: s.scalars(select(Attachment)).all()) == []
