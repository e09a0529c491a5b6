"""Two edges of a review round (issue 13), warm and cold (a new process between steps):

- a new rules version takes effect during the round: each name is judged by its own dossier's version
  (the threshold, the base, the award types), the minutes print each version's group with its own
  threshold, and each decision and the tờ trình speak by the newest of the versions of the names they
  carry (an award type only the new version has is decided like any other);
- the council is changed (kiện toàn) between two dossiers' sessions and again while the sitting is open:
  the sitting has ONE council, the level's on the day it opens, every session is seated with it, and a
  member who is a nominee still does not vote on their own name."""
from __future__ import annotations

import copy
import io
import shutil
from dataclasses import replace
from datetime import date, datetime

import pytest
import yaml
from docx import Document
from sqlalchemy import select

from engine.clock import LOCAL_TZ
from engine.context import Context
from engine.errors import NotFound
from engine.models import (
    AuditEvent,
    Council,
    CouncilSession,
    CouncilSitting,
    Decision,
    HumanTask,
    HumanTaskState,
    Nomination,
    Role,
    RoundSubmission,
)
from engine.operations import administration
from engine.operations.award import round_decision as rounds_decide
from engine.operations.council import sitting as sittings
from engine.operations.council.inputs import read_sitting_ballot, read_sitting_close
from engine.operations.rounds import commands as rounds
from engine.operations.rounds.inputs import read_round
from engine.rules import clear_rules_cache
from engine.rules.eligibility import DEFAULT_RULES_DIR
from engine.storage import AttachmentStore
from tests.factories import make_user
from tests.workflows.journey import Journey
from tests.workflows.test_round_sitting import _submit, _to_council

NEW_BASIS = "Căn cứ Nghị định số 999/2026/NĐ-CP ngày 01 tháng 11 năm 2026 của Chính phủ (dùng cho kiểm thử);"
NEW_VERSION = "kt-2026"


def _two_versions(folder) -> None:
    """The shipped catalogue with its last version closed on 23/11/2026 and a new one from 24/11/2026:
    a basis of its own first, a quorum of 3/4 instead of 2/3, CSTD_TINH at "≥ 2/3" of the members instead
    of 90%, an award type only it has (GK_MOI, a commune's Giấy khen) and one it no longer has (CSTT)."""
    path = folder / "catalogue.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    last = data["versions"][-1]
    new = copy.deepcopy(last)
    last["effective_to"] = date(2026, 11, 23)
    new.update(id=NEW_VERSION, effective_from=date(2026, 11, 24), effective_to=None,
               legal_bases=[NEW_BASIS, *last["legal_bases"]], quorum={"fraction": "3/4"})
    for award in new["award_types"]:
        if award["code"] == "CSTD_TINH":
            award["approval_threshold"] = {"op": ">=", "fraction": "2/3", "base": "members"}
    giay_khen = next(a for a in new["award_types"] if a["code"] == "GIAY_KHEN")
    new["award_types"].append({**copy.deepcopy(giay_khen), "code": "GK_MOI", "name": "Giấy khen thành tích mới",
                               "printed_names": {"commune": "Giấy khen thành tích mới của Chủ tịch UBND xã"}})
    new["authority"]["commune"]["decides"].append("GK_MOI")
    new["award_types"] = [a for a in new["award_types"] if a["code"] != "CSTT"]
    new["authority"]["commune"]["decides"].remove("CSTT")
    del new["eligibility"]["criteria"]["CSTT"]
    for criteria in new["eligibility"]["criteria"].values():
        for criterion in criteria:
            if "CSTT" in criterion.get("awards", ()):
                criterion["awards"] = [c for c in criterion["awards"] if c != "CSTT"]
    data["versions"].append(new)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def versioned(ctx, tree, tmp_path, next_step):
    folder = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, folder)
    _two_versions(folder)
    clear_rules_cache()
    yield Journey(Context(ctx.session, replace(ctx.settings, rules_dir=folder), ctx.clock, ctx.runtime), tree,
                  next_step)
    clear_rules_cache()


