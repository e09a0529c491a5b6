"""Likely duplicates (same folded name and birth date) merged with their histories, audited, and the
merge undone: both records and their histories as they were."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.errors import Conflict
from engine.models import AuditEvent, Awardee, GrantedAward, Initiative, Membership, TaskGrade, YearlyGrade
from engine.operations.registry import duplicates
from engine.operations.registry.queries import list_awardees
from tests.engine.test_history_import import office  # noqa: F401  (the fixture)
from tests.registry_factories import NOW, grant, make_awardee, make_initiative


def _person(session, name, unit, born, code):
    awardee = make_awardee(session, name, unit, code=code)
    awardee.birth_date = born
    session.add(Membership(awardee_id=awardee.id, unit_id=unit.id, created_at=NOW))
    session.flush()
    return awardee


def history(session, awardee_id):
    return (sorted((a.award_type, a.year) for a in session.scalars(select(GrantedAward)
                                                                  .where(GrantedAward.awardee_id == awardee_id))),
            sorted(i.title for i in session.scalars(select(Initiative).where(Initiative.awardee_id == awardee_id))),
            sorted(m.unit_id for m in session.scalars(select(Membership).where(Membership.awardee_id == awardee_id))))


def test_a_duplicate_is_listed_merged_with_its_history_and_the_merge_undone(make_ctx, office, session):  # noqa: F811
    ctx = make_ctx(office.office, session)
    kept = _person(session, "Nguyễn Thị Hoa", office.school, date(1985, 5, 5), "P-1")
    duplicate = _person(session, "NGUYỄN THỊ HOA", office.kindergarten, date(1985, 5, 5), "P-2")
    _person(session, "Nguyễn Thị Hoa", office.school, date(1990, 1, 1), "P-3")  # a namesake, another person
    grant(session, kept, "LDTT", 2022)
    grant(session, duplicate, "CSTD_CS", 2023, 2024)
    make_initiative(session, duplicate, "Sổ điểm điện tử", "grassroots", 2024)
    duplicate.gender = "female"
    session.add(YearlyGrade(awardee_id=duplicate.id, year=2024, grade=TaskGrade.EXCELLENT, created_at=NOW))
    session.commit()
    before = {kept.id: history(session, kept.id), duplicate.id: history(session, duplicate.id)}

    (pair,) = duplicates.likely_duplicates(ctx)
    assert (pair.first.id, pair.second.id) == (kept.id, duplicate.id)

    merge = duplicates.merge_awardees(ctx, kept.id, duplicate.id)
    session.commit()
    awards, initiatives, units = history(session, kept.id)
    assert awards == [("CSTD_CS", 2023), ("CSTD_CS", 2024), ("LDTT", 2022)]
    assert initiatives == ["Sổ điểm điện tử"] and units == sorted([office.school.id, office.kindergarten.id])
    assert session.get(Awardee, kept.id).gender == "female"
    assert session.get(Awardee, duplicate.id).merged_into_id == kept.id
    assert duplicates.likely_duplicates(ctx) == []
    assert duplicate.id not in [a.id for a in list_awardees(ctx, q="hoa").items]
    assert session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "awardee")).all()[-1] \
        == "awardees_merged"

    duplicates.undo_merge(ctx, merge.id)
    session.commit()
    assert {kept.id: history(session, kept.id), duplicate.id: history(session, duplicate.id)} == before
    assert session.get(Awardee, kept.id).gender is None
    assert session.get(Awardee, duplicate.id).merged_into_id is None
    assert session.scalar(select(YearlyGrade.awardee_id)) == duplicate.id
    with pytest.raises(Conflict):
        duplicates.undo_merge(ctx, merge.id)


def test_two_people_are_not_merged(make_ctx, office, session):  # noqa: F811
    ctx = make_ctx(office.office, session)
    first = _person(session, "Lê Văn Nam", office.school, date(1980, 1, 1), "P-1")
    second = _person(session, "Lê Văn Nam", office.school, date(1981, 1, 1), "P-2")
    with pytest.raises(Conflict, match="hai người khác nhau"):
        duplicates.merge_awardees(ctx, first.id, second.id)
    second.birth_date = date(1980, 1, 1)
    session.add_all([YearlyGrade(awardee_id=first.id, year=2024, grade=TaskGrade.GOOD, created_at=NOW),
                     YearlyGrade(awardee_id=second.id, year=2024, grade=TaskGrade.DONE, created_at=NOW)])
    session.flush()
    with pytest.raises(Conflict, match="xếp loại khác nhau năm 2024"):
        duplicates.merge_awardees(ctx, first.id, second.id)
