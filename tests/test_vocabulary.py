"""One vocabulary: every code has its Vietnamese label in engine/vocabulary.py, the forms (data) offer
the same codes with the same labels, and no writer of the audit trail spells an action as a free string."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from api.web.labels import sentence
from engine.vocabulary import Code, ComplaintOutcome, RevocationGround, VoteChoice

ROOT = Path(__file__).resolve().parent.parent
VOCABULARIES = sorted(Code.__subclasses__(), key=lambda codes: codes.__name__)
# The functions that write an audit event, and the position of their `action` argument.
AUDIT_WRITERS = {"record": 1, "_record": 0, "_history": 0, "record_instance_event": 1, "_event": 1,
                 "dossier_event": 1, "_audit_task": 1}


@pytest.mark.parametrize("codes", VOCABULARIES, ids=lambda codes: codes.__name__)
def test_every_code_has_its_own_vietnamese_label(codes):
    labels = [code.label for code in codes]
    assert all(label.strip() for label in labels)
    assert len(set(labels)) == len(labels), "two codes read the same"
    for code in codes:
        spelled = code.value.replace("_", " ")
        assert code.label.lower() != spelled, code
        assert not re.fullmatch(r"[a-z_ ]+", code.label), f"{code}: {code.label!r} is not Vietnamese"


def _form_choices(form: str, *path: str) -> dict:
    node = json.loads((ROOT / "forms" / form).read_text(encoding="utf-8"))
    for key in path:
        node = node[key]
    return node


def test_the_ballot_offers_the_vote_choices_by_their_labels():
    choice = _form_choices("cast_ballot.json", "properties", "votes", "items", "properties", "choice")
    assert choice["enum"] == [c.value for c in VoteChoice]
    assert choice["x-labels"] == {c.value: sentence(c.label) for c in VoteChoice}


@pytest.mark.parametrize(("form", "outcomes"), [
    ("resolve_complaint.json",
     (ComplaintOutcome.UPHELD, ComplaintOutcome.PARTIALLY_UPHELD, ComplaintOutcome.REJECTED)),
    ("resolve_denunciation.json",
     (ComplaintOutcome.FOUNDED, ComplaintOutcome.PARTIALLY_FOUNDED, ComplaintOutcome.UNFOUNDED)),
], ids=["complaint", "denunciation"])
def test_the_resolution_forms_offer_the_outcomes_by_their_labels(form, outcomes):
    outcome = _form_choices(form, "properties", "outcome")
    assert outcome["enum"] == [o.value for o in outcomes]
    assert outcome["x-labels"] == {o.value: sentence(o.label) for o in outcomes}
    assert {o for o in ComplaintOutcome if o.upholds} & set(outcomes) == set(outcomes[:2])


def test_the_revocation_form_offers_the_grounds_of_the_law():
    ground = _form_choices("prepare_revocation.json", "properties", "ground")
    assert ground["enum"] == [g.value for g in RevocationGround]  # its short x-labels fit a choice list


def _free_actions(source: str) -> list[int]:
    """Lines calling an audit writer whose action is a string literal or an f-string."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        position = AUDIT_WRITERS.get(name)
        if position is not None and len(node.args) > position and isinstance(
                node.args[position], ast.Constant | ast.JoinedStr):
            found.append(node.lineno)
    return found


def test_the_check_sees_free_strings():
    assert _free_actions('audit.record(ctx, "ballot_cast", "council_session", 1)\n'
                         'dossier_event(ctx, f"dossier_{kind}", dossier, {})\n'
                         'self._record(AuditAction.UNIT_CREATED, "unit", 1)\n') == [1, 2]


def test_every_writer_of_the_audit_trail_names_an_audit_action():
    sources = [*sorted((ROOT / "engine").rglob("*.py")), *sorted((ROOT / "api").rglob("*.py"))]
    free = [f"{path.relative_to(ROOT)}:{line}" for path in sources
            for line in _free_actions(path.read_text(encoding="utf-8"))]
    assert free == []
