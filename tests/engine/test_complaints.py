"""Filing complaints and denunciations, who reads them, the public status and throttle, and the
escalation to the second instance, on the province → commune → school tree."""
from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.clock import LOCAL_TZ
from engine.config import PROJECT_ROOT, Settings
from engine.context import Context
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound, Throttled, UnsupportedType
from engine.models import (
    AuditEvent,
    Complaint,
    ComplaintStatus,
    Decision,
    Dossier,
    Nomination,
    NominationStatus,
    RateEvent,
    RevocationGround,
    Role,
    Unit,
    User,
)
from engine.operations import tasks, throttle
from engine.operations.complaints import commands as complaints
from engine.operations.complaints import inputs as complaint_inputs
from engine.operations.complaints import queries as complaint_queries
from engine.operations.complaints.commands import PUBLIC_ESCALATION, PUBLIC_FILING
from engine.operations.complaints.inputs import read_filing
from engine.operations.complaints.queries import PUBLIC_LOOKUP
from engine.operations.complaints.revocation import legal_point
from engine.storage import attachment_store
from tests.factories import make_unit, make_user
from tests.registry_factories import make_decision, make_dossier, nominate
from tests.workflows.journey import Tree, build_tree

PUBLIC_STATUS_KEYS = {"tracking_code", "kind", "status", "instance_level", "filed_on", "due_on", "resolved_on",
                      "outcome"}
COMPLAINANT = {"full_name": "Phạm Thị Thu", "contact": "0912 345 678",
               "address": "Thôn Đông, xã Bình Minh, tỉnh Hòa Bình Xanh"}
CONTENT = "Thành tích nêu trong hồ sơ không đúng với thực tế năm học 2025-2026."


@dataclass
class Scene:
    tree: Tree
    commune_officer: User  # complaint_officer @ commune
    province_officer: User  # complaint_officer @ province
    outsider: User  # proposer of a school in another commune
    decision: Decision  # issued by the commune on the school's decided dossier
    awarded: Nomination  # approved by that decision
    pending: Nomination  # under review at the commune
    draft: Dossier  # the school's dossier, not yet submitted
    hidden: Dossier  # the other school's dossier, under review at the other commune


def build_scene(session: Session, settings: Settings) -> Scene:
    tree = build_tree(session, settings)
    other_commune = make_unit(session, "HBX-X02", parent=tree.province, level="commune", name="UBND xã Hòa An")
    other_school = make_unit(session, "HBX-X02-TH", parent=other_commune, level="agency", reviews_awards=False)
    outsider = make_user(session, settings, "truong.khac", (Role.PROPOSER, other_school))

    decided = make_dossier(session, tree.school, tree.proposer, status="decided")
    decided.reviewing_unit_id = tree.commune.id
    awarded = nominate(session, decided, "CSTD_CS", name="Lê Văn Nam", status="approved")
    decision = make_decision(session, tree.commune, 2026, 7)
    decision.dossier_id = decided.id
    awarded.decision_id, awarded.decided_by_unit_id = decision.id, tree.commune.id

    in_review = make_dossier(session, tree.school, tree.proposer, status="in_review")
    in_review.reviewing_unit_id = tree.commune.id
    pending = nominate(session, in_review, "CSTD_CS", name="Trần Thị Mai")
    draft = make_dossier(session, tree.school, tree.proposer, status="draft")
    hidden = make_dossier(session, other_school, outsider, status="in_review")
    hidden.reviewing_unit_id = other_commune.id
    scene = Scene(tree, tree.commune_complaints, tree.province_complaints, outsider, decision, awarded, pending,
                  draft, hidden)
    session.commit()
    return scene


def filing(kind: str = "complaint", **subject: int) -> dict[str, object]:
    return {"kind": kind, "subject": subject, "complainant": dict(COMPLAINANT), "content": CONTENT}


def file_as(actor: Context, raw: object) -> Complaint:
    """File as a logged-in user does: the raw filing read into its typed input first."""
    return complaints.file_complaint(actor, read_filing(raw))


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def scene(session: Session, settings: Settings) -> Scene:
    return build_scene(session, settings)


# ---- filing ---------------------------------------------------------------------------------------

