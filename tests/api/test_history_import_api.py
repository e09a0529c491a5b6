"""The history import over HTTP: the template, an all-or-nothing upload refused cell by cell, a preview
and its confirmation, the same file again adding nothing; only the office."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from engine.models import Awardee, GrantedAward, RegistryDecision
from tests.history_file import generate, row

API = "/api/v1"
EXTRA = [row(name="Trần Thị Tươi", birth_date="05/05/1985", unit="T-X1-TH", year=2023, award="CSTD_CS",
             decision_number="7/QĐ-UBND", decision_date="18/12/2023", decision_issuer="UBND xã Minh Tiến")]


def upload(client, headers, data, mode=None):
    form = {"file": (io.BytesIO(data), "lich-su.xlsx")}
    if mode:
        form["mode"] = mode
    return client.post(f"{API}/registry/history-imports", headers=headers, data=form,
                       content_type="multipart/form-data")


def test_the_office_downloads_the_template(client, world, bearer):
    response = client.get(f"{API}/registry/history-template", headers=bearer(world.office))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert "Lịch sử khen thưởng" in book.sheetnames
    assert client.get(f"{API}/registry/history-template", headers=bearer(world.proposer)).status_code == 403


def test_bad_rows_are_named_by_cell_and_nothing_is_saved_then_a_preview_imports_the_good_ones_once(
        client, world, bearer, db):
    office = bearer(world.office)
    file = generate(["T-X1-TH"], 20, years=range(2020, 2025), extra=EXTRA, bad=True)

    refused = upload(client, office, file.data)
    assert refused.status_code == 422 and refused.content_type == "application/problem+json"
    assert len(refused.json["errors"]) >= len(file.bad)
    assert all(message.startswith("Dòng ") for message in refused.json["errors"].values())
    assert db(lambda s: s.scalar(select(func.count()).select_from(Awardee))) == 0

    preview = upload(client, office, file.data, "preview")
    assert preview.status_code == 201, preview.json
    assert (preview.json["status"], preview.json["rows_bad"], preview.json["added"]) == ("previewed", len(file.bad),
                                                                                         None)
    assert {p[0] for p in preview.json["problems"]} == set(file.bad)
    assert db(lambda s: s.scalar(select(func.count()).select_from(Awardee))) == 0

    confirmed = client.post(f"{API}/registry/history-imports/{preview.json['id']}/confirm", headers=office)
    assert confirmed.status_code == 200, confirmed.json
    assert confirmed.json["added"]["people"] == 21 and confirmed.json["added"]["awards"] == 20 * 5 + 1
    assert client.post(f"{API}/registry/history-imports/{preview.json['id']}/confirm",
                       headers=office).status_code == 409
    good = generate(["T-X1-TH"], 20, years=range(2020, 2025), extra=EXTRA)
    again = upload(client, office, good.data)
    assert again.status_code == 201 and set(again.json["added"].values()) == {0}
    assert db(lambda s: s.scalar(select(func.count()).select_from(GrantedAward))) == 101

    # The person's page shows the decision behind the award.
    tuoi = db(lambda s: s.scalar(select(Awardee.id).where(Awardee.name == "Trần Thị Tươi")))
    person = client.get(f"{API}/people/{tuoi}", headers=office).json
    (award,) = person["awards"]
    assert award["citation"] == "QĐ số 7/QĐ-UBND ngày 18/12/2023 của UBND xã Minh Tiến"
    assert [m["unit"]["code"] for m in person["memberships"]] == ["T-X1-TH"]
    assert db(lambda s: s.scalar(select(func.count()).select_from(RegistryDecision))) > 1


def test_only_the_office_imports(client, world, bearer):
    file = generate(["T-X1-TH"], 1, years=range(2024, 2025))
    assert upload(client, bearer(world.proposer), file.data).status_code == 403
    assert client.post(f"{API}/registry/history-imports", headers=bearer(world.office),
                       json={}).status_code == 415
    missing = client.post(f"{API}/registry/history-imports", headers=bearer(world.office), data={"mode": "x"},
                          content_type="multipart/form-data")
    assert missing.status_code == 422 and set(missing.json["errors"]) == {"file", "mode"}
