"""The papers of a cluster's vote: the tally writes the biên bản họp suy tôn of the cluster and the tờ
trình of the head unit, and attaches both to the proposal's draft dossier as the catalogue's `council_minutes`
and `submission`; the head unit then adds only the báo cáo thành tích of each elected unit, and the dossier
is submitted into the province's round. Read back with python-docx: counts, the proposal sentence, never
a member's choice."""
from __future__ import annotations

import io
from datetime import date

import docx
from sqlalchemy import select

from engine.models import Attachment, AuditEvent, Dossier, DossierStatus, RoundEntry, RoundKind
from engine.operations.award import commands as award
from engine.operations.award.queries import missing_before_submission
from engine.operations.emulation import cluster_vote
from engine.operations.emulation.cluster_vote import open_vote
from engine.operations.rounds.commands import create_round
from engine.operations.rounds.inputs import RoundInput
from engine.storage import attachment_store
from engine.vocabulary import LatePolicy, Role
from tests.api.conftest import app, client  # noqa: F401 (the app of the API tests, on the same database)
from tests.factories import make_user
from tests.web.conftest import log_in
from tests.workflows.test_cluster_vote import PDF, _ballot, _vote, cluster  # noqa: F401 (the fixture)


def _text(settings, attachment: Attachment) -> str:
    """Every paragraph and table cell of the stored .docx, in order."""
    with attachment_store(settings).open(attachment.sha256) as stream:
        document = docx.Document(io.BytesIO(stream.read()))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _tally(settings, attachment: Attachment) -> list[list[str]]:
    """The rows of the minutes' tally table (the one headed "STT", "Đơn vị")."""
    with attachment_store(settings).open(attachment.sha256) as stream:
        document = docx.Document(io.BytesIO(stream.read()))
    table = next(t for t in document.tables if t.rows[0].cells[1].text == "Đơn vị")
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_tally_writes_and_attaches_the_minutes_and_the_submission(journey, tree, cluster, settings):  # noqa: F811
    cid, communes, heads, _offices = cluster
    rnd = create_round(journey.ctx.as_actor(tree.province_office), RoundInput(
        tree.province.id, "Đợt xét khen thưởng tổng kết năm 2026", RoundKind.ANNUAL, None, ("CO_TINH", "BK_TINH"),
        date(2026, 12, 20), None, LatePolicy.REFUSE))
    journey.session.commit()
    open_vote(journey.ctx.as_actor(tree.commune_head), cid)
    journey.session.commit()
    journey.reload()
    _ballot(journey, heads[0], HBX_X01="flag", HBX_X02="merit")
    _ballot(journey, heads[1], HBX_X01="flag", HBX_X02="merit")
    _ballot(journey, heads[2], HBX_X02="flag")
    vote = _vote(journey, cid)
    dossier = journey.session.get(Dossier, vote.dossier_id)
    assert dossier.status == DossierStatus.DRAFT
    papers = {a.kind.value: a for a in dossier.attachments}
    assert sorted(papers) == ["council_minutes", "submission"]
    assert all(a.nomination_id is None and a.filename.endswith(".docx") for a in papers.values())
    minutes, submission = _text(settings, papers["council_minutes"]), _text(settings, papers["submission"])

    # The minutes: who voted (3/3), per unit the ballots for each choice, the support over the base and
    # its percentage, the result, the proposal, the signatures of the cluster head and its deputy.
    assert "Đã bỏ phiếu: 3/3 đơn vị" in minutes
    assert "Cờ thi đua: 2/3 (66,67%)\nBằng khen: 2/3 (66,67%)" in minutes  # Bình Minh: flag 2, merit 0, none 1
    assert "Cờ thi đua: 1/3 (33,33%)\nBằng khen: 3/3 (100,00%)" in minutes  # Hòa Lạc: flag 1, merit 2
    assert "Cờ thi đua: 0/3 (0,00%)\nBằng khen: 0/3 (0,00%)\nKhông đạt" in minutes
    assert "Tỷ lệ phiếu cần đạt: trên 50% tổng số đơn vị thành viên của cụm" in minutes
    assert ("Cụm thi đua các xã thống nhất đề nghị Chủ tịch Ủy ban nhân dân tỉnh Hòa Bình Xanh tặng Cờ thi đua "
            "của Ủy ban nhân dân tỉnh năm 2026 cho UBND xã Bình Minh; tặng Bằng khen của Chủ tịch Ủy ban nhân "
            "dân tỉnh cho UBND xã Hòa Lạc.") in minutes
    assert "TRƯỞNG CỤM\nUBND xã Bình Minh\n" + tree.commune_head.full_name in minutes
    assert "PHÓ TRƯỞNG CỤM\nUBND xã Hòa Lạc\n" + heads[1].full_name in minutes
    # The tally table holds counts: per candidate its rank, the ballots for each choice, support, result.
    assert _tally(settings, papers["council_minutes"]) == [
        ["STT", "Đơn vị", "Hạng (điểm)", "Cờ thi đua", "Bằng khen", "Không đề nghị", "Tỷ lệ suy tôn", "Kết quả"],
        ["1", "UBND xã Bình Minh", "1 (63,00)", "2", "0", "1",
         "Cờ thi đua: 2/3 (66,67%)\nBằng khen: 2/3 (66,67%)", "Suy tôn Cờ thi đua"],
        ["2", "UBND xã Hòa Lạc", "2 (60,00)", "1", "2", "0",
         "Cờ thi đua: 1/3 (33,33%)\nBằng khen: 3/3 (100,00%)", "Suy tôn Bằng khen"],
        ["3", "UBND xã Tân Tiến", "3 (30,00)", "0", "0", "3",
         "Cờ thi đua: 0/3 (0,00%)\nBằng khen: 0/3 (0,00%)", "Không đạt"]]

    # The tờ trình of the head commune, to the province's chairman, one group per award.
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Hòa Bình Xanh." in submission
    assert "1. Tặng Cờ thi đua của Ủy ban nhân dân tỉnh năm 2026 cho 1 tập thể:" in submission
    assert "2. Tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho 1 tập thể:" in submission
    assert "Căn cứ Giao ước thi đua số 01/GƯ-CTĐ ngày 10/02/2026 của Cụm thi đua các xã;" in submission
    assert "được 2/3 đơn vị thành viên suy tôn Cờ thi đua" in submission
    assert "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n" + tree.commune_head.full_name in submission

    # Secrecy: no member is ever put beside a choice. The documents are built from the counts by candidate
    # alone; no receipt, no choice code, and each ballot caster's name only where it signs.
    for text_ in (minutes, submission):
        assert not {"flag", "merit"} & set(text_.replace("\n", " ").split())
        assert heads[2].full_name not in text_

    # What is left: the báo cáo thành tích of each elected unit, named on the cluster's vote.
    view = cluster_vote.vote_view(journey.ctx.as_actor(tree.province_office), cid)
    assert view.reports_missing == ["UBND xã Bình Minh", "UBND xã Hòa Lạc"]
    assert set(missing_before_submission(journey.ctx.as_actor(tree.commune_head), dossier)) == {
        "nominations[0].attachments", "nominations[1].attachments"}
    proposer = make_user(journey.session, settings, "x1.denghi", (Role.PROPOSER, communes[0]))
    journey.session.commit()
    as_proposer = journey.ctx.as_actor(proposer)
    award.add_attachment(as_proposer, dossier.id, io.BytesIO(PDF), "bao-cao-binh-minh.pdf", "achievement_report",
                         dossier.nominations[0].id)
    journey.session.commit()
    assert cluster_vote.vote_view(journey.ctx.as_actor(tree.province_office), cid).reports_missing == [
        "UBND xã Hòa Lạc"]
    award.add_attachment(as_proposer, dossier.id, io.BytesIO(PDF), "bao-cao-hoa-lac.pdf", "achievement_report",
                         dossier.nominations[1].id)
    assert missing_before_submission(as_proposer, dossier) == {}
    award.submit_dossier(as_proposer, dossier.id)
    journey.session.commit()
    journey.reload()
    entry = journey.session.scalars(select(RoundEntry).where(RoundEntry.dossier_id == dossier.id)).one()
    assert (entry.round_id, entry.unit_id) == (rnd.id, tree.province.id)
    assert cluster_vote.vote_view(journey.ctx.as_actor(tree.province_office), cid).reports_missing == []
    generated = journey.session.scalars(select(AuditEvent.after).where(
        AuditEvent.action == "attachment_added", AuditEvent.dossier_id == dossier.id)).all()
    assert sorted(a["kind"] for a in generated if a.get("generated")) == ["council_minutes", "submission"]


