"""The eligibility pre-check at `appraise`, in the words of the domain: consecutive years, initiatives used
once, what does not count (revoked, ad-hoc, a cancelled decision), the CSTD_CS quota, frozen nominations."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pytest
from sqlalchemy.orm import Session

from engine.config import Settings
from engine.models import Awardee, NominationStatus, Unit, User
from engine.rules import load_rules
from engine.rules.criteria import Eligibility, Rounding
from engine.rules.eligibility import DEFAULT_RULES_DIR, Check, Result, check_nomination
from tests.factories import make_unit, make_user
from tests.registry_factories import grant, make_awardee, make_decision, make_dossier, make_initiative, nominate

MET, NOT_MET, UNKNOWN = Result.MET, Result.NOT_MET, Result.UNKNOWN


@dataclass
class School:
    commune: Unit
    school: Unit
    proposer: User
    teacher: Awardee


@pytest.fixture
def world(session: Session, settings: Settings) -> School:
    province = make_unit(session, "T", level="province")
    commune = make_unit(session, "T-X1", parent=province, name="UBND xã Minh Tiến")
    school = make_unit(session, "T-X1-TH", parent=commune, level="agency", reviews_awards=False,
                       name="Trường THCS Minh Tiến")
    proposer = make_user(session, settings, "truong.denghi", ("proposer", school))
    teacher = make_awardee(session, "Nguyễn Thị Lụa", school, code="P-1", position="Giáo viên Địa lí")
    return School(commune, school, proposer, teacher)


def check(session: Session, world: School, award_type: str, awardee: Awardee | None = None, *,
          year: int = 2026, **options: object) -> dict[str, Check]:
    """Nominate (the teacher by default) in a dossier of `year` and run the pre-check, by criterion."""
    dossier = make_dossier(session, world.school, world.proposer, year=year)
    nomination = nominate(session, dossier, award_type, awardee or world.teacher)
    return {c.criterion: c for c in check_nomination(session, nomination, year=year, **options)}  # type: ignore[arg-type]


def results(checks: dict[str, Check]) -> dict[str, Result]:
    return {key: c.result for key, c in checks.items()}


# ---- CSTD_TINH: three consecutive CSTD_CS and a provincial initiative ----------------------------------

def test_cstd_cs_in_2023_and_2024_and_the_third_in_the_dossiers_own_year_2025_meets_cstd_tinh_in_2025(
        session, world):
    decision = make_decision(session, world.commune, 2025, 5)
    (first, second) = grant(session, world.teacher, "CSTD_CS", 2023, 2024)
    (third,) = grant(session, world.teacher, "CSTD_CS", 2025, decision=decision)
    initiative = make_initiative(session, world.teacher, "Bản đồ tư duy trong dạy học Địa lí", "province", 2025)

    checks = check(session, world, "CSTD_TINH", year=2025)

    assert results(checks) == {"not_frozen": MET, "not_barred": MET, "not_already_awarded": MET,
                               "consecutive_cstd_cs": MET, "province_initiative": MET}
    streak = checks["consecutive_cstd_cs"]
    assert streak.label == "CSTD_CS 3 năm liên tục 2023–2025 (Luật TĐKT 2022, Điều 22)"
    assert streak.detail == ("Có CSTD_CS các năm 2023 (theo sổ theo dõi), 2024 (theo sổ theo dõi), "
                             "2025 (QĐ số 05/QĐ-UBND).")
    assert streak.records == [f"granted_award:{a.id}" for a in (first, second, third)]
    assert checks["province_initiative"].detail == (
        "Sáng kiến 'Bản đồ tư duy trong dạy học Địa lí' (cấp tỉnh, 2025): chưa dùng cho danh hiệu, "
        "hình thức khen thưởng nào.")
    assert checks["province_initiative"].records == [f"initiative:{initiative.id}"]


def test_a_gap_year_breaks_the_three_consecutive_years(session, world):
    grant(session, world.teacher, "CSTD_CS", 2022, 2023, 2025)
    make_initiative(session, world.teacher, "Sổ điểm điện tử", "province", 2025)

    streak = check(session, world, "CSTD_TINH", year=2025)["consecutive_cstd_cs"]

    assert streak.result is NOT_MET
    assert streak.detail == ("Thiếu CSTD_CS năm 2024. Có CSTD_CS các năm 2023 (theo sổ theo dõi), "
                             "2025 (theo sổ theo dõi).")


def test_a_revoked_award_does_not_count(session, world):
    grant(session, world.teacher, "CSTD_CS", 2023, 2025)
    (revoked,) = grant(session, world.teacher, "CSTD_CS", 2024, revoked=True)

    streak = check(session, world, "CSTD_TINH", year=2025)["consecutive_cstd_cs"]

    assert streak.result is NOT_MET
    assert streak.detail.startswith("Thiếu CSTD_CS năm 2024.")
    assert "Không tính: CSTD_CS năm 2024 (theo sổ theo dõi; đã bị thu hồi)." in streak.detail
    assert f"granted_award:{revoked.id}" in streak.records


def test_an_ad_hoc_award_does_not_count_toward_a_regular_title(session, world):
    grant(session, world.teacher, "CSTD_CS", 2023, 2025)
    grant(session, world.teacher, "CSTD_CS", 2024, kind="ad_hoc")

    streak = check(session, world, "CSTD_TINH", year=2025)["consecutive_cstd_cs"]

    assert streak.result is NOT_MET
    assert "khen thưởng đột xuất, không tính cho khen thưởng thường xuyên" in streak.detail


def test_an_award_of_a_cancelled_decision_does_not_count(session, world):
    grant(session, world.teacher, "CSTD_CS", 2023, 2024)
    grant(session, world.teacher, "CSTD_CS", 2025, decision=make_decision(session, world.commune, 2025, 3,
                                                                            cancelled=True))

    streak = check(session, world, "CSTD_TINH", year=2025)["consecutive_cstd_cs"]

    assert streak.result is NOT_MET
    assert "quyết định số 03/QĐ-UBND đã bị hủy" in streak.detail


def test_an_initiative_already_used_for_another_nomination_cannot_serve_twice(session, world):
    grant(session, world.teacher, "CSTD_CS", 2023, 2024, 2025)
    earlier = nominate(session, make_dossier(session, world.school, world.proposer, year=2025), "CSTD_CS",
                       world.teacher, status="approved")
    make_initiative(session, world.teacher, "Sổ điểm điện tử", "province", 2024, used_by=earlier)

    initiative = check(session, world, "CSTD_TINH")["province_initiative"]

    assert initiative.result is NOT_MET
    assert initiative.detail == (
        f"Sáng kiến 'Sổ điểm điện tử' (cấp tỉnh, 2024) đã dùng cho đề nghị số {earlier.id} (CSTD_CS năm 2025); "
        "mỗi sáng kiến chỉ được dùng một lần, cho một danh hiệu hoặc một hình thức khen thưởng.")


def test_an_initiative_linked_to_this_nomination_is_the_one_it_uses(session, world):
    dossier = make_dossier(session, world.school, world.proposer)
    nomination = nominate(session, dossier, "CSTD_TINH", world.teacher)
    make_initiative(session, world.teacher, "Sổ điểm điện tử", "province", 2024, used_by=nomination)
    other = nominate(session, dossier, "BK_TINH", world.teacher)
    make_initiative(session, world.teacher, "Thư viện số", "grassroots", 2024, used_by=other)

    checks = {c.criterion: c for c in check_nomination(session, nomination, year=2026)}
    for_the_other = {c.criterion: c for c in check_nomination(session, other, year=2026)}

    assert checks["province_initiative"].result is MET
    assert checks["province_initiative"].detail.endswith(": dùng cho đề nghị này.")
    assert for_the_other["initiative_used_once"].result is MET
    assert for_the_other["initiative_used_once"].detail == (
        "Sáng kiến 'Thư viện số' (cấp cơ sở, 2024) chỉ dùng cho đề nghị này.")


def test_without_a_provincial_initiative_cstd_tinh_is_not_met(session, world):
    grant(session, world.teacher, "CSTD_CS", 2023, 2024, 2025)
    make_initiative(session, world.teacher, "Thư viện số", "grassroots", 2024)

    initiative = check(session, world, "CSTD_TINH")["province_initiative"]

    assert initiative.result is NOT_MET
    assert initiative.detail == "Sổ theo dõi không có sáng kiến cấp tỉnh hoặc toàn quốc nào."


# ---- CSTD_TQ and BK_TTG ---------------------------------------------------------------------------

def test_two_consecutive_provincial_titles_and_a_national_initiative_meet_cstd_tq(session, world):
    grant(session, world.teacher, "CSTD_TINH", 2024, 2025)
    make_initiative(session, world.teacher, "Trường học số vùng khó khăn", "national", 2025)

    assert results(check(session, world, "CSTD_TQ", year=2025)) == {
        "not_frozen": MET, "not_barred": MET, "not_already_awarded": MET, "consecutive_cstd_tinh": MET,
        "national_initiative": MET}


def test_a_provincial_initiative_is_not_enough_for_cstd_tq(session, world):
    grant(session, world.teacher, "CSTD_TINH", 2023, 2025)
    make_initiative(session, world.teacher, "Sổ điểm điện tử", "province", 2025)

    checks = check(session, world, "CSTD_TQ", year=2025)

    assert checks["consecutive_cstd_tinh"].detail.startswith("Thiếu CSTD_TINH năm 2024.")
    assert checks["national_initiative"].result is NOT_MET


def test_bk_ttg_checks_the_provincial_certificate_then_three_cstd_cs_in_the_five_following_years(session, world):
    grant(session, world.teacher, "BK_TINH", 2021)
    grant(session, world.teacher, "CSTD_CS", 2022, 2024, 2026)
    grant(session, world.teacher, "CSTD_CS", 2021)  # outside 2022–2026

    checks = check(session, world, "BK_TTG")

    assert results(checks) == {"not_frozen": MET, "not_barred": MET, "not_already_awarded": MET, "holds_bk_tinh": MET,
                               "duties_well_five_years": UNKNOWN, "cstd_cs_in_five_years": MET}
    assert checks["holds_bk_tinh"].label == ("Đã được tặng BK_TINH từ năm 2021 trở về trước, rồi 5 năm tiếp theo "
                                             "2022–2026 (Luật TĐKT 2022, Điều 73)")
    assert checks["cstd_cs_in_five_years"].label == "Có 3 lần CSTD_CS trong 5 năm 2022–2026 (Luật TĐKT 2022, Điều 73)"
    assert "Cần 3 lần, có 3." in checks["cstd_cs_in_five_years"].detail


def test_a_provincial_certificate_inside_the_five_years_does_not_open_them(session, world):
    grant(session, world.teacher, "BK_TINH", 2022)  # the year the window starts: too late

    holds = check(session, world, "BK_TTG")["holds_bk_tinh"]

    assert holds.result is NOT_MET
    assert holds.detail == ("Sổ theo dõi không có BK_TINH nào được tính từ năm 2021 trở về trước. BK_TINH năm 2022 "
                            "(theo sổ theo dõi) chưa đủ 5 năm tiếp theo đến năm 2026.")
    assert check(session, world, "BK_TTG", year=2027)["holds_bk_tinh"].result is MET  # a year later it does


def test_bk_ttg_without_a_regular_provincial_certificate_or_enough_cstd_cs_is_not_met(session, world):
    grant(session, world.teacher, "BK_TINH", 2020, kind="thematic")
    grant(session, world.teacher, "CSTD_CS", 2022, 2024)

    checks = check(session, world, "BK_TTG")

    assert checks["holds_bk_tinh"].result is NOT_MET
    assert "khen thưởng chuyên đề" in checks["holds_bk_tinh"].detail
    assert checks["cstd_cs_in_five_years"].result is NOT_MET


def test_a_collective_proposed_for_bk_ttg_is_not_asked_for_cstd_cs(session, world):
    school = make_awardee(session, "Trường THCS Minh Tiến", world.school, kind="collective")
    grant(session, school, "BK_TINH", 2024)

    assert set(check(session, world, "BK_TTG", school)) == {
        "not_frozen", "not_barred", "not_already_awarded", "holds_bk_tinh", "duties_well_five_years"}


# ---- CSTD_CS: LDTT the same year, and the unit's quota ------------------------------------------------

def school_staff(session: Session, world: School, count: int, *, ldtt_year: int | None = 2026) -> list[Awardee]:
    staff = [make_awardee(session, f"Giáo viên {i}", world.school) for i in range(1, count + 1)]
    for person in staff:
        if ldtt_year is not None:
            grant(session, person, "LDTT", ldtt_year)
    return staff


def test_cstd_cs_needs_ldtt_the_same_year_and_cannot_tell_before_it_is_decided(session, world):
    school_staff(session, world, 9)
    grant(session, world.teacher, "LDTT", 2026)
    decided = check(session, world, "CSTD_CS")

    assert results(decided) == {"not_frozen": MET, "not_barred": MET, "not_already_awarded": MET, "ldtt_same_year": MET,
                                "initiative_or_research": UNKNOWN, "cstd_cs_quota": MET}
    assert decided["initiative_or_research"].detail.startswith("Sổ theo dõi không có sáng kiến chưa dùng")
    assert "Hoàn thành xuất sắc nhiệm vụ không thay được sáng kiến." in decided["initiative_or_research"].detail

    colleague = make_awardee(session, "Trần Văn An", world.school)
    undecided = check(session, world, "CSTD_CS", colleague)
    assert undecided["ldtt_same_year"].result is UNKNOWN
    assert undecided["ldtt_same_year"].detail == "Sổ theo dõi chưa có quyết định công nhận LDTT hoặc CSTT năm 2026."


def test_an_ldtt_still_in_review_or_rejected_the_same_year_is_said_so(session, world):
    dossier = make_dossier(session, world.school, world.proposer)
    pending = nominate(session, dossier, "LDTT", world.teacher)
    assert check(session, world, "CSTD_CS")["ldtt_same_year"].detail == (
        f"Sổ theo dõi chưa có quyết định công nhận LDTT hoặc CSTT năm 2026; đề nghị số {pending.id} đang được xét.")

    pending.status, pending.outcome_note = NominationStatus.REJECTED, "Chưa hoàn thành nhiệm vụ."
    session.flush()
    ldtt = check(session, world, "CSTD_CS")["ldtt_same_year"]
    assert (ldtt.result, ldtt.detail) == (NOT_MET, f"Đề nghị LDTT năm 2026 (đề nghị số {pending.id}) đã bị từ chối.")


def test_a_grassroots_initiative_serves_cstd_cs_once(session, world):
    library = make_initiative(session, world.teacher, "Thư viện số", "grassroots", 2026)
    assert check(session, world, "CSTD_CS")["initiative_or_research"].result is MET

    earlier = nominate(session, make_dossier(session, world.school, world.proposer), "GIAY_KHEN", world.teacher)
    library.used_by_nomination_id = earlier.id
    session.flush()
    used = check(session, world, "CSTD_CS")["initiative_or_research"]
    assert used.result is UNKNOWN  # the initiative is spent; a research topic is the officer's to judge
    assert f"đã dùng cho đề nghị số {earlier.id} (GIAY_KHEN năm 2026)" in used.detail


def test_the_cstd_cs_quota_is_fifteen_percent_of_the_units_ldtt_holders_rounded(session, world):
    staff = school_staff(session, world, 10)  # 15% of 11 is 1,65: rounded, two CSTD_CS
    grant(session, world.teacher, "LDTT", 2026)
    staff = staff + [world.teacher]

    first = check(session, world, "CSTD_CS")["cstd_cs_quota"]
    assert first.result is MET
    assert first.label == "Số CSTD_CS không quá 15% số người đạt LDTT của đơn vị năm 2026 (NĐ 98/2023, Điều 5)"
    assert first.detail == ("Trường THCS Minh Tiến năm 2026: 11 người đạt LDTT, 15% là 1,65 người, làm tròn, "
                            "tối thiểu 1: được 2 người; đã công nhận hoặc đang đề nghị CSTD_CS: 1 người "
                            "(kể cả đề nghị này).")
    assert check(session, world, "CSTD_CS", staff[0])["cstd_cs_quota"].result is MET
    third = check(session, world, "CSTD_CS", staff[1])["cstd_cs_quota"]
    assert third.result is NOT_MET
    assert "đang đề nghị CSTD_CS: 3 người" in third.detail
    assert check(session, world, "CSTD_CS", staff[2], cstd_cs_quota_percent=40)["cstd_cs_quota"].result is MET  # 4,4


def quota_rules(**changes: object) -> Eligibility:
    """The shipped criteria with the CSTD_CS quota's parameters changed."""
    shipped = load_rules(DEFAULT_RULES_DIR)[0].on(date(2026, 1, 1)).eligibility
    criteria = tuple(replace(c, **changes) if c.id == "cstd_cs_quota" else c  # type: ignore[arg-type]
                     for c in shipped.of("CSTD_CS"))
    return replace(shipped, criteria={**shipped.criteria, "CSTD_CS": criteria})


