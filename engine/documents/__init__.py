"""Generated documents in the layout of Nghị định 30/2020/NĐ-CP (pure code: data in, .docx bytes out)."""
from __future__ import annotations

from engine.documents.decision import (
    Awardee,
    AwardGroup,
    DecisionDocument,
    decision_number_label,
    render_decision,
    vietnamese_date_line,
)

__all__ = [
    "AwardGroup",
    "Awardee",
    "DecisionDocument",
    "decision_number_label",
    "render_decision",
    "vietnamese_date_line",
]
