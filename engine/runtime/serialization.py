"""Versioned serialization of workflow state, with the spec stored once per definition.

SpiffWorkflow's default converter writes the whole spec into every instance; ours writes only
the instance state and is handed the (cached) spec objects when restoring.
"""
from __future__ import annotations

import json
from copy import deepcopy
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG


class _StateOnlyConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: BpmnProcessSpec | None = None,
                  subprocess_specs: dict[str, BpmnProcessSpec] | None = None) -> BpmnWorkflow:
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class StateSerializer:
    def __init__(self) -> None:
        config = deepcopy(SPIFF_CONFIG)
        config[BpmnWorkflow] = _StateOnlyConverter
        self._serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))
        self.version = self._serializer.VERSION

    def dump_specs(self, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> str:
        registry = self._serializer.registry
        return json.dumps(
            {"spec": registry.convert(spec),
             "subprocess_specs": {k: registry.convert(v) for k, v in subprocess_specs.items()}},
            sort_keys=True, ensure_ascii=False,
        )

    def load_specs(self, text: str) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
        dct = json.loads(text)
        registry = self._serializer.registry
        return registry.restore(dct["spec"]), {k: registry.restore(v) for k, v in dct["subprocess_specs"].items()}

    def plain(self, value: Any) -> Any:
        """`value` exactly as a process that loads it from the database will see it (tuples become
        lists, integer keys strings…), so a workflow kept in memory holds what a cold one would.
        Raises TypeError or ValueError for what cannot be stored at all (a set, an object)."""
        registry = self._serializer.registry
        return registry.restore(json.loads(json.dumps(registry.convert(value), ensure_ascii=False)))

    def dump_state(self, workflow: BpmnWorkflow) -> str:
        return json.dumps(self._serializer.to_dict(workflow), ensure_ascii=False, separators=(",", ":"))

    def load_state(self, text: str, version: str, spec: BpmnProcessSpec,
                   subprocess_specs: dict[str, BpmnProcessSpec]) -> BpmnWorkflow:
        dct = json.loads(text)
        if version != self.version:
            dct[self._serializer.VERSION_KEY] = version
            self._serializer.migrate(dct)
        return self._serializer.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
