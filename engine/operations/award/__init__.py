"""Award dossiers: proposal, the climb through the levels (`award_dossier.bpmn`, `level_review.bpmn`),
routing, decisions."""

from engine.operations.award import award_dossier, level_review  # noqa: F401  (registers helpers and hooks)
