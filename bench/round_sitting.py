"""A round's one council sitting at scale (issue 13): 200 dossiers of 5 nominations (1,000 names) waiting
at a commune's council stage in their real `level_review` processes, a council of 15 members.

Measured, on SQLite (a file in a temporary directory): opening the sitting; a member's ballot over the
whole agenda (`sitting_ballot`, what the page reads) and the HTML page `/council-sittings/<id>`;
casting that ballot in one call (`cast_sitting_ballot`: the member's task of the sitting's process, one
sealed ballot with one receipt; median of the 15 members); closing the sitting (`close_sitting`: the
chair's task, then the sitting's process tallies the 200 sessions, stores one biên bản họp and one biên
bản kiểm phiếu for the whole sitting and resumes the 200 dossiers' processes to `decide`).
Setting the dossiers up (their processes through completeness and appraisal) is not measured.

`python -m bench.round_sitting [--dossiers 200] [--nominations 5] [--members 15]`
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import engine.operations  # noqa: F401  (registers the helpers the product's scripts call)
from api import create_app
from bench.history import settings_for
from engine.clock import FixedClock
from engine.config import PROJECT_ROOT
from engine.context import Context
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models import Dossier, DossierKind, DossierStatus, Nomination, NominationStatus, Role, Unit
from engine.operations import tasks
from engine.operations.admission import admit
from engine.operations.council import sitting as sittings
from engine.operations.council.inputs import read_sitting_ballot, read_sitting_close
from engine.operations.processes import start_process
from engine.operations.rounds import commands as rounds
from engine.operations.rounds.inputs import read_round
from engine.runtime import Runtime
from engine.runtime.definitions import parse_directory
from engine.text import fold
from tests.factories import PASSWORD, make_council, make_unit, make_user

T = TypeVar("T")
START = datetime(2026, 11, 23, 2, tzinfo=UTC)
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def clocked(fn: Callable[[], T]) -> tuple[T, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def profiled(fn: Callable[[], T], enabled: bool) -> tuple[T, float]:
    """`clocked`, under cProfile when `enabled`: the 30 costliest calls by cumulative time printed, the
    whole profile written to a file in the temporary directory (its path printed) for pstats."""
    if not enabled:
        return clocked(fn)
    profile = cProfile.Profile()
    out, spent = clocked(lambda: profile.runcall(fn))
    path = Path(tempfile.gettempdir()) / f"bench-{Path(sys.argv[0]).stem}-{os.getpid()}.pstats"
    profile.dump_stats(path)
    pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
    print(f"profile: {path}")
    return out, spent


def _open_task(ctx: Context, user: Any, dossier_id: int, key: str) -> int:
    [task] = [t for t in tasks.list_tasks(ctx.as_actor(user), dossier_id=dossier_id).items if t.key == key]
    return task.id


def run(dossiers: int, per_dossier: int, members: int, profile: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        settings = settings_for(url, Path(tmp))
        upgrade(url)
        runtime = Runtime(parse_directory(PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms"), settings)
        clock = FixedClock(START)
        factory = make_session_factory(make_engine(url))
        session = factory()
        ctx = Context(session=session, settings=settings, clock=clock, runtime=runtime)
        province = make_unit(session, "B", level="province", name="UBND tỉnh Bình An")
        commune = make_unit(session, "B-X1", parent=province, level="commune", name="UBND xã Bình An")
        school = make_unit(session, "B-X1-T", parent=commune, level="agency", reviews_awards=False,
                           name="Trường THCS Bình An")
        proposer = make_user(session, settings, "bench.denghi", (Role.PROPOSER, school))
        office = make_user(session, settings, "bench.vanphong", (Role.OFFICE, commune))
        council = [make_user(session, settings, f"bench.hd{i}", (Role.COUNCIL, commune),
                             full_name=f"Thành viên Hội đồng {i + 1}") for i in range(members)]
        make_council(session, commune, council[0], council[1], council)
        session.commit()
        rnd = rounds.create_round(ctx.as_actor(office), read_round(
            {"unit_id": commune.id, "title": "Đợt xét tổng kết năm", "kind": "annual", "cutoff_on": "2026-11-25"}))
        session.commit()
        setup0 = time.perf_counter()
        for i in range(dossiers):
            dossier = Dossier(title=f"Hồ sơ {i + 1}", title_folded=fold(f"Hồ sơ {i + 1}"), year=2026,
                              kind=DossierKind.REGULAR, status=DossierStatus.SUBMITTED, proposing_unit_id=school.id,
                              rules_version="nd152-2025", created_by_id=proposer.id, created_at=START,
                              updated_at=START, submitted_at=START)
            dossier.nominations = [
                Nomination(position=p, award_type="CSTD_TINH", nominee_kind="individual",
                           nominee_name=f"Người được đề nghị {i + 1}.{p}", nominee_unit=school.name,
                           achievements="Hoàn thành xuất sắc nhiệm vụ", status=NominationStatus.PENDING)
                for p in range(1, per_dossier + 1)]
            session.add(dossier)
            session.flush()
            instance, _ = start_process(ctx.as_actor(proposer), "award_dossier",
                                        {"dossier_id": dossier.id, "proposing_unit": school.id},
                                        dossier_id=dossier.id)
            dossier.instance_id = instance.id
            unit = session.get(Unit, commune.id)
            assert unit is not None
            admit(ctx.as_actor(proposer), dossier, unit, submitting=True)
            tasks.complete_task(ctx.as_actor(office), _open_task(ctx, office, dossier.id, "check_completeness"),
                                {"outcome": "complete"})
            tasks.complete_task(ctx.as_actor(office), _open_task(ctx, office, dossier.id, "appraise"),
                                {"nominations": [{"id": n.id, "eligible": True} for n in dossier.nominations]})
            session.commit()
        print(f"setup: {dossiers} dossiers, {dossiers * per_dossier} names, through appraisal in "
              f"{time.perf_counter() - setup0:.1f} s (not measured)")
        clock.set(datetime(2026, 11, 26, 1, tzinfo=UTC))

        sitting, opened = clocked(lambda: sittings.open_sitting(ctx.as_actor(office), rnd.id))
        session.commit()
        sitting_id = sitting.id
        page, read = clocked(lambda: sittings.sitting_ballot(ctx.as_actor(council[0]), sitting_id))
        names = sum(len(g["items"]) for g in page["groups"])
        username = council[0].username
        session.rollback()  # no transaction left open while the app serves (SQLite: one writer)

        app = create_app(settings, runtime=runtime, clock=clock)
        browser = app.test_client()
        token = _TOKEN.search(browser.get("/login").get_data(as_text=True))
        assert token is not None
        browser.post("/login", data={"csrf_token": token.group(1), "username": username, "password": PASSWORD})
        html, rendered = clocked(lambda: browser.get(f"/council-sittings/{sitting_id}"))
        assert html.status_code == 200 and "Đồng ý tất cả" in html.get_data(as_text=True)

        casts = []
        for member in council:
            ballot = sittings.sitting_ballot(ctx.as_actor(member), sitting_id)
            votes = [{"nomination_id": item["nomination_id"], "choice": "yes"}
                     for group in ballot["groups"] for item in group["items"]]
            raw = read_sitting_ballot(sitting_id, {"votes": votes})
            t0 = time.perf_counter()
            sittings.cast_sitting_ballot(ctx.as_actor(member), raw)
            spent = time.perf_counter() - t0
            session.commit()
            casts.append(spent)
        clock.set(datetime(2026, 11, 26, 4, tzinfo=UTC))
        close = read_sitting_close(sitting_id, {"held_at": "2026-11-26T08:30", "place": "Hội trường",
                                                "present": members, "written_votes": 0})
        _, closed = profiled(lambda: sittings.close_sitting(ctx.as_actor(council[0]), close), profile)
        session.commit()
        decided = sum(1 for t in tasks.list_tasks(ctx.as_actor(make_head(session, settings, commune)),
                                                  per_page=1000).items if t.key == "decide")
        print(f"open the sitting ({dossiers} sessions): {opened:.3f} s")
        print(f"a member's ballot over {names} names (read): {read:.3f} s; the HTML page: {rendered:.3f} s")
        print(f"cast one ballot of {names} choices: median {statistics.median(casts):.3f} s "
              f"(max {max(casts):.3f} s over {members} members)")
        print(f"close: tally of {dossiers} sessions, the sitting's minutes, {dossiers} processes resumed: "
              f"{closed:.2f} s; "
              f"decide tasks open: {decided}")
        session.close()


def make_head(session: Any, settings: Any, commune: Unit) -> Any:
    head = make_user(session, settings, "bench.chutich", (Role.HEAD, commune))
    session.commit()
    return head


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=200)
    parser.add_argument("--nominations", type=int, default=5)
    parser.add_argument("--members", type=int, default=15)
    parser.add_argument("--profile", action="store_true", help="profile the close (cProfile)")
    args = parser.parse_args()
    run(args.dossiers, args.nominations, args.members, args.profile)


if __name__ == "__main__":
    main()
