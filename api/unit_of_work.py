"""The request is the unit of work: one session and one Context per request, one commit at the end.

Handlers and operations flush; only `finish()` commits, once the response is known: a success
commits, any error rolls back. The one deliberate exception is `keep_writes_on_refusal()`, used
by login so that a refused attempt still stores the failure that throttles the next guesses.
"""
from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, Response, g, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.errors import handle_domain_error, handle_unexpected
from api.state import AppState, app_state
from engine.context import Context
from engine.errors import Conflict
from engine.models import User

REQUEST_ID_HEADER = "X-Request-ID"
_CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")  # fits AuditEvent.request_id, safe to echo
log = logging.getLogger("khenthuong.api")


class UnitOfWork:
    def __init__(self, state: AppState, request_id: str) -> None:
        self.state = state
        self.request_id = request_id
        self.actor: User | None = None
        self.auth_session_id: int | None = None  # the login (token or cookie) this request came with
        self._session: Session | None = None
        self._keep_on_refusal = False

    @property
    def session(self) -> Session:
        """Opened on first use, so requests that never touch the database never connect."""
        if self._session is None:
            self._session = self.state.session_factory()
        return self._session

    @property
    def ctx(self) -> Context:
        state = self.state
        return Context(self.session, state.settings, state.clock, state.runtime, self.actor, self.request_id)

    def keep_writes_on_refusal(self) -> None:
        """Commit this request's writes even when it answers 4xx (never on 5xx)."""
        self._keep_on_refusal = True

    def finish(self, status: int) -> None:
        if self._session is None:
            return
        if status < 400 or (self._keep_on_refusal and status < 500):
            self._session.commit()
        else:
            self._session.rollback()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None


def current_uow() -> UnitOfWork:
    uow: UnitOfWork = g.uow
    return uow


def current_ctx() -> Context:
    return current_uow().ctx


def _request_id() -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _CLIENT_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _open() -> None:
    g.uow = UnitOfWork(app_state(), _request_id())


def _finish(response: Response) -> Response:
    uow: UnitOfWork | None = g.get("uow")
    if uow is None:
        return response
    try:
        uow.finish(response.status_code)
    except IntegrityError as exc:
        # Two requests raced to create the same thing; the loser may simply try again.
        log.warning("Commit refused on %s %s: %s", request.method, request.path, exc.orig)
        uow.session.rollback()
        response = handle_domain_error(Conflict("Dữ liệu vừa được thay đổi đồng thời. Vui lòng thử lại."))
    except Exception as exc:  # noqa: BLE001 - any failed commit becomes a logged 500
        uow.session.rollback()
        response = handle_unexpected(exc)
    response.headers[REQUEST_ID_HEADER] = uow.request_id
    return response


def _close(_exc: BaseException | None) -> None:
    uow: UnitOfWork | None = g.pop("uow", None)
    if uow is not None:
        uow.close()


def init_app(app: Flask) -> None:
    """Register before any other request hook: authentication needs the unit of work."""
    app.before_request(_open)
    app.after_request(_finish)
    app.teardown_request(_close)
