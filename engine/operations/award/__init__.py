"""Award dossiers: proposal, the climb through the levels (`award_dossier.bpmn`, `level_review.bpmn`),
routing, decisions, the steps before a state-level decision (`state_award.bpmn`)."""

from engine.operations.award import award_dossier, level_review, proposals, state_award  # noqa: F401  (registers helpers and hooks)
