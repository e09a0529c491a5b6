"""The reward fund (quỹ thi đua, khen thưởng) of each issuing unit: budget and income entries, payouts
made from each issued decision's reward amounts, paid once each, recovered money booked back, the
balance carried from year to year, the yearly report and the dashboard's block (docs/fund.md)."""
from engine.operations.fund import commands, dashboard  # noqa: F401  (registers the recovery listener and the panel)
