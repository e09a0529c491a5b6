"""Statistics at a province's scale: the figures of a whole province for one year and for five years,
with their XLSX and DOCX, on 10,000 and then 100,000 nominations over five years (the small one is
the baseline, measured in the same run).

Seeding is Core inserts of the rows the statistics read, no process state: a province with 20
communes of 10 schools each (and its departments); per nomination pair a dossier of the school or
department, its decision at the commune or the province (a few go beyond the tree, a few are
rejected or still in review), signed on a day of 2022–2026; complaints (1 per 100 nominations),
revocations (1 per 500), waiting tasks (1 per 200). The statistics never read process state, so none
is written. Core inserts pass by the hooks that keep the summary of granted awards (`award_tally`), so
it is recounted after each seeding, as `khenthuong statistics rebuild` does.

Besides the queries, the whole page: `GET /statistics?unit=&year=` (and the five years) through the
Flask app, logged in as the province's administrator, charts and tables rendered.

`python -m bench.statistics [--small 10000] [--large 100000] [--repeat 5] [--skip-pg] [--skip-sqlite]`
"""
from __future__ import annotations

import argparse
import os
import random
import statistics as stats_lib
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import Engine, insert, select, text

import engine.operations  # noqa: F401  (the domains' modules, as the app loads them)
from api import create_app
from bench import Timing, print_small_large
from bench.long_loop import DEFAULT_PG_URL, pg_database
from engine.clock import FixedClock
from engine.config import PROJECT_ROOT, Settings
from engine.context import Context
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models import (
    Complaint,
    Decision,
    Dossier,
    HumanTask,
    Nomination,
    ProcessDefinition,
    ProcessInstance,
    Revocation,
    Unit,
    User,
)
from engine.operations import award_tally
from engine.operations.statistics import exports, queries
from engine.operations.statistics.inputs import Period
from engine.runtime import Runtime
from engine.runtime.definitions import parse_directory
from engine.security import hash_password

NOW = datetime(2026, 12, 20, 2, tzinfo=UTC)
YEARS = (2022, 2023, 2024, 2025, 2026)
COMMUNES, SCHOOLS, DEPARTMENTS = 20, 10, 10
COMMUNE_AWARDS = ("GIAY_KHEN", "LDTT", "TTLDTT", "CSTD_CS")
PASSWORD = "bench-password-1"
PROVINCE_AWARDS = ("BK_TINH", "CSTD_TINH", "TTLDXS", "CO_TINH")
BEYOND_AWARDS = ("BK_TTG", "HC_LD3", "CSTD_TQ")


def is_postgres_url(url: str) -> bool:
    return url.startswith("postgresql")


def settings_for(url: str, instance_dir: Path) -> Settings:
    return Settings(database_url=url, instance_dir=instance_dir, secret_key="bench",
                    argon2_time_cost=1, argon2_memory_cost_kib=1024)


def build_units(db: Engine) -> dict[str, Any]:
    """The province, its departments, communes and their schools; one user (the province's head)."""
    now = NOW
    with db.begin() as conn:
        province = conn.execute(insert(Unit).values(
            code="P", name="UBND tỉnh Hòa Bình Xanh", level="province", reviews_awards=True,
            created_at=now).returning(Unit.id)).scalar_one()
        departments = [conn.execute(insert(Unit).values(
            code=f"P-S{d}", name=f"Sở số {d}", level="department", parent_id=province, reviews_awards=True,
            created_at=now).returning(Unit.id)).scalar_one() for d in range(DEPARTMENTS)]
        communes, schools = [], []
        for c in range(COMMUNES):
            commune = conn.execute(insert(Unit).values(
                code=f"P-X{c}", name=f"UBND xã số {c}", level="commune", parent_id=province, reviews_awards=True,
                created_at=now).returning(Unit.id)).scalar_one()
            communes.append(commune)
            for s in range(SCHOOLS):
                schools.append((commune, conn.execute(insert(Unit).values(
                    code=f"P-X{c}-T{s}", name=f"Trường số {s} xã {c}", level="agency", parent_id=commune,
                    created_at=now).returning(Unit.id)).scalar_one()))
        user = conn.execute(insert(User).values(username="bench", full_name="Bench", password_hash="x",
                                                active=True, created_at=now).returning(User.id)).scalar_one()
        definition = conn.execute(insert(ProcessDefinition).values(
            key="award_dossier", name="bench", content_hash="bench", source_file="bench", spec="{}", forms={},
            deployed_at=now).returning(ProcessDefinition.id)).scalar_one()
        instance = conn.execute(insert(ProcessInstance).values(
            definition_id=definition, process_key="award_dossier", status="running", state="{}",
            serializer_version="bench", started_at=now, updated_at=now).returning(ProcessInstance.id)).scalar_one()
    return {"province": province, "departments": departments, "communes": communes, "schools": schools,
            "user": user, "instance": instance, "next": {"dossier": 1, "decision": 1, "number": {}}}


