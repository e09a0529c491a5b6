"""The reward fund's block of the dashboard (engine/operations/statistics/queries.py, `dashboard_panel`):
the unit's balance and what is still owed of the year, for those who may read the fund."""
from __future__ import annotations

from engine.context import Context
from engine.models import Unit
from engine.operations.access import require_actor
from engine.operations.fund.queries import may_read, summary
from engine.operations.statistics.queries import Panel, dashboard_panel


def _money(amount: int) -> str:
    return f"{amount:,} đồng".replace(",", ".")


@dashboard_panel
def fund_panel(ctx: Context, unit: Unit, year: int) -> Panel | None:
    """None when the caller may not read the unit's fund, or the fund has nothing for the year."""
    if not may_read(ctx, require_actor(ctx.actor), unit.id):
        return None
    total = summary(ctx, unit.id, year)
    if not (total.carried_over or total.money_in or total.payouts):
        return None
    owed = total.payouts - total.paid_count
    return Panel("Quỹ thi đua, khen thưởng", (
        ("Số dư", _money(total.balance)),
        (f"Chưa chi (năm {year})", f"{_money(total.unpaid)}" + (f" — {owed} khoản" if owed else "")),
        ("Đã chi", f"{_money(total.paid)} — {total.paid_count}/{total.payouts} khoản"),
        ("Số dư sau khi chi hết", _money(total.balance_after_unpaid)),
    ))
