"""The demo's emulation year: the province's plan with a commune behind, a movement answering the
national one and a commune's answering it, registrations of the communes and the school, the cluster
of the three communes with its scoring sheet half filled and one score disputed, grades."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from api.demo import DemoSeeder
from engine.context import Context
from engine.models import EmulationPlan, Movement, Registration, Unit, User, YearlyGrade
from engine.operations.emulation import cluster_vote, queries
from engine.operations.reports.commands import start_report
from engine.operations.reports.inputs import ReportStart
from engine.orgchart.writer import import_org_chart
from engine.vocabulary import ReportKind

DEMO = Path(__file__).resolve().parent.parent / "demo" / "org.yaml"


def test_the_demo_province_runs_an_emulation_year(session, session_factory, settings, runtime, clock):
    import_org_chart(Context(session=session, settings=settings, clock=clock), DEMO.read_text(encoding="utf-8"))
    session.commit()
    assert DemoSeeder(session_factory, settings, runtime, clock).seed() == 7

    office = session.scalar(select(User).where(User.username == "tinh.vanphong"))
    ctx = Context(session=session, settings=settings, clock=clock, actor=office)
    code = {u.id: u.code for u in session.scalars(select(Unit))}
    (plan,) = session.scalars(select(EmulationPlan)).all()
    view = queries.get_plan(ctx, plan.id)
    assert [t.state for t in view.tasks] == ["done", "late", "open"] and list(view.behind) == ["UBND xã Hòa An"]
    movements = session.scalars(select(Movement).order_by(Movement.id)).all()
    assert [(code[m.unit_id], m.parent_id) for m in movements] == [("HBX", None), ("HBX-X01", movements[0].id)]
    page = queries.get_movement(ctx, movements[0].id)
    assert len(page.responses) == 3 and len(page.registrations) == 8
    listing = queries.consolidated(ctx, plan.unit_id, plan.year)
    assert len(listing.registrations) == session.scalar(select(func.count()).select_from(Registration)) == 8
    (cluster,) = queries.list_clusters(ctx, plan.year)
    ranking = queries.get_cluster_year(ctx, cluster.id).ranking
    assert [(code[s.unit_id], s.total, s.disputed, s.scored) for s in ranking] == [
        ("HBX-X01", 67, 0, 3), ("HBX-X02", 61, 1, 3), ("HBX-X03", 0, 0, 0)]
    vote = cluster_vote.vote_view(ctx, cluster.id)  # open on the two communes scored; Hòa An has voted
    assert vote.vote.status == "open" and [code[line.unit_id] for line in vote.lines] == ["HBX-X01", "HBX-X02"]
    assert [code[u.id] for u in vote.voted] == ["HBX-X02"]
    assert session.scalar(select(func.count()).select_from(YearlyGrade)) >= 6

    # The province's year-end report: its draft reads the plan's tasks and the movements.
    starting = Context(session=session, settings=settings, clock=clock, runtime=runtime, actor=office)
    report = start_report(starting, ReportStart(plan.unit_id, plan.year, ReportKind.YEAR_END))
    session.commit()
    assert f"Thực hiện {plan.title}" in report.body and "chậm tiến độ" in report.body
    assert "Đơn vị chậm tiến độ: UBND xã Hòa An (1 nhiệm vụ)." in report.body
    assert f"«{movements[0].theme}»" in report.body
    assert "Phong trào thi đua do đơn vị phát động: 1 phong trào." in report.body
