"""A provincial layer over the national rules: dated, for the units under one unit of the tree, changing a
quota's rounding and adding a quota (CSTD_TINH at most 10% of CSTD_CS), shown in the pre-check with its
source; a faulty layer stops the start with its file and line."""
from __future__ import annotations

import shutil
from datetime import date

import pytest

from engine.errors import DefinitionError
from engine.rules import clear_rules_cache, load_layers, load_rules
from engine.rules.eligibility import DEFAULT_RULES_DIR, check_nomination, eligibility_for
from engine.vocabulary import Result
from tests.engine.test_eligibility import School, school_staff, world  # noqa: F401 - the fixture
from tests.registry_factories import grant, make_dossier, nominate

SOURCE = "Quyết định số 12/2024/QĐ-UBND ngày 05/3/2024 của Ủy ban nhân dân tỉnh T"
LAYER = f"""layers:
  - id: t-qc-2024
    unit: "T"
    source: "{SOURCE}"
    effective_from: 2024-03-15
    effective_to: 2026-12-31
    criteria:
      CSTD_CS:
        cstd_cs_quota: {{rounding: down, minimum: 0}}
      CSTD_TINH:
        cstd_tinh_quota: {{check: quota, of: CSTD_CS, percent: 10, rounding: down,
                          basis: "Luật TĐKT 2022, Điều 22", confirmed: false}}
"""


@pytest.fixture
def rules_dir(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, folder)
    (folder / "provinces.yaml").write_text(LAYER, encoding="utf-8")
    clear_rules_cache()
    yield folder
    clear_rules_cache()


def checks(session, dossier, nomination, folder):
    rules = eligibility_for(dossier, load_rules(folder)[0], load_layers(folder))
    return {c.criterion: c for c in check_nomination(session, nomination, year=dossier.year, rules=rules)}


def test_the_provinces_layer_rounds_the_cstd_cs_quota_down_and_says_where_the_value_comes_from(
        session, world, rules_dir):  # noqa: F811
    staff = school_staff(session, world, 2)  # 0,3 rounded down, no minimum: none
    dossier = make_dossier(session, world.school, world.proposer)
    nomination = nominate(session, dossier, "CSTD_CS", staff[0])

    quota = checks(session, dossier, nomination, rules_dir)["cstd_cs_quota"]

    assert quota.result is Result.NOT_MET
    assert quota.label.endswith(f"(NĐ 98/2023, Điều 5; mức theo {SOURCE})")
    national = {c.criterion: c for c in check_nomination(session, nomination, year=2026)}["cstd_cs_quota"]
    assert national.result is Result.MET  # half_up with a minimum of one


def test_the_layer_adds_a_cstd_tinh_quota_of_ten_percent_of_cstd_cs_holders(session, world, rules_dir):  # noqa: F811
    staff = school_staff(session, world, 10, ldtt_year=None)
    for person in staff:
        grant(session, person, "CSTD_CS", 2026)
    dossier = make_dossier(session, world.school, world.proposer)
    first = nominate(session, dossier, "CSTD_TINH", staff[0])
    assert checks(session, dossier, first, rules_dir)["cstd_tinh_quota"].result is Result.MET  # 1 of 10
    second = nominate(session, dossier, "CSTD_TINH", staff[1])
    quota = checks(session, dossier, second, rules_dir)["cstd_tinh_quota"]
    assert quota.result is Result.NOT_MET and "10 người đạt CSTD_CS" in quota.detail


def test_outside_its_dates_or_its_province_the_layer_does_not_apply(session, world, rules_dir):  # noqa: F811
    layers = load_layers(rules_dir)
    national = load_rules(rules_dir)[0].on(date(2027, 1, 1))
    codes = {t.code for t in national.award_types}
    assert layers.over(national.eligibility, codes, ["T"], date(2027, 1, 1)) == national.eligibility
    assert layers.over(national.eligibility, codes, ["H"], date(2026, 1, 1)) == national.eligibility
    assert layers.over(national.eligibility, codes, ["T"], date(2026, 1, 1)) != national.eligibility