def test_proposer_complains_about_a_decision_and_the_commune_officer_gets_the_case(ctx: Context, scene: Scene):
    complaint = file_as(ctx.as_actor(scene.tree.proposer), filing(decision_id=scene.decision.id))
    ctx.session.commit()

    assert re.fullmatch(r"KN-[2-9A-HJ-NP-Z]{8}", complaint.tracking_code)
    assert (complaint.status, complaint.instance_level) == (ComplaintStatus.RECEIVED, 1)
    assert complaint.handling_unit_id == scene.tree.commune.id
    assert complaint.complainant_user_id == scene.tree.proposer.id and not complaint.public
    assert complaint.instance_id is not None
    (task,) = tasks.list_tasks(ctx.as_actor(scene.commune_officer)).items
    assert (task.key, task.complaint_id, task.unit_id) == ("accept_complaint", complaint.id, scene.tree.commune.id)
    assert tasks.list_tasks(ctx.as_actor(scene.province_officer)).items == []

    event = ctx.session.scalar(select(AuditEvent).where(AuditEvent.action == "complaint_filed"))
    assert event is not None and event.complaint_id == complaint.id
    assert event.after == {"kind": "complaint", "subject": {"decision_id": scene.decision.id},
                           "handling_unit": scene.tree.commune.id, "public": False}
    assert "Phạm Thị Thu" not in str(event.after) and "0912" not in str(event.after)


def test_denunciation_of_a_nomination_under_review_goes_to_the_reviewing_unit(ctx: Context, scene: Scene):
    complaint = file_as(ctx.as_actor(scene.tree.proposer), filing("denunciation", nomination_id=scene.pending.id))
    assert complaint.tracking_code.startswith("TC-")
    assert complaint.handling_unit_id == scene.tree.commune.id
    assert complaint.nomination_id == scene.pending.id and complaint.decision_id is None


def test_decided_nomination_goes_to_the_unit_that_decided_it(ctx: Context, scene: Scene):
    complaint = file_as(ctx.as_actor(scene.tree.province_office), filing(nomination_id=scene.awarded.id))
    assert complaint.handling_unit_id == scene.tree.commune.id


def test_a_dossier_not_yet_reviewed_goes_to_the_first_reviewing_unit_above_the_proposer(ctx: Context, scene: Scene):
    complaint = file_as(ctx.as_actor(scene.tree.proposer), filing(dossier_id=scene.draft.id))
    assert complaint.handling_unit_id == scene.tree.commune.id


def test_a_dossier_the_complainant_cannot_see_is_refused_as_absent_and_nothing_is_written(ctx: Context,
                                                                                           scene: Scene):
    before = count(ctx.session, AuditEvent)
    with pytest.raises(InvalidInput, match="Không tìm thấy đối tượng khiếu nại"):
        file_as(ctx.as_actor(scene.tree.proposer), filing(dossier_id=scene.hidden.id))
    ctx.session.rollback()
    assert count(ctx.session, Complaint) == 0 and count(ctx.session, AuditEvent) == before


def test_unknown_subject_and_two_subjects_are_invalid(ctx: Context, scene: Scene):
    proposer = ctx.as_actor(scene.tree.proposer)
    with pytest.raises(InvalidInput) as unknown:
        file_as(proposer, filing(decision_id=987654))
    assert set(unknown.value.errors) == {"subject.decision_id"}
    with pytest.raises(InvalidInput) as two:
        file_as(proposer, filing(decision_id=scene.decision.id, dossier_id=scene.draft.id))
    assert set(two.value.errors) == {"subject"}
    assert count(ctx.session, Complaint) == 0


def test_every_fault_of_a_malformed_filing_is_reported_at_once(ctx: Context, scene: Scene):
    payload = {"kind": "petition", "subject": {"decision_id": "7"}, "complainant": {"full_name": " "},
               "content": 5, "remote_area": "yes", "extra": 1}
    with pytest.raises(InvalidInput) as caught:
        file_as(ctx.as_actor(scene.tree.proposer), payload)
    assert set(caught.value.errors) == {"kind", "subject.decision_id", "complainant.full_name",
                                        "complainant.contact", "complainant.address", "content", "remote_area", "extra"}


def test_public_filers_learn_nothing_about_drafts(ctx: Context, scene: Scene):
    with pytest.raises(InvalidInput) as draft:
        complaints.file_public_complaint(ctx, filing(dossier_id=scene.draft.id), address="203.0.113.5")
    with pytest.raises(InvalidInput) as absent:
        complaints.file_public_complaint(ctx, filing(dossier_id=987654), address="203.0.113.5")
    assert draft.value.detail == absent.value.detail == "Không tìm thấy đối tượng khiếu nại."
    assert set(draft.value.errors) == set(absent.value.errors) == {"subject.dossier_id"}


