"""The council stage (`council_vote.bpmn`): sessions, secret ballots, the tally and the minutes."""

from engine.operations.council import council_vote, sitting  # noqa: F401  (registers helpers and hooks)
