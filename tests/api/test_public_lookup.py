"""The award lookup by name on a registry bigger than a page: any part of a name, diacritics and case
ignored (on SQLite through the FTS5 trigram index kept by triggers, on PostgreSQL the trigram GIN
index), a renamed nominee found by the new name only, and a common name's total counted only up to a
cap ("hơn … kết quả"); the pages walked by their `next` cursor (keyset) give every match once, in order,
while awards are published."""
from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engine.models import Decision, DecisionStatus, Nomination, NominationStatus
from engine.operations.public import queries
from tests.factories import approved_like
from tests.workflows.journey import Journey, build_tree

NAMES = ("Nguyễn Thị Tươi", "Trần Văn Tươi", "Lê Thị Tươi", "Phạm Minh Tuấn", "Hoàng Thị Mai", "Đỗ_Văn 50%")


@pytest.fixture
def registry(ctx, session, settings):
    """One decision granting six people, then the same six copied seven times more into it (48 awards:
    more than a page of the public site for "tuoi")."""
    tree = build_tree(session, settings)
    journey = Journey(ctx, tree)
    journey.submit(*[("GIAY_KHEN", name) for name in NAMES])
    journey.pass_level(tree.commune_office, tree.commune_head, **{n.replace(" ", "_"): "approve" for n in NAMES})
    granted = session.scalars(select(Nomination).order_by(Nomination.id)).all()
    assert len(granted) == len(NAMES) and all(n.decision_id for n in granted)
    for copy in range(1, 8):
        for n in granted:
            session.add(Nomination(dossier_id=n.dossier_id, position=n.position + 10 * copy, award_type=n.award_type,
                                   nominee_kind=n.nominee_kind, nominee_name=n.nominee_name, achievements="x",
                                   status=n.status, deciding_unit_id=n.deciding_unit_id,
                                   decided_by_unit_id=n.decided_by_unit_id, decision_id=n.decision_id))
    session.commit()
    return tree


def _names(client, name, **args):
    body = client.get("/api/v1/public/awards", query_string={"name": name, "per_page": 100, **args}).json
    return sorted({item["nomination"]["nominee_name"] for item in body["items"]}), body


def test_any_part_of_a_name_diacritics_ignored(client, registry):
    assert _names(client, "NGUYEN THI TUOI")[0] == ["Nguyễn Thị Tươi"]
    assert _names(client, "tươi")[0] == ["Lê Thị Tươi", "Nguyễn Thị Tươi", "Trần Văn Tươi"]
    assert _names(client, "thi t")[0] == ["Lê Thị Tươi", "Nguyễn Thị Tươi"]  # across words
    assert _names(client, "tu")[0] == ["Lê Thị Tươi", "Nguyễn Thị Tươi", "Phạm Minh Tuấn", "Trần Văn Tươi"]  # short
    assert _names(client, "_van 50%")[0] == ["Đỗ_Văn 50%"]  # LIKE's wildcards are letters here
    assert _names(client, "50%")[0] == ["Đỗ_Văn 50%"] and _names(client, "0%")[0] == ["Đỗ_Văn 50%"]
    assert _names(client, "van_")[0] == [] and _names(client, "xyz")[0] == []
    _, body = _names(client, "tuoi")
    assert body["total"] == 24 and body["capped"] is False


def test_a_renamed_nominee_is_found_by_the_new_name_only(client, registry, session):
    mai = session.scalars(select(Nomination).where(Nomination.nominee_name == "Hoàng Thị Mai")).all()
    for nomination in mai:
        nomination.nominee_name = "Hoàng Thị Mận"
    session.commit()
    assert _names(client, "hoang thi mai")[0] == []
    assert _names(client, "thi man")[0] == ["Hoàng Thị Mận"]
    session.delete(max(mai, key=lambda n: n.id))  # a copy (the first is in the registry)
    session.commit()
    assert _names(client, "thi man")[1]["total"] == 7


