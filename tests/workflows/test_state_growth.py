"""A dossier that loops keeps a flat saved state: what the engine no longer needs of the loops behind
(completed tasks, finished called processes) leaves the state, while the path taken stays whole, warm
and cold (sizes in bytes, never time: speed is measured in bench/)."""
from __future__ import annotations

from sqlalchemy import func, select

from engine.models import ProcessInstance, ProcessStep
from engine.operations.award import queries


def state_size(journey) -> int:
    journey.session.expire_all()
    state = journey.session.scalar(select(ProcessInstance.state)
                                   .where(ProcessInstance.dossier_id == journey.dossier_id))
    return len(state.encode())


def supplement_loop(journey, tree) -> None:
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "supplement", "missing": "Thiếu tờ trình"})
    journey.complete(tree.proposer, "supplement_dossier", {"note": "Đã bổ sung tờ trình"})


def level_path(journey, user) -> list[tuple[str, str | None]]:
    diagram = queries.dossier_diagram(journey.ctx.as_actor(user), journey.dossier_id)
    return [(s.element, s.after) for s in diagram.path if s.process == "level_review"]


LOOP = [("completeness_loop", "supplement_dossier"), ("check_completeness", "completeness_loop"),
        ("completeness_outcome", "check_completeness"), ("request_supplement", "completeness_outcome"),
        ("supplement_dossier", "request_supplement")]


def test_the_saved_state_stays_flat_over_twenty_supplement_loops(journey, tree):
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))
    sizes = {}
    for loop in range(1, 21):
        supplement_loop(journey, tree)
        sizes[loop] = state_size(journey)
    assert sizes[20] <= 1.5 * sizes[2], sizes
    assert journey.session.scalar(select(func.count()).select_from(ProcessStep)) > 0  # the loops behind left

    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    start = [("review_started", None), ("completeness_loop", "review_started"),
             ("check_completeness", "completeness_loop"), ("completeness_outcome", "check_completeness"),
             ("request_supplement", "completeness_outcome"), ("supplement_dossier", "request_supplement")]
    end = [("completeness_loop", "supplement_dossier"), ("check_completeness", "completeness_loop"),
           ("completeness_outcome", "check_completeness"), ("receive", "completeness_outcome")]
    assert level_path(journey, tree.commune_office) == start + LOOP * 19 + end
    assert journey.open_tasks() == [("appraise", tree.commune.id)]


def test_a_dossier_that_looped_climbs_a_level_and_is_decided_with_its_whole_path(journey, tree):
    """The finished level leaves the state with its loops: nine loops at the second level weigh what
    nine loops at the first did."""
    journey.submit(("BK_TINH", "Nguyễn Thị Tươi"))
    for _ in range(9):
        supplement_loop(journey, tree)
    first_level = state_size(journey)
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="forward")
    for _ in range(9):
        journey.complete(tree.province_office, "check_completeness",
                         {"outcome": "supplement", "missing": "Thiếu tờ trình"})
        journey.complete(tree.proposer, "supplement_dossier", {"note": "Đã bổ sung tờ trình"})
    assert state_size(journey) <= 1.5 * first_level
    journey.pass_level(tree.province_office, tree.province_head, Nguyễn_Thị_Tươi="approve")
    assert journey.outcomes() == {"Nguyễn Thị Tươi": "approved"}

    diagram = queries.dossier_diagram(journey.ctx.as_actor(tree.province_office), journey.dossier_id)
    levels = list(dict.fromkeys(s.run for s in diagram.path if s.process == "level_review"))
    assert len(levels) == 2
    for run in levels:
        elements = [(s.element, s.after) for s in diagram.path if s.run == run]
        assert elements[:6] == [("review_started", None), ("completeness_loop", "review_started"),
                                ("check_completeness", "completeness_loop"),
                                ("completeness_outcome", "check_completeness"),
                                ("request_supplement", "completeness_outcome"),
                                ("supplement_dossier", "request_supplement")]
        assert elements[6:6 + 5 * 8] == LOOP * 8
        assert elements[-5:] == [("decide", "anything_to_decide"), ("clerk_numbers", "decide"),
                                 ("numbered", "clerk_numbers"), ("issue_at_level", "numbered"),
                                 ("level_done", "issue_at_level")]
    top = [(s.element, s.after) for s in diagram.path if s.process == "award_dossier"]
    assert top[:4] == [("dossier_submitted", None), ("route", "dossier_submitted"), ("level_loop", "route"),
                       ("review_at_level", "level_loop")]
    assert top.count(("review_at_level", "level_loop")) == 2
