"""People told apart by more than a name: birth date, the units a person has been in, the national ID
kept only as a keyed hash; an ambiguous name at submission answers with the candidates and attaches
nothing."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engine.models import Awardee, Membership, Nomination
from engine.security import identity_hash
from tests.api.test_dossiers_api import API, prepared
from tests.factories import make_unit
from tests.registry_factories import NOW, make_awardee


def _born(session, awardee, day):
    awardee.birth_date = day
    session.add(Membership(awardee_id=awardee.id, unit_id=awardee.unit_id, created_at=NOW))
    session.flush()
    return awardee


def test_an_ambiguous_name_at_submission_answers_with_the_candidates_and_attaches_nothing(
        client, world, bearer, session, db):
    first = _born(session, make_awardee(session, "Nguyễn Thị Tươi", world.school, code="GV-1"), date(1980, 3, 2))
    second = _born(session, make_awardee(session, "Nguyễn Thị Tươi", world.school, code="GV-2"), date(1991, 7, 9))
    session.commit()
    proposer = bearer(world.proposer)
    dossier = prepared(client, proposer)

    response = client.post(f"{API}/dossiers/{dossier['id']}/submit", headers=proposer)

    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    body = response.json
    assert body["type"].endswith("ambiguous-person")
    assert "nominations[0].nominee.person_id" in body["errors"]
    assert [(c["id"], c["birth_date"], c["for"]) for c in body["candidates"]] == [
        (first.id, "1980-03-02", "nominations[0]"), (second.id, "1991-07-09", "nominations[0]")]
    assert db(lambda s: s.scalars(select(Nomination.awardee_id).where(Nomination.dossier_id == dossier["id"])
                                  .order_by(Nomination.position)).all()) == [None, None]

    # The birth date tells them apart.
    nominations = [{"award_type": n["award_type"], "achievements": n["achievements"],
                    "nominee": {k: v for k, v in n["nominee"].items() if v is not None and k != "person_id"}}
                   for n in dossier["nominations"]]
    nominations[0]["id"] = dossier["nominations"][0]["id"]
    nominations[1]["id"] = dossier["nominations"][1]["id"]
    nominations[0]["nominee"]["birth_date"] = "1991-07-09"
    edited = client.patch(f"{API}/dossiers/{dossier['id']}", headers=proposer, json={"nominations": nominations})
    assert edited.status_code == 200, edited.json
    assert edited.json["nominations"][0]["nominee"]["birth_date"] == "1991-07-09"
    submitted = client.post(f"{API}/dossiers/{dossier['id']}/submit", headers=proposer)
    assert submitted.status_code == 200, submitted.json
    assert submitted.json["nominations"][0]["nominee"]["person_id"] == second.id


def test_the_picker_finds_a_person_who_moved_by_birth_date_and_by_national_id(client, world, bearer, session, db,
                                                                            settings):
    other_school = make_unit(session, "T-X1-MN", parent=world.commune, level="agency", reviews_awards=False)
    moved = _born(session, make_awardee(session, "Trần Văn An", other_school, code="GV-7"), date(1985, 1, 20))
    homonym = _born(session, make_awardee(session, "Trần Văn An", other_school, code="GV-8"), date(1990, 5, 5))
    colleague = make_awardee(session, "Lê Thị Hoa", world.school)
    session.commit()
    office = bearer(world.office)

    def match(**body):
        return client.post(f"{API}/people/match", headers=office, json={"name": "Trần Văn An", **body})

    # In the school he is not (yet) a member of, the name alone finds nobody: a new person.
    assert match(unit=world.school.id).json == {"person": None}
    # With his birth date, the namesake born that day anywhere is him.
    assert match(unit=world.school.id, birth_date="1985-01-20").json["person"]["id"] == moved.id
    # In his old school, the name alone is ambiguous.
    ambiguous = match(unit=other_school.id)
    assert ambiguous.status_code == 422
    assert {c["id"] for c in ambiguous.json["candidates"]} == {moved.id, homonym.id}

    # The national ID is kept only as its keyed hash, and then decides.
    put = client.put(f"{API}/people/{homonym.id}/identity", headers=office,
                     json={"birth_date": "1990-05-05", "gender": "male", "national_id": "001 090 012345"})
    assert put.status_code == 200, put.json
    assert put.json["has_national_id"] is True and "national_id" not in put.json
    stored = db(lambda s: s.scalar(select(Awardee.national_id_hash).where(Awardee.id == homonym.id)))
    assert stored == identity_hash(settings, "001090012345") and "012345" not in stored
    assert match(unit=other_school.id, national_id="001090012345").json["person"]["id"] == homonym.id
    bad = client.put(f"{API}/people/{moved.id}/identity", headers=office, json={"national_id": "12345"})
    assert bad.status_code == 422 and "national_id" in bad.json["errors"]
    taken = client.put(f"{API}/people/{moved.id}/identity", headers=office, json={"national_id": "001090012345"})
    assert taken.status_code == 409
    proposer = bearer(world.proposer)
    assert client.put(f"{API}/people/{moved.id}/identity", headers=proposer,
                      json={"birth_date": "1985-01-21"}).status_code == 404  # not in his part of the tree
    assert client.put(f"{API}/people/{colleague.id}/identity", headers=proposer,
                      json={"birth_date": "1985-01-21"}).status_code == 403  # seen, but kept by the office


def test_the_office_lists_merges_and_undoes_a_duplicate_over_http(client, world, bearer, session, db):
    first = _born(session, make_awardee(session, "Phạm Thị Lan", world.school, code="GV-1"), date(1970, 1, 2))
    second = _born(session, make_awardee(session, "Pham Thi Lan", world.school, code="GV-2"), date(1970, 1, 2))
    session.commit()
    office = bearer(world.office)

    pairs = client.get(f"{API}/people/duplicates", headers=office)
    assert pairs.status_code == 200
    assert [(p["first"]["id"], p["second"]["id"]) for p in pairs.json] == [(first.id, second.id)]
    assert client.post(f"{API}/people/merges", headers=office, json={"kept": "x"}).status_code == 422
    merged = client.post(f"{API}/people/merges", headers=office, json={"kept": first.id, "merged": second.id})
    assert merged.status_code == 201, merged.json
    assert merged.json["moved"]["awardee_membership"]
    assert client.get(f"{API}/people/duplicates", headers=office).json == []
    undone = client.post(f"{API}/people/merges/{merged.json['id']}/undo", headers=office)
    assert undone.status_code == 200 and undone.json["undone_at"]
    assert db(lambda s: s.get(Awardee, second.id).merged_into_id) is None
    assert client.get(f"{API}/people/duplicates", headers=bearer(world.proposer)).status_code == 403


def test_a_national_id_given_with_the_nominee_tells_namesakes_apart_and_is_kept_only_as_its_hash(
        client, world, bearer, session, db, settings):
    first = _born(session, make_awardee(session, "Nguyễn Thị Tươi", world.school, code="GV-1"), date(1980, 3, 2))
    second = _born(session, make_awardee(session, "Nguyễn Thị Tươi", world.school, code="GV-2"), date(1991, 7, 9))
    second.national_id_hash = identity_hash(settings, "001091012345")
    session.commit()
    proposer = bearer(world.proposer)
    dossier = prepared(client, proposer)
    nominations = [{"id": n["id"], "award_type": n["award_type"], "achievements": n["achievements"],
                    "nominee": {k: v for k, v in n["nominee"].items()
                                if v is not None and k not in ("person_id", "has_national_id")}}
                   for n in dossier["nominations"]]
    nominations[0]["nominee"]["national_id"] = "0010910"
    refused = client.patch(f"{API}/dossiers/{dossier['id']}", headers=proposer, json={"nominations": nominations})
    assert refused.status_code == 422 and "nominations[0].nominee.national_id" in refused.json["errors"]
    nominations[0]["nominee"].update(national_id="001091012345", gender="female")
    edited = client.patch(f"{API}/dossiers/{dossier['id']}", headers=proposer, json={"nominations": nominations})
    assert edited.status_code == 200, edited.json
    nominee = edited.json["nominations"][0]["nominee"]
    assert nominee["has_national_id"] is True and nominee["gender"] == "female"
    assert "001091012345" not in edited.get_data(as_text=True)
    submitted = client.post(f"{API}/dossiers/{dossier['id']}/submit", headers=proposer)
    assert submitted.status_code == 200, submitted.json
    assert submitted.json["nominations"][0]["nominee"]["person_id"] == second.id != first.id
