"""The summary the statistics read for awards granted (table `award_tally`, docs/statistics.md): per
signing month, proposing unit, issuing unit, award type and kind of awardee, how many awards the
decisions granted and how many of those were revoked since. Shared machinery (not a domain): the award
and complaints domains write it, the statistics domain reads it.

It is written in the same transaction as the event that changes it — a decision issued
(`award.decisions._issue` calls `count_granted`), awards revoked (`complaints.revocation.record_revocation`
calls `count_revoked`) — as an atomic upsert, so concurrent decisions add up. Imported history does not
enter the statistics (it lands in the registry, `granted_award`, not as nominations), so it has no hook.
`khenthuong statistics rebuild` recounts the whole table from the nominations (`rebuild`), and
`recount` is what a rebuild would write, for checking the table against the base rows.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Date, case, cast, delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from engine.context import Context
from engine.models import AwardTally, Decision, Dossier, Nomination
from engine.vocabulary import AwardeeKind, NominationStatus

GRANTED = (NominationStatus.APPROVED, NominationStatus.REVOKED)
Key = tuple[date, int, int, str, AwardeeKind]  # month, proposing unit, issuer, award type, kind of awardee
KEY_COLUMNS = ("month", "proposing_unit_id", "issuer_unit_id", "award_type", "nominee_kind")


def month_of(day: date) -> date:
    return day.replace(day=1)


def _key(decision: Decision, nomination: Nomination) -> Key:
    return (month_of(decision.signed_on), nomination.dossier.proposing_unit_id, decision.issuer_unit_id,
            nomination.award_type, AwardeeKind(nomination.nominee_kind))


def count_granted(ctx: Context, decision: Decision, nominations: Iterable[Nomination]) -> None:
    """`decision` was issued granting `nominations`: count them (the caller's transaction)."""
    _add(ctx.session, Counter(_key(decision, n) for n in nominations), revoked=False)


def count_revoked(ctx: Context, decision: Decision, nominations: Iterable[Nomination]) -> None:
    """`nominations` granted by `decision` were revoked: count them as revoked where they were granted."""
    _add(ctx.session, Counter(_key(decision, n) for n in nominations), revoked=True)


def _add(session: Session, counts: Counter[Key], *, revoked: bool) -> None:
    if not counts:
        return
    rows = [dict(zip(KEY_COLUMNS, key, strict=True), granted=0 if revoked else count, revoked=count if revoked else 0)
            for key, count in sorted(counts.items(), key=lambda item: str(item[0]))]
    upsert: Any = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = upsert(AwardTally).values(rows)
    column = "revoked" if revoked else "granted"
    session.execute(stmt.on_conflict_do_update(
        index_elements=list(KEY_COLUMNS),
        set_={column: getattr(AwardTally, column) + getattr(stmt.excluded, column)}))


def _month_sql(session: Session, column: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.date_trunc("month", column), Date)
    return func.date(column, "start of month")


def _recount_query(session: Session) -> Any:
    month = _month_sql(session, Decision.signed_on)
    columns = (month, Dossier.proposing_unit_id, Decision.issuer_unit_id, Nomination.award_type,
               Nomination.nominee_kind)
    return (select(*columns, func.count(),
                   func.sum(case((Nomination.status == NominationStatus.REVOKED, 1), else_=0)))
            .select_from(Nomination)
            .join(Decision, Decision.id == Nomination.decision_id)
            .join(Dossier, Dossier.id == Nomination.dossier_id)
            .where(Nomination.status.in_(GRANTED))
            .group_by(*columns))


def recount(session: Session) -> dict[Key, tuple[int, int]]:
    """What the table should hold, counted from the nominations and their decisions."""
    return {(_as_date(month), proposer, issuer, code, AwardeeKind(kind)): (int(count), int(gone or 0))
            for month, proposer, issuer, code, kind, count, gone in session.execute(_recount_query(session))}


def current(session: Session) -> dict[Key, tuple[int, int]]:
    """What the table holds (rows with nothing in them left out)."""
    return {(row.month, row.proposing_unit_id, row.issuer_unit_id, row.award_type, AwardeeKind(row.nominee_kind)):
            (row.granted, row.revoked)
            for row in session.scalars(select(AwardTally)) if row.granted or row.revoked}


def rebuild(session: Session) -> int:
    """Recount the whole table from the nominations (in the caller's transaction); the rows written."""
    session.execute(delete(AwardTally))
    session.execute(insert(AwardTally).from_select(
        [*KEY_COLUMNS, "granted", "revoked"], _recount_query(session)))
    return session.scalar(select(func.count()).select_from(AwardTally)) or 0


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
