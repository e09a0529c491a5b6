"""One page of a query: the rows asked for and the total, as every list endpoint answers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int


def paginate(session: Session, stmt: Select[Any], page: int, per_page: int) -> Page:
    """`stmt` already ordered; counts the whole result, returns rows of page `page` (from 1)."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = session.scalars(stmt.offset((page - 1) * per_page).limit(per_page)).all()
    return Page(list(rows), total, page, per_page)