def test_a_common_name_counts_only_up_to_the_cap(client, registry, monkeypatch):
    monkeypatch.setattr(queries, "LOOKUP_COUNT_CAP", 22)  # "tuoi" matches 24
    first = client.get("/api/v1/public/awards", query_string={"name": "tuoi", "per_page": 2}).json
    assert len(first["items"]) == 2 and (first["total"], first["capped"]) == (22, True)
    # Below the cap the total is exact; a last page says its own total.
    exact = client.get("/api/v1/public/awards", query_string={"name": "nguyen thi tuoi", "per_page": 2}).json
    assert (exact["total"], exact["capped"]) == (8, False)
    last = client.get("/api/v1/public/awards", query_string={"name": "tuoi", "per_page": 5, "page": 5}).json
    assert (len(last["items"]), last["total"], last["capped"]) == (4, 24, False)
    page = client.get("/cong-khai/tra-cuu", query_string={"ten": "tươi"})
    assert page.status_code == 200 and "Hơn 22 kết quả" in page.text
    assert "8 kết quả." in client.get("/cong-khai/tra-cuu", query_string={"ten": "nguyen thi tuoi"}).text


def test_the_decisions_list_counts_up_to_its_own_cap(client, registry, session, monkeypatch):
    """The issued decisions' list counts its rows up to DECISIONS_COUNT_CAP, apart from the award lookup's
    cap: beyond it the total is a floor, and the last page tells the exact total."""
    monkeypatch.setattr(queries, "DECISIONS_COUNT_CAP", 2)
    monkeypatch.setattr(queries, "LOOKUP_COUNT_CAP", 5)
    template = session.scalars(select(Decision)).one()
    for number in (2, 3, 4):
        _publish(session, template, template.signed_on - timedelta(days=number), number, ("Hà Tươi",))
    first = client.get("/api/v1/public/decisions", query_string={"per_page": 1}).json
    assert len(first["items"]) == 1 and (first["total"], first["capped"]) == (2, True)
    third = client.get("/api/v1/public/decisions", query_string={"per_page": 1, "page": 3}).json
    assert (third["total"], third["capped"]) == (4, True)  # never below what the pages have shown
    last = client.get("/api/v1/public/decisions", query_string={"per_page": 1, "page": 4}).json
    assert (len(last["items"]), last["total"], last["capped"]) == (1, 4, False)
    # The award lookup keeps its own cap (5): "ha tuoi", granted three times, is counted exactly.
    awards = client.get("/api/v1/public/awards", query_string={"name": "ha tuoi", "per_page": 1}).json
    assert (awards["total"], awards["capped"]) == (3, False)


def _publish(session, template: Decision, signed_on: date, number: int, names: tuple[str, ...]) -> Decision:
    """Another issued decision of the template's issuer, granting `names` (copies of the template's first
    nomination): a registry with several decisions on several days, and two on one day."""
    decision = Decision(issuer_unit_id=template.issuer_unit_id, year=template.year, number=number,
                        symbol=template.symbol, signed_on=signed_on, dossier_id=template.dossier_id,
                        status=DecisionStatus.ISSUED, created_at=template.created_at)
    session.add(decision)
    session.flush()
    model = session.scalars(select(Nomination).where(Nomination.decision_id == template.id)
                            .order_by(Nomination.id)).first()
    for position, name in enumerate(names, start=100 + number * 10):
        session.add(approved_like(model, name, position, decision.id))
    session.commit()
    return decision


def _expected(session, name: str) -> list[int]:
    """Every approved award of an issued decision whose folded name contains `name`, newest decision
    first (signed_on, decision id, nomination id: all descending), straight from the tables."""
    rows = session.execute(select(Decision.signed_on, Decision.id, Nomination.id)
                           .join(Nomination, Nomination.decision_id == Decision.id)
                           .where(Decision.status == DecisionStatus.ISSUED,
                                  Nomination.status == NominationStatus.APPROVED,
                                  Nomination.nominee_name_folded.contains(name))).all()
    session.commit()  # the read ends here: the app's requests write (SQLite: one writer at a time)
    return [nomination_id for _, _, nomination_id in sorted(rows, reverse=True)]


