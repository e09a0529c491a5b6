"""Periodic reports up the tree (báo cáo sơ kết, tổng kết; workflows/periodic_report.bpmn): a unit's
report drafted from its statistics and the reports of the units below, edited by the standing office,
signed off by the head, submitted to the level above, which sees who has reported (docs/statistics.md)."""
from engine.operations.reports import periodic_report  # noqa: F401  (registers the helpers and hooks)
