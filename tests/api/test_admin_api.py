"""Administration over HTTP: importing the org chart, reading and checking the audit trail, the
deployed process versions, and the API's own description."""
from __future__ import annotations

import io
import textwrap

import pytest
from sqlalchemy import func, select, text

from api.errors import PROBLEM_JSON
from engine.models import AuditEvent, Unit, User
from tests.api.helpers import audit_count
from tests.engine.helpers import start_sample

API = "/api/v1"
YAML = {"Content-Type": "application/yaml"}
CHART = textwrap.dedent("""\
    units:
      - {code: HY, name: "UBND tỉnh Hưng Yên", level: province, abbreviation: UBND, reviews_awards: true}
      - {code: HY-X01, name: "UBND xã Minh Tiến", level: commune, parent: HY, reviews_awards: true}
    users:
      - {username: hy.office, full_name: "Nguyễn Văn An", password: "MatKhau@HY1",
         roles: [{role: office, unit: HY}]}
    """)
BAD_CHART = textwrap.dedent("""\
    units:
      - {code: HY, name: "UBND tỉnh Hưng Yên", level: province}
      - {code: HY-X01, name: "UBND xã Minh Tiến", level: village, parent: HY}
    users:
      - {username: hy.office, full_name: "Nguyễn Văn An", password: "MatKhau@HY1",
         roles: [{role: chief, unit: HY}]}
    """)


def counts(db) -> tuple[int, int, int]:
    return db(lambda s: (s.scalar(select(func.count()).select_from(Unit)),
                         s.scalar(select(func.count()).select_from(User)),
                         s.scalar(select(func.count()).select_from(AuditEvent))))


def test_admin_imports_the_org_chart_and_a_second_import_changes_nothing(client, world, bearer, db):
    admin = bearer(world.admin)
    first = client.post(f"{API}/admin/import", data=CHART.encode(), headers={**admin, **YAML})
    assert first.status_code == 200
    assert first.json["units_created"] == 2 and first.json["users_created"] == 1
    assert first.json["changed"] is True
    hy = db(lambda s: s.scalars(select(Unit).where(Unit.code == "HY-X01")).one())
    assert hy.name == "UBND xã Minh Tiến"

    again = client.post(f"{API}/admin/import", headers=admin,
                        data={"file": (io.BytesIO(CHART.encode()), "to-chuc.yaml")},
                        content_type="multipart/form-data")
    assert again.status_code == 200
    assert again.json["changed"] is False


def test_only_an_admin_may_import(client, world, bearer, db):
    before = counts(db)
    response = client.post(f"{API}/admin/import", data=CHART.encode(),
                           headers={**bearer(world.office), **YAML})
    assert response.status_code == 403
    assert response.content_type == PROBLEM_JSON
    assert counts(db) == before


def test_a_bad_file_is_422_with_every_bad_line_and_nothing_is_written(client, world, bearer, db):
    before = counts(db)
    response = client.post(f"{API}/admin/import", data=BAD_CHART.encode(),
                           headers={**bearer(world.admin), "Content-Type": "text/plain"})
    assert response.status_code == 422
    assert response.content_type == PROBLEM_JSON
    errors = response.json["errors"]
    assert errors["units[1].level"].startswith("Dòng 3:")
    assert errors["users[0].roles[0].role"].startswith("Dòng 6:")
    assert counts(db) == before


@pytest.mark.parametrize(("body", "content_type", "status"), [
    (b"units: [", "application/yaml", 422),
    ("units: []".encode("utf-16"), "application/yaml", 422),
    (b'{"units": []}', "application/json", 415),
    (b"", "multipart/form-data; boundary=x", 422),
], ids=["yaml-syntax", "not-utf8", "json", "no-file"])
def test_unreadable_uploads_are_refused(client, world, bearer, db, body, content_type, status):
    before = counts(db)
    response = client.post(f"{API}/admin/import", data=body,
                           headers={**bearer(world.admin), "Content-Type": content_type})
    assert response.status_code == status
    assert response.content_type == PROBLEM_JSON
    assert counts(db) == before


