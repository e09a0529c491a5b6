"""What the application holds for its lifetime, kept in `app.extensions["khenthuong"]`."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.clock import Clock
from engine.config import Settings
from engine.runtime import Runtime

EXTENSION = "khenthuong"


@dataclass
class AppState:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    runtime: Runtime
    clock: Clock


def app_state() -> AppState:
    state: AppState = current_app.extensions[EXTENSION]
    return state
