"""Who decides, per rules version and date (Luật TĐKT 2022 Art. 80): from 01/01/2024 to 30/06/2025 a
commune chairman decided only LDTT, Giấy khen and Gia đình văn hóa, CSTD_CS and TTLDTT going to the
district; from 01/07/2025 (two tiers) the commune decides them. Households as subjects, the Giấy khen of a
Sở, and one achievement earning one award refused at submission across open dossiers."""
from __future__ import annotations

from datetime import date
from functools import partial

import pytest

from engine.errors import InvalidInput, NotFound
from engine.models import Unit
from engine.operations.award import commands as dossiers
from engine.operations.award.routing import deciding_unit
from engine.rules import RulesVersion, load_rules
from engine.rules.eligibility import DEFAULT_RULES_DIR
from engine.vocabulary import AwardeeKind, Subject
from tests.engine.test_dossiers import attach_all, new_dossier, world  # noqa: F401 - the fixture
from tests.factories import make_unit


def version(day: date) -> RulesVersion:
    return load_rules(DEFAULT_RULES_DIR)[0].on(day)


def _may(rules: RulesVersion, code: str, unit: Unit) -> bool:
    return rules.may_decide(unit.level, code)


def decider(proposer: Unit, code: str, day: date) -> str | None:
    rules = version(day)
    unit = deciding_unit(proposer, rules.award_type(code).deciding_level, partial(_may, rules, code))
    return unit.code if unit is not None else None


@pytest.fixture
def tree(session):
    province = make_unit(session, "T", level="province")
    district = make_unit(session, "T-H", parent=province, level="district")
    commune = make_unit(session, "T-H-X", parent=district, level="commune")
    school = make_unit(session, "T-H-X-TH", parent=commune, level="agency", reviews_awards=False)
    department = make_unit(session, "T-SGD", parent=province, level="department")
    college = make_unit(session, "T-SGD-CD", parent=department, level="agency", reviews_awards=False)
    return {"school": school, "college": college}


@pytest.mark.parametrize("day", [date(2024, 1, 1), date(2025, 6, 30)])
def test_under_nd98_the_commune_decides_only_ldtt_giay_khen_and_gia_dinh_van_hoa(tree, day):
    school = tree["school"]
    assert version(day).id == "nd98-2024"
    assert {code: decider(school, code, day) for code in ("LDTT", "GIAY_KHEN", "GD_VH")} == {
        "LDTT": "T-H-X", "GIAY_KHEN": "T-H-X", "GD_VH": "T-H-X"}
    assert {code: decider(school, code, day) for code in ("CSTD_CS", "TTLDTT", "THON_VH")} == {
        "CSTD_CS": "T-H", "TTLDTT": "T-H", "THON_VH": "T-H"}
    assert version(day).authority[school.parent.level].basis == "Luật TĐKT 2022, Điều 80 khoản 3"  # type: ignore[union-attr]


def test_from_01_07_2025_the_commune_decides_cstd_cs_and_ttldtt(tree):
    day = date(2025, 7, 1)
    assert version(day).id == "nd152-2025"
    assert {code: decider(tree["school"], code, day) for code in ("CSTD_CS", "TTLDTT", "LDTT", "THON_VH")} == {
        "CSTD_CS": "T-H-X", "TTLDTT": "T-H-X", "LDTT": "T-H-X", "THON_VH": "T-H-X"}


def test_before_01_01_2024_no_rules_version_decides_anything():
    with pytest.raises(NotFound, match="31/12/2023"):
        version(date(2023, 12, 31))


def test_a_giay_khen_of_a_so_is_decided_only_by_a_so(tree):
    day = date(2025, 8, 1)
    assert decider(tree["college"], "GK_SO", day) == "T-SGD"
    assert decider(tree["school"], "GK_SO", day) is None  # no Sở above: beyond this tree
    assert decider(tree["college"], "CSTD_TINH", day) == "T"


def test_households_are_subjects_of_gia_dinh_van_hoa_only():
    rules = version(date(2025, 8, 1))
    assert rules.award_type("GD_VH").subject is Subject.HOUSEHOLD
    assert Subject.HOUSEHOLD.admits(AwardeeKind.HOUSEHOLD)
    assert not Subject.EITHER.admits(AwardeeKind.HOUSEHOLD)
    assert not Subject.HOUSEHOLD.admits(AwardeeKind.INDIVIDUAL)


def test_a_bang_khen_for_an_achievement_already_proposed_for_a_giay_khen_is_refused_at_submission(ctx, world):  # noqa: F811
    first = new_dossier(ctx, world)
    attach_all(ctx, world, first)
    dossiers.submit_dossier(ctx.as_actor(world.proposer), first.id)
    person = next(n.awardee_id for n in first.nominations if n.award_type == "GIAY_KHEN")
    second = new_dossier(ctx, world, title="Đề nghị Bằng khen", nominations=[
        {"award_type": "BK_TINH", "nominee": {"kind": "individual", "full_name": "Nguyễn Thị Tươi",
                                              "position": "Giáo viên", "person_id": person},
         "achievements": "Hoàn thành xuất sắc nhiệm vụ năm học 2025–2026."}])
    attach_all(ctx, world, second)

    with pytest.raises(InvalidInput) as refused:
        dossiers.submit_dossier(ctx.as_actor(world.proposer), second.id)

    assert set(refused.value.errors) == {"nominations[0].award_type"}
    assert "(GIAY_KHEN) trong hồ sơ số" in refused.value.errors["nominations[0].award_type"]
