"""What else happens when a dossier reaches a reviewing unit: listeners other domains register.

The award process moves a dossier from level to level; a domain that organises the work of a level
(review rounds) registers a listener here instead of the award domain importing it. A listener runs
in the same transaction: when the proposer submits (`submitting`), before anything is written, and
may refuse with a domain error (a round's cut-off passed); when nominations are forwarded up, after
the dossier entered the level, and must not refuse what the level below has already decided.
"""
from __future__ import annotations

from collections.abc import Callable

from engine.context import Context
from engine.models import Dossier, Unit

Listener = Callable[[Context, Dossier, Unit, bool], None]

_listeners: list[Listener] = []


def on_admission(listener: Listener) -> Listener:
    """Register `listener(ctx, dossier, unit, submitting)` (a decorator; registering twice is once)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def admit(ctx: Context, dossier: Dossier, unit: Unit, *, submitting: bool) -> None:
    """Tell every listener that `dossier` reaches `unit`."""
    for listener in _listeners:
        listener(ctx, dossier, unit, submitting)
