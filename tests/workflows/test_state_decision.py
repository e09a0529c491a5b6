"""A Bằng khen of the Prime Minister goes up the tree, the province forwards it beyond the tree, and
when the central decision arrives the province's standing office records it: a registry decision and
the award citing it for whoever it names, a rejection (with the decision as its reason) for the rest.
Run warm and cold (a new process for every step), on both databases."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from engine.errors import Conflict, Forbidden, InvalidInput
from engine.models import AuditEvent, GrantedAward, RegistryDecision
from engine.operations.award import state_awards

RAW = {"number": "1234/QĐ-TTg", "signed_on": "15/11/2026", "issuer": "Thủ tướng Chính phủ"}


def _forwarded_beyond_the_tree(journey, tree):
    journey.submit(("BK_TTG", "Nguyễn Thị Tươi"), ("BK_TTG", "Phạm Văn An"))
    for office, head, council in ((tree.commune_office, tree.commune_head, tree.commune_council),
                                  (tree.province_office, tree.province_head, tree.province_council)):
        journey.complete(office, "check_completeness", {"outcome": "complete"})
        journey.all_eligible(office)
        journey.vote(council)
        journey.decide(head, Nguyễn_Thị_Tươi="forward", Phạm_Văn_An="forward")
    assert journey.outcomes() == {"Nguyễn Thị Tươi": "forwarded", "Phạm Văn An": "forwarded"}


def test_the_province_records_the_prime_ministers_decision_into_the_registry(journey, tree):
    _forwarded_beyond_the_tree(journey, tree)
    ctx = journey.ctx
    dossier = journey.dossier
    waiting = state_awards.waiting_outside(dossier)
    assert [n.nominee_name for n in waiting] == ["Nguyễn Thị Tươi", "Phạm Văn An"]
    tuoi = next(n for n in waiting if n.nominee_name == "Nguyễn Thị Tươi")

    commune = ctx.as_actor(tree.commune_office)
    with pytest.raises(Forbidden):
        state_awards.record_state_decision(commune, dossier.id, state_awards.read_state_decision(commune, RAW))
    office = ctx.as_actor(tree.province_office)
    with pytest.raises(InvalidInput) as bad:
        state_awards.read_state_decision(office, {"number": "", "signed_on": "31/02/2026", "issuer": "x"})
    assert set(bad.value.errors) == {"number", "signed_on"}
    with pytest.raises(InvalidInput):
        state_awards.record_state_decision(office, dossier.id, state_awards.read_state_decision(
            office, {**RAW, "awarded": [999999]}))

    decision = state_awards.record_state_decision(office, dossier.id, state_awards.read_state_decision(
        office, {**RAW, "awarded": [str(tuoi.id)]}))
    journey.session.commit()
    journey.reload()
    assert journey.outcomes() == {"Nguyễn Thị Tươi": "approved", "Phạm Văn An": "rejected"}
    assert decision.citation == "QĐ số 1234/QĐ-TTg ngày 15/11/2026 của Thủ tướng Chính phủ"
    [award] = journey.session.scalars(select(GrantedAward).where(GrantedAward.registry_decision_id == decision.id))
    assert (award.award_type, award.nomination_id, award.registry_decision.signed_on) == (
        "BK_TTG", tuoi.id, date(2026, 11, 15))
    assert award.citation == decision.citation
    rejected = next(n for n in journey.dossier.nominations if n.nominee_name == "Phạm Văn An")
    assert decision.citation in rejected.outcome_note
    assert journey.session.scalar(select(func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.action == "state_decision_recorded")) == 1
    assert decision.citation in journey.notifications(tree.proposer)[-1].body
    assert state_awards.waiting_outside(journey.dossier) == []
    with pytest.raises(Conflict):  # recorded once
        state_awards.record_state_decision(office, dossier.id, state_awards.read_state_decision(office, RAW))
    assert journey.session.scalar(select(func.count()).select_from(RegistryDecision)) == 1