@pytest.mark.parametrize(("broken", "message"), [
    ("cstd_cs_quota: {rounding: down, minimum: 0}", "cstd_cs_quota: {rounding: sideways, minimum: 0}"),
    ("check: quota, of: CSTD_CS,", "check: quota, of: CSTX,"),
])
def test_a_faulty_layer_stops_the_start_with_its_file_and_line(tmp_path, rules_dir, broken, message):
    path = rules_dir / "provinces.yaml"
    text = LAYER.replace(broken, message)
    path.write_text(text, encoding="utf-8")
    clear_rules_cache()
    with pytest.raises(DefinitionError) as caught:
        load_rules(rules_dir)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if message.split(":")[0].strip() in row
                and ("sideways" in row or "CSTX" in row))
    assert str(path) in str(caught.value) and f"(dòng {line})" in str(caught.value), caught.value


# ---- deadlines, thresholds and disclosure: the layer over the whole rules version ------------------------

EXAMPLE = DEFAULT_RULES_DIR / "examples" / "provinces.yaml"


def with_layer(rules_dir, text):
    (rules_dir / "provinces.yaml").write_text(text, encoding="utf-8")
    clear_rules_cache()
    return load_layers(rules_dir), load_rules(rules_dir)[0]


def test_the_shipped_example_loads_and_sets_deadlines_a_threshold_and_disclosure_with_its_source(rules_dir):
    layers, catalogue = with_layer(rules_dir, EXAMPLE.read_text(encoding="utf-8"))
    national = catalogue.on(date(2025, 8, 1))
    layered = layers.version_for(national, ["VD", "VD-X1"], date(2025, 8, 1))
    source = "Quy chế thi đua, khen thưởng tỉnh VD (ví dụ minh họa, không phải văn bản thật)"
    assert (layered.deadlines.appraisal.commune, layered.deadlines.appraisal.province,
            layered.deadlines.appraisal.national, layered.deadlines.supplement) == (7, 12, 20, 5)
    assert layered.source_of("deadlines.appraisal.commune") == source
    assert layered.source_of("deadlines.appraisal.national") is None  # not set: national
    cstd_tinh = layered.award_type("CSTD_TINH")
    assert (cstd_tinh.approval_threshold.percent, cstd_tinh.approval_threshold.base.value) == (80, "present")
    assert layered.source_of("award_types.CSTD_TINH.approval_threshold") == source
    cstd_tq = layered.award_type("CSTD_TQ")
    assert (cstd_tq.disclosure_days_at("province"), cstd_tq.disclosure_days_at("ministry"),
            cstd_tq.disclosure_days_at("commune")) == (15, 10, 10)
    assert layered.award_type("XA_TIEU_BIEU").disclosure_days == 5
    assert [c.id for c in layered.eligibility.of("CSTD_TINH")][-1] == "cstd_tinh_quota"
    # the national version itself is unchanged, and another province sees it
    assert national.deadlines.appraisal.commune == 10 and national.sources == ()
    assert layers.version_for(national, ["T"], date(2025, 8, 1)) == national


def test_a_sector_layer_over_the_provinces_wins_for_the_units_under_the_so(rules_dir):
    text = LAYER + """    deadlines: {supplement: 4}
  - id: t-so-gd
    unit: "T-SGD"
    source: "Quy chế của Sở Giáo dục tỉnh T"
    effective_from: 2024-03-15
    effective_to: null
    deadlines: {supplement: 6}
"""
    layers, catalogue = with_layer(rules_dir, text)
    national = catalogue.on(date(2026, 1, 1))
    under_so = layers.version_for(national, ["T", "T-SGD"], date(2026, 1, 1))
    in_province = layers.version_for(national, ["T", "T-X1"], date(2026, 1, 1))
    assert (under_so.deadlines.supplement, under_so.source_of("deadlines.supplement")) == (
        6, "Quy chế của Sở Giáo dục tỉnh T")
    assert (in_province.deadlines.supplement, in_province.source_of("deadlines.supplement")) == (4, SOURCE)


