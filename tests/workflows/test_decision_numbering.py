"""Decision numbers are gapless and unique per issuer and year, even when issued at the same moment."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from engine.models import Decision, DecisionCounter
from engine.operations import tasks
from engine.operations.numbering import next_number
from tests.workflows.journey import Journey


def _together(n, work):
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        return work(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def test_twelve_concurrent_numberings_are_one_to_twelve(make_ctx, tree, session):
    def take(_i):
        ctx = make_ctx()
        number = next_number(ctx, tree.commune.id, 2026)
        ctx.session.commit()
        return number

    numbers = _together(12, take)
    assert sorted(numbers) == list(range(1, 13))
    other_year = make_ctx()
    assert next_number(other_year, tree.commune.id, 2027) == 1
    other_year.session.commit()
    counters = session.scalars(select(DecisionCounter).order_by(DecisionCounter.year)).all()
    assert [(c.year, c.last_number) for c in counters] == [(2026, 12), (2027, 1)]


def test_two_heads_deciding_at_once_get_consecutive_decision_numbers(ctx, make_ctx, tree, session):
    journeys = []
    for name in ("Nguyễn Thị Tươi", "Phạm Văn An", "Lê Văn Cường"):
        journey = Journey(ctx, tree)
        journey.submit(("GIAY_KHEN", name))
        journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
        journey.all_eligible(tree.commune_office)
        item = journey.prefill(tree.commune_head, "decide")["nominations"][0]
        journeys.append((journey.task(tree.commune_head, "decide").id, item["id"]))
    session.commit()

    def decide(i):
        task_id, nomination_id = journeys[i]
        head_ctx = make_ctx(tree.commune_head)
        tasks.complete_task(head_ctx, task_id, {"nominations": [{"id": nomination_id, "action": "approve"}]})
        head_ctx.session.commit()

    _together(3, decide)
    session.expire_all()
    numbers = sorted(session.scalars(select(Decision.number).where(Decision.issuer_unit_id == tree.commune.id)))
    assert numbers == [1, 2, 3]
