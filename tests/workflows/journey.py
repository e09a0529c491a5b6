"""A reviewing tree and a driver that walks award dossiers through the real BPMN files, committing
every step. Between steps (`reload`), the same process goes on (warm) or a new one takes over with
nothing but the database (cold): tests taking the `journey` fixture run in both modes.

Before completing a task the driver checks its pre-filled data as GET /tasks/{id} shows it: posted
back with only the required fields the user must still fill, it must pass the task's form
(`validate_form_data`, the first check of POST /tasks/{id}/complete); the tasks checked are
recorded so that tests/workflows/test_prefill_coverage.py can require every user task to have been met."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.context import Context
from engine.models import (
    Dossier,
    DossierKind,
    DossierStatus,
    HumanTask,
    HumanTaskState,
    Nomination,
    NominationStatus,
    Notification,
    Role,
    Unit,
    User,
)
from engine.operations import tasks
from engine.operations.forms import validate_form_data
from engine.operations.hooks import prefilled
from engine.operations.processes import start_process
from engine.operations.timers import fire_next_due
from engine.text import fold
from tests.factories import make_council, make_unit, make_user


@dataclass
class Tree:
    province: Unit
    commune: Unit
    school: Unit
    proposer: User
    commune_office: User
    commune_head: User
    province_office: User
    province_head: User
    province_proposer: User
    commune_council: list[User]
    province_council: list[User]
    commune_complaints: User
    province_complaints: User


def build_tree(session, settings) -> Tree:
    province = make_unit(session, "HBX", level="province", name="UBND tỉnh Hòa Bình Xanh")
    commune = make_unit(session, "HBX-X01", parent=province, level="commune", name="UBND xã Bình Minh")
    school = make_unit(session, "HBX-X01-THCS", parent=commune, level="agency", reviews_awards=False,
                       name="Trường THCS Bình Minh")
    tree = Tree(
        province, commune, school,
        proposer=make_user(session, settings, "truong.denghi", (Role.PROPOSER, school), full_name="Lê Thị Hoa"),
        commune_office=make_user(session, settings, "xa.vanphong", (Role.OFFICE, commune)),
        commune_head=make_user(session, settings, "xa.chutich", (Role.HEAD, commune), full_name="Nguyễn Văn Bình"),
        province_office=make_user(session, settings, "tinh.vanphong", (Role.OFFICE, province)),
        province_head=make_user(session, settings, "tinh.chutich", (Role.HEAD, province), full_name="Trần Văn Bình"),
        province_proposer=make_user(session, settings, "tinh.denghi", (Role.PROPOSER, province)),
        commune_council=_council(session, settings, commune, "xa.hd", 5),
        province_council=_council(session, settings, province, "tinh.hd", 10),
        commune_complaints=make_user(session, settings, "xa.khieunai", (Role.COMPLAINT_OFFICER, commune)),
        province_complaints=make_user(session, settings, "tinh.khieunai", (Role.COMPLAINT_OFFICER, province)),
    )
    session.commit()
    return tree


def _council(session, settings, unit: Unit, prefix: str, size: int) -> list[User]:
    """Chair first, secretary second; every member holds the council role at the unit."""
    names = ["Hoàng Văn Thắng", "Vũ Thị Lan", "Bùi Đức Long", "Đặng Thị Mai", "Ngô Văn Hải", "Dương Thị Hồng",
             "Lý Quang Vinh", "Phan Thị Thu Trang", "Trịnh Xuân Sơn", "Mai Văn Tùng", "Đinh Thị Hoa"]
    members = [make_user(session, settings, f"{prefix}{i}", (Role.COUNCIL, unit), full_name=f"{names[i]} ({prefix})")
               for i in range(size)]
    make_council(session, unit, members[0], members[1], members)
    return members


PREFILLS_CHECKED: set[tuple[str, str]] = set()  # (process, task) whose pre-filled data was posted back


def fill_required(schema: dict[str, Any], data: Any) -> Any:
    """`data` with a valid value for each required field it lacks, at every depth: what a user must
    still type; nothing else is added or changed."""
    if schema.get("type") == "array" and isinstance(data, list):
        return [fill_required(schema.get("items", {}), item) for item in data]
    if schema.get("type") != "object" or not isinstance(data, dict):
        return data
    fields = schema.get("properties", {})
    filled = {key: fill_required(fields.get(key, {}), value) for key, value in data.items()}
    for key in schema.get("required", []):
        if key not in filled:
            filled[key] = fill_required(fields.get(key, {}), _example(fields.get(key, {})))
    return filled


def _example(schema: dict[str, Any]) -> Any:
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "array":
        return [_example(schema.get("items", {})) for _ in range(schema.get("minItems", 0))]
    examples = {"string": "x" * max(1, schema.get("minLength", 1)), "integer": schema.get("minimum", 1),
                "number": schema.get("minimum", 1), "boolean": True, "object": {}}
    return examples.get(kind)


def check_prefill(ctx: Context, task: HumanTask) -> None:
    """The task's pre-filled data, with only the required fields filled in, passes its own form."""
    assert ctx.runtime is not None
    form = ctx.runtime.form(ctx.session, task.instance, task.form_name)
    validate_form_data(form, fill_required(form, prefilled(ctx, task)))
    PREFILLS_CHECKED.add((ctx.runtime.task_process(ctx.session, task.instance, task.key), task.key))


