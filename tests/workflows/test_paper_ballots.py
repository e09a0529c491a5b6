"""Written votes of absent members (Luật Thi đua, khen thưởng: "nếu thành viên vắng mặt thì lấy ý kiến
bằng văn bản"): the vote-counting board enters an absent member's paper ballot while the vote is open;
it counts like any ballot, the member counts as absent voting in writing, and the minutes say so."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import Conflict, Forbidden, InvalidInput
from engine.models import CouncilSession
from engine.operations import tasks
from engine.operations.council.council_vote import enter_paper_ballot
from engine.operations.council.inputs import read_paper_ballot
from engine.operations.council.queries import ballot_by_receipt, session_view


def _session(journey) -> CouncilSession:
    (session,) = journey.session.scalars(select(CouncilSession)).all()
    return session


def test_the_board_enters_an_absent_members_paper_ballot_and_it_counts(journey, tree):
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)
    chair, absent = tree.commune_council[0], tree.commune_council[4]
    journey.vote(tree.commune_council[:4])
    session = _session(journey)
    nomination_id = journey.dossier.nominations[0].id
    paper = {"member_id": absent.id, "votes": [{"nomination_id": nomination_id, "choice": "yes"}]}

    with pytest.raises(Forbidden):  # an ordinary member is not the vote-counting board
        enter_paper_ballot(journey.ctx.as_actor(tree.commune_council[2]), read_paper_ballot(session.id, paper))
    with pytest.raises(Conflict):  # a member who voted already
        enter_paper_ballot(journey.ctx.as_actor(chair), read_paper_ballot(
            session.id, {**paper, "member_id": tree.commune_council[3].id}))
    with pytest.raises(InvalidInput) as bad:
        read_paper_ballot(session.id, {"member_id": absent.id, "votes": [{"nomination_id": nomination_id,
                                                                          "choice": "maybe"}]})
    assert set(bad.value.errors) == {"votes[0].choice"}
    journey.session.rollback()

    entered = enter_paper_ballot(journey.ctx.as_actor(chair), read_paper_ballot(session.id, paper))
    journey.session.commit()
    journey.reload()
    assert entered["member_id"] == absent.id and entered["receipt"]
    own = journey.task(absent, "cast_ballot")  # the member's own task refuses a second vote
    with pytest.raises(Conflict):
        tasks.complete_task(journey.ctx.as_actor(absent), own.id, {"votes": paper["votes"]})
    journey.session.rollback()

    journey.complete(chair, "close_vote", {"present": 4, "written_votes": 1})
    session = _session(journey)
    assert (session.closed_how, session.present, session.written_votes) == ("closed_by_chair", 4, 1)
    view = session_view(journey.ctx.as_actor(tree.commune_office), session)
    assert view["agenda"][0]["results"]["yes"] == 5 and view["agenda"][0]["results"]["passed"]  # 5/5 ≥ 90%
    assert {m["name"]: m["present"] for m in view["members"]}[absent.full_name] is False
    assert ballot_by_receipt(journey.ctx.as_actor(absent), entered["receipt"])["counted"]
