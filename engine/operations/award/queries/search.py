"""The officers' search of dossiers by a nominee's name or the title, on SQLite's FTS5 trigram indexes:
the matches counted first, streamed from the indexes, then the page read by the cheaper of two roads.

A needle many names hold (a common given name: one nomination in 40) matches thousands of dossiers in a
registry of 100,000. Gathering every match to sort out the newest twenty, or to count them, grows with
the registry. Instead:
- the count walks the indexes' candidates in their own order, rechecks each one (the needle, the caller's
  filters) and stops `cap` matches past the page's first, as the plain list's count does;
- the count then tells how dense the matches are. When walking the dossiers newest first (their sort
  index, each dossier rechecked by its title and its nominations) is expected to fill the page within
  `WALK_MOST` dossiers, the page is read that way; otherwise through the indexes' candidates, which costs
  what the candidates number.

Both roads give the same rows: the same filters, the same condition, the same order. PostgreSQL's planner
makes this choice itself with its trigram GIN indexes and its statistics (`matching_ids`, `paginate`).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select, union, union_all
from sqlalchemy.orm import Session

from engine.models import Dossier, Nomination
from engine.operations.paging import Page
from engine.operations.trigrams import NAME_INDEX, TITLE_INDEX, folded_contains, needle_query

# Dossiers a page may walk newest first (each rechecked by its title and nominations, ≈2 µs on SQLite)
# before the page is read through the indexes' candidates instead.
WALK_MOST = 4000


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
    """The page of dossiers meeting `filters` whose title or a nominee's name holds `needle`, newest
    first, with the total counted up to `cap` past the page's first (`Page.capped` beyond). Only where
    `trigrams.uses_index`."""
    offset = (page - 1) * per_page
    found = _matches(session, filters, needle, offset + cap + 1)
    capped = len(found) > offset + cap
    total = offset + cap if capped else len(found)
    if len(found) <= offset:
        return Page([], total, page, per_page, capped=capped)
    holds: ColumnElement[bool]
    if not capped:  # every match is known: the page is read by their ids
        holds = Dossier.id.in_(found)
    elif (offset + per_page) * (session.scalar(select(func.max(Dossier.id))) or 0) <= WALK_MOST * len(found):
        holds = or_(Dossier.title_folded.contains(needle, autoescape=True),  # the walk meets the page soon
                    exists().where(Nomination.dossier_id == Dossier.id,
                                   Nomination.nominee_name_folded.contains(needle, autoescape=True)))
    else:
        holds = Dossier.id.in_(matching_ids(session, needle))
    stmt = (select(Dossier).where(*filters, holds).order_by(Dossier.created_at.desc(), Dossier.id.desc())
            .options(*options).offset(offset).limit(per_page))
    return Page(list(session.scalars(stmt)), total, page, per_page, capped=capped)


def _matches(session: Session, filters: list[ColumnElement[bool]], needle: str, most: int) -> list[int]:
    """The ids of the matching dossiers, at most `most`, in no particular order. The candidates stream
    from the FTS5 tables (which drive the joins), each rechecked and tried against the filters one by
    one, so that the read stops once it has `most`."""
    title_hits = (select(Dossier.id.label("dossier_id")).select_from(TITLE_INDEX.table)
                  .join(Dossier, Dossier.id == TITLE_INDEX.table.c.rowid)
                  .where(TITLE_INDEX.matches(needle_query(session, TITLE_INDEX, needle)),
                         Dossier.title_folded.contains(needle, autoescape=True)))
    name_hits = (select(Nomination.dossier_id).select_from(NAME_INDEX.table)
                 .join(Nomination, Nomination.id == NAME_INDEX.table.c.rowid)
                 .where(NAME_INDEX.matches(needle_query(session, NAME_INDEX, needle)),
                        Nomination.nominee_name_folded.contains(needle, autoescape=True)))
    hits = union_all(title_hits, name_hits).subquery()
    kept = (select(hits.c.dossier_id).distinct()
            .where(exists().where(Dossier.id == hits.c.dossier_id, *filters)).limit(most).subquery())
    # One row for up to a thousand ids: SQLite's group_concat costs less than a row each through the driver.
    listed = session.scalar(select(func.group_concat(kept.c.dossier_id)))
    return [int(each) for each in listed.split(",")] if listed else []