class Journey:
    def __init__(self, ctx: Context, tree: Tree, next_step: Callable[[Context], None] | None = None) -> None:
        self.ctx, self.tree, self.session = ctx, tree, ctx.session
        self.dossier_id: int | None = None
        self._next_step = next_step
        self.reload()  # cold: even the first step is served by a process that has seen nothing

    def reload(self) -> None:
        """Between two steps: see the module's docstring (without a mode, the same process goes on)."""
        if self._next_step is not None:
            self._next_step(self.ctx)
        else:
            self.session.expire_all()

    def submit(self, *nominations: tuple[str, str], unit: Unit | None = None, proposer: User | None = None,
               title: str = "Đề nghị khen thưởng năm học 2025-2026", kind: DossierKind = DossierKind.REGULAR,
               rules_version: str = "nd152-2025") -> int:
        """Submit a dossier of (award_type, nominee name) as the proposer would (documents assumed)."""
        proposer = proposer or self.tree.proposer
        unit = unit or self.tree.school
        now = self.ctx.clock.now()
        dossier = Dossier(title=title, title_folded=fold(title), year=2026, kind=kind,
                          status=DossierStatus.SUBMITTED, proposing_unit_id=unit.id, rules_version=rules_version,
                          created_by_id=proposer.id, created_at=now, updated_at=now, submitted_at=now)
        dossier.nominations = [
            Nomination(position=i, award_type=code, nominee_kind="individual", nominee_name=name,
                       nominee_position="Giáo viên", nominee_unit=unit.name, achievements="Hoàn thành xuất sắc",
                       status=NominationStatus.PENDING)
            for i, (code, name) in enumerate(nominations, start=1)
        ]
        self.session.add(dossier)
        self.session.flush()
        instance, _ = start_process(self.ctx.as_actor(proposer), "award_dossier",
                                    {"dossier_id": dossier.id, "proposing_unit": unit.id}, dossier_id=dossier.id)
        dossier.instance_id = instance.id
        self.session.commit()
        self.dossier_id = dossier.id
        self.reload()
        return dossier.id

    def open_tasks(self, complaint_id: int | None = None) -> list[tuple[str, int]]:
        where = (HumanTask.complaint_id == complaint_id) if complaint_id else (HumanTask.dossier_id == self.dossier_id)
        rows = self.session.scalars(select(HumanTask).where(where, HumanTask.state == HumanTaskState.READY))
        return sorted((t.key, t.unit_id) for t in rows)

    def task(self, user: User, key: str) -> HumanTask:
        items = [t for t in tasks.list_tasks(self.ctx.as_actor(user), per_page=200).items
                 if t.key == key and (t.dossier_id == self.dossier_id or t.dossier_id is None)]
        assert len(items) == 1, (key, self.open_tasks())
        return items[0]

    def complete(self, user: User, key: str, data: dict[str, Any]) -> tasks.Completion:
        task = self.task(user, key)
        check_prefill(self.ctx.as_actor(user), task)
        done = tasks.complete_task(self.ctx.as_actor(user), task.id, data)
        self.session.commit()
        self.reload()
        return done

    def prefill(self, user: User, key: str) -> dict[str, Any]:
        return prefilled(self.ctx.as_actor(user), self.task(user, key))

    def all_eligible(self, user: User) -> None:
        rows = [{"id": n["id"], "eligible": True} for n in self.prefill(user, "appraise")["nominations"]]
        self.complete(user, "appraise", {"nominations": rows})

    def decide(self, user: User, **actions: str) -> None:
        """actions: nominee name (spaces as underscores) -> approve | forward | reject."""
        rows = []
        for item in self.prefill(user, "decide")["nominations"]:
            action = actions[item["nominee"].replace(" ", "_")]
            rows.append({"id": item["id"], "action": action, **({"note": "Chưa đủ thành tích"}
                                                               if action == "reject" else {})})
        self.complete(user, "decide", {"nominations": rows})

    def pass_level(self, office: User, head: User, **actions: str) -> None:
        self.complete(office, "check_completeness", {"outcome": "complete"})
        self.all_eligible(office)
        self.decide(head, **actions)

    def vote(self, members: list[User], **choices: str) -> list[str]:
        """Each member casts a ballot: nominee (spaces as underscores) -> yes | no | abstain (default yes).
        Returns the receipts."""
        receipts = []
        for member in members:
            votes = [{"nomination_id": v["nomination_id"],
                      "choice": choices.get(v["nominee"].replace(" ", "_"), "yes")}
                     for v in self.prefill(member, "cast_ballot")["votes"]]
            receipts.append(self.complete(member, "cast_ballot", {"votes": votes}).reply.get("receipt"))
        return receipts

    def fire_timers(self, at: datetime) -> list[str]:
        self.ctx.clock.set(at)
        fired: list[str] = []
        while (result := fire_next_due(self.ctx)) is not None:
            fired += result.keys
            self.session.commit()
        self.session.commit()
        self.reload()
        return fired

    @property
    def dossier(self) -> Dossier:
        return self.session.get(Dossier, self.dossier_id)

    def outcomes(self) -> dict[str, str]:
        return {n.nominee_name: n.status.value for n in self.dossier.nominations}

    def notifications(self, user: User) -> list[Notification]:
        return list(self.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                         .order_by(Notification.id)))
