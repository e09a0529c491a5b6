"""Changing dossiers (hồ sơ đề nghị khen thưởng): create and edit in draft, attach documents,
submit into `award_dossier`, withdraw.

Operations take the typed input `check_dossier` made (award/inputs.py: the shape, the limits and
the rules, every fault at once); what they check themselves depends on the dossier (its state, its
nominations) and runs before anything is written, so a refused request leaves no trace. Who may
see what, and the reads it guards, live in award/queries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy import select

from engine import audit
from engine.clock import local_today
from engine.context import Context
from engine.errors import AmbiguousPerson, Conflict, Forbidden, InvalidInput, NotFound
from engine.models import (
    Attachment,
    AttachmentKind,
    Dossier,
    DossierKind,
    DossierStatus,
    InstanceStatus,
    Nomination,
    NominationStatus,
    ProcessInstance,
    RemovedAttachment,
    Role,
    Unit,
)
from engine.operations.access import require_actor
from engine.operations.admission import admit
from engine.operations.award.inputs import MAX_REASON, DossierInput, NominationInput
from engine.operations.award.queries import changeable_dossier, missing_documents, proposer_units, rules_on
from engine.operations.award.routing import next_reviewing_unit
from engine.operations.inputs import Faults, text
from engine.operations.processes import cancel_process, start_process
from engine.operations.registry.commands import find_or_create_awardee
from engine.rules.criteria import Eligibility
from engine.rules.eligibility import achievement_conflict
from engine.storage import attachment_store, clean_upload_name
from engine.text import fold
from engine.vocabulary import AuditAction

PROCESS_KEY = "award_dossier"
EDITABLE = (DossierStatus.DRAFT, DossierStatus.SUPPLEMENT_REQUESTED)
CLOSED = (DossierStatus.DECIDED, DossierStatus.WITHDRAWN)


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        raise InvalidInput("Hồ sơ có thông tin không hợp lệ; xem lỗi từng trường.", errors)


def _apply(nomination: Nomination, given: NominationInput) -> None:
    """Write the checked content; a nominee renamed without a registry id is looked up again."""
    nominee = given.nominee
    renamed = (nomination.nominee_kind, nomination.nominee_name) != (nominee.kind, nominee.name)
    if nominee.person_id is not None:
        nomination.awardee_id = nominee.person_id
    elif renamed:
        nomination.awardee_id = None
    nomination.award_type, nomination.nominee_kind = given.award_type, nominee.kind
    nomination.nominee_name, nomination.nominee_position = nominee.name, nominee.position
    nomination.nominee_unit, nomination.achievements = nominee.unit, given.achievements
    if nomination.nominee_birth_date != nominee.birth_date and nominee.person_id is None:
        nomination.awardee_id = None  # looked up again with the birth date
    nomination.nominee_birth_date = nominee.birth_date
    nomination.nominee_gender = nominee.gender
    if nominee.national_id_hash is not None:  # a blank keeps the number given before (it cannot be shown back)
        if nomination.nominee_national_id_hash != nominee.national_id_hash and nominee.person_id is None:
            nomination.awardee_id = None  # looked up again by the number
        nomination.nominee_national_id_hash = nominee.national_id_hash


def _new_nomination(given: NominationInput) -> Nomination:
    nomination = Nomination(status=NominationStatus.PENDING, awardee_id=None)
    _apply(nomination, given)
    return nomination


def snapshot(dossier: Dossier) -> dict[str, Any]:
    """What an audit event records of a dossier's content."""
    return {"title": dossier.title, "year": dossier.year, "kind": dossier.kind.value,
            "nominations": [{"id": n.id, "award_type": n.award_type, "nominee": n.nominee_name,
                             "kind": n.nominee_kind} for n in dossier.nominations]}


# ---- create and edit ----------------------------------------------------------------------------

