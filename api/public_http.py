"""What the public pages and their API share: reads counted per address (the engine's atomic
throttle, 429 beyond it, the count kept), an ETag and a Cache-Control on every GET answer that is not
a file (public; private when a logged-in browser asks, since its refreshed session cookie may ride
along), a 304 to a matching If-None-Match, and never a session: nothing is put into the cookie
session on these addresses, so an anonymous visitor gets no Set-Cookie."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, request

from api.auth import SESSION_COOKIE
from api.unit_of_work import current_uow
from engine.operations.complaints import commands as complaints
from engine.operations.public import commands as public
from engine.operations.public.commands import check_comment
from engine.operations.public.inputs import read_comment

MAX_AGE = 60  # seconds a browser or a shared cache may reuse a public answer


def _count() -> None:
    uow = current_uow()
    uow.keep_writes_on_refusal()  # a refused read still counts
    public.count_read(uow.ctx, request.remote_addr)


def _cacheable(response: Response) -> Response:
    if request.method in ("GET", "HEAD") and response.status_code == 200 and "Cache-Control" not in response.headers:
        # The page is the same for everyone; but a logged-in browser's answer may carry its refreshed
        # session cookie, which no shared cache may keep: private for it, public for everyone else.
        logged_in = SESSION_COOKIE in request.cookies
        response.headers["Cache-Control"] = f"{'private' if logged_in else 'public'}, max-age={MAX_AGE}"
        response.add_etag()
        response.make_conditional(request)
    return response


def make_public(bp: Blueprint) -> None:
    """Count and cache the answers of every view of `bp` (each still marked @public)."""
    bp.before_request(_count)
    bp.after_request(_cacheable)


@dataclass(frozen=True)
class CommentReceived:
    received: bool
    complaint_code: str | None = None
    complaint_secret: str | None = None  # shown once, as the complaint intake does


def receive_comment(disclosure_id: int, raw: Any) -> CommentReceived:
    """A citizen's comment on a disclosed list, from the page's form or the API: kept for the office;
    when it alleges wrongdoing, also filed through the public complaint intake about that nomination
    (which freezes it, as any complaint does). A filled honeypot is answered as received and nothing
    is kept. Both counts (comments, filings) stay even when the answer is a refusal."""
    uow = current_uow()
    uow.keep_writes_on_refusal()
    given = read_comment(raw)
    if given.trap:
        return CommentReceived(True)
    check_comment(uow.ctx, disclosure_id, given)
    filed = (complaints.file_public_complaint(uow.ctx, given.complaint_payload(), address=request.remote_addr)
             if given.alleges else None)
    public.add_comment(uow.ctx, disclosure_id, given, address=request.remote_addr,
                       complaint_id=filed.complaint.id if filed else None)
    return CommentReceived(True, filed.tracking_code if filed else None, filed.secret if filed else None)
