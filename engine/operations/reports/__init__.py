"""Periodic reports up the tree (báo cáo sơ kết, tổng kết; workflows/periodic_report.bpmn): a unit's
report drafted from its statistics and the reports of the units below, edited by the standing office,
signed off by the head, submitted to the level above by the deadline it set (flagged late by the
process's timer), which sees who has reported and who is late (docs/statistics.md)."""
from engine.operations.reports import deadline, periodic_report  # noqa: F401  (registers the helpers and hooks)
