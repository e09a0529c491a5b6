"""Whatever is sent, the answer is problem+json with the right status, and never a 500."""
from __future__ import annotations

import pytest

from api.errors import PROBLEM_JSON

API = "/api/v1"
JSON = "application/json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == PROBLEM_JSON
    body = response.json
    assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == status
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def test_unknown_route_is_404(client, world, bearer):
    assert_problem(client.get(f"{API}/khong-co"), 404)
    assert_problem(client.get(f"{API}/khong-co", headers=bearer(world.office)), 404)
    assert_problem(client.get(f"{API}/"), 404)  # "/" itself is the web pages' home


def test_wrong_method_is_405_with_allow(client):
    response = client.put(f"{API}/auth/token")
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize("body", ['{"username": "a", ', "{'username': 'a'}", "\xff\xfe", "[" * 5000],
                         ids=["truncated", "single-quotes", "not-utf8", "too-deep"])
def test_malformed_json_is_400(client, world, review_task, bearer, body):
    data = body.encode("latin-1") if body == "\xff\xfe" else body.encode()
    assert_problem(client.post(f"{API}/auth/token", data=data, content_type="application/json"), 400)
    assert_problem(client.post(f"{API}/tasks/{review_task}/complete", data=data,
                               content_type="application/json", headers=bearer(world.office)), 400)


def test_deep_but_parsable_task_data_is_refused_without_a_500(client, world, review_task, bearer):
    nested: dict = {}
    for _ in range(900):
        nested = {"a": nested}
    response = client.post(f"{API}/tasks/{review_task}/complete", headers=bearer(world.office),
                           json={"data": {"outcome": "approve", "details": nested}})
    assert_problem(response, 400)


@pytest.mark.parametrize(("query", "field", "message"), [
    ("per_page=500", "per_page", "Phải từ 1 đến 200."),
    ("per_page=0", "per_page", "Phải từ 1 đến 200."),
    ("page=0", "page", "Phải từ 1 đến 100000."),
    ("page=99999999999999999999", "page", "Phải từ 1 đến 100000."),
    ("dossier=99999999999999999999", "dossier", "Mã số phải từ 1 đến 2147483647."),
    ("page=abc", "page", "Cần một số nguyên."),
    ("mine=perhaps", "mine", "Cần giá trị đúng/sai (true/false, 1/0)."),
    ("dossier=1.5", "dossier", "Cần một số nguyên."),
])
def test_bad_list_arguments_are_422_per_field(client, world, bearer, query, field, message):
    body = assert_problem(client.get(f"{API}/tasks?{query}", headers=bearer(world.office)), 422)
    assert body["errors"] == {field: message}


def test_bad_unit_filters_are_422(client, world, bearer):
    response = client.get(f"{API}/units?level=village&q={'x' * 300}", headers=bearer(world.office))
    body = assert_problem(response, 422)
    assert set(body["errors"]) == {"level", "q"}


def test_login_fields_are_checked(client):
    body = assert_problem(client.post(f"{API}/auth/token", json={"username": 5, "extra": True}), 422)
    assert body["errors"] == {"username": "Cần một chuỗi ký tự.", "password": "Bắt buộc nhập.",
                              "extra": "Trường không được hỗ trợ."}


def test_too_large_a_body_is_413(app, client, world, bearer):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post(f"{API}/admin/import", data=b"units: []\n" * 500,
                           headers={**bearer(world.admin), "Content-Type": "application/yaml"})
    assert_problem(response, 413)


def test_an_unexpected_failure_is_a_bare_500_and_rolls_back(client, world, bearer, monkeypatch):
    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("bí mật nội bộ: mật khẩu cơ sở dữ liệu")

    monkeypatch.setattr("api.routes.units.list_units", explode)
    response = client.get(f"{API}/units", headers=bearer(world.office))
    body = assert_problem(response, 500)
    assert "bí mật" not in response.get_data(as_text=True)
    assert body["title"] == "Lỗi hệ thống"
    assert response.headers["X-Request-ID"]


@pytest.mark.parametrize(("method", "path", "kwargs"), [
    ("get", "/tasks/abc", {}),
    ("get", "/tasks/99999999999999999999999", {}),
    ("post", "/tasks/1/complete", {"json": {"data": None}}),
    ("post", "/tasks/1/complete", {"data": "data=1", "content_type": "application/x-www-form-urlencoded"}),
    ("get", "/units?parent=-1", {}),
    ("get", "/units?q=%00", {}),
    ("get", "/tasks?key=%00", {}),
    ("get", "/audit?since=2026-13-45", {}),
    ("get", "/audit?entity=" + "x" * 500, {}),
    ("post", "/auth/session", {"json": {"username": "a" * 10000, "password": "b"}}),
    ("post", "/auth/token", {"data": '{"username": "\\u0000", "password": "x"}', "content_type": JSON}),
    ("post", "/auth/token", {"data": '{"username": "a", "password": "\\ud800"}', "content_type": JSON}),
    ("post", "/tasks/1/complete", {"data": '{"data": {"\\ud800": 1}}', "content_type": JSON}),
])
def test_odd_input_never_causes_a_500(client, world, bearer, method, path, kwargs):
    response = getattr(client, method)(API + path, headers=bearer(world.admin), **kwargs)
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)
    assert response.content_type == PROBLEM_JSON


def test_the_request_id_is_echoed_or_made(client):
    given = client.get(f"{API}/me", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    unsafe = client.get(f"{API}/me", headers={"X-Request-ID": "x\" onload=1"})
    assert len(unsafe.headers["X-Request-ID"]) == 32 and unsafe.headers["X-Request-ID"].isalnum()
