"""Reward money as dated data: the base salary and the multiples in force on a day, the decree's
rounding, and a mistake in rewards.yaml stopping the start with the file, the entry and the line."""
from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal

import pytest

from engine.config import PROJECT_ROOT
from engine.errors import DefinitionError
from engine.rules import RewardTable, clear_rules_cache, load_rules
from engine.rules.rewards import REWARDS_FILE
from engine.vocabulary import AwardeeKind

RULES = PROJECT_ROOT / "workflows" / "rules"
INDIVIDUAL, COLLECTIVE = AwardeeKind.INDIVIDUAL, AwardeeKind.COLLECTIVE


@pytest.fixture(scope="module")
def table() -> RewardTable:
    return RewardTable.load(RULES)


@pytest.mark.parametrize(("code", "subject", "multiple", "amount"), [
    ("LDTT", INDIVIDUAL, "0.3", 710_000),  # 702,000 rounded up to tens of thousands
    ("CSTD_CS", INDIVIDUAL, "1.0", 2_340_000),
    ("CSTD_TINH", INDIVIDUAL, "3.0", 7_020_000),
    ("CSTD_TQ", INDIVIDUAL, "4.5", 10_530_000),
    ("TTLDTT", COLLECTIVE, "0.8", 1_880_000),  # 1,872,000
    ("TTLDXS", COLLECTIVE, "1.5", 3_510_000),
    ("CO_CP", COLLECTIVE, "12", 28_080_000),
])
def test_the_confirmed_multiples_of_nd_152_on_the_2024_base_salary(table, code, subject, multiple, amount):
    reward = table.reward(code, subject, date(2026, 1, 5))
    assert reward is not None
    assert (reward.multiple, reward.amount, reward.base_salary.amount) == (Decimal(multiple), amount, 2_340_000)
    assert "152/2025/NĐ-CP" in reward.source and "73/2024/NĐ-CP" in reward.base_salary.source


def test_the_base_salary_in_force_is_the_one_of_the_day(table):
    assert table.reward("LDTT", INDIVIDUAL, date(2024, 6, 30)).amount == 540_000  # 0.3 × 1,800,000
    assert table.reward("LDTT", INDIVIDUAL, date(2024, 7, 1)).amount == 710_000
    assert table.reward("LDTT", COLLECTIVE, date(2026, 1, 5)) is None  # no collective LĐTT
    assert table.reward("LDTT", INDIVIDUAL, date(2023, 1, 1)) is None  # before the data starts


def _broken(tmp_path, old: str, new: str) -> str:
    text = (RULES / REWARDS_FILE).read_text(encoding="utf-8")
    assert old in text
    (tmp_path / REWARDS_FILE).write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DefinitionError) as refused:
        RewardTable.load(tmp_path)
    return str(refused.value)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("LDTT: {individual: 0.3}", 'LDTT: {individual: "0,3"}', "'individual' phải là hệ số dương"),
    ("LDTT: {individual: 0.3}", "LDTT: {person: 0.3}", "'awards', 'LDTT': khóa không được hỗ trợ: person."),
    ("    effective_to: 2024-06-30", "    effective_to: 2024-06-20",
     "'base_salary': để hở khoảng thời gian từ 21/06/2024 đến 30/06/2024."),
    ("round_up_to: 10000", "round_up_to: 0", "'round_up_to' phải là số nguyên từ 1"),
    ('fund: "Quỹ thi đua, khen thưởng của {issuer}"', 'fund: "Quỹ của {unit}"', "chỗ thay thế không biết {unit}"),
], ids=["decimal-comma", "unknown-subject", "gap", "rounding", "placeholder"])
def test_a_broken_rewards_file_names_file_entry_and_line(tmp_path, old, new, expected):
    message = _broken(tmp_path, old, new)
    assert message.startswith(str(tmp_path / REWARDS_FILE)) and expected in message
    assert "(dòng " in message


def test_a_multiple_for_a_code_the_catalogue_does_not_know_stops_the_start(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / REWARDS_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("LDTT: {individual: 0.3}", "LDTT_X: {individual: 0.3}"),
                    encoding="utf-8")
    clear_rules_cache()
    with pytest.raises(DefinitionError, match="không có trong danh mục: LDTT_X"):
        load_rules(rules)
    clear_rules_cache()