@pytest.mark.parametrize(("holders", "rounding", "minimum", "allowed"), [
    (2, "half_up", 1, 1),  # 0,3: a small unit is not locked out by the minimum
    (2, "half_up", 0, 0),
    (2, "up", 0, 1),
    (2, "down", 0, 0),
    (7, "half_up", 1, 1),  # 1,05
    (7, "up", 0, 2),
    (7, "down", 0, 1),
])
def test_how_the_quota_rounds_a_remainder_is_data(session, world, holders, rounding, minimum, allowed):
    staff = school_staff(session, world, holders)
    rules = quota_rules(rounding=Rounding(rounding), minimum=minimum)
    dossier = make_dossier(session, world.school, world.proposer, year=2026)
    verdicts = []
    for person in staff[:allowed + 1]:
        nomination = nominate(session, dossier, "CSTD_CS", person)
        quota = {c.criterion: c for c in check_nomination(session, nomination, year=2026, rules=rules)}
        verdicts.append(quota["cstd_cs_quota"].result)
    assert verdicts == [MET] * allowed + [NOT_MET]


def test_the_quota_counts_granted_titles_once_and_ignores_drafts_and_rejections(session, world):
    staff = school_staff(session, world, 12)  # 15% of 12 is 1,8: two
    grant(session, staff[0], "CSTD_CS", 2026)  # already granted this year
    nominate(session, make_dossier(session, world.school, world.proposer, status="draft"), "CSTD_CS", staff[1])
    nominate(session, make_dossier(session, world.school, world.proposer), "CSTD_CS", staff[2], status="rejected")

    quota = check(session, world, "CSTD_CS", staff[3])["cstd_cs_quota"]
    assert quota.result is MET  # 2 people ≤ 2
    assert "đang đề nghị CSTD_CS: 2 người" in quota.detail

    assert check(session, world, "CSTD_CS", staff[4])["cstd_cs_quota"].result is NOT_MET  # the third


