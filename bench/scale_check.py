"""Not a benchmark: the name searches checked against plain SQL on a registry of a province's size.

The tests hold every road of the officers' search and of the public lookup on a few dozen rows, with
the caps lowered to reach them. This tool builds the registry the benches measure (`bench.history`'s
seeding tool: 100,000 nominations by default, the caps as they are) and compares, for drawn needles (bits
of the registry's own names and titles, one to fourteen letters, and a few fixed ones: LIKE's signs, two
letters, a name nobody bears), callers, filters and pages:
- the officers' search (`list_dossiers(q=…)`, as the province office, the commune office and the school)
  with the dossiers the caller may see whose folded title or nominee's folded name contains the needle,
  newest first, cut and counted as the list says (`LIST_COUNT_CAP`);
- the public lookup (`lookup_awards`, by cursor up to 15 pages and by page number) with the awards of
  issued decisions whose folded name contains it, newest decision first, and its count's floor and cap.
Every mismatch is printed; the exit status is 1 if there was one.

`python -m bench.scale_check [--nominations 100000] [--needles 20] [--skip-pg] [--skip-sqlite]`.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import exists, or_, select

import engine.operations  # noqa: F401  (registers the helpers the product's scripts call)
from bench.history import NOW, RARE, settings_for
from bench.pairs import postgres_pair
from bench.public_lookup import build as public_registry
from engine.clock import FixedClock
from engine.config import Settings
from engine.context import Context
from engine.db import make_engine, make_session_factory
from engine.models import Decision, DecisionStatus, Dossier, DossierStatus, Nomination, NominationStatus, Unit, User
from engine.operations.award.queries import dossiers
from engine.operations.award.queries.access import visible_dossiers
from engine.operations.award.queries.search import NEWEST_FIRST
from engine.operations.public import queries as public
from engine.text import fold

FIXED = ["tuoi", "an", "a", "t", "khen", "nguyen thi", "van tu", "%", "_", "50%", "2025-2026", "khong co ai",
         fold(RARE)]
PER_PAGE = 20
COMMUNE = "HBX-X01"  # the commune of the benches' tree (tests.workflows.journey.build_tree)


def build(url: str, nominations: int) -> tuple[Settings, Any, int]:
    """The registry at `url` as `bench.public_lookup` builds it, with about `nominations`; returns the
    settings, a session factory and the commune's id."""
    public_registry(url, nominations, nominations)
    factory = make_session_factory(make_engine(url))
    with factory() as session:
        commune = session.scalar(select(Unit.id).where(Unit.code == COMMUNE))
    assert commune is not None
    return settings_for(url, Path(tempfile.gettempdir())), factory, commune


def needles(factory: Any, count: int, rng: random.Random) -> list[str]:
    with factory() as session:
        names = list(session.scalars(select(Nomination.nominee_name_folded).order_by(Nomination.id)))
        titles = list(session.scalars(select(Dossier.title_folded).order_by(Dossier.id)))
    drawn = []
    for _ in range(count):
        source = rng.choice(rng.choice((names, titles)))
        size = rng.choice((1, 2, 3, 4, 6, 9, 14))
        start = rng.randrange(max(1, len(source) - size + 1))
        drawn.append(source[start:start + size])
    return FIXED + drawn


def check_search(settings: Settings, factory: Any, commune: int, probes: list[str]) -> tuple[int, int]:
    checked = bad = 0
    for username in ("tinh.vanphong", "xa.vanphong", "truong.denghi"):
        for filters in ({}, {"status": "decided"}, {"year": 2026}, {"unit": commune}):
            for needle in probes:
                for page in (1, 2, 7, 51):
                    with factory() as session:
                        user = session.scalar(select(User).where(User.username == username))
                        actor = Context(session, settings, FixedClock(NOW), None).as_actor(user)
                        found = dossiers.list_dossiers(actor, q=needle, page=page, per_page=PER_PAGE, **filters)
                        got = ([d.id for d in found.items], found.total, found.capped)
                        expected = _plain_search(session, user, filters, commune, fold(needle), page)
                    checked += 1
                    if got != expected:
                        bad += 1
                        print(f"  search {username} {filters} {needle!r} page {page}: total, capped {got[1:]} "
                              f"instead of {expected[1:]}; ids {got[0][:4]} instead of {expected[0][:4]}")
    return checked, bad