def _proposing_unit(ctx: Context, code: str | None) -> Unit:
    user = require_actor(ctx.actor)
    units = proposer_units(ctx.session, user)
    if code:
        unit = ctx.session.scalar(select(Unit).where(Unit.code == code.strip()))
        if unit is None:
            raise InvalidInput(f"Không có đơn vị mã '{code}'.", {"proposing_unit": "Không có đơn vị này."})
        if unit not in units:
            raise Forbidden(f"Bạn không có vai trò đề nghị khen thưởng tại {unit.name}.")
        return unit
    if not units:
        raise Forbidden("Bạn không có vai trò đề nghị khen thưởng tại đơn vị nào.")
    if len(units) > 1:
        codes = ", ".join(u.code for u in units)
        raise InvalidInput("Bạn đề nghị cho nhiều đơn vị: cần chọn đơn vị đề nghị.",
                           {"proposing_unit": f"Chọn một trong: {codes}."})
    return units[0]


def create_dossier(ctx: Context, data: DossierInput) -> Dossier:
    """A new dossier in draft for the caller's proposing unit, from input made by `check_dossier`."""
    user = require_actor(ctx.actor)
    return new_dossier(ctx, _proposing_unit(ctx, data.proposing_unit), user.id, data)


def new_dossier(ctx: Context, unit: Unit, created_by_id: int, data: DossierInput) -> Dossier:
    """The draft dossier of `unit` (whose right to propose the caller has checked)."""
    assert data.title is not None and data.year is not None
    now = ctx.clock.now()
    dossier = Dossier(title=data.title, title_folded=fold(data.title), year=data.year,
                      kind=data.kind or DossierKind.REGULAR, status=DossierStatus.DRAFT,
                      proposing_unit_id=unit.id, created_by_id=created_by_id, created_at=now, updated_at=now,
                      overdue=False)
    dossier.nominations = [_new_nomination(given) for given in data.nominations or ()]
    _renumber(dossier)
    ctx.session.add(dossier)
    ctx.session.flush()
    audit.record(ctx, AuditAction.DOSSIER_CREATED, "dossier", dossier.id, after=snapshot(dossier), role=Role.PROPOSER,
                 unit_id=unit.id, dossier_id=dossier.id)
    return dossier


def _renumber(dossier: Dossier) -> None:
    for position, nomination in enumerate(dossier.nominations, start=1):
        nomination.position = position


def _replace_nominations(ctx: Context, dossier: Dossier, specs: tuple[NominationInput, ...]) -> None:
    """Nominations named by `id` are edited in place (keeping their attachments); the others are new;
    those left out are removed and their attachments stay with the dossier. While a supplement is
    requested the process already routed them: only their content may change."""
    existing = {n.id: n for n in dossier.nominations}
    errors = {f"nominations[{i}].id": f"Hồ sơ không có đề nghị số {s.id}."
              for i, s in enumerate(specs) if s.id is not None and s.id not in existing}
    _refuse(errors)
    kept = {s.id for s in specs if s.id is not None}
    if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
        changed_type = any(s.id is not None and existing[s.id].award_type != s.award_type for s in specs)
        if kept != set(existing) or len(kept) != len(specs) or changed_type:
            raise Conflict("Khi bổ sung hồ sơ chỉ được sửa nội dung các đề nghị, không được thêm, bớt "
                           "hoặc đổi loại khen thưởng.")
    for removed in set(existing) - kept:
        for attachment in dossier.attachments:
            if attachment.nomination_id == removed:
                attachment.nomination_id = None
    nominations = []
    for spec in specs:
        if spec.id is not None:
            _apply(existing[spec.id], spec)
            nominations.append(existing[spec.id])
        else:
            nominations.append(_new_nomination(spec))
    dossier.nominations = nominations
    _renumber(dossier)


def _require_editable(dossier: Dossier, action: str) -> None:
    if dossier.status not in EDITABLE:
        raise Conflict(f"Hồ sơ {dossier.status.label}: chỉ {action} khi hồ sơ đang soạn hoặc "
                       "đang được yêu cầu bổ sung.")


