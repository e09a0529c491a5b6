"""The background worker: fires due timers, one instance per transaction, signs the audit chain's head,
and sends mail when SMTP is configured (notifications, the daily digest), until stopped."""
from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

from sqlalchemy.orm import Session, sessionmaker

from engine import anchor
from engine.clock import Clock
from engine.config import Settings
from engine.context import Context
from engine.operations import mail
from engine.operations.timers import fire_next_due
from engine.runtime import Runtime

log = logging.getLogger("khenthuong.worker")


def run_due_timers(session_factory: sessionmaker[Session], settings: Settings, runtime: Runtime,
                   clock: Clock, stop: threading.Event | None = None) -> int:
    """One pass: fire every timer due now. Each instance is its own transaction (the commit is here)."""
    fired, seen = 0, set[int]()
    while stop is None or not stop.is_set():
        with session_factory() as session:
            ctx = Context(session=session, settings=settings, clock=clock, runtime=runtime)
            try:
                result = fire_next_due(ctx, skip=frozenset(seen))
                session.commit()
            except Exception:
                session.rollback()
                log.exception("firing a timer failed")
                raise
        if result is None:
            return fired
        seen.add(result.instance_id)  # at most once per pass, even if its row stays due
        fired += len(result.keys)
        log.info("instance %s: fired %s", result.instance_id, ", ".join(result.keys) or "nothing")
    return fired


def sign_head_if_due(session_factory: sessionmaker[Session], settings: Settings, clock: Clock) -> None:
    """The periodic checkpoint of the audit chain (engine/anchor.py), in its own transaction."""
    with session_factory() as session:
        try:
            made = anchor.checkpoint_if_due(Context(session=session, settings=settings, clock=clock))
            session.commit()
        except Exception:
            session.rollback()
            log.exception("signing the audit chain's head failed")
            return
    if made is not None:
        log.info("audit checkpoint: %s", made.line())


def send_mail_if_any(session_factory: sessionmaker[Session], settings: Settings, clock: Clock) -> None:
    """Mail the new notifications, and the day's digest once its hour has come; own transactions.
    A refusal of the SMTP server is logged and retried at the next pass (nothing marked sent)."""
    if not mail.enabled(settings):
        return
    for job, name in ((mail.mail_notifications, "notifications"), (_digest_if_due, "digest")):
        with session_factory() as session:
            try:
                sent = job(Context(session=session, settings=settings, clock=clock))
                session.commit()
            except Exception:
                session.rollback()
                log.exception("sending mail (%s) failed", name)
                continue
        if sent:
            log.info("mail: %s %s sent", sent, name)


def _digest_if_due(ctx: Context) -> int:
    return mail.send_digest(ctx) if mail.digest_due(ctx) else 0


def run_forever(session_factory: sessionmaker[Session], settings: Settings, runtime: Runtime, clock: Clock,
                once: bool = False, install_signals: bool = True,
                stop: threading.Event | None = None, on_pass: Callable[[int], None] | None = None) -> int:
    """Poll until SIGTERM/SIGINT (or `stop`); the current transaction always finishes first."""
    stop = stop or threading.Event()
    if install_signals:
        def _stop(signum: int, _frame: FrameType | None) -> None:
            log.info("signal %s: stopping after the current job", signum)
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    total = 0
    log.info("worker started (poll every %ss)", settings.worker_poll_seconds)
    while not stop.is_set():
        fired = run_due_timers(session_factory, settings, runtime, clock, stop)
        sign_head_if_due(session_factory, settings, clock)
        send_mail_if_any(session_factory, settings, clock)
        total += fired
        if on_pass:
            on_pass(fired)
        if once:
            break
        stop.wait(settings.worker_poll_seconds)
    log.info("worker stopped")
    return total
