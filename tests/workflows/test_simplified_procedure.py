"""Issue 13: ad-hoc (đột xuất) dossiers keep going one by one on the simplified procedure (thủ tục đơn
giản) where the rules version says so (`simplified` in workflows/rules/catalogue.yaml): no council, fewer
documents, never waiting for a review round — even when an ad-hoc round is open at the level, which
takes only what needs a council. A type not on it (or a dossier not ad hoc) still needs its council.
Run warm and cold, on both databases."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from engine.clock import LOCAL_TZ
from engine.models import (
    Attachment,
    AttachmentKind,
    CouncilSession,
    Dossier,
    DossierKind,
    DossierStatus,
    Nomination,
    NominationStatus,
    RoundEntry,
)
from engine.operations.admission import admit
from engine.operations.award.queries import missing_documents
from engine.operations.rounds import commands as rounds
from engine.operations.rounds.inputs import read_round
from engine.rules import load_rules
from engine.rules.catalogue import Catalogue
from engine.text import fold
from tests.engine.test_rules import _broken

AD_HOC = DossierKind.AD_HOC


def _ad_hoc_round(journey, tree, late_policy="refuse"):
    rnd = rounds.create_round(journey.ctx.as_actor(tree.commune_office), read_round(
        {"unit_id": tree.commune.id, "title": "Đợt xét khen thưởng đột xuất tháng 11", "kind": "ad_hoc",
         "cutoff_on": str(date(2026, 11, 25)), "late_policy": late_policy}))
    journey.session.commit()
    return rnd.id


def _submit(journey, tree, *nominations, kind=AD_HOC):
    """The journey's submission, then the admission at the commune a real submission makes."""
    dossier_id = journey.submit(*nominations, kind=kind, title="Khen thưởng đột xuất: cứu người đuối nước")
    admit(journey.ctx.as_actor(tree.proposer), journey.dossier, tree.commune, submitting=True)
    journey.session.commit()
    journey.reload()
    return dossier_id


def _sessions(journey) -> int:
    return len(journey.session.scalars(select(CouncilSession.id).where(
        CouncilSession.dossier_id == journey.dossier_id)).all())


def test_the_rules_say_which_types_go_the_simplified_way(journey):
    catalogue, _ = load_rules(journey.ctx.settings.rules_dir)
    for version in catalogue.versions:
        assert version.simplified is not None and not version.simplified.confirmed
        assert "Điều 85" in version.simplified.basis
        assert version.is_simplified(AD_HOC, "GIAY_KHEN") and version.is_simplified("ad_hoc", "BK_TTG")
        assert not version.is_simplified(DossierKind.REGULAR, "GIAY_KHEN")  # only ad-hoc dossiers
        assert not version.is_simplified(AD_HOC, "CSTD_CS")  # a title is not given on the simplified way
        assert version.needs_council(DossierKind.REGULAR, "BK_TTG") and not version.needs_council(AD_HOC, "BK_TTG")
        assert version.needs_council(AD_HOC, "CSTD_CS")
        assert version.required_documents(AD_HOC, "BK_TTG") == (AttachmentKind.SUBMISSION,)
        assert AttachmentKind.COUNCIL_MINUTES in version.required_documents(DossierKind.REGULAR, "BK_TTG")


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d["versions"][0]["simplified"].update(award_types=["GIAY_KHEN", "KHONG_CO"]),
     "'simplified': loại khen thưởng không có trong danh mục: KHONG_CO."),
    (lambda d: d["versions"][0]["simplified"].update(required_documents=["submission", "council_minutes"]),
     "'required_documents' mục 2 = 'council_minutes' không hợp lệ"),
    (lambda d: d["versions"][0]["simplified"].update(dossier_kinds=["dot_xuat"]), "'dot_xuat' không hợp lệ"),
], ids=["unknown-type", "council-minutes", "unknown-kind"])
def test_a_wrong_simplified_entry_stops_the_start(tmp_path, change, expected):
    def unshared(data):
        data["versions"][0]["simplified"] = dict(data["versions"][0]["simplified"])
        change(data)
    assert expected in _broken(tmp_path, unshared)


