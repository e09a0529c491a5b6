"""Complaints (khiếu nại), denunciations (tố cáo) and the revocation of awards (`complaint.bpmn`,
`denunciation.bpmn`, `revocation.bpmn`)."""

from engine.operations.complaints import complaint, revocation  # noqa: F401  (registers helpers and hooks)
