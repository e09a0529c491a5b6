"""Legal parameters as data: the award catalogue in force on a date and the working-day calendar,
read from `workflows/rules/` (Settings.rules_dir) and checked strictly when loaded."""
from __future__ import annotations

import functools
from pathlib import Path

from engine.rules.calendar import WorkingCalendar
from engine.rules.catalogue import (
    AppraisalDeadlines,
    AwardKind,
    AwardType,
    Catalogue,
    Comparison,
    Deadlines,
    DecidingLevel,
    Quorum,
    RulesVersion,
    Subject,
    Threshold,
    VoteBase,
    passes,
)

__all__ = [
    "AppraisalDeadlines",
    "AwardKind",
    "AwardType",
    "Catalogue",
    "Comparison",
    "Deadlines",
    "DecidingLevel",
    "Quorum",
    "RulesVersion",
    "Subject",
    "Threshold",
    "VoteBase",
    "WorkingCalendar",
    "clear_rules_cache",
    "load_rules",
    "passes",
]


@functools.lru_cache(maxsize=8)
def _load(rules_dir: Path) -> tuple[Catalogue, WorkingCalendar]:
    return Catalogue.load(rules_dir), WorkingCalendar.load(rules_dir)


def load_rules(rules_dir: Path) -> tuple[Catalogue, WorkingCalendar]:
    """The catalogue and the calendar of `rules_dir`, read once per process (restart to reload).
    A broken file raises DefinitionError every time it is asked for; call this at start-up."""
    return _load(Path(rules_dir).resolve())


def clear_rules_cache() -> None:
    """Forget what was read (tests that edit a rules folder)."""
    _load.cache_clear()