Batch = dict[str, list[dict[str, Any]]]
TABLES = (("dossier", Dossier), ("decision", Decision), ("nomination", Nomination), ("complaint", Complaint),
          ("revocation", Revocation), ("task", HumanTask))


def seed(db: Engine, world: dict[str, Any], nominations: int, rng: random.Random) -> None:
    """`nominations` more nominations (two per dossier), in batches of Core inserts; then the summary of
    granted awards recounted (the inserts pass by the hooks that keep it)."""
    batch: Batch = {table: [] for table, _ in TABLES}
    made = 0
    while made < nominations:
        made += _dossier(world, batch, rng, made)
        if len(batch["nomination"]) >= 5000 or made >= nominations:
            with db.begin() as conn:
                for table, model in TABLES:
                    if batch[table]:
                        conn.execute(insert(model), batch[table])
                        batch[table].clear()
    with make_session_factory(db)() as session:
        award_tally.rebuild(session)
        session.commit()


def _dossier(world: dict[str, Any], batch: Batch, rng: random.Random, made: int) -> int:
    """One dossier of two nominations, its decisions, maybe a complaint and a waiting task."""
    counters = world["next"]
    year = rng.choice(YEARS)
    submitted = datetime(year, 1, 1, 2, tzinfo=UTC) + timedelta(days=rng.randrange(0, 330), hours=rng.random())
    departmental = rng.random() < 0.15
    if departmental:
        proposer, reviewer = rng.choice(world["departments"]), world["province"]
    else:
        reviewer, proposer = rng.choice(world["schools"])
    dossier_id = counters["dossier"]
    counters["dossier"] += 1
    roll = rng.random()
    status = "decided" if roll < 0.9 else ("in_review" if roll < 0.97 else "withdrawn")
    decided_at = submitted + timedelta(days=rng.randrange(5, 60))
    batch["dossier"].append(dict(
        id=dossier_id, title=f"Đề nghị khen thưởng {dossier_id}", title_folded=f"de nghi khen thuong {dossier_id}",
        year=year, kind="regular", status=status, proposing_unit_id=proposer, reviewing_unit_id=reviewer,
        rules_version="nd152-2025", instance_id=world["instance"], created_by_id=world["user"],
        created_at=submitted, updated_at=decided_at, submitted_at=submitted,
        decided_at=decided_at if status == "decided" else None, overdue=rng.random() < 0.03))
    decisions: dict[int, int] = {}
    for position in (1, 2):
        _nomination(world, batch, rng, dossier_id, position, status, departmental, reviewer, decided_at, decisions,
                    made + position)
    if rng.random() < 0.02:
        closed = rng.random() < 0.8
        batch["complaint"].append(dict(
            kind=rng.choice(["complaint", "denunciation"]), tracking_code=f"KN-{dossier_id:012d}",
            dossier_id=dossier_id, handling_unit_id=reviewer, complainant_name="Người dân",
            complainant_contact="0900", content="x", status="resolved" if closed else "investigating",
            filed_at=decided_at, overdue=not closed and rng.random() < 0.3))
    if status == "in_review" and rng.random() < 0.3:
        batch["task"].append(dict(
            instance_id=world["instance"], task_uuid=f"{dossier_id:036d}", key="appraise", name="Thẩm định",
            role="office", unit_id=reviewer, form_name="appraise.json", prefill={}, state="ready",
            due_at=submitted + timedelta(days=20), created_at=submitted, dossier_id=dossier_id))
    return 2


