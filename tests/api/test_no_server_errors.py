"""The inputs that once ended as a 500, each now a clear 4xx in Vietnamese: a list where a choice is
expected, a JSON number too long for Python, ids beyond the database's integers, NUL in query
arguments and form fields, NUL and lone surrogates in the org-chart file."""
from __future__ import annotations

import pytest

from api.errors import PROBLEM_JSON
from tests.api.test_errors import assert_problem

API = "/api/v1"
JSON = "application/json"
HUGE = "1" * 5000  # Python refuses to read an integer of more than 4,300 digits


def test_a_list_for_the_kind_of_a_public_complaint_is_422(client, world):
    body = {"kind": [], "subject": {"decision_id": 1},
            "complainant": {"full_name": "Nguyễn Văn A", "contact": "0900", "address": "Xã Bình Minh"},
            "content": "Nội dung"}
    answer = assert_problem(client.post(f"{API}/public/complaints", json=body), 422)
    assert set(answer["errors"]) == {"kind"}


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/auth/token", '{"username": "a", "password": NUMBER}', "password"),
    ("/auth/token", '{"username": NUMBER, "password": "x"}', "username"),
    ("/auth/token", '{"username": "a", "password": -NUMBER.5e3}', "password"),
    ("/public/complaints", '{"kind": "complaint", "subject": {"decision_id": NUMBER}}', "subject.decision_id"),
    ("/dossiers", '{"title": "x", "year": 2026, "nominations": [{"position": NUMBER}]}', "nominations[0].position"),
])
def test_a_number_too_long_to_read_is_422_naming_its_field(client, world, bearer, path, body, field):
    response = client.post(API + path, data=body.replace("NUMBER", HUGE), content_type=JSON,
                           headers=bearer(world.proposer))
    answer = assert_problem(response, 422)
    assert answer["errors"] == {field: "Số quá dài (tối đa 100 chữ số)."}


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_numbers_json_does_not_have_are_400(client, constant):
    response = client.post(f"{API}/auth/token", data='{"username": "a", "password": ' + constant + "}",
                           content_type=JSON)
    assert assert_problem(response, 400)["detail"] == "Nội dung JSON không đúng cú pháp."


@pytest.mark.parametrize("value", ["2147483648", "99999999999", "-55319214362125521740932055040", "0"])
def test_an_id_beyond_the_database_s_integers_is_422(client, world, bearer, value):
    for path in (f"/council-sessions?dossier={value}", f"/tasks?dossier={value}", f"/decisions?dossier={value}"):
        answer = assert_problem(client.get(API + path, headers=bearer(world.office)), 422)
        assert answer["errors"] == {"dossier": "Mã số phải từ 1 đến 2147483647."}, path
    revocation = {"decision_id": int(value), "nomination_ids": [int(value)], "ground": "false_declaration",
                  "reason": "Khai man thành tích"}
    answer = assert_problem(client.post(f"{API}/revocations", json=revocation, headers=bearer(world.office)), 422)
    assert set(answer["errors"]) == {"decision_id", "nomination_ids[0]"}


@pytest.mark.parametrize(("path", "field"), [("/dossiers?q=a%00b", "q"), ("/units?q=%00", "q"),
                                             ("/audit?entity=x%00", "entity"), ("/tasks?k%00ey=1", "k\ufffdey")])
def test_nul_in_a_query_argument_is_422_naming_it(client, world, bearer, path, field):
    answer = assert_problem(client.get(API + path, headers=bearer(world.admin)), 422)
    assert list(answer["errors"]) == [field]


def test_nul_in_a_json_body_is_422_naming_its_field(client, world):
    response = client.post(f"{API}/auth/token", data='{"username": "a\\u0000", "password": "x"}', content_type=JSON)
    assert assert_problem(response, 422)["errors"] == {"username": "Chuỗi chứa ký tự không hợp lệ (NUL hoặc nửa "
                                                                   "cặp UTF-16)."}


def test_nul_in_a_form_to_the_api_is_422_naming_its_field(client, world, bearer):
    response = client.post(f"{API}/dossiers/1/attachments", headers=bearer(world.proposer),
                           data={"kind": "sub\x00mission"}, content_type="multipart/form-data")
    assert set(assert_problem(response, 422)["errors"]) == {"kind"}


def test_a_multipart_part_without_a_name_is_no_500(client, world, bearer):
    """Found by the exploratory fuzz: werkzeug gives such a part the name None."""
    boundary = "b0undary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data\r\n\r\nx\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"a\x00\"\r\n\r\ny\r\n--{boundary}--\r\n")
    response = client.post(f"{API}/admin/import", data=body.encode(), headers={
        **bearer(world.admin), "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert set(assert_problem(response, 422)["errors"]) == {"a\ufffd"}


@pytest.mark.parametrize("escape", ["\\0", "\\ud800", "\\x00"])
def test_nul_or_a_lone_surrogate_in_the_org_chart_is_422_with_its_line(client, world, bearer, escape):
    chart = f'units:\n  - {{code: HY, name: "UBND tỉnh {escape}", level: province}}\n'
    response = client.post(f"{API}/admin/import", data=chart.encode(),
                           headers={**bearer(world.admin), "Content-Type": "application/yaml"})
    answer = assert_problem(response, 422)
    assert answer["errors"] == {"file": "Dòng 2: chuỗi chứa ký tự không hợp lệ (NUL hoặc nửa cặp UTF-16)."}
    assert response.content_type == PROBLEM_JSON