def test_public_filing_is_anonymous_and_counted_per_address(ctx: Context, scene: Scene):
    complaint = complaints.file_public_complaint(ctx, filing(decision_id=scene.decision.id),
                                                 address="203.0.113.5").complaint
    assert complaint.public and complaint.complainant_user_id is None
    assert complaint.handling_unit_id == scene.tree.commune.id
    assert count(ctx.session, RateEvent) == 1


# ---- throttling --------------------------------------------------------------------------------

def test_public_filing_is_throttled_per_address_and_frees_after_the_window(ctx: Context, scene: Scene, clock):
    for _ in range(PUBLIC_FILING.limit):
        throttle.throttle(ctx, PUBLIC_FILING, "203.0.113.5")
    with pytest.raises(Throttled) as refused:
        complaints.file_public_complaint(ctx, filing(decision_id=scene.decision.id), address="203.0.113.5")
    assert 0 < refused.value.retry_after <= PUBLIC_FILING.window.total_seconds()
    complaints.file_public_complaint(ctx, filing(decision_id=scene.decision.id), address="198.51.100.7")
    clock.advance(seconds=refused.value.retry_after)
    complaints.file_public_complaint(ctx, filing(decision_id=scene.decision.id), address="203.0.113.5")
    assert count(ctx.session, RateEvent) == 1  # the stale uses of both addresses are gone


def test_a_refused_public_filing_still_counts(ctx: Context, scene: Scene):
    with pytest.raises(InvalidInput):
        complaints.file_public_complaint(ctx, {"kind": "complaint"}, address="203.0.113.5")
    assert count(ctx.session, RateEvent) == 1 and count(ctx.session, Complaint) == 0


# ---- reading ------------------------------------------------------------------------------------

def test_handlers_of_the_unit_and_the_complainant_see_a_complaint_others_do_not(
        ctx: Context, scene: Scene, settings: Settings):
    complaint = file_as(ctx.as_actor(scene.tree.proposer), filing(decision_id=scene.decision.id))
    public = complaints.file_public_complaint(ctx, filing(nomination_id=scene.pending.id), address="x").complaint
    admin = make_user(ctx.session, settings, "quan.tri", (Role.ADMIN, scene.tree.province))

    def ids(user: User) -> list[int]:
        return [c.id for c in complaint_queries.list_complaints(ctx.as_actor(user)).items]

    assert ids(scene.commune_officer) == [public.id, complaint.id]
    assert ids(scene.tree.commune_head) == [public.id, complaint.id]
    assert ids(scene.tree.proposer) == [complaint.id]
    assert ids(admin) == [public.id, complaint.id]
    assert ids(scene.province_officer) == [] and ids(scene.tree.commune_office) == []
    assert complaint_queries.list_complaints(ctx.as_actor(scene.commune_officer), kind="denunciation").total == 0
    assert complaint_queries.get_complaint(ctx.as_actor(scene.tree.proposer), complaint.id) is complaint
    for user in (scene.province_officer, scene.outsider):
        with pytest.raises(NotFound):
            complaint_queries.get_complaint(ctx.as_actor(user), complaint.id)


def test_public_status_tells_the_state_and_nothing_personal(ctx: Context, scene: Scene):
    complaint = complaints.file_public_complaint(ctx, filing(decision_id=scene.decision.id), address="x").complaint
    status = complaint_queries.public_status(ctx, complaint.tracking_code.lower(), address="x")
    assert set(status) == PUBLIC_STATUS_KEYS
    assert status["tracking_code"] == complaint.tracking_code and status["status"] == "received"
    assert not {COMPLAINANT["full_name"], COMPLAINANT["contact"], CONTENT} & {str(v) for v in status.values()}
    with pytest.raises(NotFound):
        complaint_queries.public_status(ctx, "KN-AAAAAAAA", address="x")


def test_public_status_lookups_are_throttled_too(ctx: Context, scene: Scene):
    for _ in range(PUBLIC_LOOKUP.limit):
        with pytest.raises(NotFound):
            complaint_queries.public_status(ctx, "KN-AAAAAAAA", address="203.0.113.5")
    with pytest.raises(Throttled):
        complaint_queries.public_status(ctx, "KN-AAAAAAAA", address="203.0.113.5")


