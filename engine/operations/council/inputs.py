"""What the vote-counting board enters for an absent member's written ballot, typed: `PaperBallot`
and `read_paper_ballot`, the one function that turns a raw mapping into it (every fault at once)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.models import VoteChoice
from engine.operations.inputs import Faults, at, choice, identifier, items, mapping

MAX_VOTES = 5000  # names on one agenda
PAPER_FIELDS = ("member_id", "votes")
VOTE_FIELDS = ("nomination_id", "choice")


@dataclass(frozen=True)
class PaperBallot:
    session_id: int
    member_id: int
    votes: tuple[tuple[int, VoteChoice], ...]  # (nomination id, choice)


def read_paper_ballot(session_id: int, raw: Any) -> PaperBallot:
    faults = Faults()
    body = mapping(raw, "", faults, PAPER_FIELDS)
    member_id = identifier(body.get("member_id"), "member_id", faults, required=True)
    votes: list[tuple[int, VoteChoice]] = []
    for index, vote in enumerate(items(body.get("votes"), "votes", faults, high=MAX_VOTES, noun="ý kiến")):
        row = mapping(vote, at("votes", index), faults, VOTE_FIELDS)
        nomination_id = identifier(row.get("nomination_id"), at(at("votes", index), "nomination_id"), faults,
                                   required=True)
        chosen = choice(row.get("choice"), at(at("votes", index), "choice"), faults, VoteChoice)
        if nomination_id is not None and chosen is not None:
            votes.append((nomination_id, chosen))
    faults.refuse("Phiếu bằng văn bản chưa hợp lệ.")
    assert member_id is not None
    return PaperBallot(session_id, member_id, tuple(votes))
