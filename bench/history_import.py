"""What importing award history from Excel costs: 50,000 rows, streamed, on SQLite and PostgreSQL.

python -m bench.history_import [--people 5000] [--years 10] [--skip-pg]

One file of `people` × `years` rows (tests/history_file.py: an award every year, a decision on odd
years, an initiative every fourth row, a yearly grade every row), generated once. Per database, in
the same run: the baseline — openpyxl streaming the same file cell by cell (read-only, values only),
which no import can beat — then `preview_history` (read, check, match people; writes only its
record), `import_history` (read, check, match, bulk insert, commit) on the empty registry, and the
same file imported again (everything found, nothing added). Reported: seconds and the ratio to the
baseline, and the process's peak resident memory.
"""
from __future__ import annotations

import argparse
import io
import os
import resource
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine.clock import FixedClock
from engine.config import Settings
from engine.context import Context
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models import Role, User
from engine.operations.registry import history
from tests.factories import make_unit, make_user
from tests.history_file import generate

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
UNITS = [f"T-X1-{i:02d}" for i in range(1, 21)]


def baseline(data: bytes) -> float:
    start = time.perf_counter()
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    cells = sum(1 for row in book.worksheets[0].iter_rows(values_only=True) for _ in row)
    book.close()
    assert cells
    return time.perf_counter() - start


def run(url: str, data: bytes, label: str, instance: Path) -> dict[str, float]:
    upgrade(url)
    settings = Settings(database_url=url, instance_dir=instance, secret_key="bench", identity_key="bench",
                        argon2_time_cost=1, argon2_memory_cost_kib=1024)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    clock = FixedClock(datetime(2026, 11, 23, 2, tzinfo=UTC))
    with sessions() as session:
        province = make_unit(session, "T", level="province")
        commune = make_unit(session, "T-X1", parent=province)
        for code in UNITS:
            make_unit(session, code, parent=commune, level="agency", reviews_awards=False)
        office = make_user(session, settings, "bench.vanphong", (Role.OFFICE, commune))
        session.commit()
        office_id = office.id

    def timed(step: Callable[[Context], Any]) -> float:
        with sessions() as session:
            ctx = Context(session=session, settings=settings, clock=clock,
                          actor=session.get_one(User, office_id))
            start = time.perf_counter()
            step(ctx)
            session.commit()
            return time.perf_counter() - start

    figures = {"baseline (openpyxl read)": baseline(data)}
    figures["preview"] = timed(lambda ctx: history.preview_history(ctx, "bench.xlsx", data))
    figures["import, empty registry"] = timed(lambda ctx: history.import_history(ctx, "bench.xlsx", data))
    figures["import again (adds nothing)"] = timed(lambda ctx: history.import_history(ctx, "bench.xlsx", data))
    engine.dispose()
    print(f"\n{label}")
    base = figures["baseline (openpyxl read)"]
    for name, seconds in figures.items():
        print(f"  {name:32} {seconds:7.2f} s   × {seconds / base:5.2f} baseline")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.history_import", description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    file = generate(UNITS, args.people, years=range(2026 - args.years, 2026))
    print(f"{file.rows} rows, {len(file.data) / 1e6:.1f} MB, generated in {time.perf_counter() - start:.1f} s")
    with tempfile.TemporaryDirectory(prefix="khenthuong_bench_") as tmp:
        run(f"sqlite:///{Path(tmp) / 'bench.sqlite'}", file.data, "SQLite", Path(tmp))
        if not args.skip_pg:
            base = make_url(os.environ.get("KHENTHUONG_BENCH_PG_URL", DEFAULT_PG_URL))
            name = f"khenthuong_bench_{secrets.token_hex(6)}"
            admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                run(base.set(database=name).render_as_string(hide_password=False), file.data, "PostgreSQL", Path(tmp))
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of the process: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
