"""The award catalogue as dossiers read it: the rules in force on a day or fixed at submission, and
the award types in force with the version that holds them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engine.clock import local_today
from engine.context import Context
from engine.errors import NotFound
from engine.models import Dossier, Unit
from engine.operations.readmodels import Extended
from engine.rules import AwardType, Reward, load_layers, load_rewards, load_rules
from engine.rules.criteria import criterion_raw
from engine.vocabulary import AwardeeKind, Subject


def rules_on(ctx: Context, day: date) -> Any:
    """The rules version in force on `day`."""
    catalogue, _calendar = load_rules(ctx.settings.rules_dir)
    return catalogue.on(day)


def layered_rules(ctx: Context, unit: Unit, day: date) -> Any:
    """The rules version in force on `day` with the provincial (and sector) layers in force that day for `unit`."""
    chain = [u.code for u in (*reversed(unit.ancestors()), unit)]
    return load_layers(ctx.settings.rules_dir).version_for(rules_on(ctx, day), chain, day)


def rules_of(ctx: Context, dossier: Dossier) -> Any:
    """The rules version the dossier was submitted under, with the provincial (and sector) layers in force
    on its submission day (today before it) for its proposing unit merged over it: the deadlines, council
    thresholds, disclosure days and criteria the process reads; and the working-day calendar."""
    catalogue, calendar = load_rules(ctx.settings.rules_dir)
    today = local_today(ctx.clock)
    rules = catalogue.version(dossier.rules_version) if dossier.rules_version else catalogue.on(today)
    layers = load_layers(ctx.settings.rules_dir)
    if layers.layers and dossier.proposing_unit is not None:
        unit = dossier.proposing_unit
        day = dossier.submitted_at.date() if dossier.submitted_at else today
        rules = layers.version_for(rules, [u.code for u in (*reversed(unit.ancestors()), unit)], day)
    return rules, calendar


@dataclass(frozen=True)
class AwardTypeInForce(Extended[AwardType]):
    """An award type with the rules version it belongs to."""

    effective_from: date
    effective_to: date | None
    rules_version: str
    rewards: list[Reward]  # the money in force that day, per subject (none when the data has no multiple)
    # the criteria the pre-check reads, with the provincial layers of the asked unit merged in: each with
    # its article and where its values come from (a layer's source, or the national version)
    criteria: list[dict[str, Any]] = field(default_factory=list)
    # where this type's threshold and disclosure come from when a layer set them ({"approval_threshold": …})
    sources: dict[str, str] = field(default_factory=dict)
    # the deadlines of the version (with the layers of the asked unit), each layer-set one with its source
    deadlines: dict[str, Any] = field(default_factory=dict)


_SUBJECTS = {Subject.INDIVIDUAL: (AwardeeKind.INDIVIDUAL,), Subject.COLLECTIVE: (AwardeeKind.COLLECTIVE,),
             Subject.EITHER: (AwardeeKind.INDIVIDUAL, AwardeeKind.COLLECTIVE),
             Subject.HOUSEHOLD: (AwardeeKind.HOUSEHOLD,)}


def rewards_of(ctx: Context, award_type: AwardType, day: date) -> list[Reward]:
    table = load_rewards(ctx.settings.rules_dir)
    found = (table.reward(award_type.code, subject, day) for subject in _SUBJECTS[award_type.subject])
    return [reward for reward in found if reward is not None]


def award_types_on(ctx: Context, day: date | None = None, unit_id: int | None = None) -> list[AwardTypeInForce]:
    """The award types of the rules version in force on `day` (default: today in Vietnam), with the
    reward money in force that day and their criteria, merged with the provincial layers in force that
    day for the unit `unit_id` (404 when there is no such unit): criteria, thresholds, disclosure days and
    deadlines, each value a layer set with its source."""
    day = day or local_today(ctx.clock)
    version = rules_on(ctx, day)
    if unit_id is not None:
        unit = ctx.session.get(Unit, unit_id)
        if unit is None:
            raise NotFound(f"Không có đơn vị số {unit_id}.")
        version = layered_rules(ctx, unit, day)
    deadlines = _deadlines(version)
    return [AwardTypeInForce(award_type, version.effective_from, version.effective_to, version.id,
                             rewards_of(ctx, award_type, day),
                             [{"id": c.id, "check": c.check.value, "basis": c.basis, "confirmed": c.confirmed,
                               "source": c.source or None,
                               "parameters": {k: v for k, v in criterion_raw(c).items()
                                              if k not in ("id", "check", "basis", "confirmed")}}
                              for c in version.eligibility.of(award_type.code)],
                             {key.rsplit(".", 1)[1]: source for key, source in version.sources
                              if key.startswith(f"award_types.{award_type.code}.")},
                             deadlines)
            for award_type in version.award_types_in_force()]


def _deadlines(version: Any) -> dict[str, Any]:
    """The version's deadlines in working days, and the source of each one a layer set."""
    table = version.deadlines
    return {"appraisal": {key: getattr(table.appraisal, key)
                          for key in ("commune", "province", "province_to_prime_minister", "national")},
            "notify_result": table.notify_result, "supplement": table.supplement,
            # the province's cut-off day of its rounds per kind ("15/01"), when a layer sets one
            "cutoffs": {kind: f"{day:02d}/{month:02d}" for kind, (day, month) in version.cutoffs},
            "sources": {key.removeprefix("deadlines."): source for key, source in version.sources
                        if key.startswith("deadlines.")}}


def award_types_in_force(ctx: Context) -> list[AwardType]:
    """The award types a dossier may propose today."""
    return list(rules_on(ctx, local_today(ctx.clock)).award_types_in_force())


def award_names(ctx: Context) -> dict[str, str]:
    """Every award code of every catalogue version, with its name (the latest version's wording)."""
    catalogue, _ = load_rules(ctx.settings.rules_dir)
    return {t.code: t.name for version in catalogue.versions for t in version.award_types}
