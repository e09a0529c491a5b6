"""Running workflows kept deserialized between requests, per process, as an optimisation only.

An entry is keyed by instance id and the instance's `revision`: a random token every save writes
with the state. A token names one committed state in every database it is ever copied to, so an
entry is served only when the row still carries its token; another server process saving the
instance, a restored backup or a table emptied and refilled (ids reused, versions repeated) all
change it. Entries are added only after their transaction commits. An entry also keeps what the
side tables hold for its revision (`rows`, engine/runtime/tables.py: SideRows), when known, so that
opening it again needs no walk of its task tree.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")
_PENDING_KEY = "khenthuong_workflows_to_cache"


class WorkflowCache:
    def __init__(self, size: int) -> None:
        self._entries: OrderedDict[int, tuple[str, BpmnWorkflow, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def take(self, instance_id: int, revision: str) -> tuple[BpmnWorkflow, Any] | None:
        """The workflow at `revision` and its side rows (None when not known), removed from the cache: the
        caller is its only user until it saves (and the commit puts it back) or gives it back untouched."""
        with self._lock:
            entry = self._entries.pop(instance_id, None)
        return (entry[1], entry[2]) if entry is not None and revision and entry[0] == revision else None

    def read(self, instance_id: int, revision: str, reader: Callable[[BpmnWorkflow], T]) -> tuple[bool, T | None]:
        """Run `reader` on the cached workflow at `revision`, holding the cache lock so that no
        request takes it meanwhile. (False, None) when it is not cached."""
        with self._lock:
            entry = self._entries.get(instance_id)
            if entry is None or not revision or entry[0] != revision:
                return False, None
            self._entries.move_to_end(instance_id)
            return True, reader(entry[1])

    def put(self, instance_id: int, revision: str, workflow: BpmnWorkflow, rows: Any = None) -> None:
        """Keep a running workflow (with its side rows, if known), most recently used last; a finished one
        is dropped."""
        with self._lock:
            if workflow.is_completed() or not revision:
                self._entries.pop(instance_id, None)
                return
            self._entries[instance_id] = (revision, workflow, rows)
            self._entries.move_to_end(instance_id)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def put_after_commit(self, session: Session, instance_id: int, revision: str, workflow: BpmnWorkflow,
                         rows: Any = None) -> None:
        session.info.setdefault(_PENDING_KEY, []).append((self, instance_id, revision, workflow, rows))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __contains__(self, instance_id: object) -> bool:
        with self._lock:
            return instance_id in self._entries

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def ids(self) -> list[int]:
        with self._lock:
            return list(self._entries)


@event.listens_for(Session, "after_commit")
def _cache_committed(session: Session) -> None:
    for cache, instance_id, revision, workflow, rows in session.info.pop(_PENDING_KEY, []):
        cache.put(instance_id, revision, workflow, rows)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: Any) -> None:
    session.info.pop(_PENDING_KEY, None)
