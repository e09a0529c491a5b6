"""khenthuong engine: everything that is not HTTP (models, BPMN runtime, operations, audit)."""
