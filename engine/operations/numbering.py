"""The decision register: numbers per issuing unit and year, gapless under concurrency, shared by
award and cancellation decisions."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.context import Context
from engine.db import is_postgres
from engine.models import DecisionCounter


def next_number(ctx: Context, issuer_unit_id: int, year: int) -> int:
    """The next decision number of an issuer in a year. The counter row stays locked until commit, so
    concurrent issuers wait for each other and numbers have no gaps and no repeats."""
    counter = lock_register(ctx, issuer_unit_id, year)
    counter.last_number += 1
    ctx.session.flush()
    return counter.last_number


def lock_register(ctx: Context, issuer_unit_id: int, year: int) -> DecisionCounter:
    """The issuer's register for the year, locked until commit: whoever numbers a decision of this issuer
    and year (the app, or a văn thư entering a number from the agency's register) waits for the other."""
    session = ctx.session
    insert = pg_insert if is_postgres(session) else sqlite_insert
    session.execute(insert(DecisionCounter).values(issuer_unit_id=issuer_unit_id, year=year, last_number=0)
                    .on_conflict_do_nothing(index_elements=["issuer_unit_id", "year"]))
    stmt = select(DecisionCounter).where(DecisionCounter.issuer_unit_id == issuer_unit_id,
                                         DecisionCounter.year == year)
    if is_postgres(session):
        stmt = stmt.with_for_update()
    return session.scalars(stmt.execution_options(populate_existing=True)).one()
