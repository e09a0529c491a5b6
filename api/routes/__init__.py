"""One flask-smorest blueprint per resource, all under /api/v1."""
from __future__ import annotations

from flask_smorest import Api, Blueprint

from api.routes import admin, audit, auth, me, process_definitions, tasks, units

BLUEPRINTS: tuple[Blueprint, ...] = (
    auth.blp, me.blp, units.blp, tasks.blp, audit.blp, process_definitions.blp, admin.blp,
)


def register_routes(api: Api) -> None:
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
