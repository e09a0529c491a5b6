"""What anyone may read without login: lists under public disclosure, issued decisions and their
documents, awards by name, unit and year, published exemplary people and models. Nothing personal
beyond what the law publishes: names, positions, units, the award and the decision. Also, for the
office: the public comments a disclosure received (its task page and inbox)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import column, func, select, table
from sqlalchemy.orm import selectinload

from engine.context import Context
from engine.errors import NotFound
from engine.models import (
    Decision,
    DecisionStatus,
    Disclosure,
    DisclosureComment,
    Dossier,
    DossierStatus,
    Exemplar,
    ExemplarKind,
    HumanTask,
    Nomination,
    NominationStatus,
    Role,
    RoleGrant,
    Unit,
)
from engine.operations.access import require_actor
from engine.operations.award.queries import award_names, decision_file_name
from engine.operations.paging import Page, paginate
from engine.storage import DOCX, PDF, NamedFile, attachment_store
from engine.text import fold

DISCLOSURE_TASK = ("level_review", "public_disclosure")
MAX_PER_PAGE = 100
MAX_QUERY = 200
OPEN_STATUSES = (NominationStatus.PENDING, NominationStatus.FROZEN)
# The award lookup counts its matches up to this many: a common name says "hơn 1.000 kết quả" instead
# of counting every match (the pager's total is then a floor, `Page.capped`).
LOOKUP_COUNT_CAP = 1000
# SQLite: the FTS5 trigram index of the folded names (migration 0039); PostgreSQL: a trigram GIN index
# on the column itself.
NAME_INDEX = table("nomination_name_fts", column("rowid"), column("nominee_name_folded"))


@dataclass(frozen=True)
class PublicNomination:
    """One nominee as the law publishes them: name, position, unit, the award, and its decision."""

    id: int
    nominee_name: str
    nominee_kind: str
    nominee_position: str | None
    nominee_unit: str | None
    award_type: str
    award_name: str


@dataclass(frozen=True)
class DisclosedList:
    id: int
    unit_id: int
    unit_name: str
    proposing_unit_name: str
    dossier_title: str
    year: int
    opened_at: datetime
    until: datetime
    nominations: list[PublicNomination]


@dataclass(frozen=True)
class PublicDecision:
    id: int
    label: str
    number: int
    symbol: str
    year: int
    signed_on: date
    issuer_id: int
    issuer_name: str
    signer_name: str | None
    signer_title: str | None
    has_pdf: bool
    has_document: bool
    nominations: list[PublicNomination]


@dataclass(frozen=True)
class FoundAward:
    """An award found by the lookup: who, what, by which decision."""

    nomination: PublicNomination
    proposing_unit_name: str
    decision: PublicDecision


def _public(nomination: Nomination, names: dict[str, str]) -> PublicNomination:
    return PublicNomination(nomination.id, nomination.nominee_name, nomination.nominee_kind.value,
                            nomination.nominee_position, nomination.nominee_unit, nomination.award_type,
                            names.get(nomination.award_type, nomination.award_type))


def _units(ctx: Context, ids: Sequence[int]) -> dict[int, Unit]:
    wanted = set(ids)
    return {u.id: u for u in ctx.session.scalars(select(Unit).where(Unit.id.in_(wanted)))} if wanted else {}


def _open_disclosures(ctx: Context) -> Any:
    return (select(Disclosure).join(Dossier, Dossier.id == Disclosure.dossier_id)
            .where(Disclosure.until > ctx.clock.now(), Dossier.status == DossierStatus.IN_REVIEW))


def disclosures(ctx: Context, *, unit: int | None = None, page: int = 1, per_page: int = 20) -> Page:
    """The lists under public disclosure now (their period not ended), soonest ending first."""
    stmt = _open_disclosures(ctx)
    if unit is not None:
        stmt = stmt.where(Disclosure.unit_id == unit)
    found = paginate(ctx.session, stmt.order_by(Disclosure.until, Disclosure.id), page, min(per_page, MAX_PER_PAGE))
    found.items = _disclosed_lists(ctx, found.items)
    return found


def disclosure(ctx: Context, disclosure_id: int) -> DisclosedList:
    """One list under disclosure now; NotFound once its period has ended."""
    row = ctx.session.scalar(_open_disclosures(ctx).where(Disclosure.id == disclosure_id))
    if row is None:
        raise NotFound(f"Không có danh sách đang công khai số {disclosure_id}.")
    return _disclosed_lists(ctx, [row])[0]


def _disclosed_lists(ctx: Context, rows: list[Disclosure]) -> list[DisclosedList]:
    wanted = {r.dossier_id for r in rows}
    dossiers = {d.id: d for d in ctx.session.scalars(select(Dossier).where(Dossier.id.in_(wanted)))}
    units = _units(ctx, [r.unit_id for r in rows] + [d.proposing_unit_id for d in dossiers.values()])
    ids = {i for r in rows for i in r.nomination_ids}
    nominations = {n.id: n for n in ctx.session.scalars(
        select(Nomination).where(Nomination.id.in_(ids), Nomination.status.in_(OPEN_STATUSES)))} if ids else {}
    names = award_names(ctx)
    lists = []
    for row in rows:
        dossier = dossiers[row.dossier_id]
        shown = [_public(nominations[i], names) for i in row.nomination_ids if i in nominations]
        lists.append(DisclosedList(row.id, row.unit_id, units[row.unit_id].name,
                                   units[dossier.proposing_unit_id].name, dossier.title, dossier.year,
                                   row.opened_at, row.until, shown))
    return lists


def open_disclosure(ctx: Context, disclosure_id: int, *, for_update: bool = False) -> Disclosure:
    """The disclosure row while its period runs (comments are taken only then)."""
    stmt = _open_disclosures(ctx).where(Disclosure.id == disclosure_id)
    row = ctx.session.scalar(stmt)
    if row is None:
        raise NotFound(f"Không có danh sách đang công khai số {disclosure_id}; thời gian nhận ý kiến có thể đã hết.")
    return row


# ---- the office's side: the comments a disclosure received ------------------------------------------

def comments_for_task(ctx: Context, task: HumanTask) -> list[DisclosureComment]:
    """The public comments on the lists this task's unit published for its dossier, oldest first."""
    if task.dossier_id is None:
        return []
    return list(ctx.session.scalars(
        select(DisclosureComment).join(Disclosure, Disclosure.id == DisclosureComment.disclosure_id)
        .where(Disclosure.dossier_id == task.dossier_id, Disclosure.unit_id == task.unit_id)
        .order_by(DisclosureComment.created_at, DisclosureComment.id)))


