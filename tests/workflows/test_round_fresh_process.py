"""Issue 13's restart in the middle of the sitting, in separate OS processes: every member's ballot over
the round's agenda, the chair's close and the head's round decision each run in a child process of its
own (tests/workflows/fresh_process.py), which shares nothing with this one or with the step before it —
as on two `khenthuong serve` processes, or after a restart between any two steps."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from engine.clock import LOCAL_TZ
from engine.models import CouncilSession, Nomination, ReviewRound, RoundSubmission
from engine.operations.council import sitting as sittings
from engine.operations.council.queries import ballot_by_receipt
from engine.operations.processes import running_instance_ids
from tests.workflows import fresh_process
from tests.workflows.journey import Journey
from tests.workflows.test_round_sitting import _open_round, _submit, _to_council


def test_a_rounds_sitting_and_decision_taken_step_by_step_by_fresh_processes(one_process_journey: Journey, tree,
                                                                           settings, clock):
    journey = one_process_journey
    round_id = _open_round(journey, tree)
    dossiers = [_submit(journey, tree, ("CSTD_TINH", "Nguyễn Thị Tươi"), ("CSTD_TINH", "Trần Minh Khoa")),
                _submit(journey, tree, ("CSTD_TINH", "Phạm Văn An"))]
    for dossier_id in dossiers:
        _to_council(journey, tree, dossier_id)
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=LOCAL_TZ))
    sitting_id = sittings.open_sitting(journey.ctx.as_actor(tree.commune_office), round_id).id
    journey.session.commit()

    receipts = []
    chair = tree.commune_council[0].username
    for member, username in [(m, m.username) for m in tree.commune_council]:
        page = sittings.sitting_ballot(journey.ctx.as_actor(member), sitting_id)
        votes = [{"nomination_id": item["nomination_id"], "choice": "yes"}
                 for group in page["groups"] for item in group["items"]]
        journey.session.commit()  # end the read: on SQLite an open transaction holds the write lock
        reply = fresh_process.run(settings, clock, username, None, "cast_sitting_ballot", {"votes": votes})
        receipts.append(reply["receipt"])
    clock.set(datetime(2026, 11, 26, 11, 0, tzinfo=LOCAL_TZ))
    fresh_process.run(settings, clock, chair, None, "close_sitting", {
        "held_at": "2026-11-26T08:30", "place": "Hội trường UBND xã Bình Minh", "present": 5, "written_votes": 0})

    journey.reload()
    sessions = journey.session.scalars(select(CouncilSession).order_by(CouncilSession.id)).all()
    assert [(s.dossier_id, s.status.value, s.present) for s in sessions] == [(d, "tallied", 5) for d in dossiers]
    assert all(ballot_by_receipt(journey.ctx.as_actor(tree.commune_council[0]), r)["counted"] for r in receipts)
    for dossier_id in dossiers:
        journey.dossier_id = dossier_id
        assert journey.open_tasks() == [("decide", tree.commune.id)]

    names = {n.nominee_name: n.id for n in journey.session.scalars(select(Nomination))}
    rows = [{"nomination_id": names["Nguyễn Thị Tươi"], "action": "forward"},
            {"nomination_id": names["Phạm Văn An"], "action": "forward"},
            {"nomination_id": names["Trần Minh Khoa"], "action": "lower_award", "lower_award": "GIAY_KHEN",
             "note": "Chưa đủ sáng kiến cấp tỉnh"}]
    head = tree.commune_head.username  # read before the commit: a refresh after it would hold SQLite's lock
    journey.session.commit()
    # The worker's pass, a process of its own too: the cut-off (25/11) has passed, the intake ends and the
    # round's process, its sitting counted, offers the head `decide_round`.
    assert fresh_process.run(settings, clock, head, None, "worker", None)["fired"] >= 1
    reply = fresh_process.run(settings, clock, head, None, "decide_round", {"nominations": rows})
    assert sorted(reply["dossiers"]) == sorted(dossiers) and len(reply["decisions"]) == 1

    journey.reload()
    rnd = journey.session.get(ReviewRound, round_id)
    assert rnd.status.value == "closed" and rnd.instance_id not in running_instance_ids(journey.ctx)
    khoa = journey.session.get(Nomination, names["Trần Minh Khoa"])
    assert (khoa.status.value, khoa.award_type, khoa.decision_id) == ("approved", "GIAY_KHEN", reply["decisions"][0])
    [submission] = journey.session.scalars(select(RoundSubmission)).all()
    assert (submission.unit_id, submission.to_unit_id) == (tree.commune.id, tree.province.id)
    assert sorted(submission.dossier_ids) == sorted(dossiers)
    for dossier_id in dossiers:  # each dossier climbed to the province in its own process's state
        journey.dossier_id = dossier_id
        assert journey.open_tasks() == [("check_completeness", tree.province.id)]
