"""The path a dossier took is read from the engine (the elements its workflow completed), warm and cold,
and the pages draw exactly that: the supplement loop, not the shortest way between two audit events."""
from __future__ import annotations

from api.web.bpmn_model import parse
from api.web.process_path import diagram_states
from engine.operations.award import queries
from engine.runtime import MAIN_RUN


def _drawn(journey, user):
    diagram = queries.dossier_diagram(journey.ctx.as_actor(user), journey.dossier_id)
    main = parse(diagram.xml)
    models = {main.process_id: main, **{key: parse(xml, key) for key, xml in diagram.called.items()}}
    return diagram, diagram_states(models, main.process_id, diagram.path, set(diagram.active))


def test_the_supplement_loop_is_drawn_as_the_engine_ran_it(journey, tree):
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "supplement", "missing": "Thiếu tờ trình"})
    journey.complete(tree.proposer, "supplement_dossier", {"note": "Đã bổ sung tờ trình"})
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})

    diagram, states = _drawn(journey, tree.commune_office)
    level = [(s.element, s.after) for s in diagram.path if s.process == "level_review"]
    assert level == [("review_started", None), ("completeness_loop", "review_started"),
                     ("check_completeness", "completeness_loop"), ("completeness_outcome", "check_completeness"),
                     ("request_supplement", "completeness_outcome"), ("supplement_dossier", "request_supplement"),
                     ("completeness_loop", "supplement_dossier"), ("check_completeness", "completeness_loop"),
                     ("completeness_outcome", "check_completeness"), ("receive", "completeness_outcome")]
    drawn = states["level_review"]
    assert {"to_request_supplement", "request_supplement", "to_supplement", "to_recheck", "to_receive"} <= drawn.taken
    assert "to_return" not in drawn.taken and drawn.active == {"appraise"}
    assert drawn.trail == ["check_completeness", "request_supplement", "supplement_dossier", "check_completeness",
                           "receive"]
    assert states["award_dossier"].active == {"review_at_level"}


def test_at_the_second_level_the_first_level_is_behind_and_the_council_of_this_level_is_drawn(journey, tree):
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)
    journey.vote(tree.commune_council)
    journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="forward")

    diagram, states = _drawn(journey, tree.province_office)
    levels = {s.run for s in diagram.path if s.process == "level_review"}
    assert len(levels) == 2 and {s.caller for s in diagram.path if s.process == "level_review"} == {MAIN_RUN}
    top, level = states["award_dossier"], states["level_review"]
    assert {"climb", "to_climb", "to_next_level", "review_at_level"} <= top.taken
    assert level.active == {"check_completeness"} and "decide" not in level.taken
    assert not states["council_vote"].taken  # the commune's council is behind: this level has not voted yet
