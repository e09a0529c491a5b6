"""What keeps the reads flat as the history grows, asked of SQLite's planner (EXPLAIN QUERY PLAN, never
time; the times are bench.history's): the officers' search reads the FTS5 trigram indexes, a list
filtered by status and year walks its index in the sort order, and a task completion's read of the
forms already completed seeks the instance instead of every completed task. SQLite keeps no statistics
here, so its plans do not depend on the rows present; PostgreSQL's do (it analyzes), and its trigram
and B-tree indexes are shown by bench.history."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from engine.models import Dossier, DossierStatus, HumanTask, HumanTaskState, Nomination
from engine.operations.award.queries.search import holds_needle, matches_statement
from engine.operations.trigrams import NAME_INDEX, TITLE_INDEX, folded_contains


def plan(session: Session, stmt: Select[Any]) -> str:
    compiled = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    return "\n".join(row[3] for row in session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))


# SQLite's planner only: PostgreSQL's plans depend on its tables' statistics (bench.history measures them).
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def sqlite(session: Session) -> Session:
    return session


def test_the_search_reads_the_fts5_indexes_of_names_and_titles(sqlite):
    names = plan(sqlite, select(Nomination.dossier_id).where(
        folded_contains(sqlite, Nomination.nominee_name_folded, NAME_INDEX, "nguyen thi tuoi")))
    titles = plan(sqlite, select(Dossier.id).where(
        folded_contains(sqlite, Dossier.title_folded, TITLE_INDEX, "chong bao")))
    short = plan(sqlite, select(Nomination.dossier_id).where(
        folded_contains(sqlite, Nomination.nominee_name_folded, NAME_INDEX, "an")))  # no trigram: the column
    assert "SCAN nomination_name_fts VIRTUAL TABLE" in names and not scans(names, "nomination")
    assert "SCAN dossier_title_fts VIRTUAL TABLE" in titles and not scans(titles, "dossier")
    assert scans(short, "nomination")


def test_the_search_streams_its_matches_from_the_indexes_and_walks_the_list_by_its_index(sqlite):
    """The matches: the FTS5 tables drive the joins (each candidate's row sought by its id, its dossier
    tried by its id), so the read can stop at the cap. The walk: the list's own index in order, each
    dossier's names sought by the nominations' dossier index; no temporary sort."""
    matches = plan(sqlite, matches_statement(sqlite, [Dossier.year == 2026], "nguyen thi tuoi", 1001))
    walk = plan(sqlite, select(Dossier.id).where(holds_needle("tuoi"))
                .order_by(Dossier.created_at.desc(), Dossier.id.desc()).limit(20))
    assert "SCAN nomination_name_fts VIRTUAL TABLE" in matches and "SCAN dossier_title_fts VIRTUAL TABLE" in matches
    assert not scans(matches, "nomination") and not scans(matches, "dossier")
    assert "ix_dossier_created_at_id" in walk and "TEMP B-TREE" not in walk
    assert "SEARCH nomination USING INDEX" in walk and "(dossier_id=?)" in walk


def scans(found: str, table: str) -> bool:
    """Whether the plan reads every row (or every index entry) of `table`."""
    return any(line == f"SCAN {table}" or line.startswith(f"SCAN {table} USING") for line in found.splitlines())


def test_a_list_by_status_and_year_walks_its_index_in_order(sqlite):
    stmt = (select(Dossier.id).where(Dossier.status == DossierStatus.DECIDED, Dossier.year == 2026)
            .order_by(Dossier.created_at.desc(), Dossier.id.desc()).limit(20))
    found = plan(sqlite, stmt)
    assert "ix_dossier_status_year_created" in found and "TEMP B-TREE" not in found


def test_the_forms_an_instance_completed_are_read_off_its_own_tasks(sqlite):
    stmt = select(HumanTask.form_name).distinct().where(HumanTask.instance_id == 1,
                                                        HumanTask.state == HumanTaskState.COMPLETED)
    assert "ix_human_task_instance_state (instance_id=? AND state=?)" in plan(sqlite, stmt)
