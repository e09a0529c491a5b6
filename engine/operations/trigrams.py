"""SQLite's FTS5 trigram indexes of the folded names and titles, asked for a needle's rarest trigrams
only.

FTS5 answers `LIKE '%needle%'` by reading the posting list of EVERY trigram of the needle, and in a
registry of Vietnamese names some trigrams ("ngu", "yen", "thi") are held by a share of all rows: that
read grows with the registry. Every row containing the needle contains each of its trigrams, so asking
the index for rows holding two or three rare trigrams (`MATCH '"t1" AND "t2"'`) gives a superset of the
answer, and rechecking the real condition on those candidates gives exactly the answer.

How rare a trigram is comes from the index's fts5vocab table (migration 0051). Counting a trigram's rows
there reads its posting list, as costly as the search it would spare, so the counts are kept per
process: read for the trigrams a needle needs when first asked, kept `COUNTS_TTL` seconds. A stale count
only makes a search slower, never wrong: the MATCH reads the live index and the recheck the live rows.
PostgreSQL's trigram GIN indexes are used by its planner on the column's `LIKE` directly.
"""
from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import ColumnElement, column, select, table
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

# How long a trigram's row count is trusted (seconds): it only decides which trigrams are asked.
COUNTS_TTL = 600.0
# Trigrams asked of the index at most: with positions apart, three pin a name down (family, middle,
# given) and each more adds its posting list for few candidates less.
MOST_TRIGRAMS = 3
# Counts kept per index at most: the public lookup takes any text, so what it adds must stay bounded (a
# registry's names and titles hold some thousands of distinct trigrams); beyond, the counts start over.
MOST_KEPT = 50_000


@dataclass(frozen=True)
class TrigramIndex:
    """An FTS5 trigram index (external content, rowid = the row's id) and its fts5vocab table."""

    name: str
    column_name: str
    vocabulary: str

    @cached_property
    def table(self) -> Any:
        """The index as a table: `rowid`, the indexed column, and the hidden column named after the
        table that FTS5 takes MATCH on (detail='none' allows no column filter)."""
        return table(self.name, column("rowid"), column(self.column_name), column(self.name))

    def matches(self, query: str) -> ColumnElement[bool]:
        """SQL: the index's row matches the FTS5 `query`."""
        return self.table.c[self.name].match(query)


NAME_INDEX = TrigramIndex("nomination_name_fts", "nominee_name_folded", "nomination_name_fts_vocab")
TITLE_INDEX = TrigramIndex("dossier_title_fts", "title_folded", "dossier_title_fts_vocab")

_lock = threading.Lock()
# Per database engine and index: trigram -> (rows holding it, when it was counted).
_counts: weakref.WeakKeyDictionary[Engine, dict[str, dict[str, tuple[int, float]]]] = weakref.WeakKeyDictionary()


def uses_index(session: Session, needle: str) -> bool:
    """Whether `needle` is looked up in an FTS5 trigram index: SQLite, three letters or more."""
    return session.get_bind().dialect.name == "sqlite" and len(needle) >= 3


def trigram_counts(session: Session, index: TrigramIndex, grams: set[str]) -> dict[str, int]:
    """How many rows of the index hold each of `grams` (0: none), from the process's counts when fresh."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    now = time.monotonic()
    with _lock:
        known = _counts.setdefault(engine, {}).setdefault(index.name, {})
        fresh = {g: known[g][0] for g in grams if g in known and now - known[g][1] < COUNTS_TTL}
    wanted = sorted(grams - fresh.keys())
    if wanted:
        vocabulary = table(index.vocabulary, column("term"), column("doc"))
        rows = {term: doc for term, doc in session.execute(
            select(vocabulary.c.term, vocabulary.c.doc).where(vocabulary.c.term.in_(wanted)))}
        counted = {g: int(rows.get(g, 0)) for g in wanted}
        with _lock:
            if len(known) + len(counted) > MOST_KEPT:
                known.clear()
            known.update({g: (n, now) for g, n in counted.items()})
        fresh.update(counted)
    return fresh


def rarest_trigrams(needle: str, counts: dict[str, int]) -> list[str]:
    """The needle's rarest trigrams, at most MOST_TRIGRAMS, apart from each other where the needle is
    long enough (trigrams that overlap mostly hold the same rows): the rarest first."""
    placed = sorted((counts[needle[i:i + 3]], i) for i in range(len(needle) - 2))
    chosen: list[int] = []
    for n, at in placed:
        if any(abs(at - other) < 3 for other in chosen):
            continue
        chosen.append(at)
        if n == 0 or len(chosen) == MOST_TRIGRAMS:  # a trigram no row holds: nothing more to ask
            break
    return list(dict.fromkeys(needle[at:at + 3] for at in chosen))


def match_query(grams: list[str]) -> str:
    """The FTS5 query asking for rows holding every one of `grams` (each a quoted string)."""
    return " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)


def needle_query(session: Session, index: TrigramIndex, needle: str) -> str:
    """The FTS5 query for the needle's rarest trigrams (three letters or more)."""
    grams = {needle[i:i + 3] for i in range(len(needle) - 2)}
    return match_query(rarest_trigrams(needle, trigram_counts(session, index, grams)))


def candidates(session: Session, index: TrigramIndex, needle: str) -> Any:
    """SELECT of the rowids holding the needle's rarest trigrams: a superset of the rows containing it
    (recheck the condition on them). Only when `uses_index`."""
    query = needle_query(session, index, needle)
    return select(index.table.c.rowid).where(index.matches(query))


def folded_contains(session: Session, folded: Any, index: TrigramIndex, needle: str) -> ColumnElement[bool]:
    """SQL: the folded column contains `needle` (any character taken literally). On SQLite a needle of
    three letters or more is looked up in the column's FTS5 trigram index (keyed by the row's id) by its
    rarest trigrams, and the candidates rechecked; shorter needles read the column itself."""
    contains: ColumnElement[bool] = folded.contains(needle, autoescape=True)
    if uses_index(session, needle):
        return folded.table.c.id.in_(candidates(session, index, needle)) & contains
    return contains
