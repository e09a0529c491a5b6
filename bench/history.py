"""History scaling: the same reads on a registry of 10,000 and of 100,000 finished dossiers.

`seed()` is the seeding tool (kept as a tool, not a test): a few dossiers are taken through the
engine to their decision (the product's processes, a school → commune → province tree), then their
rows are copied with valid keys — dossier, nominations, attachments, decisions (renumbered per issuer
and year, the counters moved on), process instance (its state, a new revision), human tasks, path
steps — each copy with nominees drawn from common Vietnamese names and its own title and dates.
Not copied: audit events (a hash chain, rebuilt only through the engine) and the registry's awards.
On PostgreSQL the id sequences are moved past the copies.

`python -m bench.history [--small 10000] [--large 100000] [--skip-pg] [--skip-sqlite] [--no-states]` seeds the small
registry, measures, grows it to the large one, measures again, and reports each read's median as a
ratio large/small (the small registry is the baseline, measured in the same run).
"""
from __future__ import annotations

import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session

import engine.operations  # noqa: F401  (registers the helpers the product's scripts call)
from bench import print_answers, print_small_large, sizes_parser
from bench.long_loop import DEFAULT_PG_URL, pg_database
from engine.clock import FixedClock
from engine.config import PROJECT_ROOT, Settings
from engine.context import Context
from engine.db import Base, is_postgres, make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models import DecisionCounter, Dossier, User
from engine.operations import tasks
from engine.operations.award import queries
from engine.runtime import Runtime
from engine.runtime.definitions import parse_directory
from engine.text import fold
from tests.workflows.journey import Journey, Tree, build_tree

NOW = datetime(2026, 11, 21, 2, tzinfo=UTC)
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Đinh", "Trương", "Lâm", "Mai"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Thu", "Hoài", "Xuân", "Gia"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Nhung", "Phong", "Phúc", "Phương", "Quang", "Sơn",
         "Tâm", "Thắng", "Thảo", "Thủy", "Trang", "Trung", "Tuấn", "Tươi", "Uyên", "Vân", "Việt", "Xuân", "Yến"]
# Copied per dossier, parents first; (column, table it names) for every key that moves with the copy.
COPIED: list[tuple[str, list[tuple[str, str]]]] = [
    ("process_instance", [("dossier_id", "dossier")]),
    ("dossier", [("instance_id", "process_instance")]),
    ("decision", [("dossier_id", "dossier")]),
    ("nomination", [("dossier_id", "dossier"), ("decision_id", "decision")]),
    ("attachment", [("dossier_id", "dossier"), ("nomination_id", "nomination")]),
    ("human_task", [("instance_id", "process_instance"), ("dossier_id", "dossier")]),
    ("process_step", [("instance_id", "process_instance")]),
]
BATCH = 500  # copies per transaction


def name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def settings_for(url: str, instance_dir: Path) -> Settings:
    return Settings(database_url=url, instance_dir=instance_dir, secret_key="bench",
                    argon2_time_cost=1, argon2_memory_cost_kib=1024)


def templates(session: Session, settings: Settings, runtime: Runtime, tree: Tree) -> list[int]:
    """Dossiers decided through the engine: one granted at the commune, one forwarded to the province
    after a supplement loop and granted there (two levels, a supplement, three nominations)."""
    journey = Journey(Context(session, settings, FixedClock(NOW), runtime), tree)
    made = [journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))]
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve")
    made.append(journey.submit(("GIAY_KHEN", "Trần Văn Hùng"), ("BK_TINH", "Phạm Văn An")))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "supplement", "missing": "Tờ trình"})
    journey.complete(tree.proposer, "supplement_dossier", {"note": "Đã bổ sung"})
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)
    journey.decide(tree.commune_head, Trần_Văn_Hùng="approve", Phạm_Văn_An="forward")
    journey.pass_level(tree.province_office, tree.province_head, Phạm_Văn_An="approve")
    return made


def _rows(session: Session, table: str, template_ids: list[int], instance_ids: list[int]) -> list[dict[str, Any]]:
    t = Base.metadata.tables[table]
    where = {"process_instance": t.c.id.in_(instance_ids) if table == "process_instance" else None,
             "human_task": t.c.instance_id.in_(instance_ids) if table == "human_task" else None,
             "process_step": t.c.instance_id.in_(instance_ids) if table == "process_step" else None,
             "dossier": t.c.id.in_(template_ids) if table == "dossier" else None}.get(table)
    if where is None:
        where = t.c.dossier_id.in_(template_ids)
    return [dict(row._mapping) for row in session.execute(select(t).where(where).order_by(t.c.id))]


