"""A review round at scale: the round's page and API over 200 dossiers / 1,000 nominations, as a ratio
to a round of 20 dossiers / 100 nominations measured in the same run and database.

The rounds are seeded as rows (dossiers in review at the commune, each with its tờ trình and one
achievement report per nominee, so nothing is missing, and their round entries): what is measured is
reading them — `rounds.queries.round_detail`, `GET /api/v1/rounds/{id}` and the HTML page `/rounds/{id}`
(logged in as the commune's standing office) — with the SQL statements each issues.

`python -m bench.rounds [--dossiers 200] [--nominations 5] [--repeat 7] [--skip-pg]`
"""
from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

import engine.operations  # noqa: F401  (registers the helpers the product's scripts call)
from api import create_app
from api.state import app_state
from bench.history import name, settings_for
from bench.long_loop import DEFAULT_PG_URL, pg_database
from engine.clock import FixedClock
from engine.config import PROJECT_ROOT
from engine.context import Context
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models import (
    Attachment,
    AttachmentKind,
    Dossier,
    DossierKind,
    DossierStatus,
    LatePolicy,
    Nomination,
    NominationStatus,
    ReviewRound,
    RoundEntry,
    RoundKind,
    RoundStatus,
)
from engine.operations.rounds import queries
from engine.runtime import Runtime
from engine.runtime.definitions import parse_directory
from engine.text import fold
from tests.factories import PASSWORD
from tests.workflows.journey import Tree, build_tree

NOW = datetime(2026, 11, 23, 2, tzinfo=UTC)
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def seed_round(session: Any, tree: Tree, dossiers: int, per_dossier: int, seed: int) -> int:
    """A round at the commune with `dossiers` dossiers of `per_dossier` GIAY_KHEN nominations each."""
    rng = random.Random(seed)
    rnd = ReviewRound(unit_id=tree.commune.id, title=f"Đợt xét {dossiers} hồ sơ", kind=RoundKind.ANNUAL,
                      award_types=[], cutoff_on=date(2026, 12, 15), council_on=None, late_policy=LatePolicy.REFUSE,
                      status=RoundStatus.OPEN, created_by_id=tree.commune_office.id, created_at=NOW)
    session.add(rnd)
    session.flush()
    for i in range(dossiers):
        title = f"Đề nghị khen thưởng số {i + 1}"
        dossier = Dossier(title=title, title_folded=fold(title), year=2026, kind=DossierKind.REGULAR,
                          status=DossierStatus.IN_REVIEW, proposing_unit_id=tree.school.id,
                          reviewing_unit_id=tree.commune.id, rules_version="nd152-2025",
                          created_by_id=tree.proposer.id, created_at=NOW, updated_at=NOW, submitted_at=NOW,
                          overdue=False)
        dossier.nominations = [
            Nomination(position=p, award_type="GIAY_KHEN", nominee_kind="individual", nominee_name=name(rng),
                       achievements="Hoàn thành xuất sắc nhiệm vụ", status=NominationStatus.PENDING)
            for p in range(1, per_dossier + 1)]
        session.add(dossier)
        session.flush()
        files = [(AttachmentKind.SUBMISSION, None)] + [(AttachmentKind.ACHIEVEMENT_REPORT, n.id)
                                                        for n in dossier.nominations]
        session.add_all(Attachment(dossier_id=dossier.id, nomination_id=nid, kind=kind, filename="x.pdf",
                                   content_type="application/pdf", size=1, sha256="0" * 64,
                                   uploaded_by_id=tree.proposer.id, uploaded_at=NOW) for kind, nid in files)
        session.add(RoundEntry(unit_id=tree.commune.id, dossier_id=dossier.id, round_id=rnd.id, late=False,
                               entered_at=NOW, joined_at=NOW))
    session.commit()
    return rnd.id


