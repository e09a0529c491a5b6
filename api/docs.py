"""GET /api/v1/docs: the generated OpenAPI document as one self-contained HTML page.

Rendered on the server from the same spec as /api/v1/openapi.json; no script, style sheet or
font is fetched from anywhere, so the page works on a network with no Internet access.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, current_app, render_template
from markupsafe import Markup, escape

from api.auth import public

blp = Blueprint("docs", __name__, url_prefix="/api/v1")

METHODS = ("get", "post", "put", "patch", "delete")
_TYPES = {"string": "chuỗi", "integer": "số nguyên", "number": "số", "boolean": "đúng/sai",
          "object": "đối tượng", "array": "danh sách"}


def openapi_spec() -> dict[str, Any]:
    api = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    spec: dict[str, Any] = api.spec.to_dict()
    return spec


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local `$ref` (`#/components/...`) to what it names."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target.get(part, {})
        node = target
    return node


def type_label(schema: dict[str, Any] | None) -> Markup:
    """A schema in a few words, with links to the named schemas it uses."""
    if not schema:
        return Markup("—")
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return Markup('<a href="#schema-{0}">{0}</a>').format(name)
    kind = schema.get("type")
    if kind == "array":
        return Markup("danh sách ") + type_label(schema.get("items"))
    label = Markup(escape(_TYPES.get(str(kind), str(kind or "bất kỳ"))))
    if schema.get("format"):
        label += Markup(" ({})").format(schema["format"])
    if schema.get("enum"):
        label += Markup(": ") + Markup(", ").join(Markup("<code>{}</code>").format(v) for v in schema["enum"])
    if schema.get("nullable"):
        label += Markup(", có thể null")
    return label


def _operation(spec: dict[str, Any], path: str, method: str, op: dict[str, Any]) -> dict[str, Any]:
    parameters = [_resolve(spec, p) for p in op.get("parameters", [])]
    body = _resolve(spec, op.get("requestBody", {}))
    responses = []
    answers = op.get("responses", {})
    for status in sorted(answers, key=lambda code: (code == "default", code)):
        response = answers[status]
        response = _resolve(spec, response)
        content = response.get("content", {})
        responses.append({"status": status, "description": response.get("description", ""),
                          "content": [(ctype, type_label(c.get("schema"))) for ctype, c in content.items()]})
    return {
        "method": method.upper(), "path": path, "id": re.sub(r"[^a-z0-9]+", "-", f"{method} {path}".lower()),
        "summary": op.get("summary", ""), "description": op.get("description", ""),
        "public": op.get("security", spec.get("security")) == [],
        "parameters": [{"name": p.get("name"), "in": p.get("in"), "required": p.get("required", False),
                        "type": type_label(p.get("schema")), "description": p.get("description", "")}
                       for p in parameters],
        "body": [(ctype, type_label(c.get("schema"))) for ctype, c in body.get("content", {}).items()],
        "body_description": body.get("description", ""),
        "responses": responses,
    }


def page_model(spec: dict[str, Any]) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {tag["name"]: [] for tag in spec.get("tags", [])}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                op = item[method]
                for tag in op.get("tags") or ["khác"]:
                    groups.setdefault(tag, []).append(_operation(spec, path, method, op))
    descriptions = {tag["name"]: tag.get("description") or tag["name"] for tag in spec.get("tags", [])}
    schemas = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        fields = [{"name": field, "type": type_label(prop), "required": field in required,
                   "description": prop.get("description", ""), "read_only": prop.get("readOnly", False),
                   "write_only": prop.get("writeOnly", False)}
                  for field, prop in schema.get("properties", {}).items()]
        schemas.append({"name": name, "fields": fields, "description": schema.get("description", "")})
    return {
        "info": spec.get("info", {}), "openapi": spec.get("openapi"),
        "groups": [(tag, descriptions.get(tag, tag), ops) for tag, ops in groups.items() if ops],
        "schemas": schemas,
    }


@blp.route("/docs")
@public
def docs() -> str:
    return render_template("docs.html", **page_model(openapi_spec()))
