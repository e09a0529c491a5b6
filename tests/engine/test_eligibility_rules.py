"""The criteria of each award type as data of the rules version, on each rule's edge: which years a window
covers (the year before and after it), yearly grades, the certificate that must come first, one achievement
earning one award, and a rules file with a mistake in its criteria."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy.orm import Session

from engine.config import Settings
from engine.errors import DefinitionError
from engine.models import Awardee
from engine.rules import Catalogue, load_rules
from engine.rules.criteria import CheckKind, Eligibility
from engine.rules.eligibility import DEFAULT_RULES_DIR, Check, Result, check_nomination
from engine.rules.reader import load_yaml
from tests.engine.test_eligibility import School, world  # noqa: F401 - the fixture
from tests.registry_factories import grade, grant, make_awardee, make_dossier, make_initiative, nominate

MET, NOT_MET, UNKNOWN = Result.MET, Result.NOT_MET, Result.UNKNOWN


def shipped(day: date = date(2026, 1, 1)) -> Eligibility:
    return load_rules(DEFAULT_RULES_DIR)[0].on(day).eligibility


def check(session: Session, world: School, award_type: str, awardee: Awardee | None = None, *,  # noqa: F811
          year: int = 2026, rules: Eligibility | None = None) -> dict[str, Check]:
    dossier = make_dossier(session, world.school, world.proposer, year=year)
    nomination = nominate(session, dossier, award_type, awardee or world.teacher)
    return {c.criterion: c for c in check_nomination(session, nomination, year=year, rules=rules)}


def with_window(code: str, criterion: str, **changes: object) -> Eligibility:
    rules = shipped()
    criteria = tuple(replace(c, **changes) if c.id == criterion else c for c in rules.of(code))  # type: ignore[arg-type]
    return replace(rules, criteria={**rules.criteria, code: criteria})


# ---- which years a window covers ---------------------------------------------------------------------

@pytest.mark.parametrize(("year", "result"), [(2025, MET), (2026, NOT_MET), (2024, NOT_MET)])
def test_three_cstd_cs_ending_in_the_dossiers_year_count_and_a_year_either_side_does_not(
        session, world, year, result):  # noqa: F811
    grant(session, world.teacher, "CSTD_CS", 2023, 2024, 2025)
    assert check(session, world, "CSTD_TINH", year=year)["consecutive_cstd_cs"].result is result


def test_whether_the_dossiers_own_year_counts_is_a_parameter_of_the_rules_version(session, world):  # noqa: F811
    grant(session, world.teacher, "CSTD_CS", 2023, 2024, 2025)
    before = with_window("CSTD_TINH", "consecutive_cstd_cs", includes_dossier_year=False)

    streak = check(session, world, "CSTD_TINH", year=2026, rules=before)["consecutive_cstd_cs"]
    assert (streak.result, streak.label) == (MET, "CSTD_CS 3 năm liên tục 2023–2025 (Luật TĐKT 2022, Điều 22)")
    assert check(session, world, "CSTD_TINH", year=2025, rules=before)["consecutive_cstd_cs"].result is NOT_MET


def test_every_window_in_the_shipped_rules_names_its_article(session, world):  # noqa: F811
    """Each criterion names its article; the one exception is a standard the law leaves to each ministry's
    or province's own regulation (Kỷ niệm chương), which names that regulation and stays unconfirmed."""
    for code, criteria in shipped().criteria.items():
        for criterion in criteria:
            delegated = not criterion.confirmed and "quy chế xét tặng" in criterion.basis
            assert criterion.basis.startswith(("Luật TĐKT 2022, Điều", "NĐ 98/2023, Điều")) or delegated, (
                code, criterion)


# ---- the criteria of the titles and forms that had none ---------------------------------------------

def test_ldtt_reads_the_yearly_grade_of_the_dossiers_year(session, world):  # noqa: F811
    colleague = make_awardee(session, "Trần Văn An", world.school)
    grade(session, world.teacher, "good", 2026)
    grade(session, colleague, "done", 2026)

    good = check(session, world, "LDTT")["good_grade"]
    assert (good.result, good.label) == (
        MET, "Xếp loại từ hoàn thành tốt nhiệm vụ trở lên năm 2026 (Luật TĐKT 2022, Điều 24)")
    assert good.detail == "Sổ theo dõi ghi năm 2026: hoàn thành tốt nhiệm vụ."
    assert check(session, world, "LDTT", colleague)["good_grade"].result is NOT_MET
    unknown = check(session, world, "LDTT", make_awardee(session, "Lê Thị Hoa", world.school))["good_grade"]
    assert (unknown.result, unknown.detail) == (
        UNKNOWN, "Sổ theo dõi chưa ghi xếp loại năm nào. Cơ quan thẩm định xem xét.")


def test_bk_tinh_needs_two_consecutive_excellent_years(session, world):  # noqa: F811
    grade(session, world.teacher, "excellent", 2025)
    grade(session, world.teacher, "good", 2026)
    two = check(session, world, "BK_TINH")["excellent_two_years"]
    assert two.result is NOT_MET and two.detail.endswith("Năm 2026 dưới mức hoàn thành xuất sắc nhiệm vụ.")
    assert check(session, world, "BK_TINH", year=2025)["excellent_two_years"].result is UNKNOWN  # 2024 not graded


