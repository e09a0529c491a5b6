"""The officers' search reads its matches first (on SQLite streamed from the FTS5 trigram indexes) up to
the list's cap, then the page by one of three roads (engine/operations/award/queries/search.py): the
matches' ids when all are known, a newest-first walk of the dossiers when they are many and dense, the
indexes' candidates otherwise. Every road gives the page, total and `capped` that the plain list (no
search) and a containment test on the folded title and names give, for every caller, filter, needle and
page."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import event, update

from engine.models import Dossier, DossierStatus
from engine.operations.award import commands
from engine.operations.award.inputs import check_dossier
from engine.operations.award.queries import dossiers, search
from tests.engine.test_trigram_search import _fresh_counts  # noqa: F401  (autouse: the counts of this test's database)
from tests.workflows.journey import build_tree

NAMES = ["Nguyễn Thị Tươi", "Trần Văn Tuấn", "Lê Thị Tươi", "Phạm Văn An", "Nguyễn Văn Tươi", "Đỗ Thị Yến",
         "Hoàng Văn Tư", "Vũ Thị Tươi Anh", "Nguyễn \"Tươi\" 50%"]
TITLES = ["Đề nghị khen thưởng năm học 2025-2026", "Khen thưởng đột xuất chống bão số 3", "Tươi sáng đợt 2"]
NEEDLES = ["tuoi", "thi tuoi", "van tu", "khen", "bao so 3", "nguyen", "\"tuoi\" 50%", "yen", "khong co ai", "tu"]


@pytest.fixture
def registry(ctx, session, settings):
    """Twenty dossiers of the school with drawn names and titles, their dates apart (two share one),
    a third of them drafts never submitted (the province does not see them), some of them decided."""
    tree = build_tree(session, settings)
    proposer = ctx.as_actor(tree.proposer)
    rng = random.Random(88)
    made = []
    for _ in range(20):
        nominees = rng.sample(NAMES, rng.choice((1, 2, 3)))
        made.append(commands.create_dossier(proposer, check_dossier(proposer, {
            "title": rng.choice(TITLES), "year": rng.choice((2025, 2026)), "kind": "regular",
            "nominations": [{"award_type": rng.choice(("GIAY_KHEN", "BK_TINH")),
                             "nominee": {"kind": "individual", "full_name": name},
                             "achievements": "Hoàn thành xuất sắc nhiệm vụ"} for name in nominees]})).id)
    session.commit()
    base = ctx.clock.now()
    for i, dossier_id in enumerate(made):
        status = DossierStatus.DRAFT if i % 3 == 0 else rng.choice((DossierStatus.SUBMITTED, DossierStatus.DECIDED))
        session.execute(update(Dossier).where(Dossier.id == dossier_id).values(
            status=status, submitted_at=None if status == DossierStatus.DRAFT else base,
            created_at=base - timedelta(hours=min(i, 12))))  # the last eight share one moment: ids break the tie
    session.commit()
    return tree


def listed(office, needle: str, page: int, **filters) -> tuple[list[int], int, bool]:
    found = dossiers.list_dossiers(office, q=needle, page=page, per_page=2, **filters)
    return [d.id for d in found.items], found.total, found.capped


def by_containment(office, needle: str, page: int, cap: int, **filters) -> tuple[list[int], int, bool]:
    """The same page worked out without the search: the plain list (newest first), kept where the folded
    title or a nominee's folded name contains the needle, then cut and counted as the search says."""
    every = dossiers.list_dossiers(office, per_page=1000, **filters).items
    kept = [d.id for d in every
            if needle in d.title_folded or any(needle in n.nominee_name_folded for n in d.nominations)]
    offset = (page - 1) * 2
    capped = len(kept) > offset + cap
    return kept[offset:offset + 2], offset + cap if capped else len(kept), capped


ROADS = {"the matches' ids": (1000, search.WALK_MOST, search.IDS_MOST, 2), "the walk": (3, 10**9, 2000, 2),
         "the candidates": (3, 0, 2000, 2), "too many ids to bind: the walk": (1000, 10**9, 1, 2),
         "too many ids to bind: the candidates": (1000, 0, 1, 2),
         "namesakes in one dossier (PostgreSQL reads the matches again)": (3, search.WALK_MOST, 2000, 1)}


@pytest.mark.parametrize("road", ROADS)
def test_every_road_gives_the_page_of_the_plain_list(ctx, session, registry, monkeypatch, road):
    cap, walk_most, ids_most, names_per_dossier = ROADS[road]
    monkeypatch.setattr(dossiers, "LIST_COUNT_CAP", cap)
    monkeypatch.setattr(search, "WALK_MOST", walk_most)
    monkeypatch.setattr(search, "IDS_MOST", ids_most)
    monkeypatch.setattr(search, "NAMES_PER_DOSSIER", names_per_dossier)
    apart = search._apart
    undecided = []

    def spied(*args):
        found = apart(*args)
        undecided.append(found is None)
        return found

    monkeypatch.setattr(search, "_apart", spied)
    seen_something = 0
    for user in (registry.province_office, registry.proposer):
        office = ctx.as_actor(user)
        for filters in ({}, {"status": "decided"}, {"year": 2026, "award_type": "bk_tinh"}):
            for needle in NEEDLES:
                for page in (1, 2, 3, 9):
                    expected = by_containment(office, needle, page, cap, **filters)
                    assert listed(office, needle, page, **filters) == expected, (user.username, filters, needle, page)
                    seen_something += bool(expected[0])
    assert seen_something > 50  # the needles do find dossiers, on several pages
    if session.get_bind().dialect.name == "postgresql":  # the titles' and names' matches read apart first
        assert undecided and (any(undecided) if names_per_dossier == 1 else not all(undecided))


def test_each_road_is_taken_where_it_costs_least(ctx, session, registry, monkeypatch):
    """A handful of matches: their ids. Too many to bind, or past the cap, and dense enough: the walk.
    Past the cap and sparse: the indexes' candidates again. Nothing found: no page to read."""
    office = ctx.as_actor(registry.proposer)
    matches: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if "ORDER BY dossier.created_at DESC" in statement:  # the page's rows
            matches.append("ids" if "nominee_name_folded" not in statement
                           else "walk" if "nomination.dossier_id = dossier.id" in statement else "candidates")

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        dossiers.list_dossiers(office, q="tuoi", per_page=2)
        with monkeypatch.context() as patched:  # all known, but more than a statement may bind
            patched.setattr(search, "IDS_MOST", 1)
            dossiers.list_dossiers(office, q="tuoi", per_page=2)
        monkeypatch.setattr(dossiers, "LIST_COUNT_CAP", 3)
        dossiers.list_dossiers(office, q="tuoi", per_page=2)
        monkeypatch.setattr(search, "WALK_MOST", 1)
        dossiers.list_dossiers(office, q="tuoi", per_page=2)
        dossiers.list_dossiers(office, q="khong co ai", per_page=2)  # nothing found: no page to read
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert matches == ["ids", "walk", "walk", "candidates"]
