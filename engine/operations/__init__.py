"""Business actions as plain functions: check permission, change state, audit, flush; never commit.

The shared machinery sits here (tasks, hooks, forms, processes, timers, access, paging, throttle,
notifications, numbering, the registry); each domain is a package with the same rooms:
`commands` (state changes), `queries` (reads and the `can_*` questions), one module per BPMN file
holding that file's script helpers and task hooks, and the domain's documents. A domain imports
another only through its `queries`.
"""

# Importing the domains registers the helpers their BPMN scripts call and their task hooks,
# before any Runtime loads a definition. The round decision (the hook on review_round.bpmn's `decide_round`)
# reads the rounds domain, which reads award: imported here, not from the award package.
from engine.operations import award, complaints, council, emulation, fund, public, reports, rounds, statistics  # noqa: F401, E501
from engine.operations.award import round_decision  # noqa: F401