def seed(db: Engine, count: int, template_ids: list[int], rng: random.Random, states: bool = True) -> None:
    """Add `count` copies of the template dossiers (module docstring)."""
    factory = make_session_factory(db)
    with factory() as session:
        instance_ids = [i for i in session.scalars(select(Dossier.instance_id).where(Dossier.id.in_(template_ids)))
                        if i is not None]
        rows = {table: _rows(session, table, template_ids, instance_ids) for table, _ in COPIED}
        counters = {(c.issuer_unit_id, c.year): c.last_number for c in session.scalars(select(DecisionCounter))}
        next_id = {table: (session.scalar(select(func.max(Base.metadata.tables[table].c.id))) or 0) + 1
                   for table, _ in COPIED}
    low = {table: min((r["id"] for r in rs), default=0) for table, rs in rows.items()}
    span = {table: max((r["id"] for r in rs), default=0) - low[table] + 1 for table, rs in rows.items()}
    per_copy = len(template_ids)
    done = 0
    while done < count:
        batch = min(BATCH, (count - done + per_copy - 1) // per_copy)
        with factory() as session:
            for table, keys in COPIED:
                out = [_copy(table, keys, row, k, next_id, low, span)
                       for k in range(batch) for row in rows[table]]
                for i, row in enumerate(out):
                    _vary(table, row, done // per_copy + i // max(len(rows[table]), 1), rng, counters, states)
                if out:
                    insert(session, table, out)
            session.commit()
        for table in next_id:
            next_id[table] += batch * span[table]
        done += batch * per_copy
    with factory() as session:
        for (issuer, year), last in counters.items():
            session.execute(update(DecisionCounter).where(DecisionCounter.issuer_unit_id == issuer,
                                                          DecisionCounter.year == year).values(last_number=last))
        if is_postgres(session):
            for table, _ in COPIED:
                session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))"))
        session.commit()


