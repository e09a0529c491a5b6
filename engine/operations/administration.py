"""Administration without the org-chart file: users (add, edit, deactivate, re-activate, reset a
password the user must change at the next log-in), role grants, and a council's composition changed
(kiện toàn) from the day it takes effect, its history kept. Every change is audited; nothing commits.

A council's current rows (`council`, `council_member`) are the composition in force; a change dated in
the future waits in `council_change` and is applied by `apply_due_council_changes`, which runs before a
council session is opened (so a session opened on or after the day uses the new composition, one
opened before it the old) and in the daily worker job.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from engine import audit
from engine.clock import local_today
from engine.context import Context
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import AuditAction, AuthSession, Council, CouncilChange, CouncilMember, Role, RoleGrant, Unit, User
from engine.operations.access import require_actor, require_admin
from engine.operations.inputs import Faults, day
from engine.operations.sessions import revoke_all
from engine.security import hash_password, verify_password

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
USERNAME = re.compile(r"[A-Za-z0-9._-]{2,80}")
EMAIL = re.compile(r"[^@\s]{1,100}@[^@\s]+\.[^@\s]+")
# Council membership is given by the council's composition, never granted as a role.
NOT_GRANTED = frozenset({Role.COUNCIL, Role.COUNCIL_CHAIR})


# ---- users -----------------------------------------------------------------------------------------

def _password(value: str, field: str = "password") -> str:
    if len(value) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.",
                           {field: f"Ít nhất {MIN_PASSWORD_LENGTH} ký tự."})
    if len(value) > MAX_PASSWORD_LENGTH:
        raise InvalidInput("Mật khẩu quá dài.", {field: f"Tối đa {MAX_PASSWORD_LENGTH} ký tự."})
    return value


def _full_name(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise InvalidInput("Chưa nhập họ tên.", {"full_name": "Bắt buộc."})
    if len(value) > 200:
        raise InvalidInput("Họ tên quá dài.", {"full_name": "Tối đa 200 ký tự."})
    return value


def _email(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > 200 or not EMAIL.fullmatch(value):
        raise InvalidInput("Địa chỉ thư điện tử không hợp lệ.", {"email": "Dạng ten@donvi.gov.vn."})
    return value


def user_by_id(ctx: Context, user_id: int) -> User:
    user = ctx.session.get(User, user_id)
    if user is None:
        raise NotFound("Không có người dùng này.")
    return user


def list_users(ctx: Context) -> list[User]:
    require_admin(ctx.session, ctx.actor)
    return list(ctx.session.scalars(
        select(User).options(selectinload(User.grants).selectinload(RoleGrant.unit)).order_by(User.username)))


def create_user(ctx: Context, username: str, full_name: str, password: str, email: str | None = None) -> User:
    """A new active user who must choose their own password at the first log-in."""
    require_admin(ctx.session, ctx.actor)
    username = username.strip()
    if not USERNAME.fullmatch(username):
        raise InvalidInput("Tên đăng nhập không hợp lệ.",
                           {"username": "2–80 ký tự: chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới."})
    if ctx.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise InvalidInput(f"Tên đăng nhập '{username}' đã có.", {"username": "Đã có người dùng này."})
    user = User(username=username, full_name=_full_name(full_name), email=_email(email), active=True,
                password_hash=hash_password(ctx.settings, _password(password)), must_change_password=True,
                mail_unsubscribed=[], created_at=ctx.clock.now())
    ctx.session.add(user)
    ctx.session.flush()
    audit.record(ctx, AuditAction.USER_CREATED, "user", user.id,
                 after={"username": user.username, "full_name": user.full_name, "email": user.email})
    return user


def update_user(ctx: Context, user_id: int, full_name: str, email: str | None) -> User:
    require_admin(ctx.session, ctx.actor)
    user = user_by_id(ctx, user_id)
    before = {"full_name": user.full_name, "email": user.email}
    user.full_name, user.email = _full_name(full_name), _email(email)
    after = {"full_name": user.full_name, "email": user.email}
    if after != before:
        audit.record(ctx, AuditAction.USER_UPDATED, "user", user.id, before=before,
                     after={"username": user.username, **after})
    return user


def set_user_active(ctx: Context, user_id: int, active: bool) -> int:
    """Deactivate (every session ends) or re-activate; the sessions ended. One cannot lock oneself out."""
    admin = require_admin(ctx.session, ctx.actor)
    user = user_by_id(ctx, user_id)
    if admin.id == user.id and not active:
        raise Conflict("Không thể tự khoá tài khoản của chính mình.")
    if user.active == active:
        return 0
    user.active = active
    ended = revoke_all(ctx, user) if not active else 0
    action = AuditAction.USER_ACTIVATED if active else AuditAction.USER_DEACTIVATED
    audit.record(ctx, action, "user", user.id, before={"username": user.username, "active": not active},
                 after={"username": user.username, "active": active, "sessions_ended": ended})
    return ended


def reset_password(ctx: Context, user_id: int, new_password: str) -> int:
    """A temporary password the user must change at the next log-in; every session of theirs ends.
    Only the fact is recorded, never a password or a hash."""
    require_admin(ctx.session, ctx.actor)
    user = user_by_id(ctx, user_id)
    user.password_hash = hash_password(ctx.settings, _password(new_password))
    user.must_change_password = True
    ended = revoke_all(ctx, user)
    audit.record(ctx, AuditAction.PASSWORD_RESET, "user", user.id,
                 after={"username": user.username, "must_change_password": True, "sessions_ended": ended})
    return ended


def change_own_password(ctx: Context, current: str, new: str, keep_session_id: int | None) -> None:
    """The caller's own password; the other sessions end, the one making the change stays open."""
    user = require_actor(ctx.actor)
    _password(new, "new_password")  # the cheap checks first: verifying costs a hash
    if new == current:
        raise InvalidInput("Mật khẩu mới phải khác mật khẩu hiện tại.", {"new_password": "Trùng mật khẩu cũ."})
    if not verify_password(ctx.settings, user.password_hash, current):
        raise InvalidInput("Mật khẩu hiện tại không đúng.", {"current_password": "Không đúng."})
    user.password_hash = hash_password(ctx.settings, new)
    user.must_change_password = False
    ended = len(ctx.session.execute(
        update(AuthSession).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None),
                                  AuthSession.id != (keep_session_id or 0))
        .values(revoked_at=ctx.clock.now()).returning(AuthSession.id)).all())
    audit.record(ctx, AuditAction.PASSWORD_CHANGED, "user", user.id,
                 after={"username": user.username, "other_sessions_ended": ended})


