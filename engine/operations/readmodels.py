"""What the read models of the domains' `queries` share: an object seen with more beside it, and
loading the rows a list refers to in one query per kind (never one query per row)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import LoaderOption

T = TypeVar("T")


@dataclass(frozen=True)
class Extended(Generic[T]):
    """An object (a row, an entry of the rules) with what a reader needs beside it. What the object
    has is read through (`detail.title` is the dossier's title), so a response schema or a template
    reads the read model as it would read the object, plus the fields the subclass adds."""

    base: T

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "base":  # not set yet (copying), or a protocol probe
            raise AttributeError(name)
        return getattr(self.base, name)


def by_id(session: Session, model: type[T], ids: Iterable[int | None], *options: LoaderOption) -> dict[int, T]:
    """The rows of `model` with these ids (None ignored), in one query, by id."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.scalars(select(model).where(model.id.in_(wanted)).options(*options))  # type: ignore[attr-defined]
    return {row.id: row for row in rows}  # type: ignore[attr-defined]
