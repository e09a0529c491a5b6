"""What anyone may read without login: lists under public disclosure, issued decisions and their
documents, awards by name, unit and year, published exemplary people and models. Nothing personal
beyond what the law publishes: names, positions, units, the award and the decision. Also, for the
office: the public comments a disclosure received (its task page and inbox)."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from engine.context import Context
from engine.errors import InvalidInput, NotFound
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
from engine.operations.trigrams import NAME_INDEX, needle_query, uses_index
from engine.storage import DOCX, PDF, NamedFile, attachment_store
from engine.text import fold

DISCLOSURE_TASK = ("level_review", "public_disclosure")
MAX_PER_PAGE = 100
MAX_QUERY = 200
OPEN_STATUSES = (NominationStatus.PENDING, NominationStatus.FROZEN)
# The award lookup counts its matches up to this many: a given name shared by hundreds says "Hơn 200 kết
# quả" (ten pages; the page asks for the full name or a year) instead of counting every match, and the
# pager's total is then a floor (`Page.capped`). Counting costs a few microseconds per match (the index,
# the recheck, the decision's status): the cap bounds what an anonymous caller can make a page read.
LOOKUP_COUNT_CAP = 200
# The decisions' lists count their rows up to this many ("Hơn 1.000 quyết định"), only when a further
# page exists.
DECISIONS_COUNT_CAP = 1000


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
    """Units whose name contains `issuer`, diacritics and case ignored: the units are few (a province's
    tree, some thousands) and do not grow with the registry; their ids and names only, folded here."""
    wanted = fold(issuer)
    return [unit_id for unit_id, name in ctx.session.execute(select(Unit.id, Unit.name)) if wanted in fold(name)]


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
    found = _capped_page(ctx, stmt, page, min(per_page, MAX_PER_PAGE))
    found.items = [_decision(d, d.issuer, []) for d in found.items]
    return found


def _capped_page(ctx: Context, stmt: Any, page: int, per_page: int) -> Page:
    """A page of `stmt` (ordered, read off an index: `ix_decision_status_signed_id`, per issuer
    `ix_decision_issuer_signed_id`, by number `ix_decision_number_year`), its total counted only when a
    further page exists and only up to DECISIONS_COUNT_CAP: an issuer's decisions grow with the registry."""
    offset = (page - 1) * per_page
    rows = list(ctx.session.scalars(stmt.offset(offset).limit(per_page + 1)))
    more = len(rows) > per_page
    rows = rows[:per_page]
    total, capped = offset + len(rows) + (1 if more else 0), False
    if more:
        ids = stmt.order_by(None).options().with_only_columns(Decision.id).limit(DECISIONS_COUNT_CAP + 1)
        counted = ctx.session.scalar(select(func.count()).select_from(ids.subquery())) or 0
        capped = counted > DECISIONS_COUNT_CAP
        total = max(min(counted, DECISIONS_COUNT_CAP), total)
    return Page(rows, total, page, per_page, capped=capped)


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
#
# The order is the newest decision first: (signed_on, decision id, nomination id), all descending. Two
# plans, chosen by how many awards match (counted up to the cap, which the page shows anyway):
# - up to the cap: the sort keys of every match are read through the name index (FTS5 trigram on
#   SQLite, trigram GIN on PostgreSQL), sorted here, and the page's rows loaded by id: the cost follows
#   the matches (at most the cap), not the registry;
# - beyond the cap (a given name shared by thousands): the newest issued decisions are walked in order
#   (index `ix_decision_status_signed_id`, their nominations by `ix_nomination_decision_id`) and each
#   row's folded name is checked, until the page is full: the cost follows the page and how rare the
#   name is (about per_page / share of the matches rows), not the registry.
# A page reached by its `next` cursor starts right after the last row shown (keyset), so awards
# published meanwhile neither repeat nor skip a row; the cursor carries the total counted on page 1.

_CURSOR = re.compile(r"(\d{8})\.(\d{1,12})\.(\d{1,12})\.(\d{1,6})\.(\d{1,6})(c?)")


