"""A provincial layer seen by the process, not only by the pre-check: the appraisal and supplement
deadlines a level sets, the threshold its council applies, the quota the officer reads and the disclosure
of CSTD_TQ at the province, each with the layer's source; a province without a layer keeps the national
values."""
from __future__ import annotations

import io
import shutil
from dataclasses import replace
from datetime import datetime

import pytest
from docx import Document
from sqlalchemy import select

from engine.context import Context
from engine.models import AuditEvent, CouncilSession
from engine.operations.award.queries.receipts import receipt_file
from engine.operations.council.queries import session_view
from engine.rules import clear_rules_cache, load_rules
from engine.rules.eligibility import DEFAULT_RULES_DIR
from tests.registry_factories import grant, make_awardee
from tests.workflows.journey import Journey

SOURCE = "Quy chế thi đua, khen thưởng tỉnh Hòa Bình Xanh (dùng cho kiểm thử)"
LAYER = f"""layers:
  - id: hbx-qc-2025
    unit: "HBX"
    source: "{SOURCE}"
    effective_from: 2025-07-01
    effective_to: null
    deadlines:
      appraisal: {{commune: 5}}
      supplement: 3
    award_types:
      CSTD_TINH:
        approval_threshold: {{op: ">=", percent: 80, base: members}}
      CSTD_TQ:
        disclosure: {{by_level: {{province: 0}}, basis: "Quy chế tỉnh: công khai ở cấp bộ", confirmed: false}}
    criteria:
      CSTD_TINH:
        cstd_tinh_quota: {{check: quota, of: CSTD_CS, percent: 10, rounding: down,
                          basis: "Luật TĐKT 2022, Điều 22", confirmed: false}}
"""


@pytest.fixture
def layered(ctx, tree, tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, folder)
    (folder / "provinces.yaml").write_text(LAYER, encoding="utf-8")
    clear_rules_cache()
    yield Journey(Context(ctx.session, replace(ctx.settings, rules_dir=folder), ctx.clock, ctx.runtime), tree)
    clear_rules_cache()


def _events(journey, action):
    return journey.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.seq)).all()


def test_the_layer_sets_the_deadlines_the_threshold_and_the_quota_the_process_reads(layered, tree):
    journey = layered
    for i in range(10):  # ten CSTD_CS holders at the school: 10% rounded down allows one CSTD_TINH
        grant(journey.session, make_awardee(journey.session, f"Giáo viên {i}", tree.school), "CSTD_CS", 2026)
    journey.session.commit()
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))

    journey.complete(tree.commune_office, "check_completeness",
                     {"outcome": "supplement", "missing": "Báo cáo thành tích có xác nhận"})
    asked = _events(journey, "dossier_supplement_requested")[-1]
    assert (asked.after["working_days"], asked.after["source"]) == (3, SOURCE)
    journey.complete(tree.proposer, "supplement_dossier", {"note": "Đã bổ sung"})
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    received = _events(journey, "dossier_received")[-1]
    assert (received.after["working_days"], received.after["source"]) == (5, SOURCE)
    assert journey.dossier.result_due_on == _calendar(journey).add_working_days(journey.dossier.received_on, 5)
    assert f"mức theo {SOURCE}" in journey.notifications(tree.proposer)[-1].body
    slip = receipt_file(journey.ctx.as_actor(tree.proposer), journey.dossier_id, received.seq)
    text = "\n".join(p.text for p in Document(io.BytesIO(slip.content)).paragraphs)
    assert f"5 ngày làm việc (theo {SOURCE})." in text

    [item] = journey.prefill(tree.commune_office, "appraise")["nominations"]
    quota = next(c for c in item["checks"] if c["criterion"] == "cstd_tinh_quota")
    assert quota["result"] == "met" and quota["label"].endswith(f"mức theo {SOURCE})")
    assert "10 người đạt Chiến sĩ thi đua cơ sở" in quota["detail"]
    journey.all_eligible(tree.commune_office)
    journey.vote(tree.commune_council)
    journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="forward")

    journey.complete(tree.province_office, "check_completeness", {"outcome": "complete"})
    assert _events(journey, "dossier_received")[-1].after["working_days"] == 10  # the province's: national
    journey.all_eligible(tree.province_office)
    journey.vote(tree.province_council[:8]) + journey.vote(tree.province_council[8:], Nguyễn_Thị_Tươi="no")
    province = journey.session.scalars(select(CouncilSession).order_by(CouncilSession.id.desc())).first()
    view = session_view(journey.ctx.as_actor(tree.province_office), province)
    results = view["agenda"][0]["results"]
    assert (results["yes"], results["base"], results["passed"]) == (8, 10, True)  # 80%: nationally 90% fails
    assert view["agenda"][0]["threshold"].endswith(f"(mức theo {SOURCE})")


def _calendar(journey):
    return load_rules(journey.ctx.settings.rules_dir)[1]


def test_without_the_layer_the_same_council_fails_at_eight_of_ten(one_process_journey, tree):
    journey = one_process_journey
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    assert "source" not in _events(journey, "dossier_received")[-1].after
    assert _events(journey, "dossier_received")[-1].after["working_days"] == 10
    journey.all_eligible(tree.commune_office)
    journey.vote(tree.commune_council)
    journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="forward")
    journey.complete(tree.province_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.province_office)
    journey.vote(tree.province_council[:8]) + journey.vote(tree.province_council[8:], Nguyễn_Thị_Tươi="no")
    province = journey.session.scalars(select(CouncilSession).order_by(CouncilSession.id.desc())).first()
    view = session_view(journey.ctx.as_actor(tree.province_office), province)
    assert view["agenda"][0]["results"]["passed"] is False
    assert "mức theo" not in view["agenda"][0]["threshold"]
    [nomination] = journey.dossier.nominations
    assert nomination.outcome_note.endswith("yêu cầu từ 90% trở lên tổng số thành viên hội đồng.")


def test_cstd_tq_is_published_at_the_province_with_the_orders_unless_the_layer_says_otherwise(
        one_process_journey, layered, tree):
    for journey, published in ((one_process_journey, True), (layered, False)):
        journey.submit(("CSTD_TQ", "Nguyễn Thị Tươi"))
        journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
        journey.all_eligible(tree.commune_office)
        journey.vote(tree.commune_council)
        journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="forward")
        journey.complete(tree.province_office, "check_completeness", {"outcome": "complete"})
        before = len(_events(journey, "dossier_published"))
        journey.all_eligible(tree.province_office)
        events = _events(journey, "dossier_published")[before:]
        if published:
            [event] = events
            assert event.after["working_days"] == 10
            assert journey.open_tasks() == []  # waiting for the disclosure period
            assert datetime.fromisoformat(event.after["until"]).date() > journey.dossier.received_on
        else:
            assert events == []
            assert journey.open_tasks() != []  # straight to the council's ballots


def _through_the_commune(journey, tree):
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)
    journey.vote(tree.commune_council)
    journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="forward")
    journey.complete(tree.province_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.province_office)


def test_a_vote_below_the_layers_threshold_is_refused_citing_it(layered, tree):
    journey = layered
    _through_the_commune(journey, tree)
    journey.vote(tree.province_council[:7]) + journey.vote(tree.province_council[7:], Nguyễn_Thị_Tươi="no")
    [nomination] = journey.dossier.nominations
    assert nomination.status == "rejected"
    assert nomination.outcome_note.endswith(
        f"yêu cầu từ 80% trở lên tổng số thành viên hội đồng (mức theo {SOURCE}).")
