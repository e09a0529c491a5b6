"""The base of a council threshold as rules data, through the real council_vote process (warm and
cold): `present` counts those who took part, `members` the whole council; a member who is the nominee
does not vote on their own name and, unless the rules version says so, still counts in the base."""
from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
from sqlalchemy import select

from engine.models import CouncilSession, UnitLevel
from engine.operations import tasks
from engine.operations.council import council_vote
from engine.operations.council.queries import session_view
from engine.rules.catalogue import AwardType, Comparison, Recusal, Threshold, VoteBase
from engine.vocabulary import RecusalBase


def _commune_threshold(monkeypatch, threshold: Threshold) -> None:
    """The rules give the commune's council its own threshold for CSTD_CS (`by_level`)."""
    original = AwardType.threshold_at

    def threshold_at(award: AwardType, level: UnitLevel) -> Threshold | None:
        return threshold if award.code == "CSTD_CS" and level is UnitLevel.COMMUNE else original(award, level)

    monkeypatch.setattr(AwardType, "threshold_at", threshold_at)


def _to_council(journey, office) -> None:
    journey.complete(office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(office)


def _result(journey, tree, nominee):
    (session,) = journey.session.scalars(select(CouncilSession)).all()
    view = session_view(journey.ctx.as_actor(tree.commune_office), session)
    return next(i for i in view["agenda"] if i["nominee"] == nominee)


@pytest.mark.parametrize(("base", "expected"), [(VoteBase.PRESENT, (4, True)), (VoteBase.MEMBERS, (5, False))])
def test_two_thirds_of_those_present_or_of_the_whole_council(journey, tree, monkeypatch, base, expected):
    _commune_threshold(monkeypatch, Threshold(Comparison.AT_LEAST, None, base, Fraction(2, 3)))
    journey.submit(("CSTD_CS", "Phạm Văn An"))
    _to_council(journey, tree.commune_office)
    journey.vote(tree.commune_council[:3])
    journey.vote(tree.commune_council[3:4], Phạm_Văn_An="no")
    journey.complete(tree.commune_council[0], "close_vote", {"present": 4, "written_votes": 0})  # one absent
    result = _result(journey, tree, "Phạm Văn An")
    assert (result["results"]["base"], result["results"]["passed"]) == expected  # 3/4 meets 2/3, 3/5 does not
    assert result["results"]["yes"] == 3 and result["threshold"].startswith("Từ 2/3 trở lên")
    assert journey.outcomes() == {"Phạm Văn An": "pending" if expected[1] else "rejected"}


def test_a_nominee_on_the_council_does_not_vote_but_still_counts_in_the_base(journey, tree, monkeypatch):
    original = council_vote.rules_of

    def rules_keeping_the_base(ctx, dossier):  # the version says: the base stays the whole council
        rules, calendar = original(ctx, dossier)
        return replace(rules, recusal=Recusal(same_unit=False, base=RecusalBase.MEMBERS)), calendar

    monkeypatch.setattr(council_vote, "rules_of", rules_keeping_the_base)
    _commune_threshold(monkeypatch, Threshold(Comparison.AT_LEAST, 90))
    nominee = tree.commune_council[4]
    journey.submit(("CSTD_CS", nominee.full_name))
    _to_council(journey, tree.commune_office)
    own = [t for t in tasks.list_tasks(journey.ctx.as_actor(nominee)).items if t.key == "cast_ballot"]
    assert own == []  # nothing else on the agenda: no ballot at all
    journey.vote(tree.commune_council[:4])  # everyone who may vote has voted: the session closes itself
    result = _result(journey, tree, nominee.full_name)
    assert result["recused"] == [nominee.full_name]
    assert (result["results"]["yes"], result["results"]["base"], result["results"]["passed"]) == (4, 5, False)