BASE = """layers:
  - id: t-qc
    unit: "T"
    source: "Quy chế tỉnh T"
    effective_from: 2024-01-01
    effective_to: null
"""


@pytest.mark.parametrize(("body", "words"), [
    ("    deadlines: {appraisal: {village: 5}}\n", "khóa không được hỗ trợ: village"),
    ("    deadlines: {supplement: 0}\n", "'supplement' phải là số nguyên từ 1"),
    ("    deadlines: {remind: 3}\n", "khóa không được hỗ trợ: remind"),
    ("    award_types:\n      LDTT: {approval_threshold: {op: '>', percent: 50, base: members}}\n",
     "'LDTT' không biểu quyết tại hội đồng"),
    ("    award_types:\n      CSTD_TINH: {approval_threshold: {op: '>=', percent: 120, base: members}}\n",
     "'percent' phải từ 1 đến 100"),
    ("    award_types:\n      CSTD_TINH: {approval_threshold: {op: '>=', percent: 90, base: everyone}}\n",
     "'base' = 'everyone' không hợp lệ"),
    ("    award_types:\n      CSTD_TQ: {disclosure_days: -1}\n", "'disclosure_days' phải là số nguyên từ 0"),
    ("    award_types:\n      CSTD_TQ: {disclosure: {by_level: {hamlet: 3}, basis: x, confirmed: false}}\n",
     "cấp không hợp lệ: hamlet"),
    ("    award_types:\n      CSTD_TQ: {quota: 3}\n", "khóa không được hỗ trợ: quota"),
    ("    award_types:\n      CSTX: {disclosure_days: 3}\n", "không có loại khen thưởng CSTX"),
    ("    criteria:\n      HC_LD1:\n        cstd_tq_or_two_cstd_tinh: {alternative: {awards: [CSTD_TINH], count: 9}}\n",
     "'count' không được lớn hơn 'years'"),
    ("", "cần ít nhất một trong 'criteria', 'deadlines', 'award_types'"),
    ("    cutoffs: {annual: \"31/02\"}\n", "'annual' phải là ngày/tháng có trong mọi năm"),
    ("    cutoffs: {school_year: \"29/02\"}\n", "'school_year' phải là ngày/tháng có trong mọi năm"),
    ("    cutoffs: {annual: 2027-01-15}\n", "'annual' phải là ngày/tháng có trong mọi năm"),
    ("    cutoffs: {ad_hoc: \"15/01\"}\n", "khóa không được hỗ trợ: ad_hoc"),
    ("    cutoffs: {}\n", "cần ít nhất một loại đợt xét"),
])
def test_each_mistake_of_a_layer_stops_the_start_with_the_file_and_its_line(rules_dir, body, words):
    path = rules_dir / "provinces.yaml"
    path.write_text(BASE + body, encoding="utf-8")
    clear_rules_cache()
    with pytest.raises(DefinitionError) as caught:
        load_rules(rules_dir)
    message = str(caught.value)
    assert str(path) in message and words in message, message
    assert "(dòng " in message, message


def test_a_layer_sets_the_cut_off_day_of_each_kind_of_round_with_its_source(rules_dir):
    layers, catalogue = with_layer(rules_dir, BASE + '    cutoffs: {annual: "15/01", school_year: "15/7"}\n')
    version = layers.version_for(catalogue.on(date(2026, 11, 23)), ["T"], date(2026, 11, 23))
    assert version.cutoff_on("annual", date(2026, 11, 23)) == date(2027, 1, 15)  # the following year
    assert version.cutoff_on("annual", date(2027, 1, 15)) == date(2027, 1, 15)
    assert version.cutoff_on("school_year", date(2026, 5, 2)) == date(2026, 7, 15)
    assert version.cutoff_on("thematic", date(2026, 5, 2)) is None  # not set: the office gives it
    assert version.source_of("deadlines.cutoffs.annual") == "Quy chế tỉnh T"
    national = catalogue.on(date(2026, 11, 23))
    assert national.cutoff_on("annual", date(2026, 11, 23)) is None
    assert layers.version_for(national, ["U"], date(2026, 11, 23)).cutoffs == ()  # another province
