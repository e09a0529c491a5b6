"""Dossiers left stuck before issue 10's fix (ballots cast in a process whose spec was never wired to
merge them) are repaired by `khenthuong db upgrade`: the finished children are merged, the engine
goes on, and the repair is in the audit trail."""
from __future__ import annotations

from dataclasses import replace

from click.testing import CliRunner
from sqlalchemy import select

from api.cli import main
from engine.config import PROJECT_ROOT
from engine.models import AuditEvent, CouncilSession, SessionStatus
from engine.operations.council.queries import ballot_by_receipt
from engine.runtime import Runtime
from engine.runtime.definitions import parse_directory
from tests.conftest import TEST_AUDIT_KEY
from tests.workflows.journey import Journey


def _runtime_before_the_fix(parsed_definitions, settings) -> Runtime:
    """A runtime as it was before the fix: workflows ran on the parser's own spec objects, whose
    multi-instance tasks merge their children only once this process has created some."""
    runtime = Runtime(parsed_definitions, settings)
    parsed = parse_directory(PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms")
    for key, definition in list(runtime.definitions.items()):
        if key in parsed:
            unwired = replace(definition, spec=parsed[key].spec, subprocess_specs=parsed[key].subprocess_specs)
            runtime.definitions[key] = runtime._by_hash[definition.content_hash] = unwired
    return runtime


def _upgrade(settings, tmp_path):
    env = {"KHENTHUONG_DATABASE_URL": settings.database_url, "KHENTHUONG_INSTANCE_DIR": str(tmp_path),
           "KHENTHUONG_SECRET_KEY": "cli-test-secret",
           "KHENTHUONG_AUDIT_SIGNING_KEY": TEST_AUDIT_KEY}  # every process opens ballots with the same key
    return CliRunner().invoke(main, ["db", "upgrade"], env=env, catch_exceptions=False)


def test_a_council_stuck_before_the_fix_closes_when_the_database_is_upgraded(ctx, tree, parsed_definitions,
                                                                             settings, tmp_path):
    journey = Journey(ctx, tree)
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)
    journey.vote(tree.commune_council[:2])
    journey.ctx.runtime = _runtime_before_the_fix(parsed_definitions, settings)  # e.g. after a restart
    receipts = journey.vote(tree.commune_council[2:])

    [council] = journey.session.scalars(select(CouncilSession)).all()
    assert council.status == SessionStatus.OPEN and journey.open_tasks() == [("close_vote", tree.commune.id)]
    assert not ballot_by_receipt(journey.ctx.as_actor(tree.proposer), receipts[-1])["counted"]
    journey.session.commit()

    upgraded = _upgrade(settings, tmp_path)
    assert upgraded.exit_code == 0, upgraded.output
    assert "Đã sửa 1 phiên quy trình." in upgraded.output

    journey.session.expire_all()
    assert (council.status, council.closed_how) == (SessionStatus.TALLIED, "all_voted")
    assert journey.open_tasks() == [("decide", tree.commune.id)]
    assert ballot_by_receipt(journey.ctx.as_actor(tree.proposer), receipts[-1])["counted"]
    repaired = journey.session.scalars(select(AuditEvent).where(AuditEvent.action == "process_repaired")).one()
    assert repaired.after == {"merged": ["cast_ballot"] * 3, "tasks": ["decide"]}
    assert repaired.dossier_id == journey.dossier_id
    journey.session.commit()

    again = _upgrade(settings, tmp_path)
    assert again.exit_code == 0 and "Đã sửa" not in again.output  # nothing left to repair
