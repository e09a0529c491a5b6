"""The emulation year's items of the pre-check, by the rules of emulation.yaml: whether a title was
registered (blocking or only reported, as the version in force says) and whether a thematic award for
a movement goes to the level that launched it; a broken rules file says where."""
from __future__ import annotations

import shutil
from datetime import UTC, date, datetime

import pytest

from engine.config import PROJECT_ROOT
from engine.errors import DefinitionError
from engine.models import Movement, MovementKind, Registration
from engine.rules.emulation import EMULATION_FILE, emulation_checks, load_emulation_rules
from engine.text import fold
from engine.vocabulary import AwardeeKind, Result
from tests.factories import make_unit, make_user
from tests.registry_factories import make_awardee, make_dossier, nominate

ON = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def rules_dir(tmp_path):
    shutil.copy(PROJECT_ROOT / "workflows" / "rules" / EMULATION_FILE, tmp_path / EMULATION_FILE)
    return tmp_path


def _world(session, settings):
    province = make_unit(session, "T", level="province")
    commune = make_unit(session, "T-X1", parent=province)
    proposer = make_user(session, settings, "xa.denghi", ("proposer", commune))
    return province, commune, proposer


def _register(session, unit, name, award_type, year=2026):
    session.add(Registration(unit_id=unit.id, year=year, nominee_kind=AwardeeKind.INDIVIDUAL, nominee_name=name,
                             nominee_name_folded=fold(name), award_type=award_type, created_at=NOW))
    session.flush()


def test_registered_is_reported_and_blocks_only_when_the_rules_say_so(session, settings, rules_dir):
    _province, commune, proposer = _world(session, settings)
    an = make_awardee(session, "Nguyễn Văn An", commune)
    _register(session, commune, "Nguyễn Văn An", "LDTT")
    _register(session, commune, "Nguyễn Văn An", "CSTD_CS", year=2025)  # another year: does not count
    dossier = make_dossier(session, commune, proposer, year=2026)
    ldtt, cstd = nominate(session, dossier, "LDTT", an), nominate(session, dossier, "CSTD_CS", an)
    bk = nominate(session, dossier, "BK_TINH", an)  # a commendation: no registration asked

    (met,) = emulation_checks(session, ldtt, year=2026, rules_dir=rules_dir, on=ON)
    (advisory,) = emulation_checks(session, cstd, year=2026, rules_dir=rules_dir, on=ON)
    assert (met.result, advisory.result) == (Result.MET, Result.NOT_MET)
    assert advisory.as_dict()["blocking"] is False and "registration:" in met.records[0]
    assert emulation_checks(session, bk, year=2026, rules_dir=rules_dir, on=ON) == []

    path = rules_dir / EMULATION_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("blocks: false", "blocks: true"), encoding="utf-8")
    (blocking,) = emulation_checks(session, cstd, year=2026, rules_dir=rules_dir, on=ON)
    assert blocking.result is Result.NOT_MET and "blocking" not in blocking.as_dict()


def test_a_thematic_award_for_a_movement_goes_to_the_level_that_launched_it(session, settings, rules_dir):
    province, commune, proposer = _world(session, settings)
    movement = Movement(unit_id=province.id, kind=MovementKind.THEMATIC, theme="Chuyển đổi số",
                        starts_on=date(2026, 1, 1), created_at=NOW)
    session.add(movement)
    session.flush()
    dossier = make_dossier(session, commune, proposer, year=2026, kind="thematic")
    dossier.reviewing_unit_id = commune.id
    nomination = nominate(session, dossier, "GIAY_KHEN", name="Tổ công nghệ số cộng đồng")
    nomination.movement_id = movement.id
    session.flush()
    (wrong,) = emulation_checks(session, nomination, year=2026, rules_dir=rules_dir, on=ON)
    assert wrong.criterion == "launching_level" and wrong.result is Result.NOT_MET
    assert province.name in wrong.detail and wrong.records == [f"movement:{movement.id}"]
    dossier.reviewing_unit_id = province.id
    (right,) = emulation_checks(session, nomination, year=2026, rules_dir=rules_dir, on=ON)
    assert right.result is Result.MET


def test_a_broken_rules_file_says_where(rules_dir):
    path = rules_dir / EMULATION_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("blocks: false", "blocks: sometimes"), encoding="utf-8")
    with pytest.raises(DefinitionError, match="'blocks' phải là true hoặc false"):
        load_emulation_rules(rules_dir)