def _nomination(world: dict[str, Any], batch: Batch, rng: random.Random, dossier_id: int, position: int,
                status: str, departmental: bool, reviewer: int, decided_at: datetime, decisions: dict[int, int],
                number: int) -> None:
    counters = world["next"]
    at_province = departmental or rng.random() < 0.3
    beyond = rng.random() < 0.03
    deciding = None if beyond else (world["province"] if at_province else reviewer)
    code = rng.choice(BEYOND_AWARDS if beyond else PROVINCE_AWARDS if at_province else COMMUNE_AWARDS)
    kind = "collective" if code in ("TTLDTT", "TTLDXS", "CO_TINH") else "individual"
    nomination_status, decision_id = "pending", None
    if status == "decided":
        nomination_status = "forwarded" if beyond else ("rejected" if rng.random() < 0.08 else "approved")
    if nomination_status == "approved" and deciding is not None:
        if deciding not in decisions:
            decisions[deciding] = counters["decision"]
            counters["decision"] += 1
            key = (deciding, decided_at.year)
            counters["number"][key] = counters["number"].get(key, 0) + 1
            batch["decision"].append(dict(
                id=decisions[deciding], issuer_unit_id=deciding, year=decided_at.year, number=counters["number"][key],
                symbol="QĐ-UBND", signed_on=decided_at.date(), dossier_id=dossier_id, status="issued",
                created_at=decided_at))
        decision_id = decisions[deciding]
        if rng.random() < 0.002:
            nomination_status = "revoked"
            batch["revocation"].append(dict(
                decision_id=decision_id, granting_unit_id=deciding, nomination_ids=[],
                status=rng.choice(["recovering", "closed"]), created_at=decided_at + timedelta(days=30)))
    batch["nomination"].append(dict(
        dossier_id=dossier_id, position=position, award_type=code, nominee_kind=kind,
        nominee_name=f"Người số {number}", nominee_name_folded=f"nguoi so {number}", achievements="x",
        status=nomination_status, deciding_unit_id=deciding, decided_by_unit_id=deciding if decision_id else None,
        decision_id=decision_id, outcome_note="Chưa đủ thành tích" if nomination_status == "rejected" else None))