def test_an_ad_hoc_giay_khen_is_decided_without_council_and_joins_no_open_ad_hoc_round(journey, tree):
    _ad_hoc_round(journey, tree)
    _submit(journey, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    assert journey.session.scalars(select(RoundEntry).where(RoundEntry.dossier_id == journey.dossier_id)).all() == []
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)
    assert journey.open_tasks() == [("decide", tree.commune.id)]  # straight to the head: no ballot, no sitting
    journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="approve")
    assert journey.outcomes() == {"Nguyễn Thị Tươi": "approved"}
    assert _sessions(journey) == 0


def test_after_the_ad_hoc_round_s_cut_off_a_simplified_dossier_is_not_refused(journey, tree):
    _ad_hoc_round(journey, tree, late_policy="refuse")
    journey.ctx.clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=LOCAL_TZ))  # after the cut-off of 25/11
    _submit(journey, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))  # would be 422 if it went to the round
    assert journey.open_tasks() == [("check_completeness", tree.commune.id)]


def test_an_ad_hoc_prime_minister_s_certificate_skips_both_councils(journey, tree):
    """BK_TTG needs a council vote at every level normally; on the simplified procedure none sits."""
    _submit(journey, tree, ("BK_TTG", "Nguyễn Thị Tươi"))
    for office, head in ((tree.commune_office, tree.commune_head), (tree.province_office, tree.province_head)):
        journey.complete(office, "check_completeness", {"outcome": "complete"})
        journey.all_eligible(office)
        assert [key for key, _ in journey.open_tasks()] == ["decide"]
        journey.decide(head, Nguyễn_Thị_Tươi="forward")
    assert _sessions(journey) == 0
    assert journey.outcomes() == {"Nguyễn Thị Tươi": "forwarded"}


def test_the_same_award_in_a_regular_dossier_still_needs_its_council(journey, tree):
    _submit(journey, tree, ("BK_TTG", "Nguyễn Thị Tươi"), kind=DossierKind.REGULAR)
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)
    assert {key for key, _ in journey.open_tasks()} == {"cast_ballot", "close_vote"}
    assert _sessions(journey) == 1


def test_a_type_not_on_the_simplified_procedure_joins_the_ad_hoc_round_and_waits_for_its_council(journey, tree):
    _ad_hoc_round(journey, tree)
    _submit(journey, tree, ("CSTD_CS", "Nguyễn Thị Tươi"), ("GIAY_KHEN", "Trần Minh Khoa"))
    entry = journey.session.scalars(select(RoundEntry).where(RoundEntry.dossier_id == journey.dossier_id)).one()
    assert entry.round_id is not None
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)
    assert journey.open_tasks() == []  # waits for the round's sitting
    session = journey.session.scalars(select(CouncilSession).where(
        CouncilSession.dossier_id == journey.dossier_id)).one()
    nominee = {item.nomination_id for item in session.agenda}
    assert nominee == {n.id for n in journey.dossier.nominations if n.award_type == "CSTD_CS"}  # Giấy khen not on it


def test_the_completeness_check_asks_fewer_documents_on_the_simplified_procedure(journey, tree):
    ctx = journey.ctx
    now = ctx.clock.now()
    rules = Catalogue.load(ctx.settings.rules_dir).on(now.date())
    found = {}
    for kind in (AD_HOC, DossierKind.REGULAR):
        dossier = Dossier(title="Đột xuất", title_folded=fold("Đột xuất"), year=2026, kind=kind,
                          status=DossierStatus.DRAFT, proposing_unit_id=tree.school.id, created_by_id=tree.proposer.id,
                          created_at=now, updated_at=now)
        dossier.nominations = [Nomination(position=1, award_type="BK_TTG", nominee_kind="individual",
                                          nominee_name=f"Người {kind.value}", achievements="Cứu người",
                                          status=NominationStatus.PENDING)]
        ctx.session.add(dossier)
        ctx.session.flush()
        ctx.session.add(Attachment(dossier_id=dossier.id, kind=AttachmentKind.SUBMISSION, filename="to-trinh.pdf",
                                   content_type="application/pdf", size=1, sha256="0" * 64,
                                   uploaded_by_id=tree.proposer.id, uploaded_at=now))
        ctx.session.flush()
        ctx.session.refresh(dossier)
        found[kind] = missing_documents(ctx, dossier, rules, now.date())
    assert found[AD_HOC] == {}
    assert "biên bản họp hội đồng" in found[DossierKind.REGULAR]["attachments"]  # one for the dossier
    assert "báo cáo thành tích" in found[DossierKind.REGULAR]["nominations[0].attachments"]
