"""What else happens when a revocation's recovery is confirmed: listeners other domains register.

The complaints domain runs the revocation (workflows/revocation.bpmn); at its last step the standing
office confirms what was recovered (the certificate, the reward money). A domain that keeps money
(the reward fund) registers a listener here instead of the complaints domain importing it. A listener
runs in the completing transaction, by the officer who confirms.
"""
from __future__ import annotations

from collections.abc import Callable

from engine.context import Context
from engine.models import Revocation

Listener = Callable[[Context, Revocation, bool], object]  # what it returns is not read

_listeners: list[Listener] = []


def on_recovery(listener: Listener) -> Listener:
    """Register `listener(ctx, revocation, money_recovered)` (a decorator; registering twice is once)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def recovered(ctx: Context, revocation: Revocation, *, money: bool) -> None:
    """Tell every listener that the recovery of `revocation` is confirmed (`money`: the reward money too)."""
    for listener in _listeners:
        listener(ctx, revocation, money)
