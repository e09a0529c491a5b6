"""Shared set-up for runtime tests: a province, a commune under it, and people in every lane."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from engine.clock import FixedClock
from engine.config import Settings
from engine.context import Context
from engine.models import Role, Unit, User
from engine.operations.processes import start_process
from tests.factories import make_council, make_unit, make_user


@dataclass
class World:
    province: Unit
    commune: Unit
    school: Unit
    proposer: User
    office: User
    other_office: User
    head: User
    members: list[User]


def build_world(session: Session, settings: Settings, n_members: int = 3) -> World:
    province = make_unit(session, "T", level="province")
    commune = make_unit(session, "T-X1", parent=province, level="commune")
    school = make_unit(session, "T-X1-TH", parent=commune, level="agency", reviews_awards=False)
    proposer = make_user(session, settings, "truong.denghi", (Role.PROPOSER, school))
    office = make_user(session, settings, "xa.vanphong", (Role.OFFICE, commune))
    other_office = make_user(session, settings, "tinh.vanphong", (Role.OFFICE, province))
    head = make_user(session, settings, "xa.chutich", (Role.HEAD, commune))
    members = [make_user(session, settings, f"xa.hd{i}") for i in range(1, n_members + 1)]
    make_council(session, commune, members[0], members[-1], members)
    session.commit()
    return World(province, commune, school, proposer, office, other_office, head, members)


def start_sample(ctx: Context, world: World, clock: FixedClock, review_days: int = 3) -> int:
    """Start the test process and commit; returns the instance id."""
    instance, _ = start_process(ctx, "sample_review", {
        "proposing_unit": world.school.id,
        "reviewing_unit": world.commune.id,
        "review_due": (clock.now() + timedelta(days=review_days)).isoformat(),
        "members": [m.id for m in world.members],
    })
    ctx.session.commit()
    return instance.id
