"""The award lookup by name on a registry bigger than a page: any part of a name, diacritics and case
ignored (on SQLite through the FTS5 trigram index kept by triggers, on PostgreSQL the trigram GIN
index), a renamed nominee found by the new name only, and a common name's total counted only up to a
cap ("hơn … kết quả")."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import Nomination
from engine.operations.public import queries
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
