"""The head decides a round of 1,000 names (issue 13): 200 dossiers of 5 nominations of a commune's round,
3 Giấy khen (the commune's to give, no council vote) and 2 Bằng khen of the province (beyond it), waiting at
`decide` in their real `level_review` processes.

Measured, on SQLite (a file in a temporary directory):
- the head's page data (`round_decision_view`: the 1,000 names by award type, each with its choices);
- the round decision (`decide_round`): 600 approved in ONE Giấy khen decision with its annex (numbered,
  written to the registry, its DOCX of 600 rows generated and stored), 200 `decide` tasks completed with
  the engine steps after them (each dossier climbs to the province), 400 forwarded in ONE tờ trình;
- for comparison, ONE dossier of the same 5 names decided alone (`complete_task` of its `decide`, its own
  decision issued) — the ratio says what deciding the round costs per dossier against one by one.
Setting the dossiers up (their processes through completeness and appraisal) is not measured.

`python -m bench.round_decision [--dossiers 200] [--nominations 5]`
"""
from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import engine.operations  # noqa: F401  (registers the helpers the product's scripts call)
from bench.history import settings_for
from bench.round_sitting import _open_task, clocked, profiled
from engine.clock import FixedClock
from engine.config import PROJECT_ROOT
from engine.context import Context
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models import Dossier, DossierKind, DossierStatus, Nomination, NominationStatus, Role, Unit
from engine.operations import tasks
from engine.operations.admission import admit
from engine.operations.award import round_decision as decide
from engine.operations.processes import start_process
from engine.operations.rounds import commands as rounds
from engine.operations.rounds.inputs import read_round
from engine.runtime import Runtime
from engine.runtime.definitions import parse_directory
from engine.text import fold
from tests.factories import make_unit, make_user

START = datetime(2026, 11, 23, 2, tzinfo=UTC)


def _dossier(ctx: Context, session: Any, i: int, per_dossier: int, school: Unit, commune: Unit, proposer: Any,
             office: Any) -> Dossier:
    dossier = Dossier(title=f"Hồ sơ {i + 1}", title_folded=fold(f"Hồ sơ {i + 1}"), year=2026,
                      kind=DossierKind.REGULAR, status=DossierStatus.SUBMITTED, proposing_unit_id=school.id,
                      rules_version="nd152-2025", created_by_id=proposer.id, created_at=START, updated_at=START,
                      submitted_at=START)
    dossier.nominations = [
        Nomination(position=p, award_type="GIAY_KHEN" if p <= 3 else "BK_TINH", nominee_kind="individual",
                   nominee_name=f"Người được đề nghị {i + 1}.{p}", nominee_position="Giáo viên",
                   nominee_unit=school.name, achievements="Hoàn thành xuất sắc nhiệm vụ",
                   status=NominationStatus.PENDING)
        for p in range(1, per_dossier + 1)]
    session.add(dossier)
    session.flush()
    instance, _ = start_process(ctx.as_actor(proposer), "award_dossier",
                                {"dossier_id": dossier.id, "proposing_unit": school.id}, dossier_id=dossier.id)
    dossier.instance_id = instance.id
    admit(ctx.as_actor(proposer), dossier, commune, submitting=True)
    tasks.complete_task(ctx.as_actor(office), _open_task(ctx, office, dossier.id, "check_completeness"),
                        {"outcome": "complete"})
    tasks.complete_task(ctx.as_actor(office), _open_task(ctx, office, dossier.id, "appraise"),
                        {"nominations": [{"id": n.id, "eligible": True} for n in dossier.nominations]})
    session.commit()
    return dossier


def _choice(item: Any) -> dict[str, Any]:
    return {"nomination_id": item.nomination_id, "action": "approve" if "approve" in item.allowed else "forward"}


def run(dossiers: int, per_dossier: int, profile: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        settings = settings_for(url, Path(tmp))
        upgrade(url)
        runtime = Runtime(parse_directory(PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms"), settings)
        clock = FixedClock(START)
        session = make_session_factory(make_engine(url))()
        ctx = Context(session=session, settings=settings, clock=clock, runtime=runtime)
        province = make_unit(session, "B", level="province", name="UBND tỉnh Bình An")
        commune = make_unit(session, "B-X1", parent=province, level="commune", name="UBND xã Bình An")
        school = make_unit(session, "B-X1-T", parent=commune, level="agency", reviews_awards=False,
                           name="Trường THCS Bình An")
        proposer = make_user(session, settings, "bench.denghi", (Role.PROPOSER, school))
        office = make_user(session, settings, "bench.vanphong", (Role.OFFICE, commune))
        head = make_user(session, settings, "bench.chutich", (Role.HEAD, commune), full_name="Nguyễn Văn Chủ")
        session.commit()

        alone = _dossier(ctx, session, dossiers, per_dossier, school, commune, proposer, office)  # no round yet
        rows = [{"id": n.id, "action": "approve" if n.award_type == "GIAY_KHEN" else "forward"}
                for n in alone.nominations]
        task_id = _open_task(ctx, head, alone.id, "decide")
        _, one = clocked(lambda: tasks.complete_task(ctx.as_actor(head), task_id, {"nominations": rows}))
        session.commit()

        rnd = rounds.create_round(ctx.as_actor(office), read_round(
            {"unit_id": commune.id, "title": "Đợt xét tổng kết năm", "kind": "annual", "cutoff_on": "2026-11-25"}))
        session.commit()
        setup0 = time.perf_counter()
        for i in range(dossiers):
            _dossier(ctx, session, i, per_dossier, school, commune, proposer, office)
        print(f"setup: {dossiers} dossiers, {dossiers * per_dossier} names, through appraisal in "
              f"{time.perf_counter() - setup0:.1f} s (not measured)")

        rounds.close_round(ctx.as_actor(office), rnd.id)  # the intake ends: the round's process reaches decide_round
        session.commit()
        view, read = clocked(lambda: decide.round_decision_view(ctx.as_actor(head), rnd.id))
        choices = [_choice(item) for group in view.groups for item in group.items]
        session.rollback()
        outcome, decided = profiled(lambda: decide.decide_round(ctx.as_actor(head), rnd.id, choices), profile)
        session.commit()
        [decision] = outcome.decisions
        [submission] = outcome.submissions
        print(f"the head's page data ({len(choices)} names): {read:.3f} s")
        print(f"decide the round: {decided:.2f} s — 1 decision of {len(decision.nominations)} names with its annex, "
              f"1 tờ trình of {len(submission.nomination_ids)} names, {len(outcome.dossiers)} dossiers' decide "
              f"completed")
        print(f"one dossier of {per_dossier} names decided alone: {one:.3f} s; "
              f"round per dossier: {decided / dossiers:.3f} s (ratio {decided / dossiers / one:.2f})")
        session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=200)
    parser.add_argument("--nominations", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="profile the round's decision (cProfile)")
    args = parser.parse_args()
    run(args.dossiers, args.nominations, args.profile)


if __name__ == "__main__":
    main()
