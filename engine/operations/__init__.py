"""Business actions as plain functions: check permission, change state, audit, flush; never commit."""

# Register the domain helpers BPMN scripts call and the task hooks (before any Runtime loads).
from engine.operations import award_flow, award_tasks, complaint_flow, council, revocations  # noqa: E402, F401