@pytest.mark.parametrize("cap", [1000, 5], ids=["sorted-matches", "walked-decisions"])
def test_walking_the_pages_by_cursor_gives_every_match_once_in_order(client, registry, session, monkeypatch, cap):
    """The `next` cursor (keyset paging) both ways the lookup reads a page: the matches sorted (up to the
    cap) and the decisions walked newest first (beyond it); awards published while someone pages through
    neither repeat nor shift a row."""
    monkeypatch.setattr(queries, "LOOKUP_COUNT_CAP", cap)
    template = session.scalars(select(Decision)).one()
    day = template.signed_on
    _publish(session, template, day - timedelta(days=3), 2, ("Vũ Thị Tươi", "Mai Văn Tươi", "Hà Tươi"))
    _publish(session, template, day, 3, ("Kiều Thị Tươi",))  # the same day as the template, a higher id
    _publish(session, template, day - timedelta(days=1), 4, ("Tươi Nguyễn", "Lò Văn Hùng"))
    expected = _expected(session, "tuoi")
    assert len(expected) == 24 + 5
    seen, pages, after = [], [], None
    while True:
        args = {"name": "tuoi", "per_page": 4} | ({"after": after} if after else {})
        body = client.get("/api/v1/public/awards", query_string=args).json
        seen += [item["nomination"]["id"] for item in body["items"]]
        pages.append(body["page"])
        after = body["next"]
        if len(pages) == 2:  # newer awards published meanwhile: they belong before the first page
            _publish(session, template, day + timedelta(days=1), 5, ("Đinh Thị Tươi", "Cao Tươi"))
        if after is None:
            break
    assert seen == expected  # every match of the registry as it was, once, newest decision first
    assert pages == list(range(1, len(pages) + 1)) and len(pages) == -(-len(expected) // 4)
    fresh = client.get("/api/v1/public/awards", query_string={"name": "tuoi", "per_page": 4}).json
    assert [item["nomination"]["id"] for item in fresh["items"]] == _expected(session, "tuoi")[:4]
    assert fresh["capped"] is (cap < 31) and fresh["next"]


def test_numbered_pages_and_cursor_pages_agree(client, registry):
    by_number, by_cursor, after = [], [], None
    for page in range(1, 5):
        numbered = client.get("/api/v1/public/awards", query_string={"name": "tuoi", "per_page": 7, "page": page}).json
        by_number += [item["nomination"]["id"] for item in numbered["items"]]
        cursored = client.get("/api/v1/public/awards",
                              query_string={"name": "tuoi", "per_page": 7} | ({"after": after} if after else {})).json
        by_cursor += [item["nomination"]["id"] for item in cursored["items"]]
        assert (cursored["page"], cursored["total"]) == (page, 24)
        after = cursored["next"]
    assert by_number == by_cursor and len(by_cursor) == 24 and after is None


def test_a_bad_cursor_is_refused_with_its_field(client, registry):
    for bad in ("x", "20261399.1.1.2.5", "1.2.3", "20261130.1.1.2.5cc"):
        refused = client.get("/api/v1/public/awards", query_string={"name": "tuoi", "after": bad})
        assert refused.status_code == 422, bad
        assert set(refused.json["errors"]) == {"after"}
    page = client.get("/cong-khai/tra-cuu", query_string={"ten": "tuoi", "sau": "x"})  # the page: first page
    assert page.status_code == 200 and "Trang 1" in page.text


def test_the_lookup_page_links_the_next_page_by_cursor(client, registry):
    first = client.get("/cong-khai/tra-cuu", query_string={"ten": "tươi"})
    found = re.search(r'href="([^"]*sau=[^"]*)" rel="next"', first.text)
    assert first.status_code == 200 and found and "Trang 1 / 2" in first.text
    second = client.get(html.unescape(found.group(1)))
    assert second.status_code == 200 and "Trang 2 / 2" in second.text and 'rel="next"' not in second.text
    assert 'rel="first"' in second.text and "24 kết quả." in second.text
