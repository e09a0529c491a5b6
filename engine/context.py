"""What every operation needs: the transaction, the acting user, settings, time, the runtime."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.config import Settings
from engine.models import User

if TYPE_CHECKING:
    from engine.runtime import Runtime


@dataclass
class Context:
    session: Session
    settings: Settings
    clock: Clock
    runtime: Runtime | None = None
    actor: User | None = None
    request_id: str | None = None

    def as_actor(self, actor: User | None) -> Context:
        return Context(self.session, self.settings, self.clock, self.runtime, actor, self.request_id)