# ---- roles -----------------------------------------------------------------------------------------

def grant_role(ctx: Context, user_id: int, role: str, unit_id: int) -> RoleGrant:
    require_admin(ctx.session, ctx.actor)
    user = user_by_id(ctx, user_id)
    try:
        held = Role(role)
    except ValueError:
        raise InvalidInput("Vai trò không hợp lệ.", {"role": "Chọn một vai trò trong danh sách."}) from None
    if held in NOT_GRANTED:
        raise InvalidInput("Thành viên Hội đồng được xác định bằng thành phần Hội đồng (kiện toàn), "
                           "không giao như vai trò.",
                           {"role": "Dùng mục kiện toàn Hội đồng."})
    unit = ctx.session.get(Unit, unit_id)
    if unit is None:
        raise InvalidInput("Không có đơn vị này.", {"unit_id": "Chọn một đơn vị trong danh sách."})
    existing = ctx.session.scalar(select(RoleGrant).where(
        RoleGrant.user_id == user.id, RoleGrant.role == held, RoleGrant.unit_id == unit.id))
    if existing is not None:
        return existing
    grant = RoleGrant(user_id=user.id, role=held, unit_id=unit.id)
    ctx.session.add(grant)
    ctx.session.flush()
    audit.record(ctx, AuditAction.ROLE_GRANTED, "user", user.id, unit_id=unit.id,
                 after={"username": user.username, "role": held.value, "unit": unit.code})
    return grant


def withdraw_role(ctx: Context, user_id: int, grant_id: int) -> None:
    admin = require_admin(ctx.session, ctx.actor)
    grant = ctx.session.get(RoleGrant, grant_id)
    if grant is None or grant.user_id != user_id:
        raise NotFound("Không có vai trò này.")
    if grant.role == Role.ADMIN and grant.user_id == admin.id:
        raise Conflict("Không thể tự thu hồi vai trò quản trị của chính mình.")
    audit.record(ctx, AuditAction.ROLE_REVOKED, "user", grant.user_id, unit_id=grant.unit_id,
                 before={"username": grant.user.username, "role": grant.role.value, "unit": grant.unit.code})
    ctx.session.delete(grant)
    ctx.session.flush()


# ---- councils --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Composition:
    chair_id: int
    secretary_id: int
    members: list[int]

    def as_dict(self) -> dict[str, Any]:
        return {"chair": self.chair_id, "secretary": self.secretary_id, "members": sorted(self.members)}


def composition_of(council: Council) -> Composition:
    return Composition(council.chair_id, council.secretary_id, sorted(m.user_id for m in council.members))


