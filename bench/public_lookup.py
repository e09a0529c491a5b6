"""Public lookup scaling: the public pages' reads on 10,000 and on 100,000 nominations, in one run.

The registry is made by `bench.history`'s seeding tool (dossiers taken through the engine to their
decisions, then copied with valid keys and Vietnamese names drawn at random; saved workflow states are
not copied: no public read touches them). The small registry is copied aside before the registry is
grown (bench.pairs), and every read alternates between the two, so a shared machine's drift weighs on
both sides alike: the figure is the ratio large/small within the run.

Reads: the engine's queries (engine/operations/public/queries.py) and the whole HTTP answer of the
award lookup through the Flask app (the per-address count written and committed, the ETag computed).
Page 10 of a given name is read both by its `next` cursor (keyset, the way the pages link; the cursor
found in the first warm-up) and by its number (offset): "tuoi" has ~250 matches at 10,000, 12 pages.

`python -m bench.public_lookup [--small 10000] [--large 100000] [--repeat 15] [--skip-pg] [--skip-sqlite]`
(sizes in nominations).
"""
from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

import engine.operations  # noqa: F401  (registers the helpers the product's scripts call)
from api import create_app
from bench import Timing, print_answers, print_small_large, sizes_parser
from bench.history import NOW, RARE, Read, answers, name, seed, settings_for, templates
from bench.pairs import KeepSmall, alternate, postgres_pair, sqlite_pair, timed
from engine.clock import FixedClock
from engine.config import PROJECT_ROOT
from engine.context import Context
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models import Nomination
from engine.operations.public import queries
from engine.runtime import Runtime
from engine.runtime.definitions import parse_directory
from tests.workflows.journey import Journey, build_tree


def reads(probe: str, app: Any, issuer: str) -> list[Read]:
    client = app.test_client()
    addresses = iter(range(10**9))

    def http(_ctx: Any) -> None:  # a new address each time: the per-address count is written, never refused
        n = next(addresses)
        response = client.get("/api/v1/public/awards", query_string={"name": probe},
                              environ_base={"REMOTE_ADDR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"})
        assert response.status_code == 200, response.status_code

    cursor: dict[str, str | None] = {}

    def tenth_page(ctx: Any) -> Any:  # the cursor of page 10 is found on the first (warm-up) call
        if "after" not in cursor:
            after = None
            for _ in range(9):
                after = queries.lookup_awards(ctx, name="tuoi", after=after).next
            cursor["after"] = after
        return queries.lookup_awards(ctx, name="tuoi", after=cursor["after"]).items

    return [
        Read("award lookup: a full name", lambda ctx: queries.lookup_awards(ctx, name=probe).items, counted=True),
        Read("award lookup: a rare full name (1 at each size)", lambda ctx: queries.lookup_awards(ctx, name=RARE).items,
             counted=True),
        Read("award lookup: a full name, one year", lambda ctx: queries.lookup_awards(ctx, name=probe,
                                                                                       year=2026).items),
        Read("award lookup: a given name (many), page 1", lambda ctx: queries.lookup_awards(ctx, name="tuoi").items,
             counted=True),
        Read("award lookup: a given name, page 10 (cursor)", tenth_page),
        Read("award lookup: a given name, page 10 (number)",
             lambda ctx: queries.lookup_awards(ctx, name="tuoi", page=10).items),
        Read("decisions: by number and year", lambda ctx: queries.search_decisions(ctx, number=7, year=2026).items),
        Read("decisions: by issuer's name, page 1", lambda ctx: queries.search_decisions(ctx, issuer=issuer).items),
        Read("lists under disclosure", lambda ctx: queries.disclosures(ctx).items),
        Read("HTTP GET /api/v1/public/awards?name=…", http),
    ]


