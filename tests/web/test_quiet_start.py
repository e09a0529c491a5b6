"""A quiet start: library INFO logs silenced wherever the app starts; the proposer's empty inbox points
to the draft waiting and to "Lập hồ sơ mới"."""
from __future__ import annotations

import logging

from engine.operations.award import commands as dossiers
from engine.operations.award.inputs import check_dossier
from tests.web.conftest import log_in


def test_library_info_logs_are_silenced_by_the_app(app):
    assert logging.getLogger("spiff").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("spiff.task").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("alembic.runtime.migration").getEffectiveLevel() == logging.WARNING


def test_the_proposer_s_empty_inbox_points_to_the_draft_and_to_a_new_dossier(client, ctx, tree):
    log_in(client, tree.proposer)
    page = client.get("/inbox").get_data(as_text=True)
    assert "Không có nhiệm vụ nào đang chờ" in page
    assert "Bắt đầu một hồ sơ đề nghị khen thưởng" in page and 'href="/dossiers/new"' in page

    proposer = ctx.as_actor(tree.proposer)
    draft = dossiers.create_dossier(proposer, check_dossier(proposer, {
        "title": "Đề nghị tặng Giấy khen học kỳ I", "year": 2026, "kind": "regular", "nominations": []}))
    ctx.session.commit()
    page = client.get("/inbox").get_data(as_text=True)
    assert "Hồ sơ đang soạn, chưa nộp" in page
    assert f'href="/dossiers/{draft.id}">Đề nghị tặng Giấy khen học kỳ I</a>' in page
    assert "+ Lập hồ sơ mới" in page

    log_in(client, tree.commune_office)  # not a proposer: nothing of the kind
    assert "Lập hồ sơ mới" not in client.get("/inbox").get_data(as_text=True)