def update_dossier(ctx: Context, dossier_id: int, data: DossierInput) -> Dossier:
    """Edit title, year, kind and (when given) the whole nomination list, in draft or during a supplement."""
    _, dossier = changeable_dossier(ctx, dossier_id)
    _require_editable(dossier, "được sửa")
    before = snapshot(dossier)
    if data.title is not None:
        dossier.title, dossier.title_folded = data.title, fold(data.title)
    if data.year is not None:
        dossier.year = data.year
    if data.kind is not None:
        dossier.kind = data.kind
    if data.nominations is not None:
        _replace_nominations(ctx, dossier, data.nominations)
        if dossier.status != DossierStatus.DRAFT:
            _link_awardees(ctx, dossier)  # already under review: the checks read the registry now
    dossier.updated_at = ctx.clock.now()
    ctx.session.flush()
    audit.record(ctx, AuditAction.DOSSIER_UPDATED, "dossier", dossier.id, before=before, after=snapshot(dossier),
                 role=Role.PROPOSER, unit_id=dossier.proposing_unit_id, dossier_id=dossier.id)
    return dossier


def choose_nominee(ctx: Context, dossier_id: int, nomination_id: int, person_id: int) -> Nomination:
    """The author picks, among the namesakes submission listed, the registry record a nominee is."""
    _, dossier = changeable_dossier(ctx, dossier_id)
    _require_editable(dossier, "được sửa")
    nomination = next((n for n in dossier.nominations if n.id == nomination_id), None)
    if nomination is None:
        raise NotFound(f"Hồ sơ không có đề nghị số {nomination_id}.")
    try:
        awardee = find_or_create_awardee(ctx, nomination.nominee_kind, nomination.nominee_name, None,
                                         person_id=person_id)
    except InvalidInput as exc:
        raise InvalidInput(exc.detail, {"person_id": next(iter(exc.errors.values()), exc.detail)}) from exc
    before = {"nomination": nomination.id, "awardee_id": nomination.awardee_id}
    nomination.awardee_id = awardee.id
    dossier.updated_at = ctx.clock.now()
    ctx.session.flush()
    audit.record(ctx, AuditAction.DOSSIER_UPDATED, "dossier", dossier.id, before=before,
                 after={"nomination": nomination.id, "awardee_id": awardee.id}, role=Role.PROPOSER,
                 unit_id=dossier.proposing_unit_id, dossier_id=dossier.id)
    return nomination


# ---- attachments --------------------------------------------------------------------------------

def _clean_filename(filename: str | None, content_type: str) -> str:
    """The uploaded name without folders or unprintable characters, ending in its type's extension."""
    return clean_upload_name(filename, content_type)


def add_attachment(ctx: Context, dossier_id: int, stream: BinaryIO, filename: str | None, kind: str,
                   nomination_id: int | None = None) -> Attachment:
    """Store the file (refused: too large, or not PDF, DOCX, XLSX, JPEG, PNG by content), then its row."""
    user, dossier = changeable_dossier(ctx, dossier_id)
    _require_editable(dossier, "được đính kèm tài liệu")
    errors: dict[str, str] = {}
    if kind not in {k.value for k in AttachmentKind}:
        errors["kind"] = "Phải là một trong: " + ", ".join(k.value for k in AttachmentKind) + "."
    if nomination_id is not None and nomination_id not in {n.id for n in dossier.nominations}:
        errors["nomination_id"] = f"Hồ sơ không có đề nghị số {nomination_id}."
    _refuse(errors)
    stored = attachment_store(ctx.settings).put_upload(stream, ctx.settings.max_upload_bytes)
    attachment = Attachment(nomination_id=nomination_id, kind=AttachmentKind(kind),
                            filename=_clean_filename(filename, stored.content_type),
                            content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                            uploaded_by_id=user.id, uploaded_at=ctx.clock.now())
    dossier.attachments.append(attachment)
    dossier.updated_at = ctx.clock.now()
    ctx.session.flush()
    audit.record(ctx, AuditAction.ATTACHMENT_ADDED, "attachment", attachment.id, role=Role.PROPOSER,
                 unit_id=dossier.proposing_unit_id, dossier_id=dossier.id,
                 after={"kind": attachment.kind.value, "filename": attachment.filename, "size": attachment.size,
                        "sha256": attachment.sha256, "content_type": attachment.content_type,
                        "nomination_id": nomination_id})
    return attachment


