"""The secret ballot box every vote uses (the council's, the cluster's): a receipt for the voter, the
box keeps only its digest; each choice sealed with the application's key and bound to its ballot and
item, so a choice cannot be moved to another ballot or item, and what the database can join (who
voted, a digest, sealed values of one length) tells nothing of how anyone voted."""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from engine.config import Settings
from engine.security import open_choice, seal_choice

# A secret ballot's receipt, read aloud and copied by hand like a complaint's tracking code: no 0/O,
# 1/I/l; "PB-7KQ2-M9XD-4HTR-B8NC" (16 characters of 32: 80 bits). Older receipts (URL-safe random
# text) stay valid: they are looked up as they are.
RECEIPT_PREFIX, RECEIPT_ALPHABET, RECEIPT_GROUPS, RECEIPT_GROUP = "PB", "23456789ABCDEFGHJKLMNPQRSTUVWXYZ", 4, 4
_RECEIPT_TYPED = re.compile(rf"^{RECEIPT_PREFIX}([{RECEIPT_ALPHABET}]{{{RECEIPT_GROUPS * RECEIPT_GROUP}}})$")


def new_receipt() -> str:
    body = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_GROUPS * RECEIPT_GROUP))
    return "-".join([RECEIPT_PREFIX, *(body[i:i + RECEIPT_GROUP] for i in range(0, len(body), RECEIPT_GROUP))])


def canonical_receipt(typed: str) -> str:
    """A receipt as typed (any case, spaces or dashes anywhere) in its stored form; an older receipt as is."""
    squeezed = re.sub(r"[\s\-–]", "", typed).upper()
    match = _RECEIPT_TYPED.match(squeezed)
    if match is None:
        return typed.strip()
    body = match.group(1)
    return "-".join([RECEIPT_PREFIX, *(body[i:i + RECEIPT_GROUP] for i in range(0, len(body), RECEIPT_GROUP))])


def receipt_digest(receipt: str) -> str:
    """What the ballot box keeps of a receipt: its SHA-256 (160 bits of it), never the receipt."""
    return hashlib.sha256(receipt.encode()).hexdigest()[:40]


def choice_binding(digest: str, item: int) -> str:
    """The associated data a sealed choice is bound to: its ballot and its item (agenda item, candidate)."""
    return f"{digest}:{item}"


@dataclass(frozen=True)
class SealedBallot:
    receipt: str  # handed to the voter alone
    digest: str  # what the box keeps
    choices: dict[int, str]  # item → sealed choice


def seal_ballot(settings: Settings, choices: dict[int, str]) -> SealedBallot:
    """A new ballot: a fresh receipt, and every choice (item → value) sealed under its digest."""
    receipt = new_receipt()
    digest = receipt_digest(receipt)
    return SealedBallot(receipt, digest, {item: seal_choice(settings, choice_binding(digest, item), value)
                                          for item, value in choices.items()})


def open_sealed(settings: Settings, digest: str, item: int, sealed: str) -> str:
    """A choice out of the box (at the tally, or for the holder of the receipt)."""
    return open_choice(settings, choice_binding(digest, item), sealed)
