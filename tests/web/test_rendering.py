"""The pure parts of the pages: the BPMN diagram drawn from its own layout with the path taken and
the current step, and task forms read back from posted fields."""
from __future__ import annotations

from lxml import etree
from werkzeug.datastructures import MultiDict

from api.web.bpmn_model import parse
from api.web.diagram_svg import render_svg, wrap
from api.web.process_path import diagram_states
from api.web.schema_form import build_fields, read_form
from engine.config import PROJECT_ROOT
from engine.runtime import MAIN_RUN, Step

LEVEL = (PROJECT_ROOT / "workflows" / "level_review.bpmn").read_text(encoding="utf-8")
AWARD = (PROJECT_ROOT / "workflows" / "award_dossier.bpmn").read_text(encoding="utf-8")


def _models():
    return {"award_dossier": parse(AWARD), "level_review": parse(LEVEL, "level_review")}


def test_the_diagram_is_drawn_from_the_file_s_own_layout():
    svg = render_svg(LEVEL, active={"appraise"}, taken={"check_completeness", "to_check"})
    root = etree.fromstring(svg.encode())
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("role") == "img"
    nodes = {g.get("data-id"): g.get("class") for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("data-id")}
    assert nodes["appraise"] == "node userTask active" and nodes["check_completeness"] == "node userTask taken"
    assert nodes["decide"] == "node userTask " and "Thẩm định hồ sơ" in svg
    assert "Đang ở bước: Thẩm định hồ sơ." in svg


def test_text_is_escaped_and_wrapped():
    assert wrap("Kiểm tra tính đầy đủ của hồ sơ", 88) == ["Kiểm tra tính", "đầy đủ của hồ", "sơ"]
    hostile = AWARD.replace('name="Hồ sơ được nộp"', 'name="&lt;script&gt;alert(1)&lt;/script&gt;"')
    svg = render_svg(hostile)
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def _chain(process: str, run: str, caller: str | None, *elements: str) -> list[Step]:
    """Steps as Runtime.path_taken gives them: each element after the one before it."""
    return [Step(process, run, caller, element, elements[i - 1] if i else None) for i, element in enumerate(elements)]


FIRST_LEVEL = _chain("level_review", "level-1", MAIN_RUN, "review_started", "completeness_loop", "check_completeness",
                     "completeness_outcome", "receive", "appraise", "plan_disclosure", "disclosure_needed",
                     "to_decision", "council_needed", "after_council", "anything_to_decide", "decide", "clerk_numbers",
                     "numbered", "issue_at_level", "level_done")


def test_the_path_is_what_the_engine_completed_and_the_flows_between_them():
    steps = _chain("award_dossier", MAIN_RUN, None, "dossier_submitted", "route", "level_loop") + FIRST_LEVEL[:4]
    state = diagram_states(_models(), "award_dossier", steps, {"appraise"})["level_review"]
    assert {"check_completeness", "completeness_outcome", "to_check", "to_completeness_outcome"} <= state.taken
    assert "to_receive" not in state.taken and "request_supplement" not in state.taken  # not inferred
    assert state.active == {"appraise"} and state.trail == ["check_completeness"]


def test_a_second_level_loops_the_main_process_and_draws_only_the_level_under_review():
    main = _chain("award_dossier", MAIN_RUN, None, "dossier_submitted", "route", "level_loop")
    again = [Step("award_dossier", MAIN_RUN, None, "review_at_level", "level_loop"),
             *_chain("award_dossier", MAIN_RUN, None, "review_at_level", "forward_left", "climb", "level_loop")[1:]]
    second = _chain("level_review", "level-2", MAIN_RUN, "review_started", "completeness_loop")
    states = diagram_states(_models(), "award_dossier", main + FIRST_LEVEL + again + second, {"check_completeness"})
    top, level = states["award_dossier"], states["level_review"]
    assert {"route", "climb", "to_climb", "to_next_level", "review_at_level"} <= top.taken
    assert top.active == {"review_at_level"}
    assert {"review_started", "to_completeness_loop", "completeness_loop"} <= level.taken
    assert "decide" not in level.taken and "check_completeness" not in level.taken  # the first level is not drawn
    assert level.active == {"check_completeness"}


