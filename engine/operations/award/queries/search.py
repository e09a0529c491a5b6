"""The officers' search of dossiers by a nominee's name or the title: the matches counted first, then the
page read by the cheapest of three roads.

A needle many names hold (a common given name: one nomination in 40) matches thousands of dossiers in a
registry of 100,000. Gathering every match to sort out the newest twenty, and again to count them, grows
with the registry. Instead:
- the matches are read first, their ids only, stopping `cap` matches past the page's first (as the plain
  list's count does). On SQLite they stream from the FTS5 trigram indexes, which drive the joins (each
  candidate rechecked, then tried against the caller's filters); on PostgreSQL the titles' and the names'
  matches are read apart from their trigram GIN indexes, each side stopping at its limit (`_apart`);
- when every match is known (below the cap), the page is read by their ids (up to `IDS_MOST` of them);
- past the cap the matches are dense. When a walk of the dossiers newest first (their sort index, each
  dossier tried by its title and its nominations) is expected to fill the page within `WALK_MOST`
  dossiers, the page is read that way; otherwise through the indexes again.

The three roads give the same rows: the same filters, the same condition, the same order
(tests/engine/test_dossier_search.py).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, func, literal, or_, select, union, union_all
from sqlalchemy.orm import Session

from engine.models import Dossier, Nomination
from engine.operations.paging import Page
from engine.operations.trigrams import NAME_INDEX, TITLE_INDEX, folded_contains, needle_query, uses_index

# The list's order, newest first, read off `ix_dossier_created_at_id` (the id breaks ties).
NEWEST_FIRST = (Dossier.created_at.desc(), Dossier.id.desc())
# Dossiers a page may walk newest first (each rechecked by its title and nominations, ≈2 µs on SQLite)
# before the page is read through the indexes' candidates instead.
WALK_MOST = 4000
# Matches a page may be read by (their ids bound one by one): a deep page of a needle nearly every
# dossier holds knows them all, and SQLite takes at most 32,766 bound values in a statement.
IDS_MOST = 2000
# PostgreSQL reads the names' matches up to this many times the dossiers it needs: a dossier may hold
# several namesakes (a given name shared by two nominees of one dossier).
NAMES_PER_DOSSIER = 2


def matching_ids(session: Session, needle: str) -> Any:
    """SELECT of the ids of the dossiers whose title or a nominee's name holds the folded `needle`: on
    SQLite each side asks its FTS5 index for the needle's rarest trigrams (engine/operations/trigrams.py),
    on PostgreSQL the planner uses the columns' trigram GIN indexes."""
    return union(
        select(Dossier.id).where(folded_contains(session, Dossier.title_folded, TITLE_INDEX, needle)),
        select(Nomination.dossier_id).where(
            folded_contains(session, Nomination.nominee_name_folded, NAME_INDEX, needle)))


def search_page(session: Session, filters: list[ColumnElement[bool]], needle: str, options: Any,
                page: int, per_page: int, cap: int) -> Page:
    """The page of dossiers meeting `filters` whose title or a nominee's name holds the folded `needle`,
    newest first, with the total counted up to `cap` past the page's first (`Page.capped` beyond)."""
    offset = (page - 1) * per_page
    found = _matches(session, filters, needle, offset + cap + 1)
    capped = len(found) > offset + cap
    total = offset + cap if capped else len(found)
    if len(found) <= offset:
        return Page([], total, page, per_page, capped=capped)
    holds: ColumnElement[bool]
    if not capped and len(found) <= IDS_MOST:  # every match is known: the page is read by their ids
        holds = Dossier.id.in_(found)
    elif (offset + per_page) * (session.scalar(select(func.max(Dossier.id))) or 0) <= WALK_MOST * len(found):
        holds = holds_needle(needle)  # the walk meets the page's rows soon
    else:
        holds = Dossier.id.in_(matching_ids(session, needle))
    stmt = select(Dossier).where(*filters, holds).order_by(*NEWEST_FIRST).options(*options)
    return Page(list(session.scalars(stmt.offset(offset).limit(per_page))), total, page, per_page, capped=capped)


