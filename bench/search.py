"""The officers' search on registries of 10,000 and 100,000 finished dossiers, read in alternation.

`bench.history` measures its small registry, grows it and measures again: minutes apart, so a machine
whose speed drifts (a shared one) moves its ratios. Here both registries exist at once (the small one is
copied before the seeding tool grows it: a file on SQLite, a template database on PostgreSQL) and every
read alternates between them, so drift weighs on both sides alike. The reads: the officers' search as
the province office for a full name the copies hold (one nomination in 9,600), a rare full name (two
dossiers at each size), a given name held by one nomination in 40 (it fills the page), two letters ("an":
no trigram index helps), a word of every title ("khen"), and the plain list's first page for reference.
A tool, not a test. Run: `python -m bench.search [--small 10000] [--large 100000] [--repeat 15] [--skip-pg]
[--skip-sqlite]`.
"""
from __future__ import annotations

import functools
import os
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from bench import sizes_parser
from bench.history import NOW, PAGE_FILLER, RARE, name, seed, settings_for, templates
from bench.pairs import KeepSmall, alternate, postgres_pair, sqlite_pair, timed
from engine.clock import FixedClock
from engine.config import PROJECT_ROOT, Settings
from engine.context import Context
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models import User
from engine.operations.award import queries
from engine.runtime import Runtime
from engine.runtime.definitions import parse_directory
from engine.text import fold
from tests.workflows.journey import Journey, build_tree

Side = tuple[Settings, Runtime, sessionmaker[Session]]


def reads(probe: str) -> list[tuple[str, dict[str, Any]]]:
    return [("search a full name the copies hold", {"q": probe}), ("search a rare full name", {"q": RARE}),
            ("search a given name filling the page", {"q": PAGE_FILLER}), ("search two letters (an)", {"q": "an"}),
            ("search a word of every title (khen)", {"q": "khen"}), ("dossier list, page 1", {})]


def build(url: str, small: int, large: int, keep_small: KeepSmall) -> tuple[str, int, str]:
    """Seed `small` dossiers at `url`, copy them aside (`keep_small` returns the copy's URL), grow `url` to
    `large`; returns the copy's URL, the province office's id and the full name probed."""
    upgrade(url)
    settings = settings_for(url, Path(tempfile.gettempdir()))
    runtime = Runtime(parse_directory(PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms"), settings)
    db = make_engine(url)
    with make_session_factory(db)() as session:
        tree = build_tree(session, settings)
        session.commit()
        made = templates(session, settings, runtime, tree)
        journey = Journey(Context(session, settings, FixedClock(NOW), runtime), tree)
        journey.submit(("GIAY_KHEN", RARE))
        journey.submit(("GIAY_KHEN", RARE))
        office = tree.province_office.id
        session.commit()
    rng = random.Random(18)
    seed(db, small - len(made), made, rng, states=False)
    small_url = keep_small(db)
    seed(db, large - small, made, rng, states=False)
    if db.dialect.name == "postgresql":
        with db.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    db.dispose()
    return small_url, office, fold(name(random.Random(7)))


def measure(urls: list[str], office: int, probe: str, repeat: int) -> list[tuple[str, list[tuple[float, float, int]]]]:
    """Each read on both registries in alternation (bench.pairs), then once more on each for the list's
    total: per read, (CPU, wall, total) of each side."""
    sides: list[Side] = []
    engines = [make_engine(url) for url in urls]
    for url, db in zip(urls, engines, strict=True):
        settings = settings_for(url, Path(tempfile.gettempdir()))
        sides.append((settings, Runtime(parse_directory(PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms"),
                                        settings), make_session_factory(db)))

    def listed(side: Side, args: dict[str, Any], clocked: bool) -> Any:
        settings, runtime, factory = side
        with factory() as session:
            actor = Context(session, settings, FixedClock(NOW), runtime).as_actor(session.get(User, office))
            return (timed(lambda: queries.list_dossiers(actor, **args)) if clocked
                    else queries.list_dossiers(actor, **args).total)

    todo = reads(probe)
    timings = alternate([(label, [functools.partial(listed, side, args, True) for side in sides])
                         for label, args in todo], repeat)
    out = [(label, [(*timings[k][label], listed(side, args, False)) for k, side in enumerate(sides)])
           for label, args in todo]
    for db in engines:
        db.dispose()
    return out


def report(label: str, rows: list[tuple[str, list[tuple[float, float, int]]]]) -> None:
    print(f"\n{label}")
    head = (f"{'read':<40}{'CPU small':>11}{'CPU large':>11}{'ratio':>8}{'wall small':>12}{'wall large':>12}"
            f"{'ratio':>8}{'found':>16}")
    print(head + "\n" + "-" * len(head))
    for read, ((c1, w1, n1), (c2, w2, n2)) in rows:
        print(f"{read:<40}{c1 * 1000:>9.2f}ms{c2 * 1000:>9.2f}ms{c2 / c1:>7.2f}×{w1 * 1000:>10.2f}ms"
              f"{w2 * 1000:>10.2f}ms{w2 / w1:>7.2f}×{f'{n1:,} → {n2:,}':>16}")
    print("CPU: this Python process (SQLite's work included; PostgreSQL's server CPU not). Found: the list's "
          "total (capped at 1,000).")


def main(argv: list[str] | None = None) -> int:
    parser = sizes_parser("python -m bench.search", __doc__)
    args = parser.parse_args(argv)
    print(f"Search: {args.small:,} vs {args.large:,} finished dossiers, reads alternating between the two; median "
          f"of {args.repeat}; {os.cpu_count()} CPUs, shared")
    with tempfile.TemporaryDirectory(prefix="khenthuong_bench_") as tmp:
        if not args.skip_sqlite:
            with sqlite_pair(Path(tmp)) as (url, keep_small):
                small_url, office, probe = build(url, args.small, args.large, keep_small)
                report("SQLite", measure([small_url, url], office, probe, args.repeat))
        if not args.skip_pg:
            with postgres_pair() as pair:
                if pair is not None:
                    url, keep_small = pair
                    small_url, office, probe = build(url, args.small, args.large, keep_small)
                    report("PostgreSQL", measure([small_url, url], office, probe, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