@contextmanager
def counting(db: Engine) -> Iterator[list[int]]:
    counted = [0]

    def count(*_: Any) -> None:
        counted[0] += 1

    event.listen(db, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        event.remove(db, "before_cursor_execute", count)


def timed(fn: Callable[[], Any], repeat: int, db: Engine) -> tuple[float, float, int]:
    """Median wall and CPU seconds of `fn` over `repeat` runs after one warm-up, and its SQL statements."""
    fn()
    wall, cpu, statements = [], [], 0
    for _ in range(repeat):
        with counting(db) as counted:
            w0, c0 = time.perf_counter(), time.process_time()
            fn()
            wall.append(time.perf_counter() - w0)
            cpu.append(time.process_time() - c0)
        statements = counted[0]
    return statistics.median(wall), statistics.median(cpu), statements


def run(url: str, label: str, instance_dir: Path, dossiers: int, per_dossier: int, repeat: int) -> None:
    settings = settings_for(url, instance_dir)
    upgrade(url)
    runtime = Runtime(parse_directory(PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms"), settings)
    db = make_engine(url)
    clock = FixedClock(NOW)
    factory = make_session_factory(db)
    try:
        with factory() as session:
            tree = build_tree(session, settings)
            small = seed_round(session, tree, dossiers // 10, per_dossier, 1)
            large = seed_round(session, tree, dossiers, per_dossier, 2)
            office_id = tree.commune_office.id
            username = tree.commune_office.username
        app = create_app(settings, runtime=runtime, clock=clock)
        browser = app.test_client()
        token = _TOKEN.search(browser.get("/login").get_data(as_text=True))
        assert token is not None
        assert browser.post("/login", data={"csrf_token": token.group(1), "username": username,
                                            "password": PASSWORD}).status_code == 302

        def query(round_id: int) -> Callable[[], Any]:
            def read() -> Any:
                with factory() as session:
                    ctx = Context(session=session, settings=settings, clock=clock, runtime=runtime)
                    ctx = ctx.as_actor(session.get(type(tree.commune_office), office_id))
                    return queries.round_detail(ctx, round_id)
            return read

        def page(path: str) -> Callable[[], Any]:
            def get() -> Any:
                response = browser.get(path)
                assert response.status_code == 200, response.status_code
                return response
            return get

        print(f"\n{label}: a round of {dossiers} dossiers / {dossiers * per_dossier} nominations vs. "
              f"{dossiers // 10} / {dossiers // 10 * per_dossier} (median of {repeat})")
        head = (f"{'read':<28}{'small ms':>10}{'large ms':>10}{'ratio':>8}{'CPU ms':>9}{'SQL small':>11}"
                f"{'SQL large':>11}")
        print(head + "\n" + "-" * len(head))
        with app.app_context():
            served = app_state().engine  # the application's own connections
        measured: list[tuple[str, Callable[[int], Callable[[], Any]], Engine]] = [
            ("round_detail (query)", query, db),
            ("GET /rounds/{id} (page)", lambda r: page(f"/rounds/{r}"), served),
            ("GET /api/v1/rounds/{id}", lambda r: page(f"/api/v1/rounds/{r}"), served)]
        for title, make, counted_on in measured:
            s_wall, _, s_sql = timed(make(small), repeat, counted_on)
            l_wall, l_cpu, l_sql = timed(make(large), repeat, counted_on)
            print(f"{title:<28}{s_wall * 1000:>10.1f}{l_wall * 1000:>10.1f}{l_wall / s_wall:>8.1f}"
                  f"{l_cpu * 1000:>9.1f}{s_sql:>11}{l_sql:>11}")
    finally:
        db.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rounds", description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=200)
    parser.add_argument("--nominations", type=int, default=5, help="per dossier")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/bench.sqlite", "SQLite", Path(folder) / "instance", args.dossiers,
            args.nominations, args.repeat)
    if not args.skip_pg:
        made = pg_database(DEFAULT_PG_URL)
        if made is not None:
            url, drop = made
            try:
                with tempfile.TemporaryDirectory() as folder:
                    run(url, "PostgreSQL", Path(folder) / "instance", args.dossiers, args.nominations, args.repeat)
            finally:
                drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