def _matches(session: Session, filters: list[ColumnElement[bool]], needle: str, most: int) -> list[int]:
    """The ids of the matching dossiers, at most `most`, in no particular order."""
    if len(needle) >= 3 and not uses_index(session, needle):
        apart = _apart(session, filters, needle, most)
        if apart is not None:
            return apart
    stmt = matches_statement(session, filters, needle, most)
    if not uses_index(session, needle):
        return list(session.scalars(stmt))
    # One row for up to a thousand ids: SQLite's group_concat costs less than a row each through the driver.
    listed = session.scalar(select(func.group_concat(stmt.subquery().c.dossier_id)))
    return [int(each) for each in listed.split(",")] if listed else []


def _apart(session: Session, filters: list[ColumnElement[bool]], needle: str, most: int) -> list[int] | None:
    """PostgreSQL: the titles' matches and the names' read apart, in one statement, each side a bitmap
    scan of its trigram GIN index whose rows are fetched only until its limit (each nominee's dossier tried
    against the filters one by one, by a scalar subquery the planner cannot turn into a join over every
    dossier). Their union, when it decides: every match (neither side stopped at its limit), or at least
    `most`. None when the names' side stopped at its limit short of `most` dossiers: the caller reads the
    matches the other way."""
    visible = select(literal(1)).where(Dossier.id == Nomination.dossier_id, *filters).limit(1).scalar_subquery()
    names_most = NAMES_PER_DOSSIER * most
    titled = (select(Dossier.id.label("dossier_id"), literal(0).label("side"))
              .where(*filters, Dossier.title_folded.contains(needle, autoescape=True)).limit(most))
    named = (select(Nomination.dossier_id, literal(1).label("side"))
             .where(Nomination.nominee_name_folded.contains(needle, autoescape=True), visible.is_not(None))
             .limit(names_most))
    rows = session.execute(union_all(titled, named)).all()
    ids = list(dict.fromkeys(dossier_id for dossier_id, _ in rows))
    if len(ids) >= most or sum(side for _, side in rows) < names_most:
        return ids[:most]
    return None


def matches_statement(session: Session, filters: list[ColumnElement[bool]], needle: str, most: int) -> Any:
    """SELECT of the ids of the matching dossiers (column `dossier_id`), at most `most`. On SQLite the
    candidates stream from the FTS5 tables (which drive the joins), each rechecked and tried against the
    filters one by one, so that the read stops once it has `most`."""
    if len(needle) < 3:  # no trigram index helps: the dossiers read in any order until `most` match
        return select(Dossier.id.label("dossier_id")).where(*filters, holds_needle(needle)).limit(most)
    if not uses_index(session, needle):  # PostgreSQL: its planner reads the trigram GIN indexes (`_apart` first)
        return (select(Dossier.id.label("dossier_id"))
                .where(*filters, Dossier.id.in_(matching_ids(session, needle))).limit(most))
    title_hits = (select(Dossier.id.label("dossier_id")).select_from(TITLE_INDEX.table)
                  .join(Dossier, Dossier.id == TITLE_INDEX.table.c.rowid)
                  .where(TITLE_INDEX.matches(needle_query(session, TITLE_INDEX, needle)),
                         Dossier.title_folded.contains(needle, autoescape=True)))
    name_hits = (select(Nomination.dossier_id).select_from(NAME_INDEX.table)
                 .join(Nomination, Nomination.id == NAME_INDEX.table.c.rowid)
                 .where(NAME_INDEX.matches(needle_query(session, NAME_INDEX, needle)),
                        Nomination.nominee_name_folded.contains(needle, autoescape=True)))
    hits = union_all(title_hits, name_hits).subquery()
    return (select(hits.c.dossier_id).distinct()
            .where(exists().where(Dossier.id == hits.c.dossier_id, *filters)).limit(most))


def holds_needle(needle: str) -> ColumnElement[bool]:
    """SQL on a dossier: its folded title or one of its nominees' folded names contains `needle`. The names
    are asked per dossier walked (a scalar subquery on the nominations' dossier index): PostgreSQL would
    turn an EXISTS into one hashed read of every matching nomination before the walk's first row."""
    named = (select(literal(1)).where(Nomination.dossier_id == Dossier.id,
                                      Nomination.nominee_name_folded.contains(needle, autoescape=True))
             .limit(1).scalar_subquery())
    return or_(Dossier.title_folded.contains(needle, autoescape=True), named.is_not(None))
