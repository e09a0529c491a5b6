"""What a list costs in SQL does not grow with the rows it shows: the dossier list (page and API),
the inbox. Statements are counted on the application's engine for one request, with a few rows and
with several times as many (statement counts, never time: speed is measured in bench/)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from api.state import app_state
from tests.web.conftest import log_in, submitted_dossier

API = "/api/v1"


@contextmanager
def statements(app) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    with app.app_context():
        engine = app_state().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def cost(app, client, path: str) -> int:
    client.get(path)  # warm: the first request of a login reads what later ones keep
    with statements(app) as seen:
        response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return len(seen)


PATHS = ("/dossiers", "/inbox", f"{API}/dossiers", f"{API}/dossiers?per_page=2", f"{API}/dossiers?per_page=2&page=2",
         f"{API}/tasks", f"{API}/dossiers?q=nguyen")


def test_a_list_page_costs_the_same_statements_for_four_rows_and_for_twelve(app, client, ctx, tree):
    def add(count: int) -> None:
        for i in range(count):
            submitted_dossier(ctx, tree, ("GIAY_KHEN", f"Nguyễn Văn Số {i}"), ("GIAY_KHEN", f"Trần Thị Số {i}"))

    add(4)
    log_in(client, tree.commune_office)
    few = {path: cost(app, client, path) for path in PATHS}
    add(8)
    many = {path: cost(app, client, path) for path in PATHS}
    assert many == few
    listed = client.get(f"{API}/dossiers?per_page=2&page=2").json
    assert listed["total"] == 12 and len(listed["items"]) == 2
    assert client.get(f"{API}/dossiers").json["total"] == 12  # one page: the rows tell the total
    assert client.get(f"{API}/dossiers?per_page=5&page=3").json["total"] == 12  # the last page, not full
    assert client.get(f"{API}/dossiers?per_page=5&page=4").json == {"items": [], "total": 12, "page": 4, "per_page": 5}
    assert len(client.get("/inbox").get_data(as_text=True)) > 0
