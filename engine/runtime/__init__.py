"""The BPMN runtime: the only package that imports SpiffWorkflow."""
from engine.runtime.definitions import Definition, UserTaskSpec
from engine.runtime.host import LiveWorkflow, Runtime, SaveResult
from engine.runtime.inspection import MAIN_RUN, Step

__all__ = ["MAIN_RUN", "Definition", "LiveWorkflow", "Runtime", "SaveResult", "Step", "UserTaskSpec"]