def _open_round(journey, tree):
    rnd = rounds.create_round(journey.ctx.as_actor(tree.commune_office), read_round(
        {"unit_id": tree.commune.id, "title": "Đợt xét tổng kết năm 2026", "kind": "school_year",
         "cutoff_on": str(date(2026, 11, 25))}))
    journey.session.commit()
    return rnd.id


def _open_sitting(journey, tree, rnd):
    journey.ctx.clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=LOCAL_TZ))
    sitting_id = sittings.open_sitting(journey.ctx.as_actor(tree.commune_office), rnd).id
    journey.session.commit()
    journey.reload()
    return sitting_id


def _vote(journey, member, sitting_id, no=()):
    page = sittings.sitting_ballot(journey.ctx.as_actor(member), sitting_id)
    votes = [{"nomination_id": i["nomination_id"], "choice": "no" if i["nominee"] in no else "yes"}
             for g in page["groups"] for i in g["items"]]
    sittings.cast_sitting_ballot(journey.ctx.as_actor(member), read_sitting_ballot(sitting_id, {"votes": votes}))
    journey.session.commit()
    journey.reload()
    return page


def _close(journey, chair, sitting_id, present):
    journey.ctx.clock.set(datetime(2026, 11, 26, 11, 0, tzinfo=LOCAL_TZ))
    sittings.close_sitting(journey.ctx.as_actor(chair), read_sitting_close(sitting_id, {
        "held_at": "2026-11-26T08:30", "place": "Hội trường UBND xã", "present": present, "written_votes": 0}))
    journey.session.commit()
    journey.reload()


def _stored(journey, sha):
    return Document(io.BytesIO(AttachmentStore(journey.ctx.settings.attachment_root).read(sha)))


