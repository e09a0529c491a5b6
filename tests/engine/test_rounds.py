"""Review rounds at a commune, in the words of the domain: the office opens a round with a cut-off;
dossiers the schools submit join it; a late one is refused with the date or waits for the next round,
as the round says; a commune with no open round works one by one as before."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import AuditEvent, DossierStatus, LatePolicy, RoundEntry, RoundKind, RoundStatus
from engine.operations.award import commands as dossiers
from engine.operations.rounds import commands as rounds
from engine.operations.rounds import queries as round_queries
from engine.operations.rounds.inputs import read_round
from tests.engine.helpers import build_world
from tests.engine.test_dossiers import attach_all, new_dossier, other_commune  # noqa: F401  (a fixture)

TODAY = date(2026, 11, 23)  # the clock fixture's day


@pytest.fixture
def world(session, settings):
    return build_world(session, settings)


def open_round(ctx, world, **overrides):
    raw = {"unit_id": world.commune.id, "title": "Đợt xét khen thưởng tổng kết năm học 2025–2026",
           "kind": "school_year", "award_types": [], "cutoff_on": "30/11/2026", "council_on": "2026-12-05",
           **overrides}
    return rounds.create_round(ctx.as_actor(world.office), read_round(raw))


def submitted(ctx, world, **overrides):
    dossier = new_dossier(ctx, world, **overrides)
    attach_all(ctx, world, dossier)
    return dossiers.submit_dossier(ctx.as_actor(world.proposer), dossier.id)


def entry_of(session, dossier_id):
    return session.scalars(select(RoundEntry).where(RoundEntry.dossier_id == dossier_id)).one_or_none()


def test_dossiers_submitted_before_the_cut_off_join_the_round_and_its_page_lists_them(ctx, world, session):
    rnd = open_round(ctx, world, movement="Phong trào Dạy tốt – Học tốt")
    assert (rnd.status, rnd.kind, rnd.late_policy) == (RoundStatus.OPEN, RoundKind.SCHOOL_YEAR, LatePolicy.REFUSE)
    first = submitted(ctx, world)
    second = submitted(ctx, world, title="Đề nghị khen thưởng tổ chuyên môn")
    assert {entry_of(session, d.id).round_id for d in (first, second)} == {rnd.id}
    assert first.status in (DossierStatus.SUBMITTED, DossierStatus.IN_REVIEW)  # the award process runs as before

    detail = round_queries.round_detail(ctx.as_actor(world.office), rnd.id)
    assert [d.dossier_id for d in detail.dossiers] == [first.id, second.id]
    assert detail.days_left == 7 and detail.nomination_count == 4 and detail.manageable
    assert [(n.nominee, n.award_type, n.status.value) for n in detail.dossiers[0].nominations] == [
        ("Nguyễn Thị Tươi", "GIAY_KHEN", "pending"), ("Tổ Toán – Tin", "BK_TINH", "pending")]
    assert detail.dossiers[0].missing == [] and not detail.dossiers[0].late
    # The school sees the commune's round (its cut-off), but may not close it.
    seen = round_queries.round_detail(ctx.as_actor(world.proposer), rnd.id)
    assert [d.dossier_id for d in seen.dossiers] == [first.id, second.id] and not seen.manageable
    listed = round_queries.list_rounds(ctx.as_actor(world.proposer))
    assert [(r.id, r.dossier_count, r.days_left) for r in listed] == [(rnd.id, 2, 7)]
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.dossier_id == first.id)).all()
    assert actions.index("round_joined") < actions.index("dossier_submitted")


def test_a_late_dossier_is_refused_with_the_date_and_nothing_is_written(ctx, world, session, clock):
    rnd = open_round(ctx, world)
    clock.advance(days=8)  # 01/12/2026: the cut-off (30/11) has passed
    dossier = new_dossier(ctx, world)
    attach_all(ctx, world, dossier)
    with pytest.raises(InvalidInput) as refused:
        dossiers.submit_dossier(ctx.as_actor(world.proposer), dossier.id)
    assert refused.value.errors == {"round": "Hết hạn nhận hồ sơ ngày 30/11/2026."}
    assert "đã hết hạn nhận hồ sơ ngày 30/11/2026" in refused.value.detail and rnd.title in refused.value.detail
    session.rollback()  # what the request does with a refusal
    assert entry_of(session, dossier.id) is None


def test_a_late_dossier_waits_for_the_next_round_when_the_round_says_so(ctx, world, session, clock):
    first_round = open_round(ctx, world, late_policy="next_round")
    clock.advance(days=8)
    late = submitted(ctx, world)
    entry = entry_of(session, late.id)
    assert entry.round_id is None and entry.late and entry.joined_at is None
    assert [d.dossier_id for d in round_queries.round_detail(ctx.as_actor(world.office), first_round.id).waiting] == [
        late.id]
    rounds.close_round(ctx.as_actor(world.office), first_round.id)
    next_round = open_round(ctx, world, title="Đợt xét đột xuất tháng 12", kind="annual", cutoff_on="2026-12-20",
                            council_on=None)
    assert entry.round_id == next_round.id and entry.late and entry.joined_at is not None
    (row,) = round_queries.round_detail(ctx.as_actor(world.office), next_round.id).dossiers
    assert row.dossier_id == late.id and row.late


def test_a_later_round_takes_a_dossier_that_missed_the_first_one(ctx, world, session, clock):
    open_round(ctx, world)  # refuses late dossiers
    later = open_round(ctx, world, title="Đợt xét tổng kết năm 2026", kind="annual", cutoff_on="2026-12-31",
                       council_on=None)
    clock.advance(days=8)
    dossier = submitted(ctx, world)
    entry = entry_of(session, dossier.id)
    assert entry.round_id == later.id and entry.late


def test_a_round_takes_only_its_award_types_and_kind_of_dossier(ctx, world, session):
    open_round(ctx, world, award_types=["CSTD_CS"])
    assert entry_of(session, submitted(ctx, world).id) is None  # GIAY_KHEN and BK_TINH: not this round's
    ad_hoc_round = open_round(ctx, world, title="Khen thưởng đột xuất phòng chống bão", kind="ad_hoc")
    regular = submitted(ctx, world)
    assert entry_of(session, regular.id) is None  # a regular dossier never joins an ad-hoc round
    ad_hoc = submitted(ctx, world, kind="ad_hoc", title="Khen thưởng đột xuất cứu hộ")
    # GIAY_KHEN and BK_TINH of an ad-hoc dossier go the simplified way (no council): they join no round, not
    # even an ad-hoc one; an ad-hoc type needing a council joins it (tests/workflows/test_simplified_procedure.py)
    assert ad_hoc_round.kind is RoundKind.AD_HOC and entry_of(session, ad_hoc.id) is None


def test_without_an_open_round_dossiers_go_one_by_one_as_before(ctx, world, session):
    rnd = open_round(ctx, world)
    rounds.close_round(ctx.as_actor(world.office), rnd.id)
    dossier = submitted(ctx, world)
    assert entry_of(session, dossier.id) is None and dossier.instance_id is not None
    with pytest.raises(Conflict):
        rounds.close_round(ctx.as_actor(world.office), rnd.id)
    assert round_queries.round_detail(ctx.as_actor(world.office), rnd.id).days_left is None


def test_only_the_office_opens_and_closes_a_round_and_bad_input_is_named_field_by_field(ctx, world, session):
    with pytest.raises(Forbidden):
        rounds.create_round(ctx.as_actor(world.head), read_round(
            {"unit_id": world.commune.id, "title": "Đợt xét", "kind": "annual", "cutoff_on": "2026-12-01"}))
    with pytest.raises(InvalidInput) as bad:
        read_round({"unit_id": "x", "title": " ", "kind": "yearly", "cutoff_on": "31/02/2026",
                    "late_policy": "maybe", "award_types": "GIAY_KHEN", "extra": 1})
    assert set(bad.value.errors) == {"unit_id", "title", "kind", "cutoff_on", "late_policy", "award_types", "extra"}
    with pytest.raises(InvalidInput) as before_cutoff:
        read_round({"unit_id": world.commune.id, "title": "Đợt xét", "kind": "annual", "cutoff_on": "2026-12-10",
                    "council_on": "2026-12-01"})
    assert before_cutoff.value.errors == {
        "council_on": "Ngày họp Hội đồng không được trước hạn nhận hồ sơ (10/12/2026)."}
    with pytest.raises(InvalidInput) as unknown:
        open_round(ctx, world, award_types=["GIAY_KHEN", "KHONG_CO"], cutoff_on="2026-11-01", council_on=None)
    assert unknown.value.errors == {
        "award_types[1]": "Không có loại khen thưởng 'KHONG_CO' áp dụng ngày 23/11/2026.",
        "cutoff_on": "Hạn nhận hồ sơ không được trước hôm nay (23/11/2026)."}
    rnd = open_round(ctx, world)
    with pytest.raises(Forbidden):
        rounds.close_round(ctx.as_actor(world.other_office), rnd.id)


def test_a_round_is_seen_from_its_unit_and_below_only(ctx, world, session, other_commune):  # noqa: F811
    rnd = open_round(ctx, world)
    for stranger in other_commune:
        with pytest.raises(NotFound):
            round_queries.get_round(ctx.as_actor(stranger), rnd.id)
        assert round_queries.list_rounds(ctx.as_actor(stranger)) == []
    assert round_queries.get_round(ctx.as_actor(world.other_office), rnd.id).id == rnd.id  # the province above
    assert [u.id for u in round_queries.office_units(ctx.as_actor(world.office))] == [world.commune.id]
