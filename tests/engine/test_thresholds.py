"""Thresholds as rules data: a percentage or an exact fraction (4 of 6 meets "≥ 2/3", which 67% could
not say), a base of the whole council (`members`) or of those who took part (`present`), and a
threshold of its own for the council of a level."""
from __future__ import annotations

import copy
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from engine.config import PROJECT_ROOT
from engine.errors import DefinitionError
from engine.models import UnitLevel
from engine.operations.council.texts import threshold_text
from engine.rules import Catalogue
from engine.rules.catalogue import CATALOGUE_FILE, Comparison, Threshold, VoteBase, passes

RULES = PROJECT_ROOT / "workflows" / "rules"
TWO_THIRDS = Threshold(Comparison.AT_LEAST, None, VoteBase.PRESENT, Fraction(2, 3))


@pytest.mark.parametrize(("threshold", "yes", "base", "passed"), [
    (TWO_THIRDS, 4, 6, True),  # exactly 2/3
    (TWO_THIRDS, 3, 6, False),
    (TWO_THIRDS, 10, 15, True),
    (TWO_THIRDS, 9, 15, False),
    (Threshold(Comparison.GREATER, None, fraction=Fraction(2, 3)), 4, 6, False),  # "trên 2/3": not at 2/3
    (Threshold(Comparison.AT_LEAST, 67), 4, 6, False),  # what 67% would have said
    (Threshold(Comparison.AT_LEAST, 90), 9, 10, True),  # the 90% edge
    (Threshold(Comparison.AT_LEAST, 90), 13, 15, False),  # 86.7%
    (Threshold(Comparison.AT_LEAST, 90), 14, 15, True),  # 93.3%
])
def test_fractions_and_percentages_are_exact_at_the_edge(threshold, yes, base, passed):
    assert passes(threshold, yes, base) is passed


def test_an_agenda_item_keeps_the_threshold_and_the_minutes_say_it():
    stored = TWO_THIRDS.as_json()
    assert stored == {"op": ">=", "percent": None, "base": "present", "fraction": "2/3"}
    assert Threshold.from_json(stored) == TWO_THIRDS
    assert Threshold.from_json({"op": ">", "percent": 50, "base": "members"}) == Threshold(Comparison.GREATER, 50)
    assert threshold_text(stored) == ("Từ 2/3 trở lên số thành viên Hội đồng tham gia biểu quyết "
                                      "(có mặt hoặc gửi phiếu bằng văn bản)")
    assert threshold_text({"op": ">=", "percent": 90, "base": "members"}) == (
        "Từ 90% trở lên tổng số thành viên Hội đồng")


def _catalogue(tmp_path: Path, change) -> Catalogue:
    data = yaml.safe_load((RULES / CATALOGUE_FILE).read_text(encoding="utf-8"))
    for version in data["versions"]:
        version["award_types"] = copy.deepcopy(version["award_types"])
    change(next(t for t in data["versions"][-1]["award_types"] if t["code"] == "CSTD_CS"))
    (tmp_path / CATALOGUE_FILE).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return Catalogue.load(tmp_path)


def test_a_commune_council_may_have_a_threshold_of_its_own(tmp_path):
    def change(award):
        award["approval_threshold"]["by_level"] = {"commune": {"op": ">=", "fraction": "2/3", "base": "present"}}
    award = _catalogue(tmp_path, change).versions[-1].award_type("CSTD_CS")
    assert award.threshold_at(UnitLevel.COMMUNE) == TWO_THIRDS
    assert award.threshold_at(UnitLevel.PROVINCE) == award.approval_threshold == Threshold(Comparison.GREATER, 50)


@pytest.mark.parametrize(("threshold", "message"), [
    ({"op": ">=", "fraction": "4/3", "base": "members"}, "tỷ lệ '4/3' lớn hơn 1"),
    ({"op": ">=", "fraction": "4/6", "base": "members"}, "cần viết tối giản ('2/3')"),
    ({"op": ">=", "fraction": "2/3", "percent": 67, "base": "members"}, "cần đúng một trong 'percent' hoặc 'fraction'"),
    ({"op": ">=", "base": "members"}, "cần đúng một trong 'percent' hoặc 'fraction'"),
    ({"op": ">=", "percent": 67, "base": "everyone"}, "'base' = 'everyone' không hợp lệ"),
    ({"op": ">=", "percent": 67, "base": "members",
      "by_level": {"town": {"op": ">", "percent": 50, "base": "members"}}}, "cấp không hợp lệ: town"),
])
def test_a_bad_threshold_stops_the_start_naming_it(tmp_path, threshold, message):
    with pytest.raises(DefinitionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _catalogue(tmp_path, lambda award: award.update(approval_threshold=threshold))