def remove_attachment(ctx: Context, dossier_id: int, attachment_id: int, *,
                      replaced_by: Attachment | None = None) -> RemovedAttachment:
    """Take a document off the dossier while it may change (draft, supplement requested). Its metadata
    is kept in `removed_attachment` and the audit trail, its bytes in the store."""
    user, dossier = changeable_dossier(ctx, dossier_id)
    _require_editable(dossier, "được gỡ bỏ hoặc thay tài liệu")
    attachment = next((a for a in dossier.attachments if a.id == attachment_id), None)
    if attachment is None:
        raise NotFound(f"Hồ sơ không có tài liệu số {attachment_id}.")
    removed = RemovedAttachment(
        attachment_id=attachment.id, dossier_id=dossier.id, nomination_id=attachment.nomination_id,
        kind=attachment.kind, filename=attachment.filename, content_type=attachment.content_type,
        size=attachment.size, sha256=attachment.sha256, uploaded_by_id=attachment.uploaded_by_id,
        uploaded_at=attachment.uploaded_at, removed_by_id=user.id, removed_at=ctx.clock.now(),
        replaced_by_id=replaced_by.id if replaced_by is not None else None)
    ctx.session.add(removed)
    dossier.attachments.remove(attachment)
    ctx.session.delete(attachment)
    dossier.updated_at = ctx.clock.now()
    ctx.session.flush()
    audit.record(ctx, AuditAction.ATTACHMENT_REMOVED, "attachment", attachment_id, role=Role.PROPOSER,
                 unit_id=dossier.proposing_unit_id, dossier_id=dossier.id,
                 before={"kind": removed.kind.value, "filename": removed.filename, "size": removed.size,
                         "sha256": removed.sha256, "content_type": removed.content_type,
                         "nomination_id": removed.nomination_id},
                 after={"removed_attachment": removed.id, "removed_filename": removed.filename,
                        "replaced_by": removed.replaced_by_id,
                        "filename": replaced_by.filename if replaced_by is not None else None})
    return removed


def replace_attachment(ctx: Context, dossier_id: int, attachment_id: int, stream: BinaryIO,
                       filename: str | None) -> Attachment:
    """A new file in place of an attachment: same kind, same nomination; the old one kept as removed."""
    _, dossier = changeable_dossier(ctx, dossier_id)
    old = next((a for a in dossier.attachments if a.id == attachment_id), None)
    if old is None:
        raise NotFound(f"Hồ sơ không có tài liệu số {attachment_id}.")
    new = add_attachment(ctx, dossier_id, stream, filename, old.kind.value, old.nomination_id)
    remove_attachment(ctx, dossier_id, attachment_id, replaced_by=new)
    return new


# ---- submit and withdraw ------------------------------------------------------------------------

def _link_awardees(ctx: Context, dossier: Dossier) -> None:
    """Tie each nominee to the registry (found or added) so history-based checks can read it."""
    errors: dict[str, str] = {}
    candidates: list[dict[str, Any]] = []
    for i, nomination in enumerate(dossier.nominations):
        if nomination.awardee_id is not None:
            continue
        try:
            awardee = find_or_create_awardee(ctx, nomination.nominee_kind, nomination.nominee_name,
                                             dossier.proposing_unit_id, nomination.nominee_position,
                                             birth_date=nomination.nominee_birth_date,
                                             national_id_hash=nomination.nominee_national_id_hash,
                                             gender=nomination.nominee_gender)
        except AmbiguousPerson as exc:
            errors[f"nominations[{i}].nominee.person_id"] = exc.detail
            candidates += [{**candidate, "for": f"nominations[{i}]"} for candidate in exc.candidates]
            continue
        except (InvalidInput, NotFound) as exc:
            errors[f"nominations[{i}].nominee.person_id"] = exc.detail
            continue
        nomination.awardee_id = awardee.id
    if candidates:
        raise AmbiguousPerson("Có người được đề nghị trùng tên với nhiều người trong sổ theo dõi; hãy chọn đúng "
                              "người (person_id) hoặc nhập ngày sinh. Xem danh sách ứng viên.", errors, candidates)
    _refuse(errors)


