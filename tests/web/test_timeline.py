"""The dossier's timeline says every recorded action in Vietnamese: no code, no English word."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from api.web.labels import sentence
from api.web.timeline import HIDDEN, timeline
from engine import audit
from engine.models import AuditEvent
from engine.vocabulary import AuditAction


def _english_words(action: AuditAction, text: str) -> list[str]:
    """The words of the action's code (`ballot`, `cast`) that the text says as they are."""
    return [word for word in action.value.split("_") if re.search(rf"\b{word}\b", text, re.IGNORECASE)]


@pytest.fixture
def events(ctx) -> list[AuditEvent]:
    """One stored event of every action, read back as the dossier page reads them."""
    for action in AuditAction:
        audit.record(ctx, action, "dossier", None, dossier_id=1)
    ctx.session.commit()
    return list(ctx.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def test_every_action_is_told_in_vietnamese(ctx, events):
    entries = iter(timeline(ctx.session, events))
    for event in events:
        action = AuditAction(event.action)
        text = sentence(action.label) if action in HIDDEN else next(entries).text
        assert text and text.lower() != action.value.replace("_", " "), action
        assert _english_words(action, text) == [], (action, text)
    assert next(entries, None) is None


def test_bookkeeping_actions_stay_off_the_timeline(ctx, events):
    shown = timeline(ctx.session, events)
    assert len(shown) == len(AuditAction) - len(HIDDEN)


def test_an_action_no_longer_known_is_still_said_in_vietnamese(ctx, events):
    ghost = events[0]
    ctx.session.expunge(ghost)
    ghost.action = "ballot_recounted"  # detached, in memory only: the chain is never edited
    [entry] = timeline(ctx.session, [ghost])
    assert entry.text == "Sự kiện khác" and entry.detail == ""
