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


def paginate(session: Session, stmt: Select[Any], page: int, per_page: int, *,
             count_cap: int | None = None) -> Page:
    """`stmt` already ordered; returns rows of page `page` (from 1) and the total number of rows.

    The rows are read first: a page that is not full is the last one and tells the total by itself
    (most lists of most users fit in one page), so the count of the whole result — the part of a
    list whose cost grows with the table — runs only when more rows may follow. With `count_cap` the
    count stops that many rows past the page's first: beyond it the total is that floor and
    `capped` is true, so the count no longer grows with the whole history."""
    offset = (page - 1) * per_page
    rows = list(session.scalars(stmt.offset(offset).limit(per_page)).all())
    if len(rows) < per_page and (rows or offset == 0):
        return Page(rows, offset + len(rows), page, per_page)
    counted = stmt.order_by(None)
    if count_cap is not None:
        counted = counted.limit(offset + count_cap + 1)
    total = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    if count_cap is not None and total > offset + count_cap:
        return Page(rows, offset + count_cap, page, per_page, capped=True)
    return Page(rows, total, page, per_page)