def comment_counts(ctx: Context, tasks: Sequence[HumanTask]) -> dict[int, int]:
    """Task id → how many public comments its disclosure received, for the public_disclosure tasks among
    `tasks` (the inbox), in one query."""
    wanted = [t for t in tasks if t.key == DISCLOSURE_TASK[1] and t.dossier_id is not None]
    if not wanted:
        return {}
    rows = ctx.session.execute(
        select(Disclosure.dossier_id, Disclosure.unit_id, func.count(DisclosureComment.id))
        .join(DisclosureComment, DisclosureComment.disclosure_id == Disclosure.id)
        .where(Disclosure.dossier_id.in_({t.dossier_id for t in wanted}))
        .group_by(Disclosure.dossier_id, Disclosure.unit_id))
    counts: dict[tuple[int | None, int], int] = {(dossier, unit): count for dossier, unit, count in rows}
    return {t.id: counts[(t.dossier_id, t.unit_id)] for t in wanted if (t.dossier_id, t.unit_id) in counts}


# ---- decisions -------------------------------------------------------------------------------------

def _issuer_ids(ctx: Context, issuer: str) -> list[int]:
    """Units whose name contains `issuer`, diacritics and case ignored (the units are few)."""
    wanted = fold(issuer)
    return [u.id for u in ctx.session.scalars(select(Unit)) if wanted in fold(u.name)]


def _decision(decision: Decision, issuer: Unit, nominations: list[PublicNomination]) -> PublicDecision:
    return PublicDecision(decision.id, decision.label, decision.number, decision.symbol, decision.year,
                          decision.signed_on, issuer.id, issuer.name, decision.signer_name, decision.signer_title,
                          decision.pdf_sha256 is not None, decision.document_sha256 is not None, nominations)