def _text(document):
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def test_a_round_of_two_rules_versions_judges_each_name_by_its_own(versioned, tree):
    journey = versioned
    rnd = _open_round(journey, tree)
    old = _submit(journey, tree, ("CSTD_TINH", "Nguyễn Thị Tươi"), ("CSTD_TINH", "Trần Minh Khoa"),
                  ("GIAY_KHEN", "Đỗ Thị Mơ"), ("LDTT", "Lê Văn Hùng"), ("CSTT", "Cao Văn Tiến"))
    journey.ctx.clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=LOCAL_TZ))  # the new version is in force
    new = _submit(journey, tree, ("CSTD_TINH", "Phạm Văn An"), ("GIAY_KHEN", "Vũ Văn Em"),
                  ("GK_MOI", "Hà Thị Giang"), rules_version=NEW_VERSION)
    for dossier_id in (old, new):
        _to_council(journey, tree, dossier_id)
    sitting_id = _open_sitting(journey, tree, rnd)
    for member in tree.commune_council[:4]:
        _vote(journey, member, sitting_id)
    _vote(journey, tree.commune_council[4], sitting_id, no={"Trần Minh Khoa", "Phạm Văn An"})
    _close(journey, tree.commune_council[0], sitting_id, 5)

    # 4 of 5: short of the old version's 90%, enough for the new one's 2/3 (base: the whole council)
    outcome = {n.nominee_name: n.status.value for n in journey.session.scalars(select(Nomination))}
    assert outcome["Trần Minh Khoa"] == "rejected" and outcome["Phạm Văn An"] == "pending"
    items = {i.nomination_id: i for s in journey.session.scalars(select(CouncilSession)) for i in s.agenda}
    by_name = {n.nominee_name: items[n.id] for n in journey.session.scalars(select(Nomination)) if n.id in items}
    assert by_name["Phạm Văn An"].threshold["fraction"] == "2/3" and by_name["Phạm Văn An"].base == 5
    assert by_name["Trần Minh Khoa"].threshold["percent"] == 90 and by_name["Trần Minh Khoa"].base == 5

    sitting = journey.session.get(CouncilSitting, sitting_id)
    old_group = "Chiến sĩ thi đua bộ, ban, ngành, tỉnh (hồ sơ theo quy định áp dụng từ 01/07/2025)"
    new_group = "Chiến sĩ thi đua bộ, ban, ngành, tỉnh (hồ sơ theo quy định áp dụng từ 24/11/2026)"
    for sha in (sitting.minutes_sha256, sitting.counting_sha256):
        text = _text(_stored(journey, sha))
        assert old_group in text and new_group in text
    minutes = _text(_stored(journey, sitting.minutes_sha256))
    assert f"- {old_group}: từ 90% trở lên tổng số thành viên Hội đồng." in minutes
    assert f"- {new_group}: từ 2/3 trở lên tổng số thành viên Hội đồng." in minutes
    assert f"- {old_group}: 1/2 trường hợp đạt." in minutes and f"- {new_group}: 1/1 trường hợp đạt." in minutes
    assert "(từ 3/4 tổng số thành viên trở lên)" in minutes  # the strictest quorum of the sitting's versions

    view = rounds_decide.round_decision_view(journey.ctx.as_actor(tree.commune_head), rnd)
    assert {g.award_type for g in view.groups} == {"CSTD_TINH", "CSTT", "GIAY_KHEN", "GK_MOI", "LDTT"}

    def choose(group, item):
        if group.award_type == "CSTT":  # a type the newest version no longer has, given as a Giấy khen
            return {"action": "lower_award", "lower_award": "GIAY_KHEN", "note": "Mức khen phù hợp hơn"}
        return {"action": "forward" if group.award_type == "CSTD_TINH" else "approve"}

    rows = [{"nomination_id": i.nomination_id, **choose(g, i)} for g in view.groups for i in g.items]
    rounds_decide.decide_round(journey.ctx.as_actor(tree.commune_head), rnd, rows)
    journey.session.commit()
    journey.reload()

    decisions = {d.nominations[0].award_type: d for d in journey.session.scalars(
        select(Decision).where(Decision.round_id == rnd))}
    assert set(decisions) == {"GIAY_KHEN", "GK_MOI", "LDTT"}  # one per award type, the two versions together
    assert {n.nominee_name for n in decisions["GIAY_KHEN"].nominations} == {"Đỗ Thị Mơ", "Vũ Văn Em", "Cao Văn Tiến"}
    texts = {code: _text(_stored(journey, d.document_sha256)) for code, d in decisions.items()}
    # a decision speaks by the newest version of its names: its legal bases, its printed names
    assert decisions["GIAY_KHEN"].rules_version == NEW_VERSION and NEW_BASIS in texts["GIAY_KHEN"]
    assert "Đề nghị: Chiến sĩ tiên tiến" in texts["GIAY_KHEN"]  # named by its own version
    assert decisions["GK_MOI"].rules_version == NEW_VERSION
    assert "Giấy khen thành tích mới của Chủ tịch UBND xã" in texts["GK_MOI"]
    assert decisions["LDTT"].rules_version == "nd152-2025" and NEW_BASIS not in texts["LDTT"]
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;" in texts["LDTT"]

    [submission] = journey.session.scalars(select(RoundSubmission).where(RoundSubmission.round_id == rnd)).all()
    forwarded = {n.nominee_name for n in journey.session.scalars(
        select(Nomination).where(Nomination.id.in_(submission.nomination_ids)))}
    assert forwarded == {"Nguyễn Thị Tươi", "Phạm Văn An"}
    paper = _text(_stored(journey, submission.document_sha256))
    assert NEW_BASIS in paper and "Chiến sĩ thi đua tỉnh" in paper


def _replace(journey, admin, council, out, into):
    """Kiện toàn from today: `out` leaves the council, `into` joins it."""
    members = sorted({m.user_id for m in council.members} - {out.id} | {into.id})
    administration.record_council_change(journey.ctx.as_actor(admin), council.id,
                                         effective_on=journey.ctx.clock.now().date(), chair_id=council.chair_id,
                                         secretary_id=council.secretary_id, member_ids=members,
                                         reference="Quyết định kiện toàn Hội đồng")
    journey.session.commit()
    journey.reload()


