"""The review rounds' block of the dashboard (engine/operations/statistics/queries.py, `dashboard_panel`):
the unit's rounds of the year, or still open, each with its cut-off and the dossiers that joined it.
Reads the rounds through their queries only."""
from __future__ import annotations

from engine.context import Context
from engine.models import RoundStatus, Unit
from engine.operations.rounds.queries import list_rounds
from engine.operations.statistics.queries import Panel, dashboard_panel


def _when(days_left: int | None) -> str:
    if days_left is None:
        return "đã đóng"
    if days_left < 0:
        return f"đã qua hạn {-days_left} ngày, chưa đóng"
    return "hôm nay là ngày cuối" if days_left == 0 else f"còn {days_left} ngày"


@dashboard_panel
def rounds_panel(ctx: Context, unit: Unit, year: int) -> Panel | None:
    """None when the unit has no round with its cut-off in `year` and none open."""
    rounds = [r for r in list_rounds(ctx, unit=unit.id)
              if r.cutoff_on.year == year or r.status is RoundStatus.OPEN]
    if not rounds:
        return None
    return Panel("Đợt xét khen thưởng", tuple(
        (r.title, f"hạn nhận hồ sơ {r.cutoff_on:%d/%m/%Y} ({_when(r.days_left)}); {r.dossier_count} hồ sơ")
        for r in rounds))
