"""Review rounds (đợt xét khen thưởng): a level's standing office opens a round with a cut-off date
and the award types it takes; dossiers reaching that level join it (commands.admit_to_round,
registered with engine/operations/admission.py). A level with no open round works one by one."""

# The admission listener, the dashboard panel, the round's process (its script helpers).
from engine.operations.rounds import commands, dashboard, review_round  # noqa: F401
