"""ORM models, one module per aggregate. Importing this package registers every table."""
from engine.models.audit import AuditEvent
from engine.models.auth import LoginFailure
from engine.models.org import Council, CouncilMember, Role, RoleGrant, Unit, UnitLevel, User
from engine.models.workflow import (
    HumanTask,
    HumanTaskState,
    InstanceStatus,
    ProcessDefinition,
    ProcessInstance,
    Timer,
)

__all__ = [
    "AuditEvent",
    "Council",
    "CouncilMember",
    "HumanTask",
    "HumanTaskState",
    "InstanceStatus",
    "LoginFailure",
    "ProcessDefinition",
    "ProcessInstance",
    "Role",
    "RoleGrant",
    "Timer",
    "Unit",
    "UnitLevel",
    "User",
]
