"""Issue 10: a step taken by a fresh process (after a restart, or on another `khenthuong serve` process)
must do what the same step does in the process that ran the previous ones.

Every path test also runs cold (a new Runtime for each step, tests/conftest.py `next_step`); here
every ballot runs in a child process of its own, which shares nothing with this one at all."""
from __future__ import annotations

from sqlalchemy import select

from engine.models import CouncilSession, DossierStatus, SessionStatus
from engine.operations.council.queries import ballot_by_receipt
from tests.workflows import fresh_process
from tests.workflows.journey import Journey


def test_a_council_whose_ballots_are_cast_by_fresh_processes_closes_by_itself(one_process_journey: Journey, tree,
                                                                              settings, clock):
    journey = one_process_journey
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)  # opens the session: one cast_ballot per member
    members = [m.username for m in tree.commune_council]
    journey.session.commit()  # end the read: on SQLite an open transaction holds the write lock

    receipts = [fresh_process.run(settings, clock, member, journey.dossier_id, "cast_ballot", "ballot")["receipt"]
                for member in members]

    journey.reload()
    session = journey.session.scalars(select(CouncilSession)).one()
    assert (session.status, session.closed_how) == (SessionStatus.TALLIED, "all_voted")
    assert journey.open_tasks() == [("decide", tree.commune.id)]
    assert journey.dossier.status == DossierStatus.IN_REVIEW
    assert all(ballot_by_receipt(journey.ctx.as_actor(tree.proposer), r)["counted"] for r in receipts)
