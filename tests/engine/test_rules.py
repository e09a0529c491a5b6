"""Rules as data: the catalogue in force on a date, strict checks of the rules files, vote thresholds
in exact integers, and deadlines counted in working days across Tết, weekends and announced swaps."""
from __future__ import annotations

import copy
import shutil
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.config import PROJECT_ROOT
from engine.errors import DefinitionError, InvalidInput, NotFound
from engine.models.dossier import AttachmentKind
from engine.rules import (
    Catalogue,
    Comparison,
    DecidingLevel,
    Quorum,
    Threshold,
    WorkingCalendar,
    clear_rules_cache,
    load_rules,
    passes,
)
from engine.rules.calendar import HOLIDAYS_FILE
from engine.rules.catalogue import CATALOGUE_FILE

RULES = PROJECT_ROOT / "workflows" / "rules"
CODES = ["LDTT", "CSTT", "CSTD_CS", "CSTD_TINH", "CSTD_TQ", "TTLDTT", "TTLDXS", "CO_TINH", "CO_CP", "GIAY_KHEN",
         "BK_TINH", "BK_TTG", "HC_LD3", "GD_VH", "THON_VH", "XA_TIEU_BIEU", "KNC", "GK_SO", "HC_LD2", "HC_LD1"]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load(RULES)


@pytest.fixture
def calendar() -> WorkingCalendar:
    """The package's calendar with no announced swaps: independent of holidays.yaml."""
    return WorkingCalendar(swaps={})


# ---- versions by date ---------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "version"), [
    (date(2024, 1, 1), "nd98-2024"),
    (date(2025, 6, 30), "nd98-2024"),
    (date(2025, 7, 1), "nd152-2025"),
    (date(2031, 12, 31), "nd152-2025"),
])
def test_a_dossier_is_judged_by_the_version_in_force_on_its_date(catalogue, day, version):
    assert catalogue.on(day).id == version


def test_no_version_before_the_law_took_effect(catalogue):
    with pytest.raises(NotFound, match="31/12/2023"):
        catalogue.on(date(2023, 12, 31))


def test_a_version_is_found_by_its_id_and_keeps_its_legal_bases(catalogue):
    old, new = catalogue.version("nd98-2024"), catalogue.version("nd152-2025")
    assert (old.effective_from, old.effective_to) == (date(2024, 1, 1), date(2025, 6, 30))
    assert (new.effective_from, new.effective_to) == (date(2025, 7, 1), None)
    assert old.legal_bases[0] == "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"
    assert any("98/2023/NĐ-CP" in basis for basis in old.legal_bases)
    assert not any("98/2023/NĐ-CP" in basis for basis in new.legal_bases)
    assert any("Nghị định số 152/2025/NĐ-CP" in basis for basis in new.legal_bases)
    assert any("Thông tư số 15/2025/TT-BNV" in basis for basis in new.legal_bases)
    with pytest.raises(NotFound, match="nd1-1990"):
        catalogue.version("nd1-1990")


def test_the_catalogue_is_domain_md_s_table(catalogue):
    rules = catalogue.on(date(2025, 8, 1))
    assert [t.code for t in rules.award_types_in_force()] == CODES
    cstd_tinh, hc_ld3, ldtt = rules.award_type("CSTD_TINH"), rules.award_type("HC_LD3"), rules.award_type("LDTT")
    assert (cstd_tinh.deciding_level, cstd_tinh.secret_ballot) == (DecidingLevel.PROVINCE, True)
    assert cstd_tinh.approval_threshold == Threshold(Comparison.AT_LEAST, 90)
    assert AttachmentKind.EVIDENCE in cstd_tinh.required_documents
    assert (hc_ld3.deciding_level, hc_ld3.disclosure_days) == (DecidingLevel.PRESIDENT, 10)
    assert (ldtt.council_vote, ldtt.approval_threshold, ldtt.disclosure_days) == (False, None, 0)
    assert ldtt.required_documents == (AttachmentKind.SUBMISSION, AttachmentKind.ACHIEVEMENT_REPORT)
    assert rules.deadlines.appraisal.province_to_prime_minister == 15
    assert (rules.deadlines.notify_result, rules.deadlines.supplement) == (10, 10)
    assert rules.quorum.met(present=6, members=9) and not rules.quorum.met(present=5, members=9)


def test_an_unknown_award_type_is_refused_with_the_day(catalogue):
    with pytest.raises(InvalidInput) as refused:
        catalogue.on(date(2025, 8, 1)).award_type("HC_DL3", on=date(2025, 8, 1))
    assert refused.value.detail == "Loại khen thưởng 'HC_DL3' không có trong danh mục áp dụng ngày 01/08/2025."


