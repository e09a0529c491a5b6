"""Two văn thư of one commune enter the same number from the agency's register at the same moment, for
two dossiers: one decision gets it, the other clerk is told the number is taken (never a 500)."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from engine.clock import LOCAL_TZ
from engine.errors import InvalidInput
from engine.models import Decision, Role
from engine.operations import tasks
from tests.factories import make_user
from tests.workflows.journey import Journey


@pytest.mark.postgres_only
def test_two_clerks_typing_one_number_at_once_one_wins_the_other_is_told(ctx, tree, settings, make_ctx):
    clerks = [make_user(ctx.session, settings, f"xa.vanthu{i}", (Role.CLERK, tree.commune)) for i in (1, 2)]
    ctx.session.commit()
    journeys = [Journey(ctx, tree), Journey(ctx, tree)]
    for journey in journeys:
        journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))
        journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve")
    task_ids = [journey.task(clerk, "register_decision").id for journey, clerk in zip(journeys, clerks, strict=True)]
    today = ctx.clock.now().astimezone(LOCAL_TZ).date().isoformat()
    ctx.session.commit()
    barrier = threading.Barrier(2)

    def register(i: int) -> object:
        mine = make_ctx(clerks[i])
        barrier.wait()
        try:
            tasks.complete_task(mine, task_ids[i], {"number": 37, "signed_on": today})
            mine.session.commit()
            return "issued"
        except Exception as exc:  # noqa: BLE001 - the outcome is what we count
            mine.session.rollback()
            return exc

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(register, range(2)))

    refused = [o for o in outcomes if isinstance(o, InvalidInput)]
    assert outcomes.count("issued") == 1 and len(refused) == 1, outcomes
    assert set(refused[0].errors) == {"number"}
    ctx.session.expire_all()
    assert [d.label for d in ctx.session.scalars(select(Decision))] == ["37/QĐ-UBND"]
