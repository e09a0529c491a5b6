"""The registry: searching people without diacritics within one's part of the tree, and extending it
when a nomination names someone new, when a decision grants an award, when an initiative is used."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.config import Settings
from engine.context import Context
from engine.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from engine.models import AuditEvent, Awardee, Role, Unit, User
from engine.operations.registry.commands import find_or_create_awardee, mark_initiative_used, record_award
from engine.operations.registry.queries import get_awardee, list_awardees
from tests.factories import make_council, make_unit, make_user
from tests.registry_factories import make_awardee, make_decision, make_dossier, make_initiative, nominate


@dataclass
class Registry:
    province: Unit
    commune: Unit
    school: Unit
    other_commune: Unit
    tuoi: Awardee  # teacher at the school
    an: Awardee  # teacher at the school
    binh: Awardee  # officer at the commune
    tuoi_elsewhere: Awardee  # in the other commune
    school_collective: Awardee
    commune_office: User
    school_proposer: User
    council_member: User
    other_office: User
    admin: User
    outsider: User


@pytest.fixture
def registry(session: Session, settings: Settings) -> Registry:
    province = make_unit(session, "T", level="province")
    commune = make_unit(session, "T-X1", parent=province, name="UBND xã Minh Tiến")
    school = make_unit(session, "T-X1-TH", parent=commune, level="agency", reviews_awards=False,
                       name="Trường THCS Minh Tiến")
    other = make_unit(session, "T-X2", parent=province, name="UBND xã Đông Hưng")
    people = dict(
        tuoi=make_awardee(session, "Nguyễn Thị Tươi", school, code="P-1", position="Giáo viên"),
        an=make_awardee(session, "Trần Văn An", school, code="P-2"),
        binh=make_awardee(session, "Lê Văn Bình", commune, code="P-3"),
        tuoi_elsewhere=make_awardee(session, "Nguyễn Thị Tươi", other, code="P-4"),
        school_collective=make_awardee(session, "Trường THCS Minh Tiến", school, kind="collective", code="TT-1"),
    )
    member = make_user(session, settings, "xa.hd1")
    make_council(session, commune, member, member, [member])
    registry = Registry(
        province, commune, school, other, **people,
        commune_office=make_user(session, settings, "xa.vanphong", (Role.OFFICE, commune)),
        school_proposer=make_user(session, settings, "truong.denghi", (Role.PROPOSER, school)),
        council_member=member,
        other_office=make_user(session, settings, "xa2.vanphong", (Role.OFFICE, other)),
        admin=make_user(session, settings, "quan.tri", (Role.ADMIN, province)),
        outsider=make_user(session, settings, "nguoi.ngoai"),
    )
    session.commit()
    return registry


def names(ctx: Context, user: User, **filters: object) -> list[str]:
    return [f"{a.code} {a.name}" for a in list_awardees(ctx.as_actor(user), **filters).items]  # type: ignore[arg-type]


def events(session: Session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


# ---- who sees whom ----------------------------------------------------------------------------------

def test_a_commune_officer_finds_a_teacher_of_a_school_below_without_typing_diacritics(ctx, registry):
    assert names(ctx, registry.commune_office, q="nguyen thi tuoi") == ["P-1 Nguyễn Thị Tươi"]
    assert names(ctx, registry.commune_office, q="  NGUYỄN   thị ") == ["P-1 Nguyễn Thị Tươi"]
    assert names(ctx, registry.commune_office, q="p-2") == ["P-2 Trần Văn An"]


def test_each_sees_the_people_of_their_units_and_the_units_below(ctx, registry):
    everyone_in_x1 = ["P-3 Lê Văn Bình", "P-1 Nguyễn Thị Tươi", "P-2 Trần Văn An", "TT-1 Trường THCS Minh Tiến"]
    assert names(ctx, registry.commune_office) == everyone_in_x1
    assert names(ctx, registry.council_member) == everyone_in_x1  # a council seat is a role at the unit
    assert names(ctx, registry.school_proposer) == everyone_in_x1[1:]
    assert names(ctx, registry.other_office) == ["P-4 Nguyễn Thị Tươi"]
    assert len(names(ctx, registry.admin)) == 5
    assert names(ctx, registry.outsider) == []


def test_someone_from_another_commune_cannot_read_the_teacher(ctx, registry):
    assert get_awardee(ctx.as_actor(registry.commune_office), registry.tuoi.id).name == "Nguyễn Thị Tươi"
    assert get_awardee(ctx.as_actor(registry.admin), registry.tuoi.id).code == "P-1"
    for user in (registry.other_office, registry.outsider):
        with pytest.raises(NotFound):
            get_awardee(ctx.as_actor(user), registry.tuoi.id)
    with pytest.raises(NotFound):  # the school does not see the commune above it
        get_awardee(ctx.as_actor(registry.school_proposer), registry.binh.id)
    with pytest.raises(NotFound):
        get_awardee(ctx.as_actor(registry.admin), 999_999)
    with pytest.raises(Unauthenticated):
        list_awardees(ctx)


def test_filters_by_unit_and_below_by_kind_and_pages(ctx, registry):
    office = registry.commune_office
    assert names(ctx, office, unit=registry.school.id) == [
        "P-1 Nguyễn Thị Tươi", "P-2 Trần Văn An", "TT-1 Trường THCS Minh Tiến"]
    assert names(ctx, office, unit=registry.commune.id, kind="collective") == ["TT-1 Trường THCS Minh Tiến"]
    assert names(ctx, office, unit=registry.other_commune.id) == []  # filtering never widens what one sees
    page = list_awardees(ctx.as_actor(office), page=2, per_page=3)
    assert (page.total, [a.code for a in page.items]) == (4, ["TT-1"])


@pytest.mark.parametrize("query", ["%", "_", "\\"])
def test_search_wildcards_are_plain_characters(ctx, registry, query):
    assert names(ctx, registry.admin, q=query) == []


# ---- extending the registry ------------------------------------------------------------------------

def test_a_nominee_not_in_the_registry_is_added_once_with_an_audit_event(ctx, registry):
    office = ctx.as_actor(registry.commune_office)
    new = find_or_create_awardee(office, "individual", " Phạm  Thị Hoa ", registry.school.id, position="Kế toán")
    again = find_or_create_awardee(office, "individual", "PHẠM THỊ HOA", registry.school.id)

    assert again.id == new.id
    assert (new.name, new.name_folded, new.position, new.code) == ("Phạm Thị Hoa", "pham thi hoa", "Kế toán", None)
    (event,) = events(ctx.session, "awardee_created")
    assert (event.actor, event.entity_id, event.unit_id) == ("xa.vanphong", str(new.id), registry.school.id)
    assert event.after == {"kind": "individual", "name": "Phạm Thị Hoa", "position": "Kế toán",
                           "unit_id": registry.school.id}


def test_names_that_differ_only_in_diacritics_are_different_people(ctx, registry):
    tuoi = find_or_create_awardee(ctx, "individual", "Nguyễn Thị Tươi", registry.school.id)
    tuoi_with_another_tone = find_or_create_awardee(ctx, "individual", "Nguyễn Thị Tuổi", registry.school.id)
    same_name_as_collective = find_or_create_awardee(ctx, "collective", "Nguyễn Thị Tươi", registry.school.id)

    assert tuoi.id == registry.tuoi.id
    assert len({tuoi.id, tuoi_with_another_tone.id, same_name_as_collective.id}) == 3


def test_two_namesakes_in_one_unit_must_be_told_apart_by_the_caller(ctx, registry, session):
    make_awardee(session, "Nguyễn Thị Tươi", registry.school, code="P-9")
    with pytest.raises(InvalidInput) as refused:
        find_or_create_awardee(ctx, "individual", "Nguyễn Thị Tươi", registry.school.id)
    assert "P-1, P-9" in refused.value.detail and "person_id" in refused.value.errors


def test_a_nominee_chosen_by_id_must_be_visible_and_of_the_right_kind(ctx, registry):
    office = ctx.as_actor(registry.commune_office)
    assert find_or_create_awardee(office, "individual", "tên bất kỳ", None, person_id=registry.an.id) is registry.an
    with pytest.raises(NotFound):
        find_or_create_awardee(office, "individual", "", None, person_id=registry.tuoi_elsewhere.id)
    with pytest.raises(InvalidInput, match="là tập thể, không phải cá nhân"):
        find_or_create_awardee(office, "individual", "", None, person_id=registry.school_collective.id)


def test_a_decision_writes_the_award_once_per_nomination(ctx, registry, session):
    dossier = make_dossier(session, registry.school, registry.school_proposer)
    nomination = nominate(session, dossier, "CSTD_CS", registry.tuoi)
    decision = make_decision(session, registry.commune, 2026, 5)

    award = record_award(ctx, registry.tuoi, "CSTD_CS", 2026, "regular", decision.id, nomination.id)

    assert (award.award_type, award.year, award.dossier_kind, award.decision_id) == ("CSTD_CS", 2026, "regular",
                                                                                     decision.id)
    (event,) = events(session, "award_recorded")
    assert (event.entity_type, event.dossier_id, event.unit_id) == ("granted_award", dossier.id, registry.school.id)
    with pytest.raises(Conflict):
        record_award(ctx, registry.tuoi, "CSTD_CS", 2026, "regular", decision.id, nomination.id)


def test_an_initiative_serves_one_nomination_only(ctx, registry, session):
    dossier = make_dossier(session, registry.school, registry.school_proposer)
    first = nominate(session, dossier, "CSTD_TINH", registry.tuoi)
    second = nominate(session, dossier, "BK_TINH", registry.tuoi)
    initiative = make_initiative(session, registry.tuoi, "Sổ điểm điện tử", "province", 2025)

    mark_initiative_used(ctx, initiative, first.id)
    mark_initiative_used(ctx, initiative, first.id)  # again for the same nomination: nothing changes

    assert initiative.used_by_nomination_id == first.id
    assert len(events(session, "initiative_used")) == 1
    with pytest.raises(Conflict, match=f"đã được dùng cho đề nghị số {first.id}"):
        mark_initiative_used(ctx, initiative, second.id)
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "initiative_used")) == 1