def search_decisions(ctx: Context, *, number: int | None = None, year: int | None = None,
                     issuer: str | None = None, issuer_id: int | None = None, page: int = 1,
                     per_page: int = 20) -> Page:
    """Issued award decisions, newest first, by number, year and issuer (its id, or words of its name)."""
    stmt = select(Decision).where(Decision.status == DecisionStatus.ISSUED, Decision.dossier_id.is_not(None))
    if number is not None:
        stmt = stmt.where(Decision.number == number)
    if year is not None:
        stmt = stmt.where(Decision.year == year)
    if issuer_id is not None:
        stmt = stmt.where(Decision.issuer_unit_id == issuer_id)
    if issuer:
        stmt = stmt.where(Decision.issuer_unit_id.in_(_issuer_ids(ctx, issuer[:MAX_QUERY])))
    stmt = stmt.order_by(Decision.signed_on.desc(), Decision.id.desc()).options(selectinload(Decision.issuer))
    found = paginate(ctx.session, stmt, page, min(per_page, MAX_PER_PAGE))
    found.items = [_decision(d, d.issuer, []) for d in found.items]
    return found


def _issued(ctx: Context, decision_id: int) -> Decision:
    decision = ctx.session.get(Decision, decision_id)
    if decision is None or decision.status != DecisionStatus.ISSUED or decision.dossier_id is None:
        raise NotFound(f"Không tìm thấy quyết định khen thưởng số {decision_id}.")
    return decision


def public_decision(ctx: Context, decision_id: int) -> PublicDecision:
    """An issued award decision with its list (who received what)."""
    decision = _issued(ctx, decision_id)
    names = award_names(ctx)
    nominations = ctx.session.scalars(
        select(Nomination).where(Nomination.decision_id == decision.id, Nomination.status == NominationStatus.APPROVED)
        .order_by(Nomination.dossier_id, Nomination.position))
    return _decision(decision, decision.issuer, [_public(n, names) for n in nominations])


def public_decision_file(ctx: Context, decision_id: int, *, pdf: bool) -> NamedFile:
    """The issued decision's PDF (as issued, signed when configured) or DOCX; NotFound when none was kept."""
    decision = _issued(ctx, decision_id)
    digest = decision.pdf_sha256 if pdf else decision.document_sha256
    if digest is None:
        raise NotFound(f"Quyết định {decision.label} không có {'bản PDF' if pdf else 'văn bản'}.")
    name = decision_file_name(decision, decision.issuer)
    return NamedFile(attachment_store(ctx.settings).read(digest),
                     name.removesuffix(".docx") + ".pdf" if pdf else name, PDF if pdf else DOCX)


# ---- award lookup -----------------------------------------------------------------------------------

def lookup_awards(ctx: Context, *, name: str | None = None, unit: int | None = None, year: int | None = None,
                  page: int = 1, per_page: int = 20) -> Page:
    """Awards granted by issued decisions, by the awardee's name (diacritics and case ignored: the
    folded, trigram-indexed column), the proposing unit and the decision's year; newest first. A name or
    a unit is needed (an empty lookup lists nothing)."""
    folded = fold(name or "")[:MAX_QUERY]
    if not folded and unit is None:
        return Page([], 0, page, per_page)
    stmt = (select(Nomination, Decision, Dossier.proposing_unit_id)
            .join(Decision, Decision.id == Nomination.decision_id)
            .join(Dossier, Dossier.id == Nomination.dossier_id)
            .where(Nomination.status == NominationStatus.APPROVED, Decision.status == DecisionStatus.ISSUED))
    if folded:
        stmt = stmt.where(_name_matches(ctx, folded))
    if unit is not None:
        stmt = stmt.where(Dossier.proposing_unit_id == unit)
    if year is not None:
        stmt = stmt.where(Decision.year == year)
    stmt = stmt.order_by(Decision.signed_on.desc(), Nomination.id.desc())
    per_page = min(per_page, MAX_PER_PAGE)
    offset = (page - 1) * per_page
    rows = ctx.session.execute(stmt.offset(offset).limit(per_page + 1)).all()
    more = len(rows) > per_page
    rows = rows[:per_page]
    names = award_names(ctx)
    units = _units(ctx, [d.issuer_unit_id for _, d, _ in rows] + [p for _, _, p in rows])
    items = [FoundAward(_public(n, names), units[proposing].name, _decision(d, units[d.issuer_unit_id], []))
             for n, d, proposing in rows]
    total, capped = offset + len(items) + (1 if more else 0), False
    if more:  # a count only when there is a further page, and only up to the cap
        counted = ctx.session.scalar(select(func.count()).select_from(
            stmt.order_by(None).limit(LOOKUP_COUNT_CAP + 1).subquery())) or 0
        capped = counted > LOOKUP_COUNT_CAP
        total = max(min(counted, LOOKUP_COUNT_CAP), total)
    return Page(items, total, page, per_page, capped=capped)


