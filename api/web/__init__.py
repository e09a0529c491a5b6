"""The web pages: server-rendered HTML over the same engine/operations as the JSON API.

One parent blueprint, `web`, holds a child blueprint per area (session, inbox, dossiers, tasks,
decisions, administration). Its error handlers turn domain errors into pages: not logged in →
the login page, anything else → an error page with the status the API would give. Every form
carries the session's CSRF token in a hidden field; api/auth.py checks it before any view runs.
"""
from __future__ import annotations

from flask import Flask

from api.auth import form_csrf_token
from api.web import fund_pages, labels
from api.web.complaint_pages import attach
from api.web.site import page_not_found, web
from engine.operations.award import inputs as dossier_inputs
from engine.operations.complaints import inputs as complaint_inputs


def register_web(app: Flask) -> None:
    """Register the pages on the application (after the API, whose request hooks they rely on)."""
    attach(web, app)  # the complaint pages (public intake and tracking, officers' list and detail)
    app.register_blueprint(web)
    app.register_error_handler(404, page_not_found)
    app.register_error_handler(405, page_not_found)
    app.jinja_env.filters.update(date=labels.format_date, time=labels.format_time, size=labels.format_size)
    # Macros see globals, not the context; form fields take their maxlength from the domain's limits.
    app.jinja_env.globals.update(csrf_token=form_csrf_token, keeps_fund=fund_pages.keeps_fund,
                                 labels=labels, dossier_limits=dossier_inputs,
                                 complaint_limits=complaint_inputs)
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
