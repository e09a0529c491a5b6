"""The /rounds form under a province's layer with cut-off days: left empty, the cut-off is the province's;
a later one is refused beside the field with the Quy chế it comes from."""
from __future__ import annotations

import pytest

from api.state import app_state
from engine.rules import clear_rules_cache
from tests.api.test_round_cutoffs_api import LAYER, SOURCE, layered_app
from tests.web.conftest import log_in


@pytest.fixture
def app(settings, runtime, clock, db_engine, tmp_path):
    application = layered_app(settings, runtime, clock, tmp_path, LAYER.replace('unit: "T"', 'unit: "HBX"'))
    yield application
    with application.app_context():
        app_state().engine.dispose()
    clear_rules_cache()


def test_the_form_takes_the_provinces_cut_off_and_refuses_a_later_one(client, tree):
    csrf = log_in(client, tree.commune_office)
    page = client.get("/rounds").get_data(as_text=True)
    assert (f"Hạn theo Quy chế: {tree.commune.name}: tổng kết năm 15/01/2027 (theo {SOURCE}); "
            f"tổng kết năm học 15/07/2027 (theo {SOURCE})") in page
    form = {"csrf_token": csrf, "unit_id": str(tree.commune.id), "title": "Đợt xét tổng kết năm 2026",
            "kind": "annual", "cutoff_on": "20/01/2027", "council_on": "", "late_policy": "refuse"}
    refused = client.post("/rounds", data=form)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f"{SOURCE} quy định hạn nhận hồ sơ đợt tổng kết năm là ngày 15/01/2027" in page
    created = client.post("/rounds", data={**form, "cutoff_on": ""})
    assert created.status_code == 303
    assert "15/01/2027" in client.get(created.headers["Location"]).get_data(as_text=True)
