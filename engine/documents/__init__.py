"""Generated documents in the layout of Nghị định 30/2020/NĐ-CP (pure code: data in, .docx bytes out)."""
from __future__ import annotations

from engine.documents.cancellation import (
    CancellationDocument,
    RevokedAward,
    render_cancellation,
)
from engine.documents.decision import (
    Awardee,
    AwardGroup,
    DecisionDocument,
    award_phrase,
    decision_number_label,
    render_decision,
)
from engine.documents.layout import vietnamese_date_line
from engine.documents.minutes import (
    MinutesDocument,
    MinutesItem,
    MinutesMember,
    render_minutes,
)

__all__ = [
    "AwardGroup",
    "Awardee",
    "CancellationDocument",
    "DecisionDocument",
    "MinutesDocument",
    "MinutesItem",
    "MinutesMember",
    "RevokedAward",
    "award_phrase",
    "decision_number_label",
    "render_cancellation",
    "render_decision",
    "render_minutes",
    "vietnamese_date_line",
]