# ---- second instance ----------------------------------------------------------------------------

def _resolved(ctx: Context, scene: Scene) -> Complaint:
    complaint = file_as(ctx.as_actor(scene.tree.proposer), filing(decision_id=scene.decision.id))
    complaint.status, complaint.resolved_at, complaint.outcome = ComplaintStatus.RESOLVED, ctx.clock.now(), "rejected"
    ctx.session.flush()
    return complaint


def test_escalation_before_the_first_result_is_refused(ctx: Context, scene: Scene):
    complaint = file_as(ctx.as_actor(scene.tree.proposer), filing(decision_id=scene.decision.id))
    with pytest.raises(Conflict):
        complaints.escalate(ctx.as_actor(scene.tree.proposer), complaint.id)


def test_the_complainant_escalates_a_resolved_complaint_to_the_province_once(ctx: Context, scene: Scene):
    first = _resolved(ctx, scene)
    proposer = ctx.as_actor(scene.tree.proposer)
    second = complaints.escalate(proposer, first.id, "Không đồng ý với kết quả giải quyết lần đầu.")
    ctx.session.commit()
    assert (second.instance_level, second.parent_id, second.decision_id) == (2, first.id, scene.decision.id)
    assert second.handling_unit_id == scene.tree.province.id and second.status == ComplaintStatus.RECEIVED
    assert second.complainant_name == COMPLAINANT["full_name"] and second.tracking_code != first.tracking_code
    (task,) = tasks.list_tasks(ctx.as_actor(scene.province_officer)).items
    assert (task.key, task.complaint_id) == ("accept_complaint", second.id)
    assert ctx.session.scalar(select(AuditEvent.after).where(AuditEvent.action == "complaint_escalated")) == {
        "parent_id": first.id, "subject": {"decision_id": scene.decision.id},
        "handling_unit": scene.tree.province.id, "instance_level": 2, "first_resolved": True}
    with pytest.raises(Conflict):
        complaints.escalate(proposer, first.id)
    with pytest.raises(Conflict):  # the second instance is the last
        complaints.escalate(proposer, second.id)


def test_escalation_is_for_the_complainant_within_the_window(ctx: Context, scene: Scene, clock):
    first = _resolved(ctx, scene)
    with pytest.raises(Forbidden):
        complaints.escalate(ctx.as_actor(scene.commune_officer), first.id)
    with pytest.raises(NotFound):
        complaints.escalate(ctx.as_actor(scene.outsider), first.id)
    deadline = complaint_queries.escalation_deadline(ctx, first)
    assert deadline == first.resolved_at.date() + timedelta(days=30)
    clock.advance(days=31)
    with pytest.raises(Conflict, match=f"{deadline:%d/%m/%Y}"):
        complaints.escalate(ctx.as_actor(scene.tree.proposer), first.id)


def test_nothing_above_the_province(ctx: Context, scene: Scene):
    proposer = ctx.as_actor(scene.tree.proposer)
    at_province = _resolved(ctx, scene)
    at_province.handling_unit_id = ctx.session.scalar(select(Unit.id).where(Unit.code == "HBX"))
    with pytest.raises(Conflict, match="cấp trên"):
        complaints.escalate(proposer, at_province.id)
    assert scene.pending.status == NominationStatus.PENDING


# ---- second instance: a deadline passed without a result, remote areas, public filers ------------------

def _investigating(ctx: Context, scene: Scene, due_in_days: int) -> Complaint:
    complaint = file_as(ctx.as_actor(scene.tree.proposer), filing(decision_id=scene.decision.id))
    today = complaint.filed_at.astimezone(LOCAL_TZ).date()
    complaint.status, complaint.accepted_on = ComplaintStatus.INVESTIGATING, today
    complaint.due_on = today + timedelta(days=due_in_days)
    ctx.session.flush()
    return complaint


