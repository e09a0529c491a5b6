"""The criteria of the award types added for issue 17, each at its edge: the classes of the Huân chương Lao
động (the lower class first, then five years with their grades and emulation titles), the household,
village and commune titles, the commemorative medal and the Giấy khen of a Sở. What the registry cannot
hold is "cannot tell" with its article."""
# ruff: noqa: F811 - `world` is the fixture of test_eligibility
from __future__ import annotations

import pytest

from engine.rules import load_rules
from engine.rules.eligibility import DEFAULT_RULES_DIR, check_nomination
from tests.engine.test_eligibility import MET, NOT_MET, UNKNOWN, School, check, world  # noqa: F401
from tests.registry_factories import grade, grant, make_awardee, make_dossier, nominate


def hc_ld2_career(session, person, *, excellent=(2025, 2026), cstd_tinh=(2024,), hc_ld3=2021):
    grant(session, person, "HC_LD3", hc_ld3)
    grade(session, person, "good", *(y for y in range(2022, 2027) if y not in excellent))
    grade(session, person, "excellent", *excellent)
    grant(session, person, "CSTD_TINH", *cstd_tinh)


# ---- Huân chương Lao động hạng Nhì ----------------------------------------------------------------------

def test_hc_ld3_then_five_years_two_excellent_and_a_cstd_tinh_meet_hc_ld2(session, world):
    hc_ld2_career(session, world.teacher)
    checks = check(session, world, "HC_LD2")
    assert {k: checks[k].result for k in ("holds_hc_ld3", "duties_well_five_years", "excellent_twice_in_five_years",
                                          "cstd_tinh_in_five_years")} == {
        "holds_hc_ld3": MET, "duties_well_five_years": MET, "excellent_twice_in_five_years": MET,
        "cstd_tinh_in_five_years": MET}
    assert checks["holds_hc_ld3"].label == ("Đã được tặng HC_LD3 từ năm 2021 trở về trước, rồi 5 năm tiếp theo "
                                            "2022–2026 (Luật TĐKT 2022, Điều 43 khoản 1 điểm đ)")
    assert "excellent_five_years" not in checks  # the collective's route is not asked of a person


def test_one_excellent_year_or_hc_ld3_inside_the_window_is_not_enough_for_hc_ld2(session, world):
    hc_ld2_career(session, world.teacher, excellent=(2026,), hc_ld3=2022)
    checks = check(session, world, "HC_LD2")
    assert checks["excellent_twice_in_five_years"].result is NOT_MET
    assert checks["holds_hc_ld3"].result is NOT_MET
    assert "HC_LD3 năm 2022" in checks["holds_hc_ld3"].detail


def test_a_year_not_graded_leaves_hc_ld2_to_the_officer(session, world):
    grant(session, world.teacher, "HC_LD3", 2021)
    grade(session, world.teacher, "excellent", 2022, 2023, 2024, 2025)  # 2026 not graded yet
    assert check(session, world, "HC_LD2")["duties_well_five_years"].result is UNKNOWN


def test_a_collective_is_asked_for_five_excellent_years_and_a_flag(session, world):
    collective = make_awardee(session, "Trường THCS Minh Tiến", world.school, kind="collective")
    grant(session, collective, "HC_LD3", 2020)
    grade(session, collective, "excellent", *range(2022, 2027))
    grant(session, collective, "CO_TINH", 2025)
    checks = check(session, world, "HC_LD2", collective)
    assert {k: checks[k].result for k in ("holds_hc_ld3", "excellent_five_years", "flag_in_five_years")} == {
        "holds_hc_ld3": MET, "excellent_five_years": MET, "flag_in_five_years": MET}
    assert "cstd_tinh_in_five_years" not in checks and "duties_well_five_years" not in checks


# ---- Huân chương Lao động hạng Nhất: one CSTD_TQ or two CSTD_TINH ---------------------------------------

@pytest.mark.parametrize(("titles", "expected"), [
    ({"CSTD_TQ": (2025,)}, MET),
    ({"CSTD_TINH": (2023, 2025)}, MET),
    ({"CSTD_TINH": (2025,)}, NOT_MET),
    ({"CSTD_TINH": (2020, 2025)}, NOT_MET),  # 2020 is before the five years
])
def test_hc_ld1_needs_one_cstd_tq_or_two_cstd_tinh_in_the_five_years(session, world, titles, expected):
    grant(session, world.teacher, "HC_LD2", 2021)
    for code, years in titles.items():
        grant(session, world.teacher, code, *years)
    item = check(session, world, "HC_LD1")["cstd_tq_or_two_cstd_tinh"]
    assert item.result is expected, item.detail
    assert item.label == ("Có 1 lần CSTD_TQ trong 5 năm 2022–2026 hoặc 2 lần CSTD_TINH "
                          "(Luật TĐKT 2022, Điều 42 khoản 1 điểm đ)")
    assert item.detail.endswith(".")


