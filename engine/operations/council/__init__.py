"""The council stage (`council_vote.bpmn`, a round's `council_sitting.bpmn`): sessions, secret ballots, the
tally and the minutes."""

from engine.operations.council import council_vote, sitting, sitting_count  # noqa: F401  (registers helpers, hooks)
