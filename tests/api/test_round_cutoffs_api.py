"""The province's cut-off days (a layer's `cutoffs`): a round opened without a cut-off takes the province's
for its kind; one later than the province's is refused with the field and the source; GET /award-types?unit=
shows them with their source; units outside the province, or a kind the layer does not set, are unchanged."""
from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
from sqlalchemy import select

from api import create_app
from api.errors import PROBLEM_JSON
from api.state import app_state
from engine.models import AuditEvent
from engine.rules import clear_rules_cache
from engine.rules.eligibility import DEFAULT_RULES_DIR
from tests.api.test_award_types_api import catalogue
from tests.api.test_rounds_api import API

SOURCE = "Quyết định số 12/2025/QĐ-UBND ngày 05/3/2025 của Ủy ban nhân dân tỉnh T"
LAYER = f"""layers:
  - id: t-qc-2025
    unit: "T"
    source: "{SOURCE}"
    effective_from: 2025-07-01
    effective_to: null
    cutoffs: {{annual: "15/01", school_year: "15/07"}}
"""


def layered_app(settings, runtime, clock, tmp_path, text: str = LAYER):
    folder = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, folder)
    (folder / "provinces.yaml").write_text(text, encoding="utf-8")
    clear_rules_cache()
    application = create_app(replace(settings, rules_dir=folder), runtime=runtime, clock=clock)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def app(settings, runtime, clock, db_engine, tmp_path):
    application = layered_app(settings, runtime, clock, tmp_path)
    yield application
    with application.app_context():
        app_state().engine.dispose()
    clear_rules_cache()


ROUND = {"title": "Đợt xét tổng kết năm 2026", "kind": "annual"}


def test_a_round_without_a_cut_off_takes_the_provinces_day_for_its_kind(client, world, bearer, db):
    office = bearer(world.office)  # today 23/11/2026: the annual round's dossiers are due 15/01/2027
    created = client.post(f"{API}/rounds", headers=office, json={**ROUND, "unit_id": world.commune.id})
    assert created.status_code == 201, created.json
    assert created.json["cutoff_on"] == "2027-01-15"
    audited = db(lambda s: s.scalars(select(AuditEvent.after).where(
        AuditEvent.action == "round_created", AuditEvent.entity_id == str(created.json["id"]))).one())
    assert (audited["cutoff_on"], audited["cutoff_source"]) == ("2027-01-15", SOURCE)
    earlier = client.post(f"{API}/rounds", headers=office,
                          json={**ROUND, "unit_id": world.commune.id, "cutoff_on": "2026-12-31"})
    assert earlier.status_code == 201 and earlier.json["cutoff_on"] == "2026-12-31"  # earlier is the office's call
    school_year = client.post(f"{API}/rounds", headers=office, json={
        **ROUND, "kind": "school_year", "unit_id": world.commune.id})
    assert school_year.json["cutoff_on"] == "2027-07-15"


def test_a_cut_off_later_than_the_provinces_is_refused_naming_the_source(client, world, bearer):
    office = bearer(world.office)
    late = client.post(f"{API}/rounds", headers=office,
                       json={**ROUND, "unit_id": world.commune.id, "cutoff_on": "2027-01-16"})
    assert late.status_code == 422 and late.content_type == PROBLEM_JSON
    assert set(late.json["errors"]) == {"cutoff_on"}
    assert late.json["errors"]["cutoff_on"] == (
        f"Quy chế thi đua, khen thưởng ban hành kèm theo {SOURCE} quy định hạn nhận hồ sơ đợt tổng kết năm là "
        "ngày 15/01/2027: hạn của đợt xét không được sau ngày đó.")
    council = client.post(f"{API}/rounds", headers=office,
                          json={**ROUND, "unit_id": world.commune.id, "council_on": "2027-01-10"})
    assert council.status_code == 422 and set(council.json["errors"]) == {"council_on"}
    assert "15/01/2027" in council.json["errors"]["council_on"]
    # A kind the layer does not set: the office gives the day, as before.
    thematic = client.post(f"{API}/rounds", headers=office,
                           json={**ROUND, "kind": "thematic", "unit_id": world.commune.id})
    assert thematic.status_code == 422 and thematic.json["errors"] == {"cutoff_on": "Bắt buộc nhập hạn nhận hồ sơ."}
    assert client.post(f"{API}/rounds", headers=office, json={
        **ROUND, "kind": "thematic", "unit_id": world.commune.id, "cutoff_on": "2027-03-01"}).status_code == 201


def test_the_award_types_of_a_unit_show_the_provinces_cut_offs_with_their_source(client, world, bearer):
    items = catalogue(client, bearer(world.office), on="2026-11-23", unit=world.school.id)
    deadlines = items[0]["deadlines"]
    assert deadlines["cutoffs"] == {"annual": "15/01", "school_year": "15/07"}
    assert deadlines["sources"] == {"cutoffs.annual": SOURCE, "cutoffs.school_year": SOURCE}
    assert catalogue(client, bearer(world.office), on="2026-11-23")[0]["deadlines"]["cutoffs"] == {}
    assert catalogue(client, bearer(world.office), on="2025-06-30", unit=world.school.id)[0]["deadlines"][
        "cutoffs"] == {}
