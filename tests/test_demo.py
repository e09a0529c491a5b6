"""`make run` shows the product working at once: the demo organisation with dossiers at several stages."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from api.demo import DemoSeeder
from engine.context import Context
from engine.models import Decision, Dossier, HumanTask, HumanTaskState, Unit
from engine.orgchart.writer import import_org_chart

DEMO = Path(__file__).resolve().parent.parent / "demo" / "org.yaml"


def test_demo_dossiers_stand_at_several_stages_and_seeding_happens_once(session, session_factory, settings,
                                                                          runtime, clock):
    import_org_chart(Context(session=session, settings=settings, clock=clock), DEMO.read_text(encoding="utf-8"))
    session.commit()
    seeder = DemoSeeder(session_factory, settings, runtime, clock)
    assert seeder.seed() == 7
    assert seeder.seed() == 0

    code = dict(session.execute(select(Unit.id, Unit.code)).all())
    stages = []
    for dossier in session.scalars(select(Dossier).order_by(Dossier.id)):
        open_tasks = sorted(t.key for t in session.scalars(select(HumanTask).where(
            HumanTask.dossier_id == dossier.id, HumanTask.state == HumanTaskState.READY)))
        stages.append((dossier.status.value, code.get(dossier.reviewing_unit_id), open_tasks))
    assert stages == [
        ("draft", None, []),
        ("in_review", "HBX-X01", ["check_completeness"]),
        ("in_review", "HBX-X01", ["appraise"]),
        ("in_review", "HBX", ["check_completeness"]),
        ("decided", "HBX-X01", []),
        ("supplement_requested", "HBX", ["supplement_dossier"]),
        ("in_review", "HBX-X01", ["cast_ballot", "cast_ballot", "cast_ballot", "close_vote"]),
    ]
    assert [d.label for d in session.scalars(select(Decision))] == ["01/QĐ-UBND"]