def test_hc_ld1_asks_for_three_excellent_years_after_hc_ld2(session, world):
    grant(session, world.teacher, "HC_LD2", 2021)
    grade(session, world.teacher, "excellent", 2022, 2024)
    grade(session, world.teacher, "good", 2023, 2025, 2026)
    checks = check(session, world, "HC_LD1")
    assert (checks["holds_hc_ld2"].result, checks["excellent_three_times_in_five_years"].result) == (MET, NOT_MET)


# ---- households, villages, communes -----------------------------------------------------------------------

def test_a_household_for_gia_dinh_van_hoa_is_left_to_the_commune_with_its_article(session, world):
    # a nomination cannot name a household of the registry yet (nominee_kind is individual or collective):
    # the household is named in the dossier, and the standards are the commune's to judge
    dossier = make_dossier(session, world.commune, world.proposer)
    nomination = nominate(session, dossier, "GD_VH", name="Hộ ông Trần Văn Bình")
    checks = {c.criterion: c for c in check_nomination(session, nomination, year=2026)}
    standards = checks["household_standards"]
    assert standards.result is UNKNOWN
    assert standards.label.endswith("(Luật TĐKT 2022, Điều 31; NĐ 86/2023, Điều 4)")


@pytest.mark.parametrize(("grade_code", "expected"), [("good", MET), ("done", NOT_MET), (None, UNKNOWN)])
def test_a_village_needs_a_good_grade_and_the_articles_standards(session, world, grade_code, expected):
    village = make_awardee(session, "Thôn Đông", world.commune, kind="collective")
    if grade_code:
        grade(session, village, grade_code, 2026)
    checks = check(session, world, "THON_VH", village)
    assert checks["good_grade"].result is expected
    assert checks["village_standards"].result is UNKNOWN
    assert "(Luật TĐKT 2022, Điều 30 khoản 1)" in checks["village_standards"].label


@pytest.mark.parametrize(("grade_code", "expected"), [("excellent", MET), ("good", NOT_MET)])
def test_a_model_commune_is_graded_excellent_that_year(session, world, grade_code, expected):
    commune = make_awardee(session, "Xã Minh Tiến", world.commune, kind="collective")
    grade(session, commune, grade_code, 2026)
    checks = check(session, world, "XA_TIEU_BIEU", commune)
    assert (checks["excellent_grade"].result, checks["commune_standards"].result) == (expected, UNKNOWN)


def test_the_commemorative_medal_rests_on_the_ministrys_or_provinces_own_regulation(session, world):
    item = check(session, world, "KNC")["medal_regulation"]
    assert item.result is UNKNOWN and "Kỷ niệm chương" in item.label


# ---- the Giấy khen of a Sở ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("grade_code", "expected"), [("good", MET), ("done", NOT_MET)])
def test_the_giay_khen_of_a_so_needs_duties_completed_well(session, world, grade_code, expected):
    grade(session, world.teacher, grade_code, 2026)
    item = check(session, world, "GK_SO")["good_grade"]
    assert item.result is expected and item.label.endswith("(Luật TĐKT 2022, Điều 75)")


def test_a_giay_khen_of_the_commune_and_one_of_a_so_for_the_same_achievement_are_one_too_many(session, world):
    dossier = make_dossier(session, world.school, world.proposer)
    nominate(session, dossier, "GIAY_KHEN", world.teacher)
    checks = check(session, world, "GK_SO")
    assert checks["one_award_per_achievement"].result is NOT_MET


def test_every_new_type_has_criteria_each_naming_its_article_in_both_versions():
    for version in load_rules(DEFAULT_RULES_DIR)[0].versions:
        for code in ("GD_VH", "THON_VH", "XA_TIEU_BIEU", "KNC", "GK_SO", "HC_LD2", "HC_LD1"):
            criteria = version.eligibility.of(code)
            assert criteria and all(c.basis.startswith("Luật TĐKT 2022") for c in criteria), (version.id, code)
