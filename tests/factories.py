"""Small builders for test data; each flushes and returns the object."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.config import Settings
from engine.models import Council, CouncilMember, Nomination, NominationStatus, Role, RoleGrant, Unit, UnitLevel, User
from engine.security import hash_password

PASSWORD = "MatKhau@2026"


def make_unit(session: Session, code: str, *, parent: Unit | None = None, level: str = "commune",
              reviews_awards: bool = True, name: str | None = None, clock_now=None) -> Unit:
    from datetime import UTC, datetime

    unit = Unit(code=code, name=name or f"Đơn vị {code}", level=UnitLevel(level), parent=parent,
                abbreviation="UBND", reviews_awards=reviews_awards, created_at=clock_now or datetime.now(UTC))
    session.add(unit)
    session.flush()
    return unit


def make_user(session: Session, settings: Settings, username: str, *roles: tuple[Role | str, Unit],
              full_name: str | None = None) -> User:
    from datetime import UTC, datetime

    user = User(username=username, full_name=full_name or f"Cán bộ {username}",
                password_hash=hash_password(settings, PASSWORD), active=True, created_at=datetime.now(UTC))
    session.add(user)
    session.flush()
    for role, unit in roles:
        session.add(RoleGrant(user_id=user.id, role=Role(role), unit_id=unit.id))
    session.flush()
    return user


def make_council(session: Session, unit: Unit, chair: User, secretary: User, members: list[User]) -> Council:
    council = Council(unit_id=unit.id, chair_id=chair.id, secretary_id=secretary.id)
    council.members = [CouncilMember(user_id=m.id) for m in members]
    session.add(council)
    session.flush()
    return council


def approved_like(model: Nomination, name: str, position: int, decision_id: int | None) -> Nomination:
    """An approved nomination of another name in `model`'s dossier, award and units, in `decision_id`."""
    return Nomination(dossier_id=model.dossier_id, position=position, award_type=model.award_type,
                      nominee_kind=model.nominee_kind, nominee_name=name, achievements="x",
                      status=NominationStatus.APPROVED, deciding_unit_id=model.deciding_unit_id,
                      decided_by_unit_id=model.decided_by_unit_id, decision_id=decision_id)
