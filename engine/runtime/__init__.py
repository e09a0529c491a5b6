"""The BPMN runtime: the only package that imports SpiffWorkflow."""
from engine.runtime.definitions import Definition, UserTaskSpec
from engine.runtime.host import LiveWorkflow, Runtime, SaveResult

__all__ = ["Definition", "LiveWorkflow", "Runtime", "SaveResult", "UserTaskSpec"]