def insert(session: Session, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert the copies: PostgreSQL through COPY (each value bound by its column's type first, as an
    INSERT would bind it), SQLite through one executemany (its triggers keep the FTS5 indexes)."""
    t = Base.metadata.tables[table]
    if not is_postgres(session):
        session.execute(t.insert(), rows)
        return
    dialect = session.get_bind().dialect
    columns = list(t.columns)
    bind = [c.type._cached_bind_processor(dialect) for c in columns]
    names = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns)
    raw = session.connection().connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c.name] if p is None or row[c.name] is None else p(row[c.name])
                            for c, p in zip(columns, bind, strict=True)])


def _copy(table: str, keys: list[tuple[str, str]], row: dict[str, Any], k: int, next_id: dict[str, int],
          low: dict[str, int], span: dict[str, int]) -> dict[str, Any]:
    """Copy number `k` of a template row: its id and the keys naming other copied rows moved."""
    def moved(ref: str, value: int | None) -> int | None:
        if value is None or not (low[ref] <= value < low[ref] + span[ref]):
            return value
        return next_id[ref] + k * span[ref] + value - low[ref]

    new = dict(row, id=moved(table, row["id"]))
    for column, ref in keys:
        new[column] = moved(ref, row[column])
    return new


def _vary(table: str, row: dict[str, Any], k: int, rng: random.Random,
          counters: dict[tuple[int, int], int], states: bool) -> None:
    """What makes a copy a dossier of its own: names, titles, dates, decision numbers, a revision."""
    back = timedelta(minutes=7 * (k + 1))
    for column in ("created_at", "updated_at", "submitted_at", "decided_at", "started_at", "completed_at"):
        if row.get(column) is not None:
            row[column] = row[column] - back
    if table == "nomination":
        row["nominee_name"] = name(rng)
        row["nominee_name_folded"] = fold(row["nominee_name"])
    elif table == "dossier":
        row["title"] = f"Đề nghị khen thưởng năm học {2000 + k % 26}-{2001 + k % 26}, đợt {k}"
        row["title_folded"] = fold(row["title"])
    elif table == "decision":
        key = (row["issuer_unit_id"], row["year"])
        counters[key] = counters.get(key, 0) + 1
        row["number"] = counters[key]
    elif table == "process_instance":
        row["revision"] = secrets.token_hex(16)
        if not states:
            row["state"] = ""


@dataclass
class Read:
    name: str
    run: Callable[[Context], Any]
    counted: bool = False  # its answer (a list) is counted once after the timing: rows found, CPU per row


# A given name held by one nomination in 40: its search fills a whole page at every size (its count
# stops at the list's cap of 1,000 past the page's first at 100,000).
PAGE_FILLER = "tuoi"
# The live dossiers' nominee: a name no copy holds (neither the family nor the given name is drawn), so
# its search finds the same two dossiers at every size.
RARE = "Lương Thị Mến"
SUPPLEMENT = {"outcome": "supplement", "missing": "Tờ trình"}
ANSWER = {"note": "Đã bổ sung"}


def supplement_loop(ctx: Context, tree_ids: dict[str, int], dossier_id: int) -> None:
    """Two task completions of a live dossier, each a request of its own (a session, a commit): the
    commune office takes `check_completeness` from its inbox and asks for a supplement, the proposer
    takes `supplement_dossier` from theirs and answers — the dossier is back where it was."""
    factory = make_session_factory(ctx.session.get_bind())  # type: ignore[arg-type]
    for user, key, form in (("commune_office", "check_completeness", SUPPLEMENT),
                            ("proposer", "supplement_dossier", ANSWER)):
        with factory() as session:
            request = Context(session, ctx.settings, ctx.clock, ctx.runtime, session.get(User, tree_ids[user]))
            (task,) = [t for t in tasks.list_tasks(request, per_page=200).items
                       if t.dossier_id == dossier_id and t.key == key]
            tasks.complete_task(request, task.id, form)
            session.commit()


def reads(tree_ids: dict[str, int], probe: str, live: int) -> list[Read]:
    return [
        Read("search a common name (province office)", lambda ctx: queries.list_dossiers(ctx.as_actor(
            ctx.session.get(User, tree_ids["province_office"])), q=probe).items, counted=True),
        Read("search a rare name (province office)", lambda ctx: queries.list_dossiers(ctx.as_actor(
            ctx.session.get(User, tree_ids["province_office"])), q=RARE).items, counted=True),
        Read("search a given name filling the page (province)", lambda ctx: queries.list_dossiers(ctx.as_actor(
            ctx.session.get(User, tree_ids["province_office"])), q=PAGE_FILLER).items, counted=True),
        Read("dossier list, page 1 (province office)", lambda ctx: queries.list_dossiers(ctx.as_actor(
            ctx.session.get(User, tree_ids["province_office"]))).items),
        Read("dossier list, page 50 (province office)", lambda ctx: queries.list_dossiers(ctx.as_actor(
            ctx.session.get(User, tree_ids["province_office"])), page=50).items),
        Read("dossier list, decided in 2026 (commune office)", lambda ctx: queries.list_dossiers(ctx.as_actor(
            ctx.session.get(User, tree_ids["commune_office"])), status="decided", year=2026).items),
        Read("inbox (commune office)", lambda ctx: tasks.task_rows(ctx, tasks.list_tasks(ctx.as_actor(
            ctx.session.get(User, tree_ids["commune_office"])), per_page=200).items)),
        Read("2 task completions from the inboxes (live dossier)",
             lambda ctx: supplement_loop(ctx, tree_ids, live)),
    ]


def measure(db: Engine, settings: Settings, runtime: Runtime, todo: list[Read],
            repeat: int) -> dict[str, tuple[float, float]]:
    """Per read: the median CPU of this process (SQLite works in it; PostgreSQL's server CPU is not
    counted) and the median wall time, each read in a new session after two warm-ups."""
    factory = make_session_factory(db)
    out = {}
    for read in todo:
        cpu, wall = [], []
        for i in range(repeat + 2):
            with factory() as session:
                c0, w0 = time.process_time(), time.perf_counter()
                read.run(Context(session, settings, FixedClock(NOW), runtime))
                c1, w1 = time.process_time(), time.perf_counter()
            if i >= 2:
                cpu.append(c1 - c0)
                wall.append(w1 - w0)
        out[read.name] = (statistics.median(cpu), statistics.median(wall))
    return out


def answers(db: Engine, settings: Settings, runtime: Runtime, todo: list[Read]) -> dict[str, int]:
    """The rows each counted read finds (run once more, in a new session)."""
    factory = make_session_factory(db)
    found = {}
    for read in todo:
        if read.counted:
            with factory() as session:
                found[read.name] = len(read.run(Context(session, settings, FixedClock(NOW), runtime)))
    return found


Scaled = tuple[str, dict[str, tuple[float, float]], dict[str, tuple[float, float]], float, dict[str, int],
               dict[str, int]]


def scaling(url: str, label: str, small: int, large: int, instance_dir: Path, repeat: int,
            states: bool) -> Scaled:
    settings = settings_for(url, instance_dir)
    upgrade(url)
    runtime = Runtime(parse_directory(PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms"), settings)
    db = make_engine(url)
    rng = random.Random(18)
    try:
        with make_session_factory(db)() as session:
            tree = build_tree(session, settings)
            session.commit()
            made = templates(session, settings, runtime, tree)
            # Live dossiers waiting at the commune's completeness check: one measured on each registry.
            journey = Journey(Context(session, settings, FixedClock(NOW), runtime), tree)
            live = [journey.submit(("GIAY_KHEN", RARE)) for _ in range(2)]
            ids = {"province_office": tree.province_office.id, "commune_office": tree.commune_office.id,
                   "proposer": tree.proposer.id}
            # A name the copies hold: one nomination in 9,600 (≈2 dossiers at 10,000, ≈15 at 100,000).
            probe = fold(name(random.Random(7)))
        t0 = time.perf_counter()
        seed(db, small - len(made), made, rng, states)
        seconds = time.perf_counter() - t0
        if is_postgres_url(url):
            with db.connect() as conn:
                conn.execute(text("ANALYZE"))
                conn.commit()
        census(db, label)
        first = measure(db, settings, runtime, reads(ids, probe, live[0]), repeat)
        rows_small = answers(db, settings, runtime, reads(ids, probe, live[0]))
        seed(db, large - small, made, rng, states)
        if is_postgres_url(url):
            with db.connect() as conn:
                conn.execute(text("ANALYZE"))
                conn.commit()
        census(db, label)
        second = measure(db, settings, runtime, reads(ids, probe, live[1]), repeat)
        rows_large = answers(db, settings, runtime, reads(ids, probe, live[1]))
        return label, first, second, seconds, rows_small, rows_large
    finally:
        db.dispose()


def census(db: Engine, label: str) -> None:
    """What the registry holds, and that the copies hang together (every nomination's and task's
    dossier and every dossier's instance are there)."""
    with db.connect() as conn:
        counts = {table: conn.scalar(text(f"SELECT count(*) FROM {table}"))
                  for table in ("dossier", "nomination", "decision", "human_task", "process_instance")}
        orphans = conn.scalar(text(
            "SELECT (SELECT count(*) FROM nomination WHERE dossier_id NOT IN (SELECT id FROM dossier))"
            " + (SELECT count(*) FROM human_task WHERE dossier_id NOT IN (SELECT id FROM dossier))"
            " + (SELECT count(*) FROM dossier WHERE instance_id NOT IN (SELECT id FROM process_instance))"))
    print(f"{label}: " + ", ".join(f"{n:,} {table}" for table, n in counts.items()) + f"; {orphans} orphans",
          flush=True)
    assert orphans == 0


def is_postgres_url(url: str) -> bool:
    return url.startswith("postgresql")


def main(argv: list[str] | None = None) -> int:
    parser = sizes_parser("python -m bench.history", __doc__)
    parser.add_argument("--no-states", action="store_true", help="copy instances without their saved state")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="khenthuong_bench_") as tmp:
        if not args.skip_sqlite:
            results.append(scaling(f"sqlite:///{Path(tmp) / 'history.sqlite'}", "SQLite", args.small, args.large,
                                   Path(tmp), args.repeat, not args.no_states))
        if not args.skip_pg:
            database = pg_database(os.environ.get("KHENTHUONG_BENCH_PG_URL", DEFAULT_PG_URL))
            if database is not None:
                url, drop = database
                try:
                    results.append(scaling(url, "PostgreSQL", args.small, args.large, Path(tmp), args.repeat,
                                           not args.no_states))
                finally:
                    drop()
    print(f"\nHistory scaling: {args.small:,} vs {args.large:,} finished dossiers; median of {args.repeat} "
          f"reads each (new session per read); {os.cpu_count()} CPUs, shared; ratios within one run")
    for label, first, second, seconds, rows_small, rows_large in results:
        print(f"\n{label} (seeding {args.small:,} took {seconds:.0f} s)")
        print_small_large(first, second, 48)
        print()
        print_answers(first, second, rows_small, rows_large, 48)
    return 0


if __name__ == "__main__":
    sys.exit(main())
