"""The production web server: gunicorn serving one `create_app()` built before the workers fork.

The application is built once in the master (definitions parsed and checked, their versions deployed in
one transaction), so N workers never race to deploy, a broken BPMN file stops the start before any
worker exists, and the parsed definitions are shared copy-on-write. Workers keep nothing of their own
that another process could need: everything they know comes from the database on each request.
"""
from __future__ import annotations

import gc
from dataclasses import dataclass
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from api.state import EXTENSION, AppState

# Long enough for a decision rendered to DOCX on a busy machine; a request stuck longer is killed.
WORKER_TIMEOUT_SECONDS = 120
GRACEFUL_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class ServerOptions:
    host: str
    port: int
    workers: int
    threads: int = 1
    access_log: bool = False

    def gunicorn_config(self) -> dict[str, Any]:
        return {
            "bind": f"{self.host}:{self.port}",
            "workers": self.workers,
            "threads": self.threads,
            "worker_class": "gthread" if self.threads > 1 else "sync",
            "timeout": WORKER_TIMEOUT_SECONDS,
            "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
            "preload_app": True,
            "accesslog": "-" if self.access_log else None,  # "-": one line per request on stdout
            "errorlog": "-",
            "loglevel": "info",
            "proc_name": "khenthuong",
        }


class ProductionServer(BaseApplication):  # type: ignore[misc]
    """gunicorn's arbiter around an application already built (and checked) by the caller."""

    def __init__(self, app: Flask, options: ServerOptions) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.gunicorn_config().items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        return self.application


def serve_production(app: Flask, options: ServerOptions) -> None:
    """Run until SIGTERM (workers finish their requests first) or SIGINT."""
    state: AppState = app.extensions[EXTENSION]
    # The master used the pool to deploy: close it, so no forked worker shares a connection.
    state.engine.dispose()
    freeze_the_built_application()
    ProductionServer(app, options).run()


def freeze_the_built_application() -> None:
    """Keep what the master built (modules, parsed definitions, the application) out of every later
    garbage collection. A full collection walks every tracked object: in a process holding the application
    and a few hundred cached workflows one took 150–270 ms of CPU (bench.http_parts with a gc callback;
    frozen, about half), a pause that lands on whichever request is running. Frozen before the fork, the
    objects also stay untouched in the pages the workers share (a collection writes to each object it
    walks, which copies the page)."""
    gc.collect()
    gc.freeze()
