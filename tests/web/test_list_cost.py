"""What a list costs in SQL does not grow with the rows it shows: the dossier list (page and API),
the inbox. Statements are counted on the application's engine for one request, with a few rows and
with several times as many (statement counts, never time: speed is measured in bench/)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, update

from api.state import app_state
from api.web import dossier_pages
from engine.models import Dossier
from engine.operations.award.queries import dossiers
from engine.text import fold
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
    assert client.get(f"{API}/dossiers?per_page=5&page=4").json == {"items": [], "total": 12, "page": 4, "per_page": 5,
                                                                     "capped": False}
    assert len(client.get("/inbox").get_data(as_text=True)) > 0


def test_the_count_stops_past_the_cap_and_says_so(app, client, ctx, tree, monkeypatch):
    """The total is counted up to LIST_COUNT_CAP rows past the page's first: beyond it, a floor and
    `capped` (the page says "Hơn …"); below it, exact."""
    for i in range(12):
        submitted_dossier(ctx, tree, ("GIAY_KHEN", f"Nguyễn Văn Số {i}"))
    monkeypatch.setattr(dossiers, "LIST_COUNT_CAP", 3)
    log_in(client, tree.commune_office)
    first = client.get(f"{API}/dossiers?per_page=2").json
    assert (first["total"], first["capped"], len(first["items"])) == (3, True, 2)
    later = client.get(f"{API}/dossiers?per_page=2&page=4").json  # rows 7-8: counted up to 6 + 3
    assert (later["total"], later["capped"]) == (9, True)
    near_the_end = client.get(f"{API}/dossiers?per_page=2&page=6").json  # a full last page: 2 rows, exact
    assert (near_the_end["total"], near_the_end["capped"]) == (12, False)
    monkeypatch.setattr(dossier_pages, "PER_PAGE", 2)
    page = client.get("/dossiers").get_data(as_text=True)
    assert "Hơn 3 hồ sơ" in page and "hơn" in page.split('class="pager"')[1]
    monkeypatch.setattr(dossiers, "LIST_COUNT_CAP", 1000)
    assert client.get(f"{API}/dossiers?per_page=2").json["total"] == 12


def test_the_search_finds_the_same_dossiers_through_the_name_and_title_indexes(client, ctx, tree):
    """On SQLite a needle of three letters or more is looked up in the FTS5 trigram indexes (names and
    titles, kept by triggers); shorter needles and LIKE's own signs read the columns: the same answers."""
    tuoi = submitted_dossier(ctx, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"), ("GIAY_KHEN", "Lê Văn Ân")).id
    other = submitted_dossier(ctx, tree, ("GIAY_KHEN", "Phạm Văn 50% Hùng")).id
    title = "Khen thưởng đột xuất chống bão số 3"
    ctx.session.execute(update(Dossier).where(Dossier.id == other).values(title=title, title_folded=fold(title)))
    ctx.session.commit()
    log_in(client, tree.commune_office)

    def found(q: str) -> list[int]:
        return sorted(d["id"] for d in client.get(f"{API}/dossiers", query_string={"q": q}).json["items"])

    assert found("TƯƠI") == found("nguyen thi tuoi") == [tuoi]
    assert found("an") == sorted([tuoi, other])  # "Ân" and "Văn": two letters, read off the columns
    assert found("chong bao") == found("BÃO SỐ 3") == [other]  # the title, after its update
    assert found("50%") == [other] and found("_") == [] and found("x%y") == []
    assert found("khong co ai") == []
