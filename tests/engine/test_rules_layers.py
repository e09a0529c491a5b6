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