# ---- strict validation --------------------------------------------------------------------------

def _real() -> dict[str, Any]:
    return yaml.safe_load((RULES / CATALOGUE_FILE).read_text(encoding="utf-8"))


def _award(data: dict[str, Any], version: int, code: str) -> dict[str, Any]:
    return next(t for t in data["versions"][version]["award_types"] if t["code"] == code)


def _broken(tmp_path: Path, change) -> str:
    data = copy.deepcopy(_real())
    for version in data["versions"]:  # unshare what the file's anchors share
        version["award_types"] = copy.deepcopy(version["award_types"])
    change(data)
    (tmp_path / CATALOGUE_FILE).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DefinitionError) as refused:
        Catalogue.load(tmp_path)
    message = str(refused.value)
    assert message.startswith(str(tmp_path / CATALOGUE_FILE))
    return message


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: _award(d, 0, "LDTT").update(quota=15),
     "phiên bản 'nd98-2024', loại khen thưởng 'LDTT': khóa không được hỗ trợ: quota."),
    (lambda d: _award(d, 1, "BK_TINH").pop("name"), "loại khen thưởng 'BK_TINH': thiếu khóa: name."),
    (lambda d: _award(d, 1, "GIAY_KHEN").update(deciding_level="district"),
     "'deciding_level' = 'district' không hợp lệ; phải là một trong: grassroots, province, prime_minister, president"),
    (lambda d: _award(d, 0, "CSTD_CS").update(approval_threshold=None), "thiếu 'approval_threshold'"),
    (lambda d: _award(d, 0, "LDTT").update(secret_ballot=True), "không có ngưỡng hay bỏ phiếu kín"),
    (lambda d: _award(d, 0, "CO_CP")["approval_threshold"].update(percent=150), "'percent' phải từ 1 đến 100"),
    (lambda d: _award(d, 0, "CO_CP")["approval_threshold"].update(op="=>"), "'op' = '=>' không hợp lệ"),
    (lambda d: _award(d, 0, "CO_CP").update(council_vote="có"), "'council_vote' phải là true hoặc false"),
    (lambda d: _award(d, 0, "CO_CP").update(disclosure_days=-1), "'disclosure_days' phải là số nguyên từ 0"),
    (lambda d: _award(d, 0, "CO_CP").update(required_documents=["submission", "photo"]),
     "'required_documents' mục 2 = 'photo' không hợp lệ"),
    (lambda d: _award(d, 0, "TTLDXS").update(code="LDTT"), "phiên bản 'nd98-2024': loại khen thưởng trùng mã: LDTT."),
    (lambda d: d["versions"][1].update(effective_from=date(2025, 6, 1)),
     "phiên bản 'nd98-2024' và 'nd152-2025' chồng lấn thời gian hiệu lực."),
    (lambda d: d["versions"][0].update(effective_to=None), "chồng lấn thời gian hiệu lực"),
    (lambda d: d["versions"][1].update(effective_from=date(2025, 7, 15)),
     "phiên bản 'nd98-2024' và 'nd152-2025' để hở khoảng thời gian từ 01/07/2025 đến 14/07/2025."),
    (lambda d: d["versions"][1].update(id="nd98-2024"), "phiên bản trùng mã: nd98-2024."),
    (lambda d: d["versions"][0].update(effective_from="01/01/2024"), "'effective_from' phải là ngày dạng YYYY-MM-DD"),
    (lambda d: d["versions"][0]["deadlines"]["appraisal"].pop("national"), "'deadlines', 'appraisal': thiếu khóa"),
    (lambda d: d["versions"][0]["quorum"].update(fraction="3/2"), "tỷ lệ '3/2' lớn hơn 1"),
    (lambda d: d["versions"][0].update(legal_bases=[]), "cần ít nhất một căn cứ pháp lý"),
    (lambda d: d.update(version=[]), "khóa không được hỗ trợ: version."),
    (lambda d: _award(d, 1, "BK_TINH")["printed_names"].update(tinh="Bằng khen"),
     "loại khen thưởng 'BK_TINH', 'printed_names': cấp không hợp lệ: tinh"),
    (lambda d: d["versions"][1]["documents"]["competence"].update(department=["Căn cứ Quyết định của {cha};"]),
     "'department' có chỗ thay thế không biết {cha}"),
    (lambda d: d["versions"][1]["documents"].update(fund="Quỹ"), "'documents': khóa không được hỗ trợ: fund."),
], ids=["unknown-key", "missing-key", "unknown-level", "vote-without-threshold", "secret-without-vote",
        "percent", "operator", "not-a-bool", "negative-days", "unknown-document", "duplicate-code", "overlap",
        "open-before-last", "gap", "duplicate-version", "bad-date", "missing-deadline", "quorum", "no-legal-basis",
        "unknown-top-key", "printed-name-level", "unknown-placeholder", "documents-key"])