def _refuse_second_award_for_one_achievement(ctx: Context, dossier: Dossier, rules: Eligibility) -> None:
    """Once every nominee is tied to the registry: a Giấy khen and a Bằng khen (or two forms of one group)
    for the same person and year's achievement, here or in another open dossier, are refused."""
    errors = {}
    for i, nomination in enumerate(dossier.nominations):
        if conflict := achievement_conflict(ctx.session, nomination, year=dossier.year, rules=rules):
            errors[f"nominations[{i}].award_type"] = conflict.detail
    if errors:
        raise InvalidInput("Một thành tích chỉ được một hình thức khen thưởng: " + " ".join(errors.values()), errors)


def submit_dossier(ctx: Context, dossier_id: int) -> Dossier:
    """Fix the rules in force today, start `award_dossier`; 409 unless draft, 422 naming what is missing."""
    _, dossier = changeable_dossier(ctx, dossier_id)
    if dossier.status != DossierStatus.DRAFT:
        raise Conflict(f"Hồ sơ {dossier.status.label}: chỉ nộp được hồ sơ đang soạn.")
    today = local_today(ctx.clock)
    rules = rules_on(ctx, today)
    missing = missing_documents(ctx, dossier, rules, today)
    if missing:
        raise InvalidInput("Hồ sơ chưa đủ để nộp: " + " ".join(missing.values()), missing)
    first = next_reviewing_unit(dossier, None)
    if first is not None:  # no route: route_dossier refuses it as before
        admit(ctx, dossier, first, submitting=True)  # a review round there may refuse a late dossier
    _link_awardees(ctx, dossier)
    _refuse_second_award_for_one_achievement(ctx, dossier, rules.eligibility)
    before = {"status": dossier.status.value}
    dossier.rules_version = rules.id
    dossier.submitted_at = dossier.updated_at = ctx.clock.now()
    dossier.status = DossierStatus.SUBMITTED
    ctx.session.flush()
    audit.record(ctx, AuditAction.DOSSIER_SUBMITTED, "dossier", dossier.id, before=before,
                 after={"status": dossier.status.value, "rules_version": rules.id}, role=Role.PROPOSER,
                 unit_id=dossier.proposing_unit_id, dossier_id=dossier.id)
    instance, _ = start_process(ctx, PROCESS_KEY, {"dossier_id": dossier.id,
                                                   "proposing_unit": dossier.proposing_unit_id},
                                dossier_id=dossier.id)
    dossier.instance_id = instance.id
    ctx.session.flush()
    return dossier


def withdraw_dossier(ctx: Context, dossier_id: int, reason: str) -> Dossier:
    """The proposer takes the dossier back before it is decided; its process and open tasks stop."""
    _, dossier = changeable_dossier(ctx, dossier_id)
    if dossier.status in CLOSED:
        raise Conflict(f"Hồ sơ {dossier.status.label}: không rút được nữa.")
    faults = Faults()
    reason = text(reason, "reason", faults, high=MAX_REASON, collapse=False) or ""
    faults.refuse("Cần nêu lý do rút hồ sơ.")
    before = {"status": dossier.status.value}
    instance = ctx.session.get(ProcessInstance, dossier.instance_id) if dossier.instance_id is not None else None
    if instance is not None and instance.status == InstanceStatus.RUNNING:
        cancel_process(ctx, instance.id, reason)
    dossier.status = DossierStatus.WITHDRAWN
    dossier.withdrawn_at = dossier.updated_at = ctx.clock.now()
    ctx.session.flush()
    audit.record(ctx, AuditAction.DOSSIER_WITHDRAWN, "dossier", dossier.id, before=before,
                 after={"status": dossier.status.value}, reason=reason, role=Role.PROPOSER,
                 unit_id=dossier.proposing_unit_id, dossier_id=dossier.id)
    return dossier


# ---- several files at once: the kind and the nomination guessed from each file's name ----------------

