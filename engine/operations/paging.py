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
    capped: bool = False  # the total is a floor: more rows match than were counted
    next: str | None = None  # keyset paging: the cursor of the following page, None on the last


def paginate(session: Session, stmt: Select[Any], page: int, per_page: int) -> Page:
    """`stmt` already ordered; returns rows of page `page` (from 1) and the total number of rows.

    The rows are read first: a page that is not full is the last one and tells the total by itself
    (most lists of most users fit in one page), so the count of the whole result — the part of a
    list whose cost grows with the table — runs only when more rows may follow."""
    offset = (page - 1) * per_page
    rows = list(session.scalars(stmt.offset(offset).limit(per_page)).all())
    if len(rows) < per_page and (rows or offset == 0):
        return Page(rows, offset + len(rows), page, per_page)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    return Page(rows, total, page, per_page)