def _plain_search(session: Any, user: User, filters: dict[str, Any], commune: int, needle: str,
                  page: int) -> tuple[list[int], int, bool]:
    where = [visible_dossiers(session, user)]
    if "status" in filters:
        where.append(Dossier.status == DossierStatus(filters["status"]))
    if "year" in filters:
        where.append(Dossier.year == filters["year"])
    if "unit" in filters:
        where.append(or_(Dossier.proposing_unit_id == commune, Dossier.reviewing_unit_id == commune))
    offset, cap = (page - 1) * PER_PAGE, dossiers.LIST_COUNT_CAP
    kept = list(session.scalars(select(Dossier.id).where(*where, or_(
        Dossier.title_folded.contains(needle, autoescape=True),
        exists().where(Nomination.dossier_id == Dossier.id,
                       Nomination.nominee_name_folded.contains(needle, autoescape=True))))
        .order_by(*NEWEST_FIRST).limit(offset + cap + 1)))
    capped = len(kept) > offset + cap
    return kept[offset:offset + PER_PAGE], offset + cap if capped else len(kept), capped


def check_lookup(settings: Settings, factory: Any, probes: list[str]) -> tuple[int, int]:
    checked = bad = 0
    for needle in probes:
        for year in (None, 2026, 2025):
            with factory() as session:
                stmt = (select(Decision.signed_on, Decision.id, Nomination.id)
                        .join(Nomination, Nomination.decision_id == Decision.id)
                        .where(Nomination.status == NominationStatus.APPROVED, Decision.status == DecisionStatus.ISSUED,
                               Nomination.nominee_name_folded.contains(fold(needle), autoescape=True)))
                if year is not None:
                    stmt = stmt.where(Decision.year == year)
                truth = [nomination_id for *_, nomination_id in sorted(session.execute(stmt).all(), reverse=True)]
            if not fold(needle):  # a lookup with neither a name nor a unit lists nothing
                truth = []
            after = None
            for page in range(1, 16):  # by cursor, as the pages link
                with factory() as session:
                    found = public.lookup_awards(Context(session, settings, FixedClock(NOW), None), name=needle,
                                                 year=year, after=after, per_page=PER_PAGE)
                checked += 1
                if not _lookup_page_is_right(found, truth, page):
                    bad += 1
                    print(f"  lookup {needle!r} {year} page {page} by cursor: total {found.total}, capped "
                          f"{found.capped}, {len(truth)} matches")
                after = found.next
                if after is None:
                    break
            for page in (1, 2, 3, 12):  # by number
                with factory() as session:
                    found = public.lookup_awards(Context(session, settings, FixedClock(NOW), None), name=needle,
                                                 year=year, page=page, per_page=PER_PAGE)
                checked += 1
                if [a.nomination.id for a in found.items] != truth[(page - 1) * PER_PAGE:page * PER_PAGE]:
                    bad += 1
                    print(f"  lookup {needle!r} {year} page {page} by number: other rows")
    return checked, bad


def _lookup_page_is_right(found: Any, truth: list[int], page: int) -> bool:
    """The page's rows; the total exact up to the cap and on the last page, else a floor from the cap
    up; a `next` cursor exactly when rows follow."""
    last = len(truth) <= page * PER_PAGE
    if [a.nomination.id for a in found.items] != truth[(page - 1) * PER_PAGE:page * PER_PAGE]:
        return False
    if (found.next is None) != last:
        return False
    if len(truth) <= public.LOOKUP_COUNT_CAP or last:
        return bool((found.total, found.capped) == (len(truth), False))
    return bool(found.capped and public.LOOKUP_COUNT_CAP <= found.total <= len(truth))


def run(url: str, label: str, nominations: int, count: int) -> int:
    settings, factory, commune = build(url, nominations)
    probes = needles(factory, count, random.Random(5))
    searched, search_bad = check_search(settings, factory, commune, probes)
    looked, lookup_bad = check_lookup(settings, factory, probes)
    print(f"{label}: {len(probes)} needles; officers' search {searched} pages, {search_bad} wrong; "
          f"public lookup {looked} pages, {lookup_bad} wrong", flush=True)
    return search_bad + lookup_bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_check", description=__doc__.splitlines()[0])
    parser.add_argument("--nominations", type=int, default=100_000)
    parser.add_argument("--needles", type=int, default=20, help="drawn from the registry, besides the fixed ones")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args(argv)
    wrong = 0
    with tempfile.TemporaryDirectory(prefix="khenthuong_check_") as tmp:
        if not args.skip_sqlite:
            wrong += run(f"sqlite:///{Path(tmp) / 'registry.sqlite'}", "SQLite", args.nominations, args.needles)
        if not args.skip_pg:
            with postgres_pair() as pair:
                if pair is None:
                    return 1
                wrong += run(pair[0], "PostgreSQL", args.nominations, args.needles)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