def council_by_id(ctx: Context, council_id: int) -> Council:
    council = ctx.session.get(Council, council_id)
    if council is None:
        raise NotFound("Không có Hội đồng này.")
    return council


def list_councils(ctx: Context) -> list[Council]:
    require_admin(ctx.session, ctx.actor)
    return list(ctx.session.scalars(select(Council).join(Unit, Unit.id == Council.unit_id).order_by(Unit.code)))


def council_history(ctx: Context, council_id: int) -> list[CouncilChange]:
    """The council's recorded changes, the latest effective first."""
    return list(ctx.session.scalars(select(CouncilChange).where(CouncilChange.council_id == council_id)
                                    .order_by(CouncilChange.effective_on.desc(), CouncilChange.id.desc())))


def effective_day(value: object) -> date:
    """The day a change takes effect, as typed (dd/mm/yyyy or YYYY-MM-DD) or a date."""
    faults = Faults()
    parsed = day(value, "effective_on", faults, required=True)
    faults.refuse("Ngày có hiệu lực không hợp lệ.")
    assert parsed is not None
    return parsed


def record_council_change(ctx: Context, council_id: int, *, effective_on: date | str, chair_id: int,
                          secretary_id: int, member_ids: list[int], reference: str | None = None,
                          note: str | None = None) -> CouncilChange:
    """Kiện toàn: the council's new composition from `effective_on` (today or another day, past or future).
    Applied at once when the day has come; otherwise by `apply_due_council_changes` on that day."""
    admin = require_admin(ctx.session, ctx.actor)
    council = council_by_id(ctx, council_id)
    effective_on = effective_day(effective_on)
    members = sorted(set(member_ids) | {chair_id, secretary_id})
    if chair_id == secretary_id:
        raise InvalidInput("Chủ tịch và Thư ký Hội đồng phải là hai người khác nhau.",
                           {"secretary_id": "Khác Chủ tịch Hội đồng."})
    found = set(ctx.session.scalars(select(User.id).where(User.id.in_(members), User.active.is_(True))))
    missing = [uid for uid in members if uid not in found]
    if missing:
        field = ("chair_id" if chair_id in missing else "secretary_id" if secretary_id in missing else "member_ids")
        raise InvalidInput("Thành viên Hội đồng phải là người dùng đang hoạt động.", {field: "Không có hoặc đã khoá."})
    if len(members) < 3:
        raise InvalidInput("Hội đồng cần ít nhất ba thành viên.", {"member_ids": "Chọn ít nhất ba người."})
    reference = " ".join((reference or "").split())[:120] or None
    change = CouncilChange(council_id=council.id, effective_on=effective_on, reference=reference,
                           chair_id=chair_id, secretary_id=secretary_id, members=members,
                           before=composition_of(council).as_dict(), note=(note or "").strip()[:2000] or None,
                           recorded_by_id=admin.id, recorded_at=ctx.clock.now())
    ctx.session.add(change)
    ctx.session.flush()
    audit.record(ctx, AuditAction.COUNCIL_CHANGE_RECORDED, "council", council.id, unit_id=council.unit_id,
                 before=change.before, after={"effective_on": effective_on.isoformat(), "reference": reference,
                                              "chair": chair_id, "secretary": secretary_id, "members": members})
    apply_due_council_changes(ctx, council.id)
    return change


def apply_due_council_changes(ctx: Context, council_id: int | None = None) -> int:
    """Make the changes whose day has come the councils' current composition, in the order of their
    dates; how many were applied. Idempotent."""
    today = local_today(ctx.clock)
    stmt = (select(CouncilChange).where(CouncilChange.applied_at.is_(None), CouncilChange.effective_on <= today)
            .order_by(CouncilChange.effective_on, CouncilChange.id))
    if council_id is not None:
        stmt = stmt.where(CouncilChange.council_id == council_id)
    applied = 0
    for change in ctx.session.scalars(stmt).all():
        council = council_by_id(ctx, change.council_id)
        before = composition_of(council).as_dict()
        council.chair_id, council.secretary_id = change.chair_id, change.secretary_id
        wanted = set(change.members)
        for member in list(council.members):
            if member.user_id not in wanted:
                council.members.remove(member)
        present = {m.user_id for m in council.members}
        council.members.extend(CouncilMember(user_id=uid) for uid in sorted(wanted - present))
        change.applied_at = ctx.clock.now()
        ctx.session.flush()
        audit.record(ctx, AuditAction.COUNCIL_CHANGE_APPLIED, "council", council.id, unit_id=council.unit_id,
                     before=before, after={**composition_of(council).as_dict(), "change": change.id,
                                           "effective_on": change.effective_on.isoformat()})
        applied += 1
    return applied

