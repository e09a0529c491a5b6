"""The emulation year before the dossier: annual plans and their tasks, movements and the answers of
the units below, registrations (typed or from Excel), clusters and blocks with their scoring sheet,
self-scores, the head's adjustments and the ranking, yearly grades — records kept through the year —
and the cluster's vote (suy tôn, `cluster_vote.bpmn`) whose proposal becomes a dossier."""

from engine.operations.emulation import cluster_vote  # noqa: F401  (registers helpers and hooks)