@dataclass(frozen=True)
class LookupCursor:
    """Where the next page of a lookup starts: after (signed_on, decision_id, nomination_id); with the
    number of that page and the total counted on the first one."""

    signed_on: date
    decision_id: int
    nomination_id: int
    page: int
    total: int
    capped: bool

    def encode(self) -> str:
        return (f"{self.signed_on:%Y%m%d}.{self.decision_id}.{self.nomination_id}.{self.page}.{self.total}"
                f"{'c' if self.capped else ''}")

    def key(self) -> tuple[date, int, int]:
        return self.signed_on, self.decision_id, self.nomination_id


def read_cursor(raw: str) -> LookupCursor:
    """A `next` cursor given back by the caller; InvalidInput (field `after`) when it is not one."""
    found = _CURSOR.fullmatch(raw.strip())
    try:
        if found is None:
            raise ValueError(raw)
        day, decision_id, nomination_id, page, total, capped = found.groups()
        return LookupCursor(datetime.strptime(day, "%Y%m%d").date(), int(decision_id), int(nomination_id),
                            int(page), int(total), capped == "c")
    except ValueError:
        raise InvalidInput("Tham số trang không hợp lệ.",
                           {"after": "Con trỏ trang không hợp lệ: hãy dùng giá trị `next` của trang trước."}) from None


def lookup_awards(ctx: Context, *, name: str | None = None, unit: int | None = None, year: int | None = None,
                  page: int = 1, per_page: int = 20, after: str | None = None) -> Page:
    """Awards granted by issued decisions, by the awardee's name (diacritics and case ignored: the
    folded, trigram-indexed column), the proposing unit and the decision's year; newest decision first.
    A name or a unit is needed (an empty lookup lists nothing). `after`: the `next` cursor of the page
    before (keyset paging, the way the pages link); else `page` numbers the page (offset)."""
    folded = fold(name or "")[:MAX_QUERY]
    per_page = min(per_page, MAX_PER_PAGE)
    if not folded and unit is None:
        return Page([], 0, page, per_page)
    cursor = read_cursor(after) if after else None
    base = (select(Nomination.id).select_from(Decision)
            .join(Nomination, Nomination.decision_id == Decision.id)
            .where(Nomination.status == NominationStatus.APPROVED, Decision.status == DecisionStatus.ISSUED))
    if unit is not None:
        base = base.join(Dossier, Dossier.id == Nomination.dossier_id).where(Dossier.proposing_unit_id == unit)
    if year is not None:
        base = base.where(Decision.year == year)
    if cursor is not None:  # the total counted on page 1; the matches read again unless beyond the cap
        page, total, capped = cursor.page, cursor.total, cursor.capped
    keys = _match_keys(ctx, base, folded) if cursor is None or not capped else None
    if keys is not None:
        capped = len(keys) > LOOKUP_COUNT_CAP
        total = min(len(keys), LOOKUP_COUNT_CAP)
    offset = (page - 1) * per_page
    if keys is not None and not capped:
        keys.sort(reverse=True)
        start = offset if cursor is None else next((i for i, k in enumerate(keys) if k < cursor.key()), len(keys))
        chosen = keys[start:start + per_page + 1]
    else:
        chosen = _walk(ctx, base, folded, cursor, offset, per_page + 1)
    more = len(chosen) > per_page
    chosen = chosen[:per_page]
    if capped and chosen and not more:  # walked to the last page: it tells the total by itself
        total, capped = offset + len(chosen), False
    elif capped:  # beyond the cap the total is a floor: never below what the pages have shown
        total = max(total, offset + len(chosen) + (1 if more else 0))
    following = LookupCursor(*chosen[-1], page + 1, total, capped).encode() if more else None
    return Page(_found(ctx, [k[2] for k in chosen]), total, page, per_page, capped=capped, next=following)


