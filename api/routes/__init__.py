"""One flask-smorest blueprint per resource, all under /api/v1: every module of this package
that defines `blp` is registered, in alphabetical order."""
from __future__ import annotations

import importlib
import pkgutil

from flask_smorest import Api, Blueprint


def blueprints() -> list[Blueprint]:
    found = []
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        blp = getattr(importlib.import_module(f"{__name__}.{module}"), "blp", None)
        if isinstance(blp, Blueprint):
            found.append(blp)
    return found


def register_routes(api: Api) -> None:
    for blueprint in blueprints():
        api.register_blueprint(blueprint)
