"""State changes of the public face: a citizen's comment on a disclosed list (throttled per address),
and the office's registry of exemplary people and models (with a checked photo)."""
from __future__ import annotations

from datetime import timedelta
from typing import BinaryIO

from engine import audit
from engine.context import Context
from engine.errors import Forbidden, InvalidInput, NotFound, UnsupportedType
from engine.models import AuditAction, Awardee, DisclosureComment, Exemplar, Role
from engine.operations.access import holds_role, is_admin, require_actor
from engine.operations.public.inputs import MAX_PHOTO_BYTES, CommentInput, ExemplarInput
from engine.operations.public.queries import open_disclosure
from engine.operations.throttle import RateLimit, throttle
from engine.storage import JPEG, PNG, attachment_store
from engine.text import fold

PUBLIC_COMMENT = RateLimit("public_comment", 10, timedelta(hours=1))
PHOTO_TYPES = (JPEG, PNG)


def add_comment(ctx: Context, disclosure_id: int, given: CommentInput, *, address: str | None,
                complaint_id: int | None = None) -> DisclosureComment:
    """Keep a comment on list `disclosure_id` while its period runs; counted per address first (the
    caller commits the count even when the comment is refused). `complaint_id`: the complaint or
    denunciation the same words were filed as, when they allege wrongdoing."""
    throttle(ctx, PUBLIC_COMMENT, address)
    check_comment(ctx, disclosure_id, given)
    row = DisclosureComment(disclosure_id=disclosure_id, nomination_id=given.nomination_id, author=given.author,
                            content=given.content, complaint_id=complaint_id, created_at=ctx.clock.now())
    ctx.session.add(row)
    ctx.session.flush()
    listed = open_disclosure(ctx, disclosure_id)
    audit.record(ctx, AuditAction.DISCLOSURE_COMMENTED, "disclosure", disclosure_id,
                 after={"comment": row.id, "nomination": given.nomination_id, "complaint": complaint_id},
                 unit_id=listed.unit_id, dossier_id=listed.dossier_id)
    return row


def check_comment(ctx: Context, disclosure_id: int, given: CommentInput) -> None:
    """The list is still under disclosure and the nomination named, if any, is on it."""
    listed = open_disclosure(ctx, disclosure_id)
    if given.nomination_id is not None and given.nomination_id not in listed.nomination_ids:
        raise InvalidInput("Ý kiến không hợp lệ.", {"nomination_id": "Người, tập thể này không có trong danh sách."})


# ---- exemplary people and models ---------------------------------------------------------------------

def _may_curate(ctx: Context, unit_id: int) -> None:
    user = require_actor(ctx.actor)
    if not (holds_role(ctx.session, user, Role.OFFICE, unit_id) or is_admin(ctx.session, user)):
        raise Forbidden("Chỉ cơ quan thường trực của đơn vị được cập nhật điển hình tiên tiến, người tốt việc tốt.")


def _apply(ctx: Context, row: Exemplar, given: ExemplarInput) -> None:
    if given.awardee_id is not None and ctx.session.get(Awardee, given.awardee_id) is None:
        raise InvalidInput("Thông tin điển hình không hợp lệ.",
                           {"awardee_id": "Không có đối tượng này trong sổ theo dõi."})
    row.unit_id, row.kind, row.name, row.name_folded = given.unit_id, given.kind, given.name, fold(given.name)
    row.awardee_id, row.movement, row.year, row.story = given.awardee_id, given.movement, given.year, given.story
    row.published, row.updated_at = given.published, ctx.clock.now()


def create_exemplar(ctx: Context, given: ExemplarInput) -> Exemplar:
    _may_curate(ctx, given.unit_id)
    user = require_actor(ctx.actor)
    row = Exemplar(created_by_id=user.id, created_at=ctx.clock.now())
    _apply(ctx, row, given)
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(ctx, AuditAction.EXEMPLAR_CREATED, "exemplar", row.id, after=row.as_public(), unit_id=row.unit_id)
    return row


def _exemplar(ctx: Context, exemplar_id: int) -> Exemplar:
    row = ctx.session.get(Exemplar, exemplar_id)
    if row is None:
        raise NotFound(f"Không tìm thấy điển hình số {exemplar_id}.")
    _may_curate(ctx, row.unit_id)
    return row


def update_exemplar(ctx: Context, exemplar_id: int, given: ExemplarInput) -> Exemplar:
    row = _exemplar(ctx, exemplar_id)
    before = row.as_public()
    _may_curate(ctx, given.unit_id)
    _apply(ctx, row, given)
    ctx.session.flush()
    audit.record(ctx, AuditAction.EXEMPLAR_UPDATED, "exemplar", row.id, before=before, after=row.as_public(),
                 unit_id=row.unit_id)
    return row


def set_exemplar_photo(ctx: Context, exemplar_id: int, stream: BinaryIO) -> Exemplar:
    """Store the photo through the attachment store; only a JPEG or PNG image (by content) is taken."""
    row = _exemplar(ctx, exemplar_id)
    stored = attachment_store(ctx.settings).put_upload(stream, MAX_PHOTO_BYTES)
    if stored.content_type not in PHOTO_TYPES:
        raise UnsupportedType("Ảnh phải là tệp JPEG hoặc PNG.", {"file": "Chỉ nhận ảnh JPEG hoặc PNG."})
    row.photo_sha256, row.photo_type, row.updated_at = stored.sha256, stored.content_type, ctx.clock.now()
    ctx.session.flush()
    audit.record(ctx, AuditAction.EXEMPLAR_UPDATED, "exemplar", row.id, after={"photo": stored.sha256},
                 unit_id=row.unit_id)
    return row


PUBLIC_READ = RateLimit("public_read", 300, timedelta(minutes=1))


def count_read(ctx: Context, address: str | None) -> None:
    """One read of the public pages from `address`, refused beyond the limit (the caller commits)."""
    throttle(ctx, PUBLIC_READ, address)
