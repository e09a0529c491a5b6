"""Statistics of a unit and its subtree for a year or a period (docs/statistics.md): what was
proposed and granted by level and kind, to whom, how long it took, what ran late, complaints,
revocations and the reward money, each figure one SQL aggregation (never a Python loop over rows);
the dashboard of the head and the standing office; the XLSX and DOCX tables a unit reports upward."""
