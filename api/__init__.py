"""The HTTP API: `create_app()` builds a Flask application; there is no global app.

Start-up checks the process definitions (a DefinitionError stops the start) and stores their
current versions in one committed transaction before the first request is served.
"""
from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Flask, Response
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from api import auth, request_text, unit_of_work
from api.blueprint import IdConverter, id_parameter_schema
from api.docs import blp as docs_blueprint
from api.errors import HTTP_TEXT, PROBLEM_JSON, handle_http_exception, register_error_handlers
from api.routes import register_routes
from api.schemas import ProblemSchema
from api.state import EXTENSION, AppState
from api.web import register_web
from engine.clock import Clock, SystemClock
from engine.config import Settings, quiet_library_logs
from engine.db import make_engine, make_session_factory
from engine.documents.signing import check_document_settings
from engine.rules import load_rules
from engine.runtime import Runtime

API_PREFIX = "/api/v1"
MAX_REQUEST_BYTES = 32 * 1024 * 1024  # larger bodies are refused with 413 before any handler runs


class ProblemApi(Api):
    """flask-smorest, answering its errors (webargs validation included) as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        return handle_http_exception(error)

    def _register_responses(self) -> None:
        """As flask-smorest's, but documenting the media type errors are really sent with."""
        for status in HTTPStatus:
            response: dict[str, Any] = {"description": HTTP_TEXT.get(status, (status.phrase,))[0]}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Lỗi", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def _api_config(settings: Settings) -> dict[str, Any]:
    return {
        "API_TITLE": "khenthuong — Thi đua, khen thưởng",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": API_PREFIX,
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": {
            "info": {"description": "API của hệ thống quản lý quy trình thi đua, khen thưởng."},
            "security": [{"bearerAuth": []}, {"cookieAuth": []}],
        },
        "MAX_CONTENT_LENGTH": MAX_REQUEST_BYTES,
        **auth.session_config(settings),
    }


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None,
               clock: Clock | None = None) -> Flask:
    quiet_library_logs()
    settings = settings or Settings.from_env()
    clock = clock or SystemClock()
    runtime = runtime or Runtime.load(settings)  # a DefinitionError propagates: the start fails
    load_rules(settings.rules_dir)  # so does a broken rules file (catalogue, holidays)
    check_document_settings(settings.decision_pdf, settings.signing_pkcs12, settings.signing_passphrase)
    engine = make_engine(settings.database_url)
    session_factory = make_session_factory(engine)
    try:
        with session_factory.begin() as session:
            runtime.deploy(session, clock)
    except Exception:
        engine.dispose()
        raise

    app = Flask(__name__, static_folder=None)
    app.config.update(_api_config(settings))
    app.secret_key = settings.secret_key
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions[EXTENSION] = AppState(settings, engine, session_factory, runtime, clock)
    app.url_map.converters["id"] = IdConverter

    register_error_handlers(app)
    api = ProblemApi(app)  # after our handlers: its HTTPException handler is our problem+json one too
    api.register_converter(IdConverter, id_parameter_schema)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme("cookieAuth", {"type": "apiKey", "in": "cookie",
                                                       "name": auth.SESSION_COOKIE})
    unit_of_work.init_app(app)  # first: authentication needs the request's unit of work
    auth.init_app(app)
    request_text.init_app(app)
    register_routes(api)
    app.register_blueprint(docs_blueprint)
    register_web(app)  # the HTML pages, over the same operations
    if settings.trusted_proxies:
        # The client's address (login throttling, public forms) and scheme as the proxies saw them;
        # only the entries the trusted proxies added are believed, never one the client wrote.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies,  # type: ignore[method-assign]
                                x_proto=settings.trusted_proxies)
    return app