def test_escalation_once_the_first_instance_deadline_passed_without_a_result(ctx: Context, scene: Scene, clock):
    """Luật Khiếu nại 2011 Art. 33(1): within 30 days of the day the resolution period ended without one."""
    first = _investigating(ctx, scene, due_in_days=30)
    proposer = ctx.as_actor(scene.tree.proposer)
    with pytest.raises(Conflict, match="chưa hết thời hạn"):
        complaints.escalate(proposer, first.id)
    clock.advance(days=31)  # the period has ended without a result
    assert complaint_queries.escalation_deadline(ctx, first) == first.due_on + timedelta(days=30)
    second = complaints.escalate(proposer, first.id)
    assert (second.instance_level, second.parent_id, second.handling_unit_id) == (2, first.id, scene.tree.province.id)


def test_escalation_after_a_passed_deadline_closes_thirty_days_later(ctx: Context, scene: Scene, clock):
    first = _investigating(ctx, scene, due_in_days=30)
    clock.advance(days=30 + 30 + 1)
    with pytest.raises(Conflict, match="hết thời hạn khiếu nại lần hai"):
        complaints.escalate(ctx.as_actor(scene.tree.proposer), first.id)


def test_a_unit_in_a_remote_area_has_forty_five_days_to_escalate(ctx: Context, scene: Scene, clock):
    scene.tree.school.remote_area = True  # the org chart's flag for vùng sâu, vùng xa
    first = _resolved(ctx, scene)
    assert first.remote_area
    resolved_on = first.resolved_at.astimezone(LOCAL_TZ).date()
    assert complaint_queries.escalation_deadline(ctx, first) == resolved_on + timedelta(days=45)
    clock.advance(days=40)
    assert complaints.escalate(ctx.as_actor(scene.tree.proposer), first.id).remote_area


def test_a_public_filer_escalates_with_the_tracking_code_and_the_secret(ctx: Context, scene: Scene):
    filed = complaints.file_public_complaint(ctx, filing(decision_id=scene.decision.id), address="x")
    first = filed.complaint
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}", filed.secret)
    assert first.secret_hash and filed.secret not in first.secret_hash  # only a digest is kept
    first.status, first.resolved_at, first.outcome = ComplaintStatus.RESOLVED, ctx.clock.now(), "rejected"
    ctx.session.flush()
    for code, secret in ((first.tracking_code, "AAAA-AAAA-AAAA-AAAA"), ("KN-AAAAAAAA", filed.secret)):
        with pytest.raises(NotFound, match="mã bí mật"):  # the same answer for a wrong code or secret
            complaints.escalate_public(ctx, {"tracking_code": code, "secret": secret}, address="x")
    second = complaints.escalate_public(ctx, {"tracking_code": first.tracking_code.lower(),
                                              "secret": filed.secret.lower().replace("-", " "),
                                              "content": "Không đồng ý với kết quả lần đầu."}, address="x")
    assert (second.instance_level, second.parent_id, second.public) == (2, first.id, True)
    assert second.handling_unit_id == scene.tree.province.id and second.complainant_user_id is None
    with pytest.raises(Conflict):
        complaints.escalate_public(ctx, {"tracking_code": first.tracking_code, "secret": filed.secret}, address="x")


def test_public_escalation_attempts_are_throttled(ctx: Context, scene: Scene):
    filed = complaints.file_public_complaint(ctx, filing(decision_id=scene.decision.id), address="x")
    for _ in range(PUBLIC_ESCALATION.limit):
        with pytest.raises(NotFound):
            complaints.escalate_public(ctx, {"tracking_code": filed.tracking_code, "secret": "AAAA"},
                                       address="203.0.113.9")
    with pytest.raises(Throttled):
        complaints.escalate_public(ctx, {"tracking_code": filed.tracking_code, "secret": filed.secret},
                                   address="203.0.113.9")


# ---- re-denunciation (tố cáo tiếp) ------------------------------------------------------------------

def _denunciation(ctx: Context, scene: Scene, status: ComplaintStatus, due_in_days: int = 30) -> Complaint:
    denunciation = file_as(ctx.as_actor(scene.tree.proposer), filing("denunciation", decision_id=scene.decision.id))
    today = denunciation.filed_at.astimezone(LOCAL_TZ).date()
    denunciation.status, denunciation.accepted_on = status, today
    denunciation.due_on = today + timedelta(days=due_in_days)
    if status == ComplaintStatus.RESOLVED:
        denunciation.resolved_at, denunciation.outcome = ctx.clock.now(), "unfounded"
    ctx.session.flush()
    return denunciation