def page_reader(settings: Settings, province: int) -> Callable[[str], None]:
    """GET a statistics page through the Flask app, logged in as the bench user (the province's admin)."""
    runtime = Runtime(parse_directory(PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms"), settings)
    browser: FlaskClient = create_app(settings, runtime=runtime, clock=FixedClock(NOW)).test_client()
    login = browser.get("/login").get_data(as_text=True)
    csrf = login.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = browser.post("/login", data={"csrf_token": csrf, "username": "bench", "password": PASSWORD})
    assert answer.status_code == 302, answer.status_code

    def read(query: str) -> None:
        answer = browser.get(f"/statistics?unit={province}&{query}")
        assert answer.status_code == 200 and b"<svg" in answer.data, answer.status_code

    return read


def measure(db: Engine, settings: Settings, province: int, user: int, repeat: int) -> dict[str, Timing]:
    factory = make_session_factory(db)
    page = page_reader(settings, province)
    cases: dict[str, Callable[[Context, Unit], Any]] = {
        "statistics, province, year 2026": lambda ctx, unit: queries.compute(ctx, unit, Period.of_year(2026)),
        "statistics, province, 2022–2026": lambda ctx, unit: queries.compute(
            ctx, unit, Period(date(2022, 1, 1), date(2026, 12, 31))),
        "statistics + XLSX + DOCX, year": lambda ctx, unit: (
            exports.workbook(s := queries.compute(ctx, unit, Period.of_year(2026))),
            exports.document(s, date(2026, 12, 20))),
        "dashboard, province, year": lambda ctx, unit: queries.dashboard(ctx, unit.id, 2026),
        "statistics, one commune, year": lambda ctx, unit: queries.compute(
            ctx, ctx.session.scalars(select(Unit).where(Unit.code == "P-X3")).one(), Period.of_year(2026)),
        "statistics, province, 15/03/2024–10/10/2026": lambda ctx, unit: queries.compute(
            ctx, unit, Period(date(2024, 3, 15), date(2026, 10, 10))),
    }
    pages = {  # through the app, with no session of the bench's open (SQLite: the app writes its session)
        "page GET /statistics, province, year": "year=2026",
        "page GET /statistics, province, 5 years": "from=01/01/2022&to=31/12/2026",
    }
    result: dict[str, Timing] = {}
    for label, case in cases.items():
        cpu, wall = [], []
        for _ in range(repeat + 1):
            with factory() as session:
                actor = session.get(User, user)
                ctx = Context(session=session, settings=settings, clock=FixedClock(NOW), actor=actor)
                unit = session.get(Unit, province)
                c0, t0 = time.process_time(), time.perf_counter()
                case(ctx, unit)
                cpu.append(time.process_time() - c0)
                wall.append(time.perf_counter() - t0)
        result[label] = (stats_lib.median(cpu[1:]), stats_lib.median(wall[1:]))  # the first warms the caches
    for label, query in pages.items():
        cpu, wall = [], []
        for _ in range(repeat + 1):
            c0, t0 = time.process_time(), time.perf_counter()
            page(query)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - t0)
        result[label] = (stats_lib.median(cpu[1:]), stats_lib.median(wall[1:]))
    return result


def scaling(url: str, label: str, small: int, large: int, instance_dir: Path, repeat: int) -> None:
    settings = settings_for(url, instance_dir)
    upgrade(url)
    db = make_engine(url)
    rng = random.Random(16)
    try:
        world = build_units(db)
        # The dashboard checks the user's reach: the bench user is the province's administrator.
        with db.begin() as conn:
            conn.execute(text("INSERT INTO role_grant (user_id, role, unit_id) VALUES (:u, 'admin', :p)"),
                         {"u": world["user"], "p": world["province"]})
            conn.execute(text("UPDATE app_user SET password_hash = :h WHERE id = :u"),
                         {"h": hash_password(settings, PASSWORD), "u": world["user"]})
        t0 = time.perf_counter()
        seed(db, world, small, rng)
        seeded = time.perf_counter() - t0
        if is_postgres_url(url):
            with db.connect() as conn:
                conn.execute(text("ANALYZE"))
                conn.commit()
        first = measure(db, settings, world["province"], world["user"], repeat)
        seed(db, world, large - small, rng)
        if is_postgres_url(url):
            with db.connect() as conn:
                conn.execute(text("ANALYZE"))
                conn.commit()
        second = measure(db, settings, world["province"], world["user"], repeat)
        print(f"\n{label}: {small:,} then {large:,} nominations over {YEARS[0]}–{YEARS[-1]} "
              f"({COMMUNES} communes × {SCHOOLS} schools, {DEPARTMENTS} departments); "
              f"seeding {small:,}: {seeded:.1f} s; "
              f"median of {repeat}, {os.cpu_count()} CPUs shared")
        print_small_large(first, second, 46)
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="khenthuong_bench_") as tmp:
        if not args.skip_sqlite:
            scaling(f"sqlite:///{Path(tmp) / 'statistics.sqlite'}", "SQLite", args.small, args.large, Path(tmp),
                    args.repeat)
        if not args.skip_pg:
            made = pg_database(os.environ.get("KHENTHUONG_BENCH_PG_URL", DEFAULT_PG_URL))
            if made is not None:
                url, drop = made
                try:
                    scaling(url, "PostgreSQL", args.small, args.large, Path(tmp), args.repeat)
                finally:
                    drop()


if __name__ == "__main__":
    main()