def test_a_broken_catalogue_stops_the_start_naming_file_and_entry(tmp_path, change, expected):
    assert expected in _broken(tmp_path, change)


def test_a_mistake_names_the_line_of_the_entry(tmp_path):
    text = (RULES / CATALOGUE_FILE).read_text(encoding="utf-8")
    name = "        name: Chiến sĩ thi đua cơ sở\n"
    broken = text.replace(name, name + "        quota: 15\n")
    (tmp_path / CATALOGUE_FILE).write_text(broken, encoding="utf-8")
    line = next(i for i, row in enumerate(broken.splitlines(), 1) if row.strip() == "- code: CSTD_CS")
    expected = rf"loại khen thưởng 'CSTD_CS': khóa không được hỗ trợ: quota\. \(dòng {line}\)"
    with pytest.raises(DefinitionError, match=expected):
        Catalogue.load(tmp_path)


def test_a_key_given_twice_or_a_missing_file_is_refused(tmp_path):
    with pytest.raises(DefinitionError, match="không tìm thấy tệp"):
        Catalogue.load(tmp_path)
    (tmp_path / CATALOGUE_FILE).write_text("versions: []\nversions: []\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="khóa 'versions' xuất hiện hai lần"):
        Catalogue.load(tmp_path)


# ---- thresholds ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("op", "percent", "yes", "members", "passed"), [
    (">=", 90, 9, 10, True),
    (">=", 90, 8, 10, False),
    (">", 50, 6, 10, True),
    (">", 50, 5, 10, False),
    (">=", 90, 27, 30, True),
    (">=", 90, 26, 30, False),
    (">", 50, 8, 15, True),
    (">", 50, 7, 15, False),
    (">=", 90, 10, 10, True),
    (">", 50, 0, 10, False),
])
def test_thresholds_are_exact_at_the_edge(op, percent, yes, members, passed):
    assert passes(Threshold(Comparison(op), percent), yes, members) is passed


@pytest.mark.parametrize(("yes", "members"), [(11, 10), (-1, 10), (0, 0)])
def test_an_impossible_tally_is_a_programming_error(yes, members):
    with pytest.raises(ValueError):
        passes(Threshold(Comparison.GREATER, 50), yes, members)


def test_quorum_is_two_thirds_of_members_present():
    quorum = Quorum(Fraction(2, 3))
    assert [quorum.met(p, 10) for p in (6, 7)] == [False, True]
    assert not quorum.met(0, 0)


# ---- the working-day calendar -------------------------------------------------------------------

def test_an_appraisal_deadline_across_tet_and_weekends(calendar):
    # Thursday 12/02/2026, ten working days: Fri 13/02; the weekend 14–15/02; Tết 16–20/02 (29 Tết to
    # mùng 4); the weekend 21–22/02; then 23, 24, 25, 26, 27/02, 02, 03, 04 and Thursday 05/03.
    received = date(2026, 2, 12)
    assert calendar.add_working_days(received, 1) == date(2026, 2, 13)
    assert calendar.add_working_days(received, 2) == date(2026, 2, 23)
    assert calendar.add_working_days(received, 10) == date(2026, 3, 5)
    assert calendar.working_days_between(received, date(2026, 3, 5)) == 10
    assert calendar.working_days_between(date(2026, 3, 5), received) == -10
    assert [calendar.is_working_day(date(2026, 2, d)) for d in range(13, 24)] == [
        True, False, False, False, False, False, False, False, False, False, True]
    assert calendar.day_off_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert calendar.day_off_name(date(2026, 2, 21)) == "Thứ Bảy"
    assert calendar.day_off_name(date(2026, 2, 23)) is None


def test_zero_days_is_the_start_itself_and_negative_is_refused(calendar):
    assert calendar.add_working_days(date(2026, 2, 17), 0) == date(2026, 2, 17)
    with pytest.raises(ValueError):
        calendar.add_working_days(date(2026, 2, 17), -1)
    with pytest.raises(TypeError):
        calendar.is_working_day(datetime(2026, 2, 17, 9, 0))  # type: ignore[arg-type]