_KIND_WORDS: tuple[tuple[AttachmentKind, tuple[str, ...]], ...] = (
    (AttachmentKind.SUBMISSION, ("to trinh", "totrinh", "tt de nghi")),
    (AttachmentKind.COUNCIL_MINUTES, ("bien ban", "bienban")),
    (AttachmentKind.ACHIEVEMENT_REPORT, ("bao cao", "baocao", "thanh tich", "bctt")),
    (AttachmentKind.EVIDENCE, ("minh chung", "chung nhan", "chung chi", "sang kien", "giay khen", "bang khen",
                               "quyet dinh", "xac nhan")),
)


def _words(filename: str) -> str:
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return " ".join(re.split(r"[\s_\-.,()]+", fold(stem)))


def guess_kind(filename: str) -> AttachmentKind | None:
    """The kind a file's name tells ("to-trinh.pdf" → tờ trình, "Báo cáo thành tích An.docx" → báo cáo
    thành tích), or None."""
    words = f" {_words(filename)} "
    for kind, needles in _KIND_WORDS:
        if any(f" {needle} " in words or words.strip().startswith(needle) for needle in needles):
            return kind
    return None


def guess_nomination(dossier: Dossier, filename: str) -> Nomination | None:
    """The one nomination whose nominee the file's name names (full name, else the given name), or None."""
    words = f" {_words(filename)} "
    joined = words.replace(" ", "")
    full = [n for n in dossier.nominations if f" {fold(n.nominee_name)} " in words
            or fold(n.nominee_name).replace(" ", "") in joined]
    if len(full) == 1:
        return full[0]
    given = [n for n in dossier.nominations if f" {fold(n.nominee_name).split(' ')[-1]} " in words]
    return given[0] if len(given) == 1 else None


@dataclass(frozen=True)
class Guessed:
    filename: str
    kind: AttachmentKind
    nomination: Nomination | None


def add_attachments_guessed(ctx: Context, dossier_id: int, files: list[tuple[BinaryIO, str]],
                            nomination_id: int | None = None) -> list[tuple[Attachment, Guessed]]:
    """Several files at once, each one's kind (and nomination, unless one is given) guessed from its
    name: a tờ trình or biên bản belongs to the whole dossier, a báo cáo thành tích or a proof to the
    nomination its name names. A file whose kind or nomination cannot be told refuses the lot (422,
    every such file named) and nothing is saved."""
    _, dossier = changeable_dossier(ctx, dossier_id)
    chosen = next((n for n in dossier.nominations if n.id == nomination_id), None) if nomination_id else None
    if nomination_id is not None and chosen is None:
        raise InvalidInput(f"Hồ sơ không có đề nghị số {nomination_id}.", {"nomination_id": "Không có đề nghị này."})
    plan: list[Guessed] = []
    errors: dict[str, str] = {}
    for index, (_, filename) in enumerate(files):
        name = filename or f"tệp {index + 1}"
        kind = guess_kind(name)
        if kind is None:
            errors[f"file[{index}]"] = (f"«{name}»: không đoán được loại tài liệu từ tên tệp; chọn loại tài liệu "
                                        "rồi tải tệp này lên riêng.")
            continue
        whole = kind in (AttachmentKind.SUBMISSION, AttachmentKind.COUNCIL_MINUTES)
        nomination = None if whole else (chosen or guess_nomination(dossier, name))
        if not whole and nomination is None:
            errors[f"file[{index}]"] = (f"«{name}»: không rõ là tài liệu của đề nghị nào; chọn đề nghị ở ô «Tài liệu "
                                        "của», hoặc đặt tên tệp có tên người được đề nghị.")
            continue
        plan.append(Guessed(name, kind, nomination))
    if errors:
        raise InvalidInput("Chưa tải lên tệp nào: có tệp không đoán được loại hoặc đề nghị.", errors)
    return [(add_attachment(ctx, dossier_id, stream, guessed.filename, guessed.kind.value,
                            guessed.nomination.id if guessed.nomination else None), guessed)
            for (stream, _), guessed in zip(files, plan, strict=True)]
