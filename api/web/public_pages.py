"""The public pages (no login, no session, counted per address, cacheable), under /cong-khai:

- /cong-khai                          what is public, with the lists now under disclosure
- /cong-khai/lay-y-kien/<id>          one list under disclosure and its comment form (POST: the comment)
- /cong-khai/quyet-dinh               issued decisions, searchable by number, year, issuer
- /cong-khai/quyet-dinh/<id>          one decision, its list, its PDF / DOCX
- /cong-khai/tra-cuu                  award lookup by name (diacritics ignored), unit and year
- /cong-khai/dien-hinh[/<id>]         exemplary people and models, their story and photo

The pages are rendered as for a visitor who is not logged in, whoever asks, so a shared cache never
holds anyone's name; the comment form carries no CSRF token (there is no session to forge) but a
honeypot field, and is counted per address."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, request

from api.auth import public
from api.downloads import send_document
from api.public_http import CommentReceived, make_public, receive_comment
from api.request_text import reads_own_text
from api.web.common import PER_PAGE, Pager, arg_int, arg_text, ctx, render
from engine.errors import InvalidInput
from engine.models import ComplaintKind, ExemplarKind
from engine.operations.award.inputs import MAX_YEAR, MIN_YEAR
from engine.operations.public import inputs as limits
from engine.operations.public import queries
from engine.operations.public.inputs import TRAP_FIELD

bp = Blueprint("public", __name__, url_prefix="/cong-khai")
make_public(bp)

FIELD_OF = {"full_name": "author"}  # the complaint intake's names of the form's fields
ANONYMOUS: dict[str, Any] = {"me": None, "counts": {}}  # the same page for everyone: nothing of a login


def _page(template: str, status: int = 200, **values: Any) -> tuple[str, int]:
    return render(template, status, **ANONYMOUS, **values)


@bp.route("")
@public
def index() -> tuple[str, int]:
    page = queries.disclosures(ctx(), unit=arg_int("don-vi"), page=arg_int("page") or 1, per_page=PER_PAGE)
    return _page("web/public_index.html", lists=page.items, pager=Pager.of(page))


def _comment_values() -> dict[str, Any]:
    form = request.form
    return {"nomination_id": form.get("nomination_id", "").strip(), "author": form.get("author", ""),
            "content": form.get("content", ""), "alleges": form.get("alleges") == "1",
            "kind": form.get("kind", ""), "contact": form.get("contact", ""), "address": form.get("address", ""),
            TRAP_FIELD: form.get(TRAP_FIELD, "")}


def _disclosure_page(disclosure_id: int, status: int = 200, values: dict[str, Any] | None = None,
                     errors: dict[str, str] | None = None, problem: str = "",
                     received: CommentReceived | None = None) -> tuple[str, int]:
    listed = queries.disclosure(ctx(), disclosure_id)
    return _page("web/public_disclosure.html", status, listed=listed, values=values or {}, errors=errors or {},
                 problem=problem, received=received, kinds=list(ComplaintKind), limits=limits, trap=TRAP_FIELD)


@bp.route("/lay-y-kien/<id:disclosure_id>")
@public
def disclosure(disclosure_id: int) -> tuple[str, int]:
    return _disclosure_page(disclosure_id)


@bp.route("/lay-y-kien/<id:disclosure_id>", methods=["POST"])
@public
@reads_own_text
def comment(disclosure_id: int) -> tuple[str, int]:
    values = _comment_values()
    raw = {**values, "nomination_id": values["nomination_id"] or None, "kind": values["kind"] or None}
    try:
        received = receive_comment(disclosure_id, raw)
    except InvalidInput as error:
        errors = {FIELD_OF.get(k.split(".")[-1], k.split(".")[-1]): v for k, v in error.errors.items()}
        return _disclosure_page(disclosure_id, 422, values, errors, error.detail)
    return _disclosure_page(disclosure_id, 201, received=received)


@bp.route("/quyet-dinh")
@public
def decisions() -> tuple[str, int]:
    number, year = arg_int("so", 1, 1_000_000), arg_int("nam", MIN_YEAR, MAX_YEAR)
    issuer = arg_text("co-quan", queries.MAX_QUERY)
    page = queries.search_decisions(ctx(), number=number, year=year, issuer=issuer or None,
                                    page=arg_int("page") or 1, per_page=PER_PAGE)
    return _page("web/public_decisions.html", items=page.items, pager=Pager.of(page), capped=page.capped,
                 number=number, year=year, issuer=issuer, min_year=MIN_YEAR, max_year=MAX_YEAR)


@bp.route("/quyet-dinh/<id:decision_id>")
@public
def decision(decision_id: int) -> tuple[str, int]:
    return _page("web/public_decision.html", decision=queries.public_decision(ctx(), decision_id))


@bp.route("/quyet-dinh/<id:decision_id>/van-ban.pdf")
@public
def decision_pdf(decision_id: int) -> Response:
    return send_document(queries.public_decision_file(ctx(), decision_id, pdf=True))


@bp.route("/quyet-dinh/<id:decision_id>/van-ban.docx")
@public
def decision_docx(decision_id: int) -> Response:
    return send_document(queries.public_decision_file(ctx(), decision_id, pdf=False))


@bp.route("/tra-cuu")
@public
def lookup() -> tuple[str, int]:
    name, unit, year = arg_text("ten", queries.MAX_QUERY), arg_int("don-vi"), arg_int("nam", MIN_YEAR, MAX_YEAR)
    after = arg_text("sau", 80) or None  # the next page's cursor (keyset paging); a bad one: the first page
    try:
        page = queries.lookup_awards(ctx(), name=name, unit=unit, year=year, page=arg_int("page") or 1,
                                     per_page=PER_PAGE, after=after)
    except InvalidInput:
        page = queries.lookup_awards(ctx(), name=name, unit=unit, year=year, per_page=PER_PAGE)
    args = {k: v for k, v in request.args.items() if k not in ("sau", "page")}
    first = request.path + "?" + urlencode(args)
    following = request.path + "?" + urlencode({**args, "sau": page.next}) if page.next else None
    return _page("web/public_lookup.html", items=page.items, pager=Pager.of(page), capped=page.capped, name=name,
                 year=year, searched=bool(name or unit), min_year=MIN_YEAR, max_year=MAX_YEAR, first=first,
                 following=following)


@bp.route("/dien-hinh")
@public
def exemplars() -> tuple[str, int]:
    raw_kind = arg_text("loai", 20)
    kind = next((k for k in ExemplarKind if k.value == raw_kind), None)
    year = arg_int("nam", MIN_YEAR, MAX_YEAR)
    page = queries.exemplars(ctx(), kind=kind, year=year, name=arg_text("ten", queries.MAX_QUERY) or None,
                             page=arg_int("page") or 1, per_page=PER_PAGE)
    return _page("web/public_exemplars.html", items=page.items, pager=Pager.of(page), kind=kind, year=year,
                 kinds=list(ExemplarKind), min_year=MIN_YEAR, max_year=MAX_YEAR)


@bp.route("/dien-hinh/<id:exemplar_id>")
@public
def exemplar(exemplar_id: int) -> tuple[str, int]:
    return _page("web/public_exemplar.html", item=queries.published_exemplar(ctx(), exemplar_id))


@bp.route("/dien-hinh/<id:exemplar_id>/anh")
@public
def exemplar_photo(exemplar_id: int) -> Response:
    return send_document(queries.exemplar_photo(ctx(), exemplar_id))

