"""Refusing, before any view runs, request text that no database stores: a NUL (PostgreSQL refuses
it in text) in a path segment, a query argument or a form field (its name or its value), or in an
uploaded file's name.

werkzeug decodes query and form bytes leniently, so a lone surrogate cannot come this way; JSON
bodies are checked by their parser (api/blueprint.py). A page whose form reader refuses such text
itself, beside the field and with what was typed, is marked `@reads_own_text`: its form fields are
left to it (its query arguments are not).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, request
from werkzeug.datastructures import MultiDict

from api.auth import FORM_TYPES
from engine.errors import InvalidInput
from engine.text import BAD_CHARACTERS, clean_text, shown

_OWN_TEXT = "_khenthuong_reads_own_text"

View = TypeVar("View", bound=Callable[..., Any])


class UncleanText(InvalidInput):
    """A query argument or form field holding a NUL."""


def reads_own_text(view: View) -> View:
    """Mark a page whose form reader refuses NUL itself, re-rendering the form with the error."""
    setattr(view, _OWN_TEXT, True)
    return view


def _unclean(values: MultiDict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in values.items(multi=True):
        name = name or ""  # a multipart part may come without a name
        text = value if isinstance(value, str) else (getattr(value, "filename", None) or "")  # ids, files
        if not clean_text(name) or not clean_text(text):
            found[shown(name)] = BAD_CHARACTERS
    return found


def _reads_own_text() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, _OWN_TEXT, False))


def refuse_unclean_text() -> None:
    """Raise UncleanText naming every query argument and form field that holds a NUL."""
    found = _unclean(request.args) | _unclean(MultiDict(request.view_args or {}))
    if request.mimetype in FORM_TYPES and not _reads_own_text():
        found |= _unclean(request.form) | _unclean(request.files)
    if found:
        raise UncleanText(f"Dữ liệu gửi lên chứa ký tự không hợp lệ ở: {', '.join(found)}.", found)


def init_app(app: Flask) -> None:
    """Register after authentication (a stranger is told to log in first); the answer rolls back."""
    app.before_request(refuse_unclean_text)