def test_the_sitting_has_one_council_whatever_changed_between_the_sessions(journey, tree, settings):
    session = journey.session
    admin = make_user(session, settings, "quan.tri", (Role.ADMIN, tree.province))
    newcomer = make_user(session, settings, "xa.hd.moi", (Role.COUNCIL, tree.commune), full_name="Tạ Văn Mới")
    late = make_user(session, settings, "xa.hd.sau", (Role.COUNCIL, tree.commune), full_name="Kiều Thị Muộn")
    session.commit()
    council_id = session.scalars(select(Council.id).where(Council.unit_id == tree.commune.id)).one()
    leaving = tree.commune_council[4]
    rnd = _open_round(journey, tree)
    # the first dossier's session is opened with the council before the change; the newcomer is a nominee
    first = _submit(journey, tree, ("CSTD_TINH", "Nguyễn Thị Tươi"), ("CSTD_CS", newcomer.full_name))
    _to_council(journey, tree, first)
    _replace(journey, admin, session.get(Council, council_id), leaving, newcomer)
    second = _submit(journey, tree, ("CSTD_TINH", "Phạm Văn An"))
    _to_council(journey, tree, second)
    third = _submit(journey, tree, ("CSTD_TINH", "Lê Văn Hùng"))  # in time, appraised once the sitting is open
    sessions = session.scalars(select(CouncilSession).order_by(CouncilSession.id)).all()
    assert [{m.user_id for m in s.members} == {u.id for u in tree.commune_council} for s in sessions] == [True, False]

    sitting_id = _open_sitting(journey, tree, rnd)
    council = {u.id for u in tree.commune_council[:4]} | {newcomer.id}  # the level's council on the day it opens
    # changed again while the sitting is open, and a third dossier joins it: the sitting keeps its council
    _replace(journey, admin, session.get(Council, council_id), tree.commune_council[3], late)
    _to_council(journey, tree, third)
    sessions = session.scalars(select(CouncilSession).order_by(CouncilSession.id)).all()
    assert len(sessions) == 3
    assert all({m.user_id for m in s.members} == council and s.members_total == 5 for s in sessions)
    own = next(i for s in sessions for i in s.agenda if newcomer.id in i.recused)  # still not on their own name
    assert own.recusal_reason == "là người được đề nghị"
    voters = session.scalars(select(HumanTask.assignee_id).join(
        CouncilSitting, CouncilSitting.instance_id == HumanTask.instance_id).where(
        CouncilSitting.id == sitting_id, HumanTask.key == "cast_sitting_ballot",
        HumanTask.state == HumanTaskState.READY)).all()
    assert set(voters) == council
    for outsider in (leaving, late):  # not on the sitting's council: to them it does not exist
        with pytest.raises(NotFound):
            sittings.sitting_ballot(journey.ctx.as_actor(outsider), sitting_id)
        session.rollback()
    changed = session.scalars(select(AuditEvent).where(AuditEvent.action == "council_session_members_set")).all()
    assert {e.entity_id for e in changed} == {str(sessions[0].id), str(sessions[2].id)}

    by_id = {u.id: u for u in [*tree.commune_council, newcomer]}
    for uid in sorted(council):
        page = _vote(journey, by_id[uid], sitting_id)
        names = {i["nominee"] for g in page["groups"] for i in g["items"]}
        assert names == {"Nguyễn Thị Tươi", "Phạm Văn An", "Lê Văn Hùng", newcomer.full_name} - (
            {newcomer.full_name} if uid == newcomer.id else set())
    _close(journey, tree.commune_council[0], sitting_id, 5)
    results = {i.nomination_id: (i.yes, i.base, i.passed) for s in session.scalars(select(CouncilSession))
               for i in s.agenda}
    assert results[own.nomination_id] == (4, 5, True)  # the base stays the whole council of five
    assert sorted(results.values()) == sorted([(5, 5, True)] * 3 + [(4, 5, True)])
    minutes = _text(_stored(journey, session.get(CouncilSitting, sitting_id).minutes_sha256))
    assert newcomer.full_name in minutes and tree.commune_council[3].full_name in minutes
    assert leaving.full_name not in minutes and late.full_name not in minutes
