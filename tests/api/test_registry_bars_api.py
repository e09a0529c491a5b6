"""Barred cases on a registry entry (NĐ 98/2023 Art. 4(4)): the office sets a dated flag with a reason and
lifts it with another, both audited; the pre-check reads the flags in force on its day; a proposer may not
set one; bad input names the field."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engine.models import AuditEvent, RegistryBar
from engine.rules.eligibility import check_nomination
from engine.vocabulary import Result
from tests.registry_factories import make_awardee, make_dossier, nominate

API = "/api/v1"


def test_the_office_bars_a_person_the_precheck_reads_it_and_the_office_lifts_it(client, world, bearer, session):
    tuoi = make_awardee(session, "Nguyễn Thị Tươi", world.school)
    session.commit()
    office = bearer(world.office)

    set_ = client.post(f"{API}/people/{tuoi.id}/bars", headers=office, json={
        "reason": "disciplinary_review", "from_date": "2026-03-02", "note": "Quyết định xem xét kỷ luật số 5/QĐ-UBND"})
    assert set_.status_code == 201, set_.json
    (bar,) = set_.json["bars"]
    assert {k: bar[k] for k in ("reason", "from_date", "lifted_on")} == {
        "reason": "disciplinary_review", "from_date": "2026-03-02", "lifted_on": None}

    nomination = nominate(session, make_dossier(session, world.school, world.proposer), "LDTT", tuoi)
    session.commit()

    def barred(day: date):
        return {c.criterion: c for c in check_nomination(session, nomination, year=2026, on=day)}["not_barred"]
    assert barred(date(2026, 3, 1)).result is Result.MET  # the day before
    during = barred(date(2026, 3, 2))
    assert during.result is Result.NOT_MET and during.records == [f"registry_bar:{bar['id']}"]
    assert during.detail == ("Nguyễn Thị Tươi đang xem xét xử lý kỷ luật từ ngày 02/03/2026 (Quyết định xem xét "
                             "kỷ luật số 5/QĐ-UBND).")
    assert during.label.endswith("(NĐ 98/2023, Điều 4 khoản 4)")
    session.commit()  # end the read: SQLite takes the write lock from the first statement

    early = client.post(f"{API}/people/{tuoi.id}/bars/{bar['id']}/lift", headers=office,
                        json={"lifted_on": "2026-03-01", "note": "Không kỷ luật"})
    assert early.status_code == 422 and "lifted_on" in early.json["errors"]
    lifted = client.post(f"{API}/people/{tuoi.id}/bars/{bar['id']}/lift", headers=office,
                         json={"lifted_on": "2026-05-04", "note": "Kết luận không kỷ luật"})
    assert lifted.status_code == 200, lifted.json
    assert lifted.json["bars"][0]["lifted_on"] == "2026-05-04"
    again = client.post(f"{API}/people/{tuoi.id}/bars/{bar['id']}/lift", headers=office,
                        json={"lifted_on": "2026-05-04", "note": "Lần nữa"})
    assert again.status_code == 409

    session.expire_all()
    assert barred(date(2026, 5, 3)).result is Result.NOT_MET  # the last day in force
    assert barred(date(2026, 5, 4)).result is Result.MET
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "registry_bar")
                              .order_by(AuditEvent.seq)).all()
    assert actions == ["awardee_barred", "awardee_bar_lifted"]


def test_a_proposer_may_not_bar_and_bad_input_names_its_field(client, world, bearer, session):
    tuoi = make_awardee(session, "Nguyễn Thị Tươi", world.school)
    session.commit()
    refused = client.post(f"{API}/people/{tuoi.id}/bars", headers=bearer(world.proposer),
                          json={"reason": "investigation", "from_date": "2026-03-02", "note": "Đang điều tra"})
    assert refused.status_code == 403
    office = bearer(world.office)
    unknown = client.post(f"{API}/people/{tuoi.id}/bars", headers=office,
                          json={"reason": "gossip", "from_date": "2026-03-02", "note": "Tin đồn"})
    assert unknown.status_code == 422 and set(unknown.json["errors"]) == {"reason"}
    bad = client.post(f"{API}/people/{tuoi.id}/bars", headers=office,
                      json={"reason": "inspection", "from_date": "2999-01-01", "note": "  "})
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"from_date", "note"}
    assert session.scalar(select(RegistryBar.id)) is None
