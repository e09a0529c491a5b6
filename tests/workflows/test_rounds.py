"""A dossier forwarded up joins the open round of the level above; it is never refused there, even late
(the level below has decided): it waits for the next round. Runs warm and cold (journey)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from engine.models import RoundEntry
from engine.operations.rounds import commands as rounds
from engine.operations.rounds.inputs import read_round


def _open(journey, unit, office, **overrides):
    raw = {"unit_id": unit.id, "title": "Đợt xét tổng kết năm 2026", "kind": "annual",
           "cutoff_on": str(date(2026, 12, 15)), **overrides}
    rnd = rounds.create_round(journey.ctx.as_actor(office), read_round(raw))
    journey.session.commit()
    return rnd.id


def _entries(journey):
    return sorted((e.unit_id, e.round_id, e.late) for e in journey.session.scalars(
        select(RoundEntry).where(RoundEntry.dossier_id == journey.dossier_id)))


def test_forwarded_nominations_join_the_province_round(journey, tree):
    province_round = _open(journey, tree.province, tree.province_office, award_types=["BK_TINH"])
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"), ("BK_TINH", "Phạm Văn An"))
    assert _entries(journey) == []  # the commune runs no round: one by one, as before
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve", Phạm_Văn_An="forward")
    assert journey.dossier.reviewing_unit_id == tree.province.id
    assert _entries(journey) == [(tree.province.id, province_round, False)]
    assert journey.open_tasks() == [("check_completeness", tree.province.id)]  # the level's work goes on


def test_a_dossier_forwarded_after_the_cut_off_waits_for_the_next_round(journey, tree):
    _open(journey, tree.province, tree.province_office, cutoff_on="2026-11-25", late_policy="refuse")
    journey.submit(("BK_TINH", "Phạm Văn An"))
    journey.ctx.clock.advance(days=5)
    journey.pass_level(tree.commune_office, tree.commune_head, Phạm_Văn_An="forward")
    assert _entries(journey) == [(tree.province.id, None, True)]
    journey.ctx.clock.advance(days=1)
    later = _open(journey, tree.province, tree.province_office, title="Đợt xét bổ sung",
                  cutoff_on=str(journey.ctx.clock.now().date() + timedelta(days=10)))
    journey.reload()
    assert _entries(journey) == [(tree.province.id, later, True)]