def _name_matches(ctx: Context, folded: str) -> Any:
    """SQL: the nominee's folded name contains `folded`. On SQLite a name of three letters or more (and no
    LIKE wildcard) is looked up in the FTS5 trigram index instead of read off every row."""
    if (ctx.session.get_bind().dialect.name == "sqlite" and len(folded) >= 3
            and not any(sign in folded for sign in "%_\\")):
        return Nomination.id.in_(select(NAME_INDEX.c.rowid).where(NAME_INDEX.c.nominee_name_folded.like(f"%{folded}%")))
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Nomination.nominee_name_folded.like(f"%{escaped}%", escape="\\")


# ---- exemplary people and models ----------------------------------------------------------------------

def curated_units(ctx: Context) -> list[Unit]:
    """The units whose exemplars the caller curates (standing office there), by name."""
    user = require_actor(ctx.actor)
    return list(ctx.session.scalars(select(Unit).where(Unit.id.in_(
        select(RoleGrant.unit_id).where(RoleGrant.user_id == user.id, RoleGrant.role == Role.OFFICE)))
        .order_by(Unit.name)))


def exemplars(ctx: Context, *, kind: ExemplarKind | None = None, year: int | None = None, name: str | None = None,
              published_only: bool = True, unit_ids: Sequence[int] | None = None, page: int = 1,
              per_page: int = 20) -> Page:
    """Exemplary people and models, newest year first: the published ones for the public, or (for the
    office) all of the units it curates for."""
    stmt = select(Exemplar)
    if published_only:
        stmt = stmt.where(Exemplar.published.is_(True))
    if unit_ids is not None:
        stmt = stmt.where(Exemplar.unit_id.in_(list(unit_ids)))
    if kind is not None:
        stmt = stmt.where(Exemplar.kind == kind)
    if year is not None:
        stmt = stmt.where(Exemplar.year == year)
    if name:
        stmt = stmt.where(Exemplar.name_folded.contains(fold(name)[:MAX_QUERY], autoescape=True))
    return paginate(ctx.session, stmt.order_by(Exemplar.year.desc(), Exemplar.id.desc()), page,
                    min(per_page, MAX_PER_PAGE))


def exemplar_of_office(ctx: Context, exemplar_id: int) -> Exemplar:
    """An exemplar, published or not, of a unit whose exemplars the caller curates."""
    row = ctx.session.get(Exemplar, exemplar_id)
    if row is None or row.unit_id not in {u.id for u in curated_units(ctx)}:
        raise NotFound(f"Không tìm thấy điển hình số {exemplar_id}.")
    return row


def published_exemplar(ctx: Context, exemplar_id: int) -> Exemplar:
    row = ctx.session.get(Exemplar, exemplar_id)
    if row is None or not row.published:
        raise NotFound(f"Không tìm thấy điển hình số {exemplar_id}.")
    return row


def exemplar_photo(ctx: Context, exemplar_id: int) -> NamedFile:
    row = published_exemplar(ctx, exemplar_id)
    if row.photo_sha256 is None or row.photo_type is None:
        raise NotFound("Điển hình này chưa có ảnh.")
    extension = "png" if row.photo_type.endswith("png") else "jpg"
    return NamedFile(attachment_store(ctx.settings).read(row.photo_sha256), f"dien-hinh-{row.id}.{extension}",
                     row.photo_type)
