"""Importing the org-chart file (units, users and the roles they hold, councils, and the registry's
people and collectives with their history), as the admin upload and `khenthuong import FILE` do:
all-or-nothing, idempotent, one audit event per change.

The file is the truth for what it lists: a unit row describes the whole unit (an omitted
`reviews_awards` is false, an omitted `parent` makes it a root), a user's role grants and a
council's members become exactly the file's lists. What the file does not list is left alone.
A user's password is optional for a user who already exists, and re-hashed only when it differs;
a changed password ends every session the user had open.
A person's awards and initiatives are added when missing (matched by award type and year, and by
title and year) but never removed: the registry is history, also written by decisions, and an
award is cancelled only by revocation.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engine import audit
from engine.context import Context
from engine.models import (
    Awardee,
    Council,
    CouncilMember,
    GrantedAward,
    Initiative,
    Membership,
    RoleGrant,
    Unit,
    User,
)
from engine.operations.access import require_admin
from engine.operations.registry.commands import join_unit
from engine.operations.sessions import revoke_all
from engine.orgchart.validate import CouncilRow, OrgChart, PersonRow, UnitRow, UserRow, read_org_chart
from engine.rules import load_rules
from engine.security import hash_password, verify_password
from engine.text import fold
from engine.vocabulary import AuditAction

COUNTS = (
    "units_created", "units_updated", "users_created", "users_updated",
    "roles_granted", "roles_revoked", "councils_created", "councils_updated",
    "awardees_created", "awardees_updated", "awards_recorded", "awards_updated",
    "initiatives_recorded", "initiatives_updated",
)


@dataclass(frozen=True)
class ImportSummary:
    units_created: int = 0
    units_updated: int = 0
    users_created: int = 0
    users_updated: int = 0
    roles_granted: int = 0
    roles_revoked: int = 0
    councils_created: int = 0
    councils_updated: int = 0
    awardees_created: int = 0
    awardees_updated: int = 0
    awards_recorded: int = 0
    awards_updated: int = 0
    initiatives_recorded: int = 0
    initiatives_updated: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(getattr(self, name) for name in COUNTS)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "changed": self.changed}


def import_org_chart(ctx: Context, source: str, *, filename: str = "<tải lên>",
                     award_types: Collection[str] | None = None) -> ImportSummary:
    """Check the whole file, then bring the database in line with it inside the caller's transaction.

    Raises InvalidInput listing every bad row (key: path such as `units[3].parent`, message starting
    with the line) and writes nothing. Flushes, never commits. Without an actor (the CLI) no
    permission is asked; an acting user must be an admin. `award_types` are the award codes a
    person's award may name (default: every code of every catalogue version); another code is a bad row.
    """
    if ctx.actor is not None:
        require_admin(ctx.session, ctx.actor)
    if award_types is None:

        catalogue, _ = load_rules(ctx.settings.rules_dir)
        award_types = {t.code for version in catalogue.versions for t in version.award_types}
    chart = read_org_chart(ctx.session, source, filename, award_types)
    writer = _Writer(ctx, chart, reason=f"Nhập sơ đồ tổ chức từ tệp {filename}")
    for unit_row in chart.units:
        writer.unit(unit_row)
    for user_row in chart.users:
        writer.user(user_row)
    for council_row in chart.councils:
        writer.council(council_row)
    for person_row in chart.people:
        writer.person(person_row)
    ctx.session.flush()
    return ImportSummary(**writer.counts, warnings=[*chart.warnings, *writer.warnings])


def _unit_state(unit: Unit) -> dict[str, Any]:
    return {
        "name": unit.name,
        "level": unit.level.value,
        "abbreviation": unit.abbreviation,
        "parent": unit.parent.code if unit.parent is not None else None,
        "reviews_awards": unit.reviews_awards,
        "remote_area": unit.remote_area,
    }


def _council_state(council: Council) -> dict[str, Any]:
    return {
        "chair": council.chair.username,
        "secretary": council.secretary.username,
        "members": sorted(member.user.username for member in council.members),
    }


class _Writer:
    """Upserts for a checked file; every row it is given has resolvable references."""

    def __init__(self, ctx: Context, chart: OrgChart, reason: str) -> None:
        self.ctx, self.session, self.reason = ctx, ctx.session, reason
        self.counts = dict.fromkeys(COUNTS, 0)
        self.warnings: list[str] = []
        units = self.session.scalars(select(Unit).where(Unit.code.in_(chart.unit_codes())))
        self.units = {unit.code: unit for unit in units}
        self.users = {
            u.username: u
            for u in self.session.scalars(
                select(User).where(User.username.in_(chart.usernames())).options(selectinload(User.grants))
            )
        }
        unit_ids = [u.id for u in self.units.values()]
        self.councils = {
            c.unit_id: c
            for c in self.session.scalars(
                select(Council).where(Council.unit_id.in_(unit_ids)).options(selectinload(Council.members))
            )
        }
        self.awardees = {
            a.code: a
            for a in self.session.scalars(
                select(Awardee).where(Awardee.code.in_([p.code for p in chart.people]))
                .options(selectinload(Awardee.awards), selectinload(Awardee.initiatives))
            )
        }

    def _record(self, action: AuditAction, entity_type: str, entity_id: int, *, before: Any = None, after: Any = None,
                unit_id: int | None = None) -> None:
        audit.record(self.ctx, action, entity_type, entity_id, before=before, after=after, reason=self.reason,
                     unit_id=unit_id)

    def unit(self, row: UnitRow) -> None:
        assert row.level is not None, "checked by read_org_chart"
        parent = self.units[row.parent] if row.parent else None
        wanted = {"name": row.name, "level": row.level.value, "abbreviation": row.abbreviation,
                  "parent": row.parent, "reviews_awards": row.reviews_awards, "remote_area": row.remote_area}
        unit = self.units.get(row.code)
        if unit is None:
            unit = Unit(code=row.code, name=row.name, level=row.level, abbreviation=row.abbreviation,
                        parent=parent, reviews_awards=row.reviews_awards, remote_area=row.remote_area,
                        created_at=self.ctx.clock.now())
            self.session.add(unit)
            self.session.flush()
            self.units[row.code] = unit
            self._record(AuditAction.UNIT_CREATED, "unit", unit.id, after={"code": row.code, **wanted}, unit_id=unit.id)
            self.counts["units_created"] += 1
            return
        current = _unit_state(unit)
        changed = [key for key in wanted if wanted[key] != current[key]]
        if not changed:
            return
        unit.name, unit.level, unit.abbreviation = row.name, row.level, row.abbreviation
        unit.parent, unit.reviews_awards, unit.remote_area = parent, row.reviews_awards, row.remote_area
        self.session.flush()
        self._record(AuditAction.UNIT_UPDATED, "unit", unit.id, unit_id=unit.id,
                     before={"code": row.code, **{key: current[key] for key in changed}},
                     after={"code": row.code, **{key: wanted[key] for key in changed}})
        self.counts["units_updated"] += 1

    def user(self, row: UserRow) -> None:
        settings = self.ctx.settings
        user = self.users.get(row.username)
        if user is None:
            assert row.password is not None, "checked by read_org_chart"
            user = User(username=row.username, full_name=row.full_name, active=True,
                        password_hash=hash_password(settings, row.password), created_at=self.ctx.clock.now())
            self.session.add(user)
            self.session.flush()
            self.users[row.username] = user
            self._record(AuditAction.USER_CREATED, "user", user.id,
                         after={"username": row.username, "full_name": row.full_name, "active": True})
            self.counts["users_created"] += 1
        else:
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            if user.full_name != row.full_name:
                before["full_name"], after["full_name"] = user.full_name, row.full_name
                user.full_name = row.full_name
            if row.password is not None and not verify_password(settings, user.password_hash, row.password):
                # Only the fact of the change is recorded, never a password or a hash.
                user.password_hash = hash_password(settings, row.password)
                after["password_changed"] = True
                if ended := revoke_all(self.ctx, user):
                    after["sessions_ended"] = ended
            if after:
                self.session.flush()
                self._record(AuditAction.USER_UPDATED, "user", user.id, before={"username": row.username, **before},
                             after={"username": row.username, **after})
                self.counts["users_updated"] += 1
        self._grants(user, row)

    def _grants(self, user: User, row: UserRow) -> None:
        wanted = {(grant.role, self.units[grant.unit].id): grant.unit for grant in row.roles if grant.role}
        for grant in list(user.grants):
            if (grant.role, grant.unit_id) in wanted:
                continue
            grant_id, unit_id = grant.id, grant.unit_id
            state = {"username": user.username, "role": grant.role.value, "unit": grant.unit.code}
            user.grants.remove(grant)
            self.session.flush()
            self._record(AuditAction.ROLE_REVOKED, "role_grant", grant_id, before=state, unit_id=unit_id)
            self.counts["roles_revoked"] += 1
        held = {(grant.role, grant.unit_id) for grant in user.grants}
        for (role, unit_id), unit_code in wanted.items():
            if (role, unit_id) in held:
                continue
            new = RoleGrant(role=role, unit_id=unit_id)
            user.grants.append(new)
            self.session.flush()
            self._record(AuditAction.ROLE_GRANTED, "role_grant", new.id, unit_id=unit_id,
                         after={"username": user.username, "role": role.value, "unit": unit_code})
            self.counts["roles_granted"] += 1

    def council(self, row: CouncilRow) -> None:
        unit, chair, secretary = self.units[row.unit], self.users[row.chair], self.users[row.secretary]
        member_ids = [self.users[name].id for _, _, name in row.members]
        wanted = {"chair": row.chair, "secretary": row.secretary,
                  "members": sorted(name for _, _, name in row.members)}
        council = self.councils.get(unit.id)
        if council is None:
            council = Council(unit_id=unit.id, chair=chair, secretary=secretary,
                              members=[CouncilMember(user_id=user_id) for user_id in member_ids])
            self.session.add(council)
            self.session.flush()
            self.councils[unit.id] = council
            self._record(AuditAction.COUNCIL_CREATED, "council", council.id, after={"unit": row.unit, **wanted},
                         unit_id=unit.id)
            self.counts["councils_created"] += 1
            return
        current = _council_state(council)
        changed = [key for key in wanted if wanted[key] != current[key]]
        if not changed:
            return
        council.chair, council.secretary = chair, secretary
        for member in list(council.members):
            if member.user_id not in member_ids:
                council.members.remove(member)
        present = {member.user_id for member in council.members}
        council.members.extend(CouncilMember(user_id=uid) for uid in member_ids if uid not in present)
        self.session.flush()
        self._record(AuditAction.COUNCIL_UPDATED, "council", council.id, unit_id=unit.id,
                     before={"unit": row.unit, **{key: current[key] for key in changed}},
                     after={"unit": row.unit, **{key: wanted[key] for key in changed}})
        self.counts["councils_updated"] += 1

    def person(self, row: PersonRow) -> None:
        unit = self.units[row.unit]
        wanted = {"name": row.name, "kind": row.kind.value, "position": row.position, "unit": row.unit}
        awardee = self.awardees.get(row.code)
        if awardee is None:
            awardee = Awardee(code=row.code, kind=row.kind, name=row.name, name_folded=fold(row.name),
                              position=row.position, unit_id=unit.id, created_at=self.ctx.clock.now())
            self.session.add(awardee)
            self.session.flush()
            self.session.add(Membership(awardee_id=awardee.id, unit_id=unit.id, position=row.position,
                                        created_at=self.ctx.clock.now()))
            self.awardees[row.code] = awardee
            self._record(AuditAction.AWARDEE_CREATED, "awardee", awardee.id, after={"code": row.code, **wanted},
                         unit_id=unit.id)
            self.counts["awardees_created"] += 1
        else:
            current = self._awardee_state(awardee)
            changed = [key for key in wanted if wanted[key] != current[key]]
            if "unit" in changed:
                join_unit(self.ctx, awardee, unit.id, None, row.position)  # moved: the history follows
            if changed:
                awardee.name, awardee.name_folded, awardee.kind = row.name, fold(row.name), row.kind
                awardee.position, awardee.unit_id = row.position, unit.id
                self.session.flush()
                self._record(AuditAction.AWARDEE_UPDATED, "awardee", awardee.id, unit_id=unit.id,
                             before={"code": row.code, **{key: current[key] for key in changed}},
                             after={"code": row.code, **{key: wanted[key] for key in changed}})
                self.counts["awardees_updated"] += 1
        self._awards(awardee, row)
        self._initiatives(awardee, row)

    def _awardee_state(self, awardee: Awardee) -> dict[str, Any]:
        unit = self.session.get(Unit, awardee.unit_id) if awardee.unit_id is not None else None
        return {"name": awardee.name, "kind": awardee.kind.value, "position": awardee.position,
                "unit": unit.code if unit is not None else None}

    def _history(self, action: AuditAction, entity_type: str, entity: GrantedAward | Initiative, unit_id: int | None,
                 *, before: Any = None, after: Any = None) -> None:
        """Flush and record an award or initiative added (`…_recorded`) or amended (`…_updated`), and count it."""
        self.session.flush()
        self._record(action, entity_type, entity.id, unit_id=unit_id, before=before, after=after)
        subject, verb = action.split("_", 1)
        self.counts[f"{subject}s_{verb}"] += 1

    def _awards(self, awardee: Awardee, row: PersonRow) -> None:
        held: dict[tuple[str, int], GrantedAward] = {}
        for existing in awardee.awards:
            held.setdefault((existing.award_type, existing.year), existing)
        for item in row.awards:
            assert item.year is not None, "checked by read_org_chart"
            about = {"awardee": row.code, "award_type": item.award_type, "year": item.year}
            award = held.get((item.award_type, item.year))
            if award is None:
                award = GrantedAward(award_type=item.award_type, year=item.year, dossier_kind=item.kind,
                                     created_at=self.ctx.clock.now())
                awardee.awards.append(award)
                held[(item.award_type, item.year)] = award
                self._history(AuditAction.AWARD_RECORDED, "granted_award", award, awardee.unit_id,
                              after={**about, "kind": item.kind.value})
            elif award.dossier_kind != item.kind and award.decision_id is not None:
                self.warnings.append(f"{item.award_type} năm {item.year} của '{row.code}' đã được ghi theo quyết "
                                     "định khen thưởng; kiểu khen thưởng không được sửa từ tệp.")
            elif award.dossier_kind != item.kind:
                before, award.dossier_kind = award.dossier_kind, item.kind
                self._history(AuditAction.AWARD_UPDATED, "granted_award", award, awardee.unit_id,
                              before={**about, "kind": before}, after={**about, "kind": item.kind.value})

    def _initiatives(self, awardee: Awardee, row: PersonRow) -> None:
        held = {(i.title, i.year): i for i in awardee.initiatives}
        for item in row.initiatives:
            assert item.year is not None and item.level is not None, "checked by read_org_chart"
            about = {"awardee": row.code, "title": item.title, "year": item.year}
            initiative = held.get((item.title, item.year))
            if initiative is None:
                initiative = Initiative(title=item.title, level=item.level, year=item.year,
                                        created_at=self.ctx.clock.now())
                awardee.initiatives.append(initiative)
                held[(item.title, item.year)] = initiative
                self._history(AuditAction.INITIATIVE_RECORDED, "initiative", initiative, awardee.unit_id,
                              after={**about, "level": item.level.value})
            elif initiative.level != item.level:
                before, initiative.level = initiative.level, item.level
                self._history(AuditAction.INITIATIVE_UPDATED, "initiative", initiative, awardee.unit_id,
                              before={**about, "level": before}, after={**about, "level": item.level.value})