def test_the_package_s_own_swaps_count(calendar):
    # 2024: Monday 29/04 off, made up on Saturday 04/05 (in the holidays package itself).
    assert not calendar.is_working_day(date(2024, 4, 29))
    assert calendar.is_working_day(date(2024, 5, 4))


def test_an_announced_day_off_and_a_make_up_saturday_move_a_deadline():
    # Fictitious swaps: Friday 16/10/2026 off, made up on Saturday 24/10/2026.
    swapped = WorkingCalendar(swaps={2026: {
        "days_off": [{"date": date(2026, 10, 16), "name": "Nghỉ hoán đổi (thử nghiệm)"}],
        "working_days": [{"date": "2026-10-24", "name": "Làm bù (thử nghiệm)"}],
    }})
    plain = WorkingCalendar(swaps={})
    assert plain.add_working_days(date(2026, 10, 15), 1) == date(2026, 10, 16)
    assert swapped.add_working_days(date(2026, 10, 15), 1) == date(2026, 10, 19)
    assert plain.add_working_days(date(2026, 10, 22), 2) == date(2026, 10, 26)
    assert swapped.add_working_days(date(2026, 10, 22), 2) == date(2026, 10, 24)
    assert swapped.day_off_name(date(2026, 10, 16)) == "Nghỉ hoán đổi (thử nghiệm)"
    assert swapped.working_days_between(date(2026, 10, 15), date(2026, 10, 26)) == \
        plain.working_days_between(date(2026, 10, 15), date(2026, 10, 26)) == 7


@pytest.mark.parametrize(("year", "swaps", "expected"), [
    (2026, {"days_off": [{"date": date(2026, 10, 17), "name": "x"}]}, "17/10/2026 rơi vào Thứ Bảy"),
    (2026, {"working_days": [{"date": date(2026, 10, 14), "name": "x"}]}, "vốn đã là ngày làm việc bình thường"),
    (2026, {"days_off": [{"date": date(2027, 1, 4), "name": "x"}]}, "không thuộc năm 2026"),
    (2026, {"days_off": [{"date": date(2026, 10, 16)}]}, "thiếu khóa: name"),
    (2026, {"holidays": []}, "khóa không được hỗ trợ: holidays"),
    ("2026", {}, "năm '2026' không hợp lệ"),
])
def test_bad_swaps_are_refused(year, swaps, expected):
    with pytest.raises(DefinitionError, match=expected):
        WorkingCalendar(swaps={year: swaps})


def test_a_day_cannot_be_both_off_and_worked():
    day = {"date": date(2026, 2, 17), "name": "x"}  # Tết: a working day may override a holiday, not a day off
    with pytest.raises(DefinitionError, match="vừa là ngày nghỉ vừa là ngày làm việc"):
        WorkingCalendar(swaps={2026: {"days_off": [day], "working_days": [day]}})


def test_the_real_holidays_file_loads_and_means_what_it_says():
    calendar = WorkingCalendar.load(RULES)
    for year, entries in (yaml.safe_load((RULES / HOLIDAYS_FILE).read_text(encoding="utf-8")) or {}).items():
        for entry in (entries or {}).get("days_off", []):
            assert not calendar.is_working_day(entry["date"]), (year, entry)
        for entry in (entries or {}).get("working_days", []):
            assert calendar.is_working_day(entry["date"]), (year, entry)


def test_rules_are_read_once_per_folder_and_again_when_a_file_changes(tmp_path):
    clear_rules_cache()
    first = load_rules(RULES)
    assert load_rules(RULES / ".." / "rules") is first
    with pytest.raises(DefinitionError):
        load_rules(tmp_path)  # a broken folder is never cached as good
    clear_rules_cache()
    assert load_rules(RULES) is not first

    # Every process sees an edit at its next read, without a restart (issue 10).
    shutil.copytree(RULES, tmp_path / "rules")
    catalogue_file = tmp_path / "rules" / "catalogue.yaml"
    before, _ = load_rules(tmp_path / "rules")
    assert load_rules(tmp_path / "rules")[0] is before
    text = catalogue_file.read_text(encoding="utf-8")
    name = before.versions[-1].award_types[0].name
    assert name in text
    catalogue_file.write_text(text.replace(f"name: {name}\n", f"name: {name} (sửa đổi)\n", 1), encoding="utf-8")
    after, _ = load_rules(tmp_path / "rules")
    assert after is not before and name + " (sửa đổi)" in [t.name for v in after.versions for t in v.award_types]
