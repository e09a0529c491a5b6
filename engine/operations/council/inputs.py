"""What the vote-counting board enters for an absent member's written ballot, typed: `PaperBallot`
and `read_paper_ballot`, the one function that turns a raw mapping into it (every fault at once)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.clock import LOCAL_TZ
from engine.models import VoteChoice
from engine.operations.inputs import Faults, at, choice, identifier, integer, items, mapping, text

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


SITTING_BALLOT_FIELDS = ("votes",)
SITTING_CLOSE_FIELDS = ("held_at", "place", "present", "written_votes", "absent_members", "written_vote_members")
MAX_MEMBERS = 500


@dataclass(frozen=True)
class SittingBallot:
    sitting_id: int
    votes: tuple[tuple[int, VoteChoice], ...]  # (nomination id, choice), the whole agenda at once


@dataclass(frozen=True)
class SittingClose:
    sitting_id: int
    held_at: datetime  # the real time of the meeting, entered (aware)
    place: str
    present: int
    written_votes: int
    absent_members: tuple[int, ...] | None  # None: those who cast no ballot
    written_vote_members: tuple[int, ...] | None


def _votes(body: dict[str, Any], faults: Faults) -> tuple[tuple[int, VoteChoice], ...]:
    votes: list[tuple[int, VoteChoice]] = []
    for index, vote in enumerate(items(body.get("votes"), "votes", faults, high=MAX_VOTES, noun="ý kiến")):
        row = mapping(vote, at("votes", index), faults, VOTE_FIELDS)
        nomination_id = identifier(row.get("nomination_id"), at(at("votes", index), "nomination_id"), faults,
                                   required=True)
        chosen = choice(row.get("choice"), at(at("votes", index), "choice"), faults, VoteChoice)
        if nomination_id is not None and chosen is not None:
            votes.append((nomination_id, chosen))
    return tuple(votes)


@dataclass(frozen=True)
class SittingPaperBallot:
    """An absent member's written ballot for the whole sitting, as the ban kiểm phiếu enters it."""
    sitting_id: int
    member_id: int
    votes: tuple[tuple[int, VoteChoice], ...]


def read_sitting_paper_ballot(sitting_id: int, raw: Any) -> SittingPaperBallot:
    faults = Faults()
    body = mapping(raw, "", faults, PAPER_FIELDS)
    member_id = identifier(body.get("member_id"), "member_id", faults, required=True)
    votes = _votes(body, faults)
    faults.refuse("Phiếu bằng văn bản chưa hợp lệ.")
    assert member_id is not None
    return SittingPaperBallot(sitting_id, member_id, votes)


def read_open_sitting(raw: Any) -> tuple[int, ...] | None:
    """The ban kiểm phiếu designated at the opening (`counting_board`, user ids, the head first); an
    empty or absent body: the chair and the secretary."""
    faults = Faults()
    body = mapping(raw if raw is not None else {}, "", faults, ("counting_board",))
    board = _ids(body.get("counting_board"), "counting_board", faults)
    faults.refuse("Thông tin mở phiên họp chưa hợp lệ.")
    return board or None


def read_sitting_ballot(sitting_id: int, raw: Any) -> SittingBallot:
    faults = Faults()
    body = mapping(raw, "", faults, SITTING_BALLOT_FIELDS)
    votes = _votes(body, faults)
    faults.refuse("Phiếu bầu chưa hợp lệ.")
    return SittingBallot(sitting_id, votes)


def _moment(value: Any, path: str, faults: Faults) -> datetime | None:
    """An ISO 8601 date and time ("2026-12-20T08:30"); without a zone, Vietnam's."""
    if value is None or value == "":
        faults.add(path, "Cần nhập thời gian họp.")
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        faults.add(path, "Cần ngày giờ dạng 2026-12-20T08:30.", form=True)
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LOCAL_TZ)


def _ids(value: Any, path: str, faults: Faults) -> tuple[int, ...] | None:
    if value is None:
        return None
    out = []
    for index, raw in enumerate(items(value, path, faults, high=MAX_MEMBERS, noun="thành viên")):
        if (uid := identifier(raw, at(path, index), faults, required=True)) is not None:
            out.append(uid)
    return tuple(out)


def read_sitting_close(sitting_id: int, raw: Any) -> SittingClose:
    faults = Faults()
    body = mapping(raw, "", faults, SITTING_CLOSE_FIELDS)
    held_at = _moment(body.get("held_at"), "held_at", faults)
    place = text(body.get("place"), "place", faults, high=300, required="Cần nhập địa điểm họp.")
    present = integer(body.get("present"), "present", faults, low=0, high=MAX_MEMBERS)
    written = integer(body.get("written_votes"), "written_votes", faults, low=0, high=MAX_MEMBERS)
    absent = _ids(body.get("absent_members"), "absent_members", faults)
    in_writing = _ids(body.get("written_vote_members"), "written_vote_members", faults)
    faults.refuse("Thông tin kết thúc phiên họp chưa hợp lệ.")
    assert held_at is not None and place is not None and present is not None and written is not None
    return SittingClose(sitting_id, held_at, place, present, written, absent, in_writing)
