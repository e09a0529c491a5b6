"""The HTTP floor for bench.http: a bare Flask application, no database, no authentication, served by the
same gunicorn. One route answers a POSTed JSON body with a small JSON, as a task completion's answer is;
`GET /` says the server is up."""
from __future__ import annotations

from typing import Any

from flask import Flask, request

app = Flask(__name__)


@app.post("/echo")
def echo() -> dict[str, Any]:
    body = request.get_json()
    return {"id": 1, "key": "prepare", "data": body, "next_tasks": [{"id": 2, "key": "review"}]}


@app.get("/")
def up() -> dict[str, Any]:
    return {}
