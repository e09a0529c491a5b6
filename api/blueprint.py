"""What every resource blueprint shares: a JSON parser that refuses what would otherwise end as a
500 (absurd nesting, NUL, lone surrogates, numbers too long to read), the `<id:…>` route converter,
and a shorthand to document problem+json answers."""
from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, NoReturn, TypeVar

import flask
import flask_smorest
from marshmallow import Schema, missing
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.routing import IntegerConverter

from engine.db import MAX_ID
from engine.text import BAD_CHARACTERS, clean_text, shown

MAX_JSON_DEPTH = 64
MAX_NUMBER_LENGTH = 100  # characters of one JSON number (Python reads no integer beyond 4,300 digits)
INVALID_JSON = "Nội dung JSON không đúng cú pháp."
TOO_DEEP = f"Nội dung JSON lồng nhau quá {MAX_JSON_DEPTH} cấp."
TOO_LONG_NUMBER = f"Số quá dài (tối đa {MAX_NUMBER_LENGTH} chữ số)."
UNREADABLE = "Nội dung JSON có giá trị không đọc được."

View = TypeVar("View", bound=Callable[..., Any])


class _TooLong:
    """Stands in for a number too long to read, so that the walk below can name its field."""


_TOO_LONG = _TooLong()


def _number(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda text: kind(text) if len(text) <= MAX_NUMBER_LENGTH else _TOO_LONG


def _not_json(name: str) -> NoReturn:
    raise json.JSONDecodeError(f"{name} is not JSON", name, 0)  # NaN, Infinity: Python's, not JSON's


def read_json(raw: bytes) -> Any:
    """The document, numbers too long to read left as markers for `json_faults`; JSONDecodeError,
    UnicodeDecodeError or RecursionError when it cannot be read at all."""
    return json.loads(raw.decode("utf-8"), parse_int=_number(int), parse_float=_number(float),
                      parse_constant=_not_json)


def _at(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{shown(key)}" if path else shown(key)


def json_faults(value: Any) -> tuple[int, dict[str, str]]:
    """Why a parsed document must be refused, by field path (walked without recursion): nesting beyond
    reason (400), text no database stores or a number too long to read (422); (0, {}) when none."""
    faults: dict[str, str] = {}
    stack: list[tuple[Any, str, int]] = [(value, "", 1)]
    while stack:
        node, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return 400, {path or "body": TOO_DEEP}
        if node is _TOO_LONG:
            faults[path or "body"] = TOO_LONG_NUMBER
        elif isinstance(node, str) and not clean_text(node):
            faults[path or "body"] = BAD_CHARACTERS
        elif isinstance(node, dict):
            for key, child in node.items():
                if not clean_text(key):
                    faults[_at(path, key)] = BAD_CHARACTERS
                stack.append((child, _at(path, key), depth + 1))
        elif isinstance(node, list):
            stack.extend((child, _at(path, index), depth + 1) for index, child in enumerate(node))
    return (422, dict(sorted(faults.items()))) if faults else (0, {})


class JsonParser(FlaskParser):
    """webargs' parser; JSON that is malformed or nested beyond reason is a 400, one holding text no
    database stores or a number too long to read a 422 naming the field, never a 500 (Python's decoder
    raises RecursionError near a depth of 1000, and ValueError past 4,300 digits)."""

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return missing
        try:
            data = read_json(req.get_data(cache=True))
        except RecursionError:
            abort(400, messages={"json": [TOO_DEEP]}, detail=TOO_DEEP)
        status, faults = json_faults(data)
        if status == 400:
            abort(400, messages={"json": [TOO_DEEP]}, detail=TOO_DEEP)
        if faults:
            abort(422, messages={"json": {path: [message] for path, message in faults.items()}}, detail=UNREADABLE)
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
