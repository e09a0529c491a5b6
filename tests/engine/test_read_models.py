"""The read models the pages and the API share, read without HTTP: an inbox's rows, a complaint's
view, the names an audit trail refers to, a dossier's detail. Each loads what it shows in one
query per kind of row, however many rows there are (statements counted on the connection)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from engine.context import Context
from engine.models import HumanTask, Role
from engine.operations import auditlog, directory, tasks
from engine.operations.award import commands as dossiers
from engine.operations.award import queries as access
from engine.operations.complaints import queries as complaint_queries
from tests.engine.helpers import build_world
from tests.engine.test_complaints import Scene, build_scene, file_as, filing
from tests.engine.test_dossiers import attach_all, new_dossier, school_nominations


@contextmanager
def statements(ctx: Context) -> Iterator[list[str]]:
    """The SQL statements run on the context's connection while the block runs."""
    seen: list[str] = []
    connection = ctx.session.connection()

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", count)


@pytest.fixture
def world(session, settings):
    return build_world(session, settings)


def submitted(ctx, world, title: str):
    dossier = new_dossier(ctx, world, title=title)
    attach_all(ctx, world, dossier)
    dossiers.submit_dossier(ctx.as_actor(world.proposer), dossier.id)
    return dossier


def test_inbox_rows_load_their_dossiers_units_and_claimers_in_one_query_each(ctx, world, clock):
    for title in ("Hồ sơ một", "Hồ sơ hai", "Hồ sơ ba"):
        submitted(ctx, world, title)
    office = ctx.as_actor(world.office)
    ready = tasks.list_tasks(office).items
    tasks.claim_task(office, ready[0].id)
    ctx.session.commit()
    ctx.session.expunge_all()  # nothing in memory: every row shown must be read
    ready = tasks.list_tasks(office).items
    with statements(ctx) as seen:
        rows = tasks.task_rows(office, ready)
    assert len(seen) <= 3  # dossiers, units (where done, who proposed), claimers
    assert sorted(r.dossier.title for r in rows) == ["Hồ sơ ba", "Hồ sơ hai", "Hồ sơ một"]
    assert {(r.unit.code, r.proposing_unit.code, r.role) for r in rows} == {("T-X1", "T-X1-TH", Role.OFFICE.label)}
    assert [r.claimed_by.username if r.claimed_by else None for r in rows].count("xa.vanphong") == 1


def test_a_dossier_s_detail_has_its_open_tasks_and_decisions(ctx, world):
    dossier = submitted(ctx, world, "Hồ sơ chi tiết")
    detail = access.dossier_detail(ctx.as_actor(world.office), dossier.id)
    assert detail.title == "Hồ sơ chi tiết" and detail.base is dossier  # the dossier's own fields read through
    assert [t.key for t in detail.open_tasks] == ["check_completeness"] and detail.decisions == []
    assert [n.nominee_name for n in detail.nominations] == [n["nominee"].get("full_name") or n["nominee"]["name"]
                                                           for n in school_nominations()]


def test_the_units_within_reach_are_those_held_and_below(ctx, world):
    assert [u.code for u in directory.units_within_reach(ctx.as_actor(world.office))] == ["T-X1", "T-X1-TH"]
    assert [u.code for u in directory.units_within_reach(ctx.as_actor(world.proposer))] == ["T-X1-TH"]


def test_an_audit_trail_s_names_are_read_once_for_all_its_events(ctx, world):
    dossier = submitted(ctx, world, "Hồ sơ nhật ký")
    office = ctx.as_actor(world.office)
    [check] = [t for t in tasks.list_tasks(office).items if t.dossier_id == dossier.id]
    tasks.claim_task(office, check.id)
    ctx.session.commit()
    ctx.session.expunge_all()
    events = access.dossier_audit(ctx.as_actor(world.proposer), dossier.id).items
    with statements(ctx) as seen:
        found = auditlog.referents(ctx.session, events)
    assert len(seen) <= 5  # tasks, nominations, decisions (none here: no query), users, units
    assert found.entities[(HumanTask, check.id)].name == check.name
    assert {u.username for u in found.users.values()} == {"truong.denghi", "xa.vanphong"}
    assert set(found.units) == {"T-X1"}  # the unit the dossier was routed to, by code


@pytest.fixture
def scene(session, settings) -> Scene:
    return build_scene(session, settings)


def test_complaint_views_carry_their_subject_and_open_tasks(ctx, scene):
    proposer = ctx.as_actor(scene.tree.proposer)

    def file_three() -> list[int]:
        return [file_as(proposer, filing(decision_id=scene.decision.id)).id,
                file_as(proposer, filing("denunciation", nomination_id=scene.pending.id)).id,
                file_as(proposer, filing(dossier_id=scene.draft.id)).id]

    def read() -> tuple[int, dict]:
        ctx.session.commit()
        ctx.session.expunge_all()
        with statements(ctx) as seen:
            page = complaint_queries.complaint_page(proposer)
        return len(seen), {view.id: view for view in page.items}

    on_decision, on_nomination, on_dossier = file_three()
    few, _ = read()
    file_three()
    many, views = read()
    assert len(views) == 6 and many == few  # twice the complaints, the same statements: none per row
    assert views[on_decision].subject.text == f"Quyết định số {scene.decision.label} của {scene.tree.commune.name}"
    assert views[on_decision].subject.decision_year == scene.decision.year
    assert views[on_nomination].subject.text == "Đề nghị khen thưởng Trần Thị Mai"
    assert views[on_nomination].subject.dossier_id == scene.pending.dossier_id
    assert views[on_dossier].subject.dossier_id == scene.draft.id
    assert all(len(view.open_tasks) == 1 for view in views.values())
    assert views[on_decision].handling_unit.code == scene.tree.commune.code
