"""What every resource blueprint shares: a JSON parser that refuses what would otherwise end as a
500 (absurd nesting, NUL, lone surrogates), the `<id:…>` route converter, and a shorthand to
document problem+json answers."""
from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, NoReturn, TypeVar

import flask
import flask_smorest
from marshmallow import Schema, missing
from webargs.flaskparser import FlaskParser, abort
from werkzeug.routing import IntegerConverter

from engine.db import MAX_ID
from engine.text import BAD_CHARACTERS, clean_text

MAX_JSON_DEPTH = 64
INVALID_JSON = "Nội dung JSON không đúng cú pháp."
TOO_DEEP = f"Nội dung JSON lồng nhau quá {MAX_JSON_DEPTH} cấp."

View = TypeVar("View", bound=Callable[..., Any])


def json_problem(value: Any) -> str | None:
    """Why a parsed JSON document must be refused (walked without recursion), or None."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return TOO_DEEP
        if isinstance(node, str) and not clean_text(node):
            return BAD_CHARACTERS
        if isinstance(node, dict):
            stack.extend((key, depth) for key in node)
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return None


class JsonParser(FlaskParser):
    """webargs' parser; JSON that is malformed, nested beyond reason or holding text no database
    stores is a 400, never a 500 (Python's decoder raises RecursionError near a depth of 1000)."""

    def _raw_load_json(self, req: flask.Request) -> Any:
        try:
            data = super()._raw_load_json(req)
        except RecursionError:
            abort(400, messages={"json": [TOO_DEEP]}, detail=TOO_DEEP)
        problem = json_problem(data)
        if problem:
            abort(400, messages={"json": [problem]}, detail=problem)
        return data

    def _handle_invalid_json_error(self, error: json.JSONDecodeError | UnicodeDecodeError, req: flask.Request,
                                   *args: Any, **kwargs: Any) -> NoReturn:
        abort(400, exc=error, messages={"json": [INVALID_JSON]}, detail=INVALID_JSON)


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    ARGUMENTS_PARSER = JsonParser()


def json_body(schema: type[Schema]) -> Any:
    """The request's JSON, through the parser above (400 on malformed or absurd JSON), None when absent;
    for the bodies a domain reads itself into its typed input (`schema` only documents them)."""
    data = Blueprint.ARGUMENTS_PARSER.load_json(flask.request, schema())
    return None if data is missing else data


def json_request_body(schema: type[Schema]) -> dict[str, Any]:
    """The OpenAPI `requestBody` of such an endpoint."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def problems(blp: flask_smorest.Blueprint, *codes: int) -> Callable[[View], View]:
    """Document the problem+json answers an endpoint may give besides the default error."""
    def decorate(view: View) -> View:
        for code in codes:
            view = blp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view
    return decorate


class IdConverter(IntegerConverter):
    """`<id:name>` in a route: a row id; anything else (`abc`, `0`, 2**64) is simply not found."""

    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def id_parameter_schema(_converter: IdConverter) -> dict[str, Any]:
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}
