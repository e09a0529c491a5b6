"""GET /award-types?on=&unit= with a provincial layer in force: the threshold, disclosure and deadlines the
layer set, each with its source; another day or a unit outside the province sees the national values."""
from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from api import create_app
from api.state import app_state
from engine.rules import clear_rules_cache
from engine.rules.eligibility import DEFAULT_RULES_DIR
from tests.api.test_award_types_api import catalogue

SOURCE = "Quy chế thi đua, khen thưởng tỉnh T (dùng cho kiểm thử)"
LAYER = f"""layers:
  - id: t-qc-2025
    unit: "T"
    source: "{SOURCE}"
    effective_from: 2025-07-01
    effective_to: null
    deadlines: {{appraisal: {{commune: 7}}, supplement: 4}}
    award_types:
      CSTD_TINH: {{approval_threshold: {{op: ">=", percent: 80, base: present}}}}
      CSTD_TQ: {{disclosure: {{by_level: {{province: 0}}, basis: "Quy chế tỉnh T", confirmed: false}}}}
    criteria:
      CSTD_TINH:
        cstd_tinh_quota: {{check: quota, of: CSTD_CS, percent: 10, rounding: down,
                          basis: "Luật TĐKT 2022, Điều 22", confirmed: false}}
"""


@pytest.fixture
def app(settings, runtime, clock, db_engine, tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, folder)
    (folder / "provinces.yaml").write_text(LAYER, encoding="utf-8")
    clear_rules_cache()
    application = create_app(replace(settings, rules_dir=folder), runtime=runtime, clock=clock)
    application.config["TESTING"] = True
    yield application
    with application.app_context():
        app_state().engine.dispose()
    clear_rules_cache()


def test_the_layer_of_the_units_province_is_shown_with_its_source(client, world, bearer):
    items = {i["code"]: i for i in catalogue(client, bearer(world.office), on="2025-08-01", unit=world.school.id)}
    cstd_tinh = items["CSTD_TINH"]
    assert cstd_tinh["approval_threshold"] == {"op": ">=", "percent": 80, "fraction": None, "base": "present"}
    assert cstd_tinh["sources"] == {"approval_threshold": SOURCE}
    quota = next(c for c in cstd_tinh["criteria"] if c["id"] == "cstd_tinh_quota")
    assert (quota["source"], quota["parameters"]["percent"]) == (SOURCE, 10)
    assert cstd_tinh["deadlines"]["appraisal"]["commune"] == 7 and cstd_tinh["deadlines"]["supplement"] == 4
    assert cstd_tinh["deadlines"]["sources"] == {"appraisal.commune": SOURCE, "supplement": SOURCE}
    assert items["CSTD_TQ"]["disclosure"] == {"by_level": {"province": 0}, "basis": "Quy chế tỉnh T",
                                              "confirmed": False}
    assert items["CSTD_TQ"]["sources"] == {"disclosure": SOURCE}


def test_before_the_layer_or_without_a_unit_the_national_values_apply(client, world, bearer):
    headers = bearer(world.office)
    for query in ({"on": "2025-06-30", "unit": world.school.id}, {"on": "2025-08-01"}):
        items = {i["code"]: i for i in catalogue(client, headers, **query)}
        assert items["CSTD_TINH"]["approval_threshold"]["percent"] == 90
        assert items["CSTD_TINH"]["sources"] == {} and items["CSTD_TINH"]["deadlines"]["sources"] == {}
        assert items["CSTD_TINH"]["deadlines"]["appraisal"]["commune"] == 10
    tq = {i["code"]: i for i in catalogue(client, headers, on="2025-08-01")}["CSTD_TQ"]
    assert (tq["disclosure_days"], tq["disclosure"]["confirmed"]) == (10, False)
