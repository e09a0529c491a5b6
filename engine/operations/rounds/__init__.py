"""Review rounds (đợt xét khen thưởng): a level's standing office opens a round with a cut-off date
and the award types it takes; dossiers reaching that level join it (commands.admit_to_round,
registered with engine/operations/admission.py). A level with no open round works one by one."""

from engine.operations.rounds import commands, dashboard  # noqa: F401  (the admission listener, the dashboard panel)
