"""The award catalogue over HTTP: the version in force on the asked day (or today by the app clock),
a malformed day refused, and login required."""
from __future__ import annotations

from tests.api.test_errors import assert_problem

API = "/api/v1"
CODES = ["LDTT", "CSTT", "CSTD_CS", "CSTD_TINH", "CSTD_TQ", "TTLDTT", "TTLDXS", "CO_TINH", "CO_CP", "GIAY_KHEN",
         "BK_TINH", "BK_TTG", "HC_LD3", "GD_VH", "THON_VH", "XA_TIEU_BIEU", "KNC", "GK_SO", "HC_LD2", "HC_LD1"]


def catalogue(client, headers, **query) -> list[dict]:
    response = client.get(f"{API}/award-types", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def test_a_day_under_the_previous_decree_answers_its_catalogue(client, world, bearer):
    items = catalogue(client, bearer(world.proposer), on="2024-05-01")
    assert [item["code"] for item in items] == CODES
    assert {(item["rules_version"], item["effective_from"], item["effective_to"]) for item in items} == {
        ("nd98-2024", "2024-01-01", "2025-06-30")}
    cstd_tinh = next(item for item in items if item["code"] == "CSTD_TINH")
    assert cstd_tinh == {
        "code": "CSTD_TINH", "name": "Chiến sĩ thi đua bộ, ban, ngành, tỉnh", "kind": "title",
        "subject": "individual", "deciding_level": "province", "council_vote": True, "secret_ballot": True,
        "approval_threshold": {"op": ">=", "percent": 90, "fraction": None, "base": "members"}, "disclosure_days": 0,
        "required_documents": ["submission", "achievement_report", "council_minutes", "evidence"],
        "effective_from": "2024-01-01", "effective_to": "2025-06-30", "rules_version": "nd98-2024",
        "rewards": [{"subject": "individual", "multiple": "3.0", "amount": 5_400_000, "base_salary": 1_800_000,
                     "base_salary_source": "Nghị định số 24/2023/NĐ-CP ngày 14 tháng 5 năm 2023 của Chính phủ",
                     "source": "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ"}],
        "disclosure": None, "sources": {},
        "deadlines": {"appraisal": {"commune": 10, "province": 10, "province_to_prime_minister": 15, "national": 20},
                      "notify_result": 10, "supplement": 10, "cutoffs": {}, "sources": {}},
        "criteria": [
            {"id": "consecutive_cstd_cs", "check": "awards_in_window", "basis": "Luật TĐKT 2022, Điều 22",
             "confirmed": True, "source": None,
             "parameters": {"awards": ["CSTD_CS"], "years": 3, "includes_dossier_year": True, "count": 3}},
            {"id": "province_initiative", "check": "initiative", "basis": "Luật TĐKT 2022, Điều 22",
             "confirmed": False, "source": None,
             "parameters": {"levels": ["province", "national"], "when_none": "not_met"}},
        ],
    }


def test_a_day_after_the_2025_reform_answers_the_new_version(client, world, bearer):
    items = catalogue(client, bearer(world.office), on="2025-08-01")
    assert {(item["rules_version"], item["effective_from"], item["effective_to"]) for item in items} == {
        ("nd152-2025", "2025-07-01", None)}
    giay_khen = next(item for item in items if item["code"] == "GIAY_KHEN")
    assert (giay_khen["subject"], giay_khen["deciding_level"], giay_khen["approval_threshold"]) == (
        "either", "grassroots", None)
    assert next(item for item in items if item["code"] == "HC_LD3")["disclosure_days"] == 10


def test_the_reward_money_is_the_one_in_force_on_the_day(client, world, bearer):
    before, after = (
        {item["code"]: item["rewards"] for item in catalogue(client, bearer(world.proposer), on=day)}
        for day in ("2024-06-30", "2024-07-01"))
    assert [(r["multiple"], r["amount"]) for r in before["LDTT"]] == [("0.3", 540_000)]
    assert [(r["multiple"], r["amount"]) for r in after["LDTT"]] == [("0.3", 710_000)]  # 702,000 rounded up
    assert [(r["subject"], r["amount"]) for r in after["GIAY_KHEN"]] == [("individual", 710_000),
                                                                          ("collective", 1_410_000)]


def test_without_a_day_the_app_clock_s_today_applies(client, world, bearer, clock):
    # The test clock reads 23/11/2026 in Vietnam.
    items = catalogue(client, bearer(world.proposer))
    assert {item["rules_version"] for item in items} == {"nd152-2025"}


def test_a_malformed_day_is_422(client, world, bearer):
    body = assert_problem(client.get(f"{API}/award-types?on=abc", headers=bearer(world.proposer)), 422)
    assert body["errors"] == {"on": "Cần ngày dạng YYYY-MM-DD."}
    assert_problem(client.get(f"{API}/award-types?on=2025-02-30", headers=bearer(world.proposer)), 422)


def test_a_day_before_any_version_is_404(client, world, bearer):
    body = assert_problem(client.get(f"{API}/award-types?on=2023-12-31", headers=bearer(world.proposer)), 404)
    assert "31/12/2023" in body["detail"]


def test_login_is_required(client, world):
    assert_problem(client.get(f"{API}/award-types?on=2025-08-01"), 401)


def test_asked_for_a_unit_the_criteria_carry_the_layers_of_its_province(client, world, bearer):
    headers = bearer(world.office)
    items = catalogue(client, headers, on="2025-08-01", unit=world.school.id)
    cstd_cs = next(item for item in items if item["code"] == "CSTD_CS")
    quota = next(c for c in cstd_cs["criteria"] if c["id"] == "cstd_cs_quota")
    assert quota["parameters"] == {"of": "LDTT", "percent": 15, "rounding": "half_up", "minimum": 1}
    assert quota["source"] is None  # no provincial layer is shipped
    missing = client.get(f"{API}/award-types", query_string={"unit": 999_999}, headers=headers)
    assert missing.status_code == 404