def test_a_finished_process_is_drawn_to_its_end():
    main = _chain("award_dossier", MAIN_RUN, None, "dossier_submitted", "route", "level_loop", "review_at_level",
                  "forward_left", "issue_decisions", "notify_result", "dossier_decided")
    states = diagram_states(_models(), "award_dossier", main + FIRST_LEVEL, set())
    assert {"issue_decisions", "to_notify", "notify_result", "dossier_decided"} <= states["award_dossier"].taken
    level = states["level_review"].taken
    assert {"decide", "to_app_register", "issue_at_level", "to_level_done", "level_done"} <= level
    assert states["level_review"].trail[-1] == "issue_at_level"  # the level ends issuing its decision


SCHEMA = {"type": "object", "required": ["nominations"], "properties": {
    "nominations": {"type": "array", "items": {"type": "object", "required": ["id", "action"], "properties": {
        "id": {"type": "integer"}, "action": {"type": "string", "enum": ["approve", "reject", "forward"],
                                              "x-labels": {"approve": "Khen thưởng", "forward": "Trình cấp trên"}},
        "eligible": {"type": "boolean", "title": "Đủ điều kiện"},
        "note": {"type": "string", "maxLength": 4000}, "nominee": {"type": "string", "readOnly": True},
        "allowed": {"type": "array", "readOnly": True}}}},
    "count": {"type": "integer", "title": "Số lượng"}}}


def test_posted_fields_become_the_form_s_data_in_its_types():
    form = MultiDict({"nominations": "", "nominations[0].id": "7", "nominations[0].action": "approve",
                      "nominations[0].eligible": "false", "nominations[0].note": "  ", "nominations[0].nominee": "x",
                      "nominations[1].id": "8", "nominations[1].action": "forward", "count": "ba"})
    assert read_form(SCHEMA, form) == {"nominations": [{"id": 7, "action": "approve", "eligible": False},
                                                       {"id": 8, "action": "forward"}], "count": "ba"}


def test_an_item_s_allowed_actions_narrow_its_choices_and_errors_land_on_their_fields():
    values = {"nominations": [{"id": 7, "nominee": "Phạm Văn An", "allowed": ["forward", "reject"]}]}
    [listing, count] = build_fields(SCHEMA, values, {"nominations[0].action": "Chọn một.", "count": "Sai."}, values)
    item = listing.children[0]
    assert [o[0] for o in item.child("action").options] == ["reject", "forward"]
    assert item.child("action").options[1][1] == "Trình cấp trên"
    assert item.child("id").kind == "hidden" and item.child("nominee").kind == "display"
    assert item.child("allowed").kind == "omit" and item.child("note").kind == "textarea"
    assert item.child("action").error == "Chọn một." and count.error == "Sai." and count.kind == "number"


SUB = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="d">
  <bpmn:process id="p" name="Quy trình" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f" sourceRef="start" targetRef="end" />
    <bpmn:subProcess id="on_freeze" name="Khi có khiếu nại" triggeredByEvent="true">
      <bpmn:startEvent id="inner_start"><bpmn:messageEventDefinition /></bpmn:startEvent>
      <bpmn:scriptTask id="freeze" name="Tạm dừng" />
      <bpmn:sequenceFlow id="g" sourceRef="inner_start" targetRef="freeze" />
    </bpmn:subProcess>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="dd"><bpmndi:BPMNPlane id="pl" bpmnElement="p">
    <bpmndi:BPMNShape id="s1" bpmnElement="start"><dc:Bounds x="0" y="0" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s2" bpmnElement="end"><dc:Bounds x="100" y="0" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="e1" bpmnElement="f"><di:waypoint x="36" y="18" /><di:waypoint x="100" y="18" />
    </bpmndi:BPMNEdge>
    <bpmndi:BPMNShape id="s3" bpmnElement="on_freeze" isExpanded="true">
      <dc:Bounds x="0" y="100" width="300" height="120" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s4" bpmnElement="inner_start"><dc:Bounds x="20" y="140" width="36" height="36" />
    </bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s5" bpmnElement="freeze"><dc:Bounds x="100" y="120" width="100" height="80" />
    </bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>"""


def test_an_event_sub_process_is_drawn_as_a_dashed_frame_around_its_content():
    model = parse(SUB)
    assert model.starts() == ["start"] and model.nodes["freeze"].parent == "on_freeze"
    svg = render_svg(SUB, taken={"start", "f"}, active={"end"})
    assert 'stroke-dasharray="6 4"' in svg and "Khi có khiếu nại" in svg and "Tạm dừng" in svg
    assert svg.index('data-id="on_freeze"') < svg.index('data-id="freeze"')  # the frame first, its content over it