def test_an_overdue_denunciation_is_denounced_again_to_the_level_above(ctx: Context, scene: Scene, clock):
    """Luật Tố cáo 2018: the denunciation not resolved within its period goes to the level above."""
    first = _denunciation(ctx, scene, ComplaintStatus.INVESTIGATING)
    proposer = ctx.as_actor(scene.tree.proposer)
    with pytest.raises(Conflict, match="tố cáo tiếp"):
        complaints.escalate(proposer, first.id)
    clock.advance(days=31)
    again = complaints.escalate(proposer, first.id, "Quá hạn mà chưa có kết luận.")
    assert (again.kind.value, again.instance_level, again.parent_id) == ("denunciation", 2, first.id)
    assert again.handling_unit_id == scene.tree.province.id and again.tracking_code.startswith("TC-")
    (task,) = tasks.list_tasks(ctx.as_actor(scene.province_officer)).items
    assert (task.key, task.complaint_id) == ("accept_denunciation", again.id)
    assert ctx.session.scalar(select(AuditEvent.action).where(AuditEvent.complaint_id == again.id,
                                                              AuditEvent.action != "complaint_filed")) == \
        "denunciation_renewed"
    with pytest.raises(Conflict):
        complaints.escalate(proposer, first.id)
    with pytest.raises(Conflict):  # once, to the level directly above
        complaints.escalate(proposer, again.id)


def test_a_denunciation_thought_wrongly_resolved_is_denounced_again_without_a_time_limit(
        ctx: Context, scene: Scene, clock):
    first = _denunciation(ctx, scene, ComplaintStatus.RESOLVED)
    clock.advance(days=400)
    again = complaints.escalate(ctx.as_actor(scene.tree.proposer), first.id, "Kết luận không đúng pháp luật.")
    assert again.instance_level == 2 and again.content == "Kết luận không đúng pháp luật."
    assert complaint_queries.escalation_deadline(ctx, first) is None  # no window for a denunciation


def test_a_public_denouncer_denounces_again_with_the_secret(ctx: Context, scene: Scene):
    filed = complaints.file_public_complaint(ctx, filing("denunciation", decision_id=scene.decision.id), address="x")
    filed.complaint.status, filed.complaint.resolved_at = ComplaintStatus.RESOLVED, ctx.clock.now()
    again = complaints.escalate_public(ctx, {"tracking_code": filed.tracking_code, "secret": filed.secret},
                                       address="x")
    assert (again.kind.value, again.instance_level, again.public) == ("denunciation", 2, True)


# ---- the day the complainant received or learned of the decision ------------------------------------

def test_the_filing_says_when_the_complainant_learned_of_the_decision(ctx: Context, scene: Scene):
    proposer = ctx.as_actor(scene.tree.proposer)
    today = ctx.clock.now().astimezone(LOCAL_TZ).date()
    signed = scene.decision.signed_on = today - timedelta(days=30)
    for wrong in (str(today + timedelta(days=1)), str(signed - timedelta(days=1)), "2026-02-31", "01/02/2026"):
        with pytest.raises(InvalidInput) as refused:
            file_as(proposer, {**filing(decision_id=scene.decision.id), "learned_on": wrong})
        assert set(refused.value.errors) == {"learned_on"}, wrong
    complaint = file_as(proposer, {**filing(decision_id=scene.decision.id), "learned_on": str(signed)})
    assert complaint.learned_on == signed
    assert file_as(proposer, filing(decision_id=scene.decision.id)).learned_on is None  # the officer asks


# ---- the complainant's address and attached documents -----------------------------------------------

def _pdf(text: str = "Đơn") -> io.BytesIO:
    return io.BytesIO(b"%PDF-1.7\n%" + text.encode() + b"\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")


def test_a_filing_needs_the_complainants_address(ctx: Context, scene: Scene):
    raw = filing(decision_id=scene.decision.id)
    raw["complainant"] = {k: v for k, v in COMPLAINANT.items() if k != "address"}
    with pytest.raises(InvalidInput) as refused:
        read_filing(raw)
    assert set(refused.value.errors) == {"complainant.address"}
    complaint = file_as(ctx.as_actor(scene.tree.proposer), filing(decision_id=scene.decision.id))
    assert complaint.complainant_address == COMPLAINANT["address"]


