"""Public lookup scaling: the public pages' reads on 10,000 and on 100,000 nominations, in one run.

The registry is made by `bench.history`'s seeding tool (dossiers taken through the engine to their
decisions, then copied with valid keys and Vietnamese names drawn at random; saved workflow states are
not copied: no public read touches them). Each read is measured on the small registry, the registry is
grown, and the same read is measured again: the figure is the ratio large/small within the run.

Reads: the engine's queries (engine/operations/public/queries.py) and the whole HTTP answer of the
award lookup through the Flask app (the per-address count written and committed, the ETag computed).
Page 10 of a given name is read both by its `next` cursor (keyset, the way the pages link; the cursor
found in the first warm-up) and by its number (offset): "tuoi" has ~250 matches at 10,000, 12 pages.

`python -m bench.public_lookup [--small 10000] [--large 100000] [--repeat 15] [--skip-pg] [--skip-sqlite]`
(sizes in nominations).
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

import engine.operations  # noqa: F401  (registers the helpers the product's scripts call)
from api import create_app
from bench import print_answers, print_small_large
from bench.history import NOW, RARE, Read, answers, measure, name, seed, settings_for, templates
from bench.long_loop import DEFAULT_PG_URL, pg_database
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


def scaling(url: str, label: str, small: int, large: int, instance_dir: Path,
            repeat: int) -> tuple[str, dict[str, tuple[float, float]], dict[str, tuple[float, float]], int, int,
                                  dict[str, int], dict[str, int]]:
    settings = settings_for(url, instance_dir)
    upgrade(url)
    runtime = Runtime(parse_directory(PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms"), settings)
    db = make_engine(url)
    rng = random.Random(18)
    app = create_app(settings, runtime=runtime, clock=FixedClock(NOW))
    factory = make_session_factory(db)

    def nominations() -> int:
        with factory() as session:
            return session.scalar(select(func.count()).select_from(Nomination)) or 0

    def analyze() -> None:
        if url.startswith("postgresql"):
            with db.connect() as conn:
                conn.execute(text("ANALYZE"))
                conn.commit()

    try:
        with factory() as session:
            tree = build_tree(session, settings)
            session.commit()
            made = templates(session, settings, runtime, tree)
            per_template = nominations() / len(made)  # nominations per copied dossier
            # An award no copy holds (neither its family nor its given name is drawn): found once at every size.
            journey = Journey(Context(session, settings, FixedClock(NOW), runtime), tree)
            journey.submit(("GIAY_KHEN", RARE))
            journey.pass_level(tree.commune_office, tree.commune_head, **{RARE.replace(" ", "_"): "approve"})
        probe = name(random.Random(7))
        seed(db, round((small - nominations()) / per_template), made, rng, states=False)
        analyze()
        at_small = nominations()
        first = measure(db, settings, runtime, reads(probe, app, "xa binh minh"), repeat)
        rows_small = answers(db, settings, runtime, reads(probe, app, "xa binh minh"))
        seed(db, round((large - at_small) / per_template), made, rng, states=False)
        analyze()
        second = measure(db, settings, runtime, reads(probe, app, "xa binh minh"), repeat)
        rows_large = answers(db, settings, runtime, reads(probe, app, "xa binh minh"))
        return label, first, second, at_small, nominations(), rows_small, rows_large
    finally:
        db.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.public_lookup", description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000, help="nominations")
    parser.add_argument("--large", type=int, default=100_000, help="nominations")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args(argv)
    results = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="khenthuong_bench_") as tmp:
        if not args.skip_sqlite:
            results.append(scaling(f"sqlite:///{Path(tmp) / 'public.sqlite'}", "SQLite", args.small, args.large,
                                   Path(tmp), args.repeat))
        if not args.skip_pg:
            database = pg_database(os.environ.get("KHENTHUONG_BENCH_PG_URL", DEFAULT_PG_URL))
            if database is not None:
                url, drop = database
                try:
                    results.append(scaling(url, "PostgreSQL", args.small, args.large, Path(tmp), args.repeat))
                finally:
                    drop()
    print(f"\nPublic lookup: {args.small:,} vs {args.large:,} nominations; median of {args.repeat} reads each "
          f"(new session per read); {os.cpu_count()} CPUs, shared; ratios within one run "
          f"({time.perf_counter() - started:.0f} s in all)")
    for label, first, second, at_small, at_large, rows_small, rows_large in results:
        print(f"\n{label}: {at_small:,} → {at_large:,} nominations")
        print_small_large(first, second, 48)
        print()
        print_answers(first, second, rows_small, rows_large, 48)
    return 0


if __name__ == "__main__":
    sys.exit(main())