def test_the_page_of_the_vote_names_the_reports_still_to_add(client, journey, tree, cluster):  # noqa: F811
    cid, _communes, heads, _offices = cluster
    open_vote(journey.ctx.as_actor(tree.commune_head), cid)
    journey.session.commit()
    journey.reload()
    for head in heads:
        _ballot(journey, head, HBX_X02="flag")
    dossier_id, username = _vote(journey, cid).dossier_id, tree.commune_head.username
    journey.session.commit()  # the page reads through the app's own session: no transaction left open here
    log_in(client, username)
    page = client.get(f"/emulation/clusters/{cid}").get_data(as_text=True)
    assert "đã kèm biên bản họp suy tôn và tờ trình" in page
    assert "Cần bổ sung báo cáo thành tích của UBND xã Hòa Lạc" in page
    shown = client.get(f"/api/v1/emulation/clusters/{cid}/vote").json
    assert (shown["dossier_id"], shown["reports_missing"]) == (dossier_id, ["UBND xã Hòa Lạc"])


def test_a_vote_closed_early_names_who_did_not_vote_and_counts_against_the_members(journey, tree, cluster,  # noqa: F811
                                                                                   settings):
    cid, _communes, heads, _offices = cluster
    open_vote(journey.ctx.as_actor(tree.commune_head), cid)
    journey.session.commit()
    journey.reload()
    _ballot(journey, heads[1], HBX_X02="flag")
    _ballot(journey, heads[2], HBX_X02="flag", HBX_X03="merit")
    journey.complete(tree.commune_head, "close_cluster_vote", {"note": "Xã Bình Minh vắng mặt."})
    dossier = journey.session.get(Dossier, _vote(journey, cid).dossier_id)
    minutes = next(a for a in dossier.attachments if a.kind.value == "council_minutes")
    text_ = _text(settings, minutes)
    assert "Đã bỏ phiếu: 2/3 đơn vị (UBND xã Hòa Lạc, UBND xã Tân Tiến)." in text_
    assert "Không bỏ phiếu: 1/3 đơn vị (UBND xã Bình Minh)." in text_
    assert _tally(settings, minutes)[2] == ["2", "UBND xã Hòa Lạc", "2 (60,00)", "2", "0", "0",
                                            "Cờ thi đua: 2/3 (66,67%)\nBằng khen: 2/3 (66,67%)", "Suy tôn Cờ thi đua"]
    assert ("thống nhất đề nghị Chủ tịch Ủy ban nhân dân tỉnh Hòa Bình Xanh tặng Cờ thi đua của Ủy ban nhân dân "
            "tỉnh năm 2026 cho UBND xã Hòa Lạc.") in text_
    assert "TRƯỞNG CỤM\nUBND xã Bình Minh\n" + tree.commune_head.full_name in text_  # who closed it