def test_a_public_filing_carries_documents_checked_like_a_dossiers(ctx: Context, scene: Scene, settings: Settings):
    filed = complaints.file_public_complaint(ctx, filing(decision_id=scene.decision.id), address="x",
                                             files=[(_pdf(), "C:\\giấy tờ\\quyết định.pdf"), (_pdf("2"), "ảnh")])
    (first, second) = filed.complaint.attachments
    assert (first.filename, first.content_type) == ("quyết định.pdf", "application/pdf")
    assert second.filename == "ảnh.pdf"
    assert attachment_store(settings).read(first.sha256).startswith(b"%PDF")
    with pytest.raises(UnsupportedType):
        complaints.file_public_complaint(ctx, filing(decision_id=scene.decision.id), address="x",
                                         files=[(io.BytesIO(b"MZ not a document"), "virus.pdf")])
    too_many = [(_pdf(str(i)), f"{i}.pdf") for i in range(complaint_inputs.MAX_ATTACHMENTS + 1)]
    with pytest.raises(InvalidInput) as refused:
        complaints.file_public_complaint(ctx, filing(decision_id=scene.decision.id), address="x", files=too_many)
    assert set(refused.value.errors) == {"files"}
    assert count(ctx.session, Complaint) == 1


def test_the_complainant_attaches_documents_and_the_handlers_read_them(ctx: Context, scene: Scene):
    complaint = file_as(ctx.as_actor(scene.tree.proposer), filing(decision_id=scene.decision.id))
    attachment = complaints.attach_to_complaint(ctx.as_actor(scene.tree.proposer), complaint.id, _pdf(), "bằng.pdf")
    ctx.session.commit()
    with pytest.raises(Forbidden):
        complaints.attach_to_complaint(ctx.as_actor(scene.commune_officer), complaint.id, _pdf(), "x.pdf")
    document = complaint_queries.attachment_file(ctx.as_actor(scene.commune_officer), complaint.id, attachment.id)
    assert (document.filename, document.content_type) == ("bằng.pdf", "application/pdf")
    for user in (scene.outsider, scene.province_officer):
        with pytest.raises(NotFound):
            complaint_queries.attachment_file(ctx.as_actor(user), complaint.id, attachment.id)
    assert ctx.session.scalar(select(AuditEvent.after).where(AuditEvent.action == "complaint_document_added")) == {
        "filename": "bằng.pdf", "size": attachment.size, "sha256": attachment.sha256}
    complaint.status = ComplaintStatus.RESOLVED
    with pytest.raises(Conflict):
        complaints.attach_to_complaint(ctx.as_actor(scene.tree.proposer), complaint.id, _pdf(), "muộn.pdf")


# ---- revocation grounds ---------------------------------------------------------------------------

LAW_93_2 = {  # Luật Thi đua, khen thưởng 2022, Art. 93(2), points a-d
    "false_declaration": "Có hành vi gian dối trong việc kê khai công trạng, thành tích để được tặng danh hiệu thi "
                         "đua, hình thức khen thưởng",
    "forged_documents": "Cung cấp thông tin sai sự thật hoặc làm giả hồ sơ, giấy tờ để đề nghị tặng danh hiệu thi "
                        "đua, hình thức khen thưởng",
    "wrong_procedure": "Thẩm định, xét, duyệt, đề nghị danh hiệu thi đua, hình thức khen thưởng trái quy định của "
                       "pháp luật",
    "criteria_not_met": "Có kết luận, quyết định, bản án của cơ quan có thẩm quyền về việc người đã được tặng danh "
                        "hiệu thi đua, hình thức khen thưởng có vi phạm, khuyết điểm dẫn đến không bảo đảm tiêu chuẩn "
                        "xét tặng trong khoảng thời gian tính thành tích",
}


def test_the_revocation_grounds_are_the_laws_words_in_the_vocabulary_and_the_form():
    assert {ground.value: ground.label for ground in RevocationGround} == LAW_93_2
    form = json.loads((PROJECT_ROOT / "forms" / "prepare_revocation.json").read_text(encoding="utf-8"))
    assert form["properties"]["ground"]["x-labels"] == LAW_93_2
    assert {ground: legal_point(RevocationGround(ground)) for ground in LAW_93_2} == {
        "false_declaration": "điểm a khoản 2 Điều 93", "forged_documents": "điểm b khoản 2 Điều 93",
        "wrong_procedure": "điểm c khoản 2 Điều 93", "criteria_not_met": "điểm d khoản 2 Điều 93"}
