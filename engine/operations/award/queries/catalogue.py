"""The award catalogue as dossiers read it: the rules in force on a day or fixed at submission, and
the award types in force with the version that holds them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.clock import local_today
from engine.context import Context
from engine.models import Dossier
from engine.operations.readmodels import Extended
from engine.rules import AwardType, Reward, load_rewards, load_rules
from engine.vocabulary import AwardeeKind, Subject


def rules_on(ctx: Context, day: date) -> Any:
    """The rules version in force on `day`."""
    catalogue, _calendar = load_rules(ctx.settings.rules_dir)
    return catalogue.on(day)


def rules_of(ctx: Context, dossier: Dossier) -> Any:
    """The rules version the dossier was submitted under, and the working-day calendar."""
    catalogue, calendar = load_rules(ctx.settings.rules_dir)
    rules = catalogue.version(dossier.rules_version) if dossier.rules_version else catalogue.on(local_today(ctx.clock))
    return rules, calendar


@dataclass(frozen=True)
class AwardTypeInForce(Extended[AwardType]):
    """An award type with the rules version it belongs to."""

    effective_from: date
    effective_to: date | None
    rules_version: str
    rewards: list[Reward]  # the money in force that day, per subject (none when the data has no multiple)


_SUBJECTS = {Subject.INDIVIDUAL: (AwardeeKind.INDIVIDUAL,), Subject.COLLECTIVE: (AwardeeKind.COLLECTIVE,),
             Subject.EITHER: (AwardeeKind.INDIVIDUAL, AwardeeKind.COLLECTIVE),
             Subject.HOUSEHOLD: (AwardeeKind.HOUSEHOLD,)}


def rewards_of(ctx: Context, award_type: AwardType, day: date) -> list[Reward]:
    table = load_rewards(ctx.settings.rules_dir)
    found = (table.reward(award_type.code, subject, day) for subject in _SUBJECTS[award_type.subject])
    return [reward for reward in found if reward is not None]


def award_types_on(ctx: Context, day: date | None = None) -> list[AwardTypeInForce]:
    """The award types of the rules version in force on `day` (default: today in Vietnam), with the
    reward money in force that day."""
    day = day or local_today(ctx.clock)
    version = rules_on(ctx, day)
    return [AwardTypeInForce(award_type, version.effective_from, version.effective_to, version.id,
                             rewards_of(ctx, award_type, day))
            for award_type in version.award_types_in_force()]


def award_types_in_force(ctx: Context) -> list[AwardType]:
    """The award types a dossier may propose today."""
    return list(rules_on(ctx, local_today(ctx.clock)).award_types_in_force())


def award_names(ctx: Context) -> dict[str, str]:
    """Every award code of every catalogue version, with its name (the latest version's wording)."""
    catalogue, _ = load_rules(ctx.settings.rules_dir)
    return {t.code: t.name for version in catalogue.versions for t in version.award_types}