def test_a_collective_title_reads_the_collectives_grade_and_what_the_registry_cannot_tell(session, world):  # noqa: F811
    school = make_awardee(session, "Trường THCS Minh Tiến", world.school, kind="collective")
    grade(session, school, "excellent", 2026)
    grant(session, school, "TTLDTT", 2026)

    checks = check(session, world, "TTLDXS", school)

    assert {k: c.result for k, c in checks.items()} == {
        "not_frozen": MET, "not_barred": MET, "not_already_awarded": MET, "ttldtt_same_year": MET,
        "excellent_grade": MET, "members_share": UNKNOWN}
    assert checks["members_share"].label.endswith("(Luật TĐKT 2022, Điều 27 khoản 1)")


def test_hc_ld3_needs_the_prime_ministers_certificate_then_five_years_well_one_excellent_and_three_cstd_cs(
        session, world):  # noqa: F811
    grant(session, world.teacher, "BK_TTG", 2021)
    grade(session, world.teacher, "good", 2022, 2023, 2024, 2025)
    grade(session, world.teacher, "excellent", 2026)
    grant(session, world.teacher, "CSTD_CS", 2022, 2024, 2026)

    checks = check(session, world, "HC_LD3")

    assert {k: c.result for k, c in checks.items()} == {
        "not_frozen": MET, "not_barred": MET, "not_already_awarded": MET, "holds_bk_ttg": MET,
        "duties_well_five_years": MET, "excellent_once_in_five_years": MET, "cstd_cs_in_five_years": MET}
    assert checks["excellent_once_in_five_years"].label == (
        "Ít nhất 1 năm hoàn thành xuất sắc nhiệm vụ trong 5 năm 2022–2026 (Luật TĐKT 2022, Điều 44 khoản 1 điểm e)")


def test_cstd_cs_without_ldtt_or_cstt_is_not_met_whatever_the_grade(session, world):  # noqa: F811
    grade(session, world.teacher, "excellent", 2026)
    make_initiative(session, world.teacher, "Thư viện số", "grassroots", 2026)
    grant(session, world.teacher, "LDTT", 2026, revoked=True)

    checks = check(session, world, "CSTD_CS")

    assert checks["ldtt_same_year"].result is NOT_MET
    assert checks["ldtt_same_year"].label == "Đạt danh hiệu LDTT hoặc CSTT năm 2026 (Luật TĐKT 2022, Điều 23 khoản 1)"
    assert checks["initiative_or_research"].result is MET


def test_a_chien_si_tien_tien_stands_for_ldtt(session, world):  # noqa: F811
    grant(session, world.teacher, "CSTT", 2026)
    assert check(session, world, "CSTD_CS")["ldtt_same_year"].result is MET


# ---- one achievement, one award -------------------------------------------------------------------------

def test_a_giay_khen_and_a_bang_khen_for_the_same_person_and_year_are_flagged(session, world):  # noqa: F811
    dossier = make_dossier(session, world.school, world.proposer)
    certificate = nominate(session, dossier, "GIAY_KHEN", world.teacher)
    elsewhere = nominate(session, make_dossier(session, world.commune, world.proposer), "BK_TINH", world.teacher)

    for mine, other in ((certificate, elsewhere), (elsewhere, certificate)):
        one = {c.criterion: c for c in check_nomination(session, mine, year=2026)}["one_award_per_achievement"]
        assert one.result is NOT_MET and one.records == [f"nomination:{other.id}"]
        assert one.label.endswith("(Luật TĐKT 2022, Điều 5 khoản 2)")


def test_a_bang_khen_held_for_the_year_flags_a_giay_khen_but_not_another_year_or_a_draft(session, world):  # noqa: F811
    (held,) = grant(session, world.teacher, "BK_TINH", 2026)
    one = check(session, world, "GIAY_KHEN")["one_award_per_achievement"]
    assert one.result is NOT_MET and one.records == [f"granted_award:{held.id}"]
    assert "one_award_per_achievement" not in check(session, world, "GIAY_KHEN", year=2025)
    colleague = make_awardee(session, "Trần Văn An", world.school)
    nominate(session, make_dossier(session, world.school, world.proposer, status="draft"), "BK_TINH", colleague)
    assert "one_award_per_achievement" not in check(session, world, "GIAY_KHEN", colleague)


# ---- the file ---------------------------------------------------------------------------------------------

def test_a_criterion_naming_an_unknown_award_stops_the_start_with_its_line(tmp_path, settings: Settings):
    text = (DEFAULT_RULES_DIR / "catalogue.yaml").read_text(encoding="utf-8")
    broken = text.replace("awards: [LDTT, CSTT]", "awards: [LDTT, CSTX]", 1)
    path = tmp_path / "catalogue.yaml"
    path.write_text(broken, encoding="utf-8")
    line = next(i for i, row in enumerate(broken.splitlines(), 1) if "CSTX" in row)
    with pytest.raises(DefinitionError) as caught:
        Catalogue.parse(load_yaml(path), str(path))
    assert "không có loại khen thưởng CSTX" in str(caught.value) and f"(dòng {line})" in str(caught.value)
    assert str(path) in str(caught.value)


def test_every_kind_of_check_is_used_by_the_shipped_rules():
    used = {c.check for criteria in shipped().criteria.values() for c in criteria}
    assert used == set(CheckKind)
