"""The BPMN ↔ Python contract of task hooks: keyed by the process that defines the task, so a called
process keeps its hooks whoever calls it; checked whenever a runtime loads (a hook naming a task its
process does not have, or a task marked `hook: required` without one, stops the start)."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from engine.config import PROJECT_ROOT
from engine.context import Context
from engine.errors import Conflict, DefinitionError
from engine.operations import hooks, tasks
from engine.operations.processes import start_process
from engine.runtime import Runtime
from engine.runtime.definitions import parse_directory
from tests.engine.helpers import build_world

CALLER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="other_caller_definitions"
  targetNamespace="http://khenthuong.test">
  <bpmn:process id="other_caller" name="Một quy trình khác gọi phiên họp Hội đồng" isExecutable="true">
    <bpmn:startEvent id="begin"><bpmn:outgoing>to_meeting</bpmn:outgoing></bpmn:startEvent>
    <bpmn:callActivity id="meeting" calledElement="council_vote">
      <bpmn:incoming>to_meeting</bpmn:incoming><bpmn:outgoing>to_end</bpmn:outgoing>
    </bpmn:callActivity>
    <bpmn:endEvent id="finish"><bpmn:incoming>to_end</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="to_meeting" sourceRef="begin" targetRef="meeting" />
    <bpmn:sequenceFlow id="to_end" sourceRef="meeting" targetRef="finish" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_every_hook_of_the_product_names_a_user_task_of_its_process_and_every_marked_task_has_one(runtime):
    hooks.check_hooks(runtime.definitions)  # also run by every Runtime as it loads
    processes = {info.process for d in runtime.definitions.values() for info in d.user_tasks.values()}
    for each in hooks.registered_hooks():
        assert each.process_key in processes, each
    marked = {(i.process, i.key) for d in runtime.definitions.values() for i in d.user_tasks.values()
              if i.hook_required}
    assert {("council_vote", "cast_ballot"), ("council_vote", "close_vote"), ("level_review", "decide"),
            ("level_review", "appraise")} <= marked
    assert [hook.name for hook in hooks.hooks_of("council_vote", "cast_ballot")] == [
        "before_complete: engine.operations.council.council_vote.cast_ballot",
        "prefill: engine.operations.council.council_vote.ballot_prefill"]


def test_a_hook_naming_a_task_its_process_does_not_have_stops_the_start(parsed_definitions, settings, monkeypatch):
    monkeypatch.setitem(hooks._before_complete, ("level_review", "apraise"), lambda ctx, task, data: None)
    with pytest.raises(DefinitionError, match=r"level_review\.bpmn.*'apraise'.*test_hooks_contract"):
        Runtime(parsed_definitions, settings)


def test_a_task_marked_as_needing_a_hook_without_one_stops_the_start(parsed_definitions, settings, monkeypatch):
    monkeypatch.delitem(hooks._before_complete, ("council_vote", "close_vote"))
    with pytest.raises(DefinitionError, match=r"council_vote\.bpmn.*'close_vote'.*hook: required"):
        Runtime(parsed_definitions, settings)


def test_the_hook_property_takes_only_required(settings, tmp_path):
    workflows = tmp_path / "processes"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "processes", workflows)
    bpmn = workflows / "sample_review.bpmn"
    marker = '<spiffworkflow:property name="formJsonSchemaFilename" value="sample_review.json" />'
    bpmn.write_text(bpmn.read_text().replace(marker, marker + '<spiffworkflow:property name="hook" value="yes" />'))
    with pytest.raises(DefinitionError, match=r"sample_review\.bpmn.*'review'.*hook"):
        Runtime.load(replace(settings, workflows_dir=workflows))


def test_a_called_process_keeps_its_hooks_whoever_calls_it(settings, session, clock, tmp_path):
    workflows = tmp_path / "processes"
    workflows.mkdir()
    shutil.copy(PROJECT_ROOT / "workflows" / "council_vote.bpmn", workflows)
    (workflows / "other_caller.bpmn").write_text(CALLER, encoding="utf-8")
    runtime = Runtime(parse_directory(workflows, PROJECT_ROOT / "forms"), settings)
    world = build_world(session, settings)
    ctx = Context(session=session, settings=settings, clock=clock, runtime=runtime)
    instance, result = start_process(ctx, "other_caller", {"reviewing_unit": world.commune.id,
                                                           "council_members": [m.id for m in world.members]})
    session.commit()
    ballot = next(t for t in result.opened if t.key == "cast_ballot")
    assert runtime.task_process(session, instance, "cast_ballot") == "council_vote"

    # The ballot hook runs (it finds no council session opened by an award dossier here and refuses),
    # where hooks keyed by the instance's process ("other_caller") would have let the ballot into the data.
    voter = ctx.as_actor(next(m for m in world.members if m.id == ballot.assignee_id))
    with pytest.raises(Conflict, match="Phiên họp Hội đồng đã kết thúc"):
        tasks.complete_task(voter, ballot.id, {"votes": [{"nomination_id": 1, "choice": "yes"}]})
    session.rollback()
