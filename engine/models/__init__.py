"""ORM models, one module per aggregate. Importing this package registers every table."""
from engine.models.audit import AuditEvent
from engine.models.auth import LoginFailure
from engine.models.dossier import (
    Attachment,
    AttachmentKind,
    Decision,
    DecisionCounter,
    DecisionStatus,
    Dossier,
    DossierKind,
    DossierStatus,
    Nomination,
    NominationStatus,
    Notification,
)
from engine.models.org import Council, CouncilMember, Role, RoleGrant, Unit, UnitLevel, User
from engine.models.registry import Awardee, AwardeeKind, GrantedAward, Initiative
from engine.models.workflow import (
    HumanTask,
    HumanTaskState,
    InstanceStatus,
    ProcessDefinition,
    ProcessInstance,
    Timer,
)

__all__ = [
    "Attachment",
    "AttachmentKind",
    "Awardee",
    "AwardeeKind",
    "Decision",
    "DecisionCounter",
    "DecisionStatus",
    "Dossier",
    "DossierKind",
    "DossierStatus",
    "GrantedAward",
    "Initiative",
    "Nomination",
    "NominationStatus",
    "Notification",
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