def _match_keys(ctx: Context, base: Any, folded: str) -> list[tuple[date, int, int]]:
    """The sort keys of the matching awards, at most one more than the cap, read through the name index:
    on SQLite the FTS5 table asked for the name's rarest trigrams drives the join (`rowid + 0` keeps the
    planner from probing it per row) and each candidate's folded name is rechecked
    (engine/operations/trigrams.py); PostgreSQL's planner uses the trigram GIN index on the column."""
    stmt = base.with_only_columns(Decision.signed_on, Decision.id, Nomination.id)
    if folded and uses_index(ctx.session, folded):
        fts = NAME_INDEX.table
        stmt = stmt.join(fts, Nomination.id == fts.c.rowid + 0).where(
            NAME_INDEX.matches(needle_query(ctx.session, NAME_INDEX, folded)))
    if folded:
        stmt = stmt.where(_name_contains(folded))
    return [(signed_on, decision_id, nomination_id) for signed_on, decision_id, nomination_id
            in ctx.session.execute(stmt.limit(LOOKUP_COUNT_CAP + 1))]


def _walk(ctx: Context, base: Any, folded: str, cursor: LookupCursor | None, offset: int,
          limit: int) -> list[tuple[date, int, int]]:
    """Up to `limit` matches in order, walking the issued decisions newest first. After a cursor in two
    ranges (the rest of its day, then the days before), each a plain range of the index: SQLite walks a
    row-value bound downwards from its first column only."""
    stmt = base.with_only_columns(Decision.signed_on, Decision.id, Nomination.id).order_by(
        Decision.signed_on.desc(), Decision.id.desc(), Nomination.id.desc())
    if folded:
        stmt = stmt.where(_name_contains(folded))
    if cursor is None:
        return [tuple(r) for r in ctx.session.execute(stmt.offset(offset).limit(limit))]
    found: list[tuple[date, int, int]] = []
    for part in (stmt.where(Decision.signed_on == cursor.signed_on, Decision.id <= cursor.decision_id,
                            or_(Decision.id < cursor.decision_id, Nomination.id < cursor.nomination_id)),
                 stmt.where(Decision.signed_on < cursor.signed_on)):
        found += [tuple(r) for r in ctx.session.execute(part.limit(limit - len(found)))]
        if len(found) >= limit:
            break
    return found


_ISSUER, _PROPOSING = aliased(Unit, name="issuer"), aliased(Unit, name="proposing")
# The published columns of the awards with these nomination ids, with their decision and both units: built
# once (building the statement cost more than reading a page of rows).
_FOUND = (select(Nomination.id, Nomination.nominee_name, Nomination.nominee_kind, Nomination.nominee_position,
                 Nomination.nominee_unit, Nomination.award_type, _PROPOSING.name.label("proposing_name"),
                 Decision.id.label("decision_id"), Decision.number, Decision.symbol, Decision.year,
                 Decision.signed_on, Decision.issuer_unit_id, _ISSUER.name.label("issuer_name"),
                 Decision.signer_name, Decision.signer_title, Decision.pdf_sha256, Decision.document_sha256)
          .join(Decision, Decision.id == Nomination.decision_id)
          .join(Dossier, Dossier.id == Nomination.dossier_id)
          .join(_PROPOSING, _PROPOSING.id == Dossier.proposing_unit_id)
          .join(_ISSUER, _ISSUER.id == Decision.issuer_unit_id)
          .where(Nomination.id.in_(bindparam("ids", expanding=True))))


def _found(ctx: Context, ids: list[int]) -> list[FoundAward]:
    """The page's awards, in the order of `ids`: the published columns only, in one statement of plain
    rows (no ORM objects: a page of a common name holds many)."""
    if not ids:
        return []
    rows = {row.id: row for row in ctx.session.execute(_FOUND, {"ids": ids})}
    names = award_names(ctx)
    return [FoundAward(
        PublicNomination(r.id, r.nominee_name, r.nominee_kind.value, r.nominee_position, r.nominee_unit,
                         r.award_type, names.get(r.award_type, r.award_type)),
        r.proposing_name,
        PublicDecision(r.decision_id, Decision.label_of(r.number, r.symbol), r.number, r.symbol, r.year,
                       r.signed_on, r.issuer_unit_id, r.issuer_name, r.signer_name, r.signer_title,
                       r.pdf_sha256 is not None, r.document_sha256 is not None, []))
        for r in (rows[i] for i in ids)]


def _name_contains(folded: str) -> Any:
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