def test_audit_events_are_listed_and_filtered_for_admins_only(client, world, review_task, bearer):
    admin = bearer(world.admin)
    everything = client.get(f"{API}/audit", headers=admin)
    assert everything.status_code == 200
    seqs = [e["seq"] for e in everything.json["items"]]
    assert seqs == sorted(seqs, reverse=True) and everything.json["total"] == len(seqs)

    completed = client.get(f"{API}/audit?action=task_completed&actor=truong.denghi", headers=admin).json
    assert completed["total"] == 1
    (event,) = completed["items"]
    assert event["entity_type"] == "human_task" and event["after"]["data"]["amount"] == 3
    by_entity = client.get(f"{API}/audit?entity=human_task:{event['entity_id']}", headers=admin).json
    assert [e["action"] for e in by_entity["items"]] == ["task_completed"]
    assert client.get(f"{API}/audit?since=2026-11-24", headers=admin).json["total"] == 0
    since_morning = client.get(f"{API}/audit?since=2026-11-23T00:00:00%2B07:00", headers=admin).json
    assert since_morning["total"] == len(seqs)
    assert client.get(f"{API}/audit?per_page=1&page=2", headers=admin).json["items"][0]["seq"] == seqs[1]

    assert client.get(f"{API}/audit", headers=bearer(world.office)).status_code == 403
    assert client.get(f"{API}/audit/verify", headers=bearer(world.head)).status_code == 403
    assert client.get(f"{API}/audit?since=hom-qua", headers=admin).status_code == 422


def test_audit_verify_walks_the_chain(client, world, review_task, bearer, db):
    report = client.get(f"{API}/audit/verify", headers=bearer(world.admin))
    assert report.status_code == 200
    assert report.json["ok"] is True
    assert report.json["events"] == audit_count(db)
    assert len(report.json["head_hash"]) == 64
    assert "first_bad_seq" not in report.json


@pytest.mark.sqlite_only  # PostgreSQL's trigger refuses the tampering itself
def test_audit_verify_names_the_first_tampered_event(client, world, review_task, bearer, db_engine):
    with db_engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'ke.gian' WHERE seq = 2"))
    report = client.get(f"{API}/audit/verify", headers=bearer(world.admin)).json
    assert (report["ok"], report["first_bad_seq"], report["events"]) == (False, 2, 1)


def test_process_definitions_show_versions_and_running_instances(client, world, ctx, clock, bearer, runtime):
    start_sample(ctx, world, clock)
    start_sample(ctx, world, clock)
    response = client.get(f"{API}/process-definitions", headers=bearer(world.office))
    assert response.status_code == 200
    (sample,) = [d for d in response.json if d["key"] == "sample_review"]
    assert sample["version"] == runtime.definitions["sample_review"].content_hash
    assert sample["running_instances"] == 2
    assert sample["current"] is True
    assert sample["deployed_at"].startswith("2026-11-23T02:00:00")
    assert client.get(f"{API}/process-definitions").status_code == 401


def _resolve(spec: dict, ref: str) -> object:
    node: object = spec
    for part in ref.removeprefix("#/").split("/"):
        assert isinstance(node, dict) and part in node, f"dangling $ref {ref}"
        node = node[part]
    return node


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_openapi_document_is_complete_and_consistent(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.") and spec["info"]["version"] == "v1"
    expected = {
        "/api/v1/auth/token": {"post"}, "/api/v1/auth/session": {"post", "delete"}, "/api/v1/me": {"get"},
        "/api/v1/units": {"get"}, "/api/v1/tasks": {"get"}, "/api/v1/tasks/{task_id}": {"get"},
        "/api/v1/tasks/{task_id}/claim": {"post"}, "/api/v1/tasks/{task_id}/unclaim": {"post"},
        "/api/v1/tasks/{task_id}/complete": {"post"}, "/api/v1/audit": {"get"},
        "/api/v1/audit/verify": {"get"},
        "/api/v1/process-definitions": {"get"}, "/api/v1/admin/import": {"post"},
    }
    for path, methods in expected.items():
        assert methods <= set(spec["paths"][path]), path
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            assert op["summary"] and op["responses"], (method, path)
    for ref in _refs(spec):
        _resolve(spec, ref)
    assert set(spec["components"]["securitySchemes"]) == {"bearerAuth", "cookieAuth"}
    assert spec["paths"]["/api/v1/auth/token"]["post"]["security"] == []
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    page = spec["paths"]["/api/v1/units"]["get"]["parameters"]
    per_page = next(p for p in page if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 200


def test_docs_page_renders_every_path_without_external_resources(client):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Tài liệu API" in html and 'lang="vi"' in html
    for path in client.get(f"{API}/openapi.json").json["paths"]:
        assert path in html
    assert "Nhận xử lý nhiệm vụ" in html and 'id="schema-Problem"' in html
    for external in ("<script", "<link", "src=", "http://", "https://", "@import"):
        assert external not in html