def build(url: str, small: int, large: int, keep_small: KeepSmall | None = None) -> tuple[str, str]:
    """Seed `small` nominations at `url`, copy them aside (`keep_small` returns the copy's URL), grow `url`
    to `large`; returns the copy's URL ("" without `keep_small`) and the full name probed."""
    settings = settings_for(url, Path(tempfile.gettempdir()))
    upgrade(url)
    runtime = Runtime(parse_directory(PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms"), settings)
    db = make_engine(url)
    rng = random.Random(18)
    factory = make_session_factory(db)

    def nominations() -> int:
        with factory() as session:
            return session.scalar(select(func.count()).select_from(Nomination)) or 0

    with factory() as session:
        tree = build_tree(session, settings)
        session.commit()
        made = templates(session, settings, runtime, tree)
        per_template = nominations() / len(made)  # nominations per copied dossier
        # An award no copy holds (neither its family nor its given name is drawn): found once at every size.
        journey = Journey(Context(session, settings, FixedClock(NOW), runtime), tree)
        journey.submit(("GIAY_KHEN", RARE))
        journey.pass_level(tree.commune_office, tree.commune_head, **{RARE.replace(" ", "_"): "approve"})
    seed(db, round((small - nominations()) / per_template), made, rng, states=False)
    small_url = keep_small(db) if keep_small is not None else ""
    seed(db, round((large - nominations()) / per_template), made, rng, states=False)
    if db.dialect.name == "postgresql":
        with db.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    db.dispose()
    return small_url, name(random.Random(7))


def scaling(urls: list[str], label: str, instance_dir: Path, probe: str, repeat: int) -> None:
    """Every read on both registries in alternation (median of `repeat`, new session per read), then the
    rows the counted reads find on each; printed as one table."""
    engines = [make_engine(url) for url in urls]
    sides = []
    for url, db in zip(urls, engines, strict=True):
        settings = settings_for(url, instance_dir)
        runtime = Runtime(parse_directory(PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms"), settings)
        app = create_app(settings, runtime=runtime, clock=FixedClock(NOW))
        sides.append((settings, runtime, make_session_factory(db), reads(probe, app, "xa binh minh")))

    def call(side: Any, read: Read) -> Callable[[], Timing]:
        settings, runtime, factory, _ = side

        def run() -> Timing:
            with factory() as session:
                ctx = Context(session, settings, FixedClock(NOW), runtime)
                return timed(lambda: read.run(ctx))
        return run

    try:
        labels = [read.name for read in sides[0][3]]
        first, second = alternate([(label_, [call(side, side[3][i]) for side in sides])
                                   for i, label_ in enumerate(labels)], repeat)
        found = [answers(db, side[0], side[1], side[3]) for db, side in zip(engines, sides, strict=True)]
        with make_session_factory(engines[0])() as small, make_session_factory(engines[1])() as large:
            counts = [session.scalar(select(func.count()).select_from(Nomination)) or 0 for session in (small, large)]
    finally:
        for db in engines:
            db.dispose()
    print(f"\n{label}: {counts[0]:,} → {counts[1]:,} nominations")
    print_small_large(first, second, 48)
    print()
    print_answers(first, second, found[0], found[1], 48)


def main(argv: list[str] | None = None) -> int:
    args = sizes_parser("python -m bench.public_lookup", __doc__).parse_args(argv)
    started = time.perf_counter()
    print(f"Public lookup: {args.small:,} vs {args.large:,} nominations, reads alternating between the two; "
          f"median of {args.repeat} reads each (new session per read); {os.cpu_count()} CPUs, shared")
    with tempfile.TemporaryDirectory(prefix="khenthuong_bench_") as tmp:
        if not args.skip_sqlite:
            with sqlite_pair(Path(tmp)) as (url, keep_small):
                small_url, probe = build(url, args.small, args.large, keep_small)
                scaling([small_url, url], "SQLite", Path(tmp), probe, args.repeat)
        if not args.skip_pg:
            with postgres_pair() as pair:
                if pair is not None:
                    url, keep_small = pair
                    small_url, probe = build(url, args.small, args.large, keep_small)
                    scaling([small_url, url], "PostgreSQL", Path(tmp), probe, args.repeat)
    print(f"\n{time.perf_counter() - started:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