def test_the_quota_cannot_be_told_without_ldtt_holders_recorded(session, world):
    quota = check(session, world, "CSTD_CS")["cstd_cs_quota"]
    assert quota.result is UNKNOWN
    assert quota.detail == ("Sổ theo dõi chưa có người đạt LDTT năm 2026 của Trường THCS Minh Tiến: chưa tính được "
                            "tỉ lệ.")


# ---- for every nomination ---------------------------------------------------------------------------

def test_a_frozen_nomination_is_not_met_while_the_complaint_is_open(session, world):
    dossier = make_dossier(session, world.school, world.proposer)
    nomination = nominate(session, dossier, "GIAY_KHEN", world.teacher, status="frozen")

    (frozen, barred, already) = check_nomination(session, nomination, year=2026)

    assert (frozen.criterion, frozen.result, frozen.detail) == (
        "not_frozen", NOT_MET, "Đang bị khiếu nại/tố cáo, tạm dừng xét.")
    assert frozen.records == [f"nomination:{nomination.id}"]
    assert barred.result is MET and already.result is MET


def test_a_nominee_unknown_to_the_registry_cannot_be_checked_and_the_check_says_why(session, world):
    dossier = make_dossier(session, world.school, world.proposer)
    nomination = nominate(session, dossier, "CSTD_TINH", name="Phạm Thị Hoa")

    checks = {c.criterion: c for c in check_nomination(session, nomination, year=2026)}

    assert results(checks) == {"not_frozen": MET, "in_registry": UNKNOWN, "consecutive_cstd_cs": UNKNOWN,
                               "province_initiative": UNKNOWN}
    assert checks["in_registry"].detail == ("'Phạm Thị Hoa' chưa có trong sổ theo dõi khen thưởng: không kiểm tra "
                                            "được khen thưởng và sáng kiến các năm trước.")
    assert checks["consecutive_cstd_cs"].detail == (
        "'Phạm Thị Hoa' chưa có trong sổ theo dõi khen thưởng nên không kiểm tra được.")


