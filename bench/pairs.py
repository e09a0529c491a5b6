"""Two registries at once, for the benches whose reads alternate between a small and a large one.

A bench that measures its small registry, grows it and measures again compares figures taken minutes
apart, and on a shared machine whose speed drifts that moves the ratios (a plain list's by 1.5-2× with no
code change). Here the small registry is copied aside before the seeding tool grows the original (a file
on SQLite, a template database on PostgreSQL), so both exist when the reads run and each read can go to
one and then the other: drift weighs on both sides alike.
"""
from __future__ import annotations

import os
import shutil
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, make_url, text

from bench import Timing
from bench.long_loop import DEFAULT_PG_URL, pg_database

# Called once the small registry is seeded (its engine given): copies it aside, returns the copy's URL.
KeepSmall = Callable[[Engine], str]


@contextmanager
def sqlite_pair(tmp: Path) -> Iterator[tuple[str, KeepSmall]]:
    """The URL of the SQLite file to seed and grow, and how to keep its small state aside."""
    large_path, small_path = tmp / "large.sqlite", tmp / "small.sqlite"

    def keep_small(db: Engine) -> str:
        db.dispose()
        shutil.copy(large_path, small_path)
        return f"sqlite:///{small_path}"

    yield f"sqlite:///{large_path}", keep_small


@contextmanager
def postgres_pair() -> Iterator[tuple[str, KeepSmall] | None]:
    """The URL of a new PostgreSQL database to seed and grow, and how to keep its small state aside (a
    database made from it as a template, analyzed first); both dropped on exit. None when PostgreSQL
    cannot be reached (`pg_database` says why)."""
    database = pg_database(os.environ.get("KHENTHUONG_BENCH_PG_URL", DEFAULT_PG_URL))
    if database is None:
        yield None
        return
    url, drop = database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    copy_name = f"{make_url(url).database}_small"

    def keep_small(db: Engine) -> str:
        with db.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{copy_name}" TEMPLATE "{make_url(url).database}"'))
        return make_url(url).set(database=copy_name).render_as_string(hide_password=False)

    try:
        yield url, keep_small
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)'))
        admin.dispose()
        drop()


def alternate(reads: list[tuple[str, list[Callable[[], Any]]]], repeat: int) -> list[dict[str, Timing]]:
    """Per read, the median CPU (this process) and wall time of each side's call, the sides called in turn
    `repeat` times after two warm-ups: one dict per side, in the order of the calls given."""
    sides = len(reads[0][1]) if reads else 0
    out: list[dict[str, Timing]] = [{} for _ in range(sides)]
    for label, calls in reads:
        cpu: list[list[float]] = [[] for _ in calls]
        wall: list[list[float]] = [[] for _ in calls]
        for i in range(repeat + 2):
            for k, call in enumerate(calls):
                spent = call()
                if i >= 2:
                    cpu[k].append(spent[0])
                    wall[k].append(spent[1])
        for k in range(len(calls)):
            out[k][label] = (statistics.median(cpu[k]), statistics.median(wall[k]))
    return out


def timed(work: Callable[[], Any]) -> Timing:
    """The CPU (this process) and wall time `work` takes."""
    c0, w0 = time.process_time(), time.perf_counter()
    work()
    return time.process_time() - c0, time.perf_counter() - w0
