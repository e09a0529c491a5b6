"""Legal parameters as data: the award catalogue in force on a date and the working-day calendar,
read from `workflows/rules/` (Settings.rules_dir) and checked strictly when loaded."""
from __future__ import annotations

import functools
from pathlib import Path

from engine.rules.calendar import HOLIDAYS_FILE, WorkingCalendar
from engine.rules.catalogue import (
    CATALOGUE_FILE,
    AppraisalDeadlines,
    AwardKind,
    AwardType,
    Catalogue,
    Comparison,
    Deadlines,
    DecidingLevel,
    DocumentWording,
    Quorum,
    RulesVersion,
    Subject,
    Threshold,
    VoteBase,
    passes,
)
from engine.rules.layers import LAYERS_FILE, Layers
from engine.rules.rewards import REWARDS_FILE, Reward, RewardTable, check_codes

__all__ = [
    "AppraisalDeadlines",
    "AwardKind",
    "AwardType",
    "Catalogue",
    "Comparison",
    "Deadlines",
    "DecidingLevel",
    "DocumentWording",
    "Layers",
    "Quorum",
    "Reward",
    "RewardTable",
    "RulesVersion",
    "Subject",
    "Threshold",
    "VoteBase",
    "WorkingCalendar",
    "clear_rules_cache",
    "load_layers",
    "load_rewards",
    "load_rules",
    "passes",
]


_Signature = tuple[tuple[str, int, int], ...]


@functools.lru_cache(maxsize=8)
def _load(rules_dir: Path, signature: _Signature) -> tuple[tuple[Catalogue, WorkingCalendar], RewardTable, Layers]:
    catalogue, rewards = Catalogue.load(rules_dir), RewardTable.load(rules_dir)
    check_codes(rewards, {t.code for v in catalogue.versions for t in v.award_types}, str(rules_dir / REWARDS_FILE))
    layers = Layers.load(rules_dir, catalogue.versions)
    return (catalogue, WorkingCalendar.load(rules_dir)), rewards, layers


def _signature(rules_dir: Path) -> _Signature:
    """What identifies the content of the rules files without reading them: name, mtime, size."""
    found = []
    for name in (CATALOGUE_FILE, HOLIDAYS_FILE, REWARDS_FILE, LAYERS_FILE):
        try:
            stat = (rules_dir / name).stat()
        except OSError:
            continue  # reported by the load itself
        found.append((name, stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def load_rules(rules_dir: Path) -> tuple[Catalogue, WorkingCalendar]:
    """The catalogue and the calendar of `rules_dir`, read again as soon as a file changes: every
    server process and worker applies the same rules without a restart (a new version in force from
    a date is an edit of catalogue.yaml, not a release). A broken file raises DefinitionError every
    time it is asked for; call this at start-up too."""
    path = Path(rules_dir).resolve()
    return _load(path, _signature(path))[0]


def load_rewards(rules_dir: Path) -> RewardTable:
    """The reward money of `rules_dir` (rewards.yaml), read and checked with the other rules files."""
    path = Path(rules_dir).resolve()
    return _load(path, _signature(path))[1]


def load_layers(rules_dir: Path) -> Layers:
    """The provincial layers of `rules_dir` (provinces.yaml; none without it), checked with the catalogue."""
    path = Path(rules_dir).resolve()
    return _load(path, _signature(path))[2]


def clear_rules_cache() -> None:
    """Forget what was read (tests that edit a rules folder)."""
    _load.cache_clear()