def test_one_achievement_earns_one_award(session, world):
    grant(session, world.teacher, "BK_TINH", 2026)
    already = check(session, world, "BK_TINH")["not_already_awarded"]
    assert (already.result, already.detail) == (NOT_MET, "Đã có BK_TINH năm 2026 (theo sổ theo dõi).")


def test_a_check_is_plain_data_for_the_task_form(session, world):
    (frozen, *_) = check(session, world, "GIAY_KHEN").values()
    assert frozen.as_dict() == {
        "criterion": "not_frozen", "label": "Không bị khiếu nại, tố cáo đang giải quyết (NĐ 98/2023 Điều 4 khoản 4)",
        "result": "met", "detail": "Không có khiếu nại, tố cáo nào đang giải quyết về đề nghị này.", "records": []}


@pytest.mark.parametrize("award_type", ["CSTD_CS", "CSTD_TINH", "CSTD_TQ", "BK_TTG", "GIAY_KHEN"])
def test_every_label_and_detail_is_finished_vietnamese_text(session, world, award_type):
    grant(session, world.teacher, "CSTD_CS", 2024, kind="ad_hoc")
    for item in check(session, world, award_type).values():
        assert item.label and item.detail.endswith(".")
        assert "{" not in item.label + item.detail, item


def test_two_open_dossiers_proposing_the_same_person_for_the_same_award_and_year_are_flagged(session, world):
    first = nominate(session, make_dossier(session, world.school, world.proposer), "CSTD_TINH", world.teacher)
    elsewhere = make_dossier(session, world.commune, world.proposer, status="supplement_requested")
    second = nominate(session, elsewhere, "CSTD_TINH", world.teacher)
    nominate(session, make_dossier(session, world.school, world.proposer, status="draft"), "CSTD_TINH", world.teacher)
    nominate(session, make_dossier(session, world.school, world.proposer, year=2025), "CSTD_TINH", world.teacher)
    nominate(session, make_dossier(session, world.school, world.proposer), "CSTD_CS", world.teacher)

    for mine, other in ((first, second), (second, first)):
        twice = {c.criterion: c for c in check_nomination(session, mine, year=2026)}["not_proposed_twice"]
        assert twice.result is NOT_MET and twice.records == [f"nomination:{other.id}"]
        assert f"đề nghị số {other.id} trong hồ sơ số {other.dossier_id}" in twice.detail
    second.status, second.outcome_note = NominationStatus.REJECTED, "Trùng đề nghị."  # no longer open: not flagged
    assert "not_proposed_twice" not in {c.criterion for c in check_nomination(session, first, year=2026)}


def test_the_same_name_without_a_registry_entry_is_a_doubt_not_a_fault(session, world):
    first = nominate(session, make_dossier(session, world.school, world.proposer), "GIAY_KHEN", name="Phạm Thị Hoa")
    second = nominate(session, make_dossier(session, world.school, world.proposer), "GIAY_KHEN", name="phạm thị  hoa")
    twice = {c.criterion: c for c in check_nomination(session, first, year=2026)}["not_proposed_twice"]
    assert twice.result is UNKNOWN and twice.records == [f"nomination:{second.id}"]
    assert "cùng tên" in twice.detail
