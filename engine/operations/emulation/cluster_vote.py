"""Helpers and task hooks of workflows/cluster_vote.bpmn and cluster_ballots.bpmn: the cluster's vote
(suy tôn). The head opens it once the members are scored and ranked; each member unit casts one secret
ballot (the ballot box of engine/operations/ballot_box.py, as the council's: a receipt for the member,
the box keeps its digest and the sealed choices, participation records only that the unit voted); the
head closes it, or it closes itself when every member has voted; the tally against the threshold of
the rules in force elects the units proposed, and the proposal becomes a dossier of the head unit
(`create_proposal_dossier`, the award domain's helper, called by the process)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from engine import audit
from engine.clock import local_today
from engine.context import Context, current_context
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import (
    ClusterBallot,
    ClusterBallotChoice,
    ClusterVote,
    ClusterVoteParticipation,
    Dossier,
    DossierStatus,
    HumanTask,
    HumanTaskState,
    Unit,
)
from engine.operations.access import require_actor
from engine.operations.award.queries import rules_on
from engine.operations.ballot_box import canonical_receipt, open_sealed, receipt_digest, seal_ballot
from engine.operations.emulation import queries
from engine.operations.emulation.cluster_documents import proposal_documents
from engine.operations.hooks import Outcome, before_complete, prefill
from engine.operations.processes import start_process
from engine.rules.catalogue import Threshold, VoteBase, passes
from engine.rules.emulation import load_emulation_rules
from engine.runtime.helpers import register
from engine.vocabulary import AttachmentKind, AuditAction, ClusterVoteChoice, ClusterVoteStatus, VoteClosing

PROCESS = "cluster_vote"
BALLOTS = "cluster_ballots"  # the called process defining the ballot and close tasks (hooks are keyed by it)


def open_vote(ctx: Context, cluster_year_id: int) -> ClusterVote:
    """The cluster head (its people) or the organiser's office opens the year's vote on the ranked
    members: once a year (Conflict for a second), with the rules of the vote in force today."""
    row = queries.load_cluster_year(ctx, cluster_year_id)
    user = queries.require_speaker(ctx, row.head_unit_id)
    if ctx.session.scalar(select(ClusterVote.id).where(ClusterVote.cluster_year_id == row.id)):
        raise Conflict(f"Cụm, khối đã bỏ phiếu suy tôn năm {row.year}.")
    today = local_today(ctx.clock)
    version = load_emulation_rules(ctx.settings.rules_dir).on(today)
    rules = version.cluster_vote if version else None
    if rules is None:
        raise Conflict(f"Quy định áp dụng ngày {today:%d/%m/%Y} chưa có quy định bỏ phiếu suy tôn của cụm, khối.")
    catalogue = rules_on(ctx, today)
    for code in rules.awards.values():
        catalogue.award_type(code)  # a code the catalogue does not know refuses the vote, naming it
    standings = [s for s in queries.get_cluster_year(ctx, row.id).ranking if s.scored]
    if not standings:
        raise Conflict("Chưa có đơn vị thành viên nào chấm điểm: cần chấm điểm, xếp hạng trước khi suy tôn.")
    vote = ClusterVote(cluster_year_id=row.id, status=ClusterVoteStatus.OPEN,
                       candidates=[{"unit_id": s.unit_id, "rank": s.rank, "total": str(s.total)} for s in standings],
                       voters=sorted(row.members), awards=dict(rules.awards), threshold=rules.threshold.as_json(),
                       limits=dict(rules.limits), opened_by_id=user.id, opened_at=ctx.clock.now())
    ctx.session.add(vote)
    ctx.session.flush()
    audit.record(ctx, AuditAction.CLUSTER_VOTE_OPENED, "emulation_cluster_vote", vote.id, unit_id=row.head_unit_id,
                 after={"cluster_year_id": row.id, "candidates": [c["unit_id"] for c in vote.candidates],
                        "voters": vote.voters, "awards": vote.awards})
    instance, _ = start_process(ctx, PROCESS, {"vote_id": vote.id, "head_unit": row.head_unit_id,
                                               "voter_units": vote.voters})
    vote.instance_id = instance.id
    ctx.session.flush()
    return vote


def _vote(ctx: Context, vote_id: int) -> ClusterVote:
    vote = ctx.session.get(ClusterVote, int(vote_id))
    if vote is None:
        raise NotFound(f"Không có cuộc bỏ phiếu suy tôn số {vote_id}.")
    return vote


def _open_vote_of(ctx: Context, task: HumanTask) -> ClusterVote:
    vote = ctx.session.scalars(select(ClusterVote).where(ClusterVote.instance_id == task.instance_id)).one()
    if vote.status is not ClusterVoteStatus.OPEN or vote.closed_how is not None:
        raise Conflict("Cuộc bỏ phiếu suy tôn đã kết thúc.")
    return vote


def _voted(ctx: Context, vote: ClusterVote, unit_id: int) -> bool:
    return ctx.session.get(ClusterVoteParticipation, (vote.id, unit_id)) is not None


def _names(ctx: Context, unit_ids: list[int]) -> dict[int, str]:
    return {unit_id: name for unit_id, name in ctx.session.execute(select(Unit.id, Unit.name)
                                                                   .where(Unit.id.in_(unit_ids)))}


@prefill(BALLOTS, "cast_cluster_ballot")
def ballot_prefill(ctx: Context, task: HumanTask) -> dict[str, Any]:
    """The ranked members to choose for while the unit has not voted; nothing once it has (its choices
    are never shown again) or the vote is over."""
    vote = ctx.session.scalars(select(ClusterVote).where(ClusterVote.instance_id == task.instance_id)).one()
    if task.state != HumanTaskState.READY or vote.status is not ClusterVoteStatus.OPEN or _voted(ctx, vote,
                                                                                                 task.unit_id):
        return {}
    names = _names(ctx, [c["unit_id"] for c in vote.candidates])
    return {"votes": [{"unit_id": c["unit_id"], "unit": names[c["unit_id"]], "rank": c["rank"], "total": c["total"]}
                      for c in vote.candidates]}


def _checked(vote: ClusterVote, votes: list[dict[str, Any]]) -> dict[int, str]:
    """A ballot's choices by candidate: one for every ranked member, an award the vote offers, no more
    units for a choice than its limit."""
    candidates = {c["unit_id"] for c in vote.candidates}
    offered = {ClusterVoteChoice.NONE.value, *vote.awards}
    choices: dict[int, str] = {}
    errors: dict[str, str] = {}
    for index, item in enumerate(votes):
        unit_id, choice = item["unit_id"], item["choice"]
        if unit_id not in candidates:
            errors[f"votes[{index}].unit_id"] = "Đơn vị này không có trong danh sách suy tôn."
        elif unit_id in choices:
            errors[f"votes[{index}].unit_id"] = "Mỗi đơn vị chỉ chọn một lần."
        elif choice not in offered:
            errors[f"votes[{index}].choice"] = "Cuộc bỏ phiếu này không suy tôn hình thức đó."
        else:
            choices[unit_id] = choice
    if (missing := sorted(candidates - set(choices))) and not errors:
        errors["votes"] = "Còn thiếu lựa chọn cho đơn vị số: " + ", ".join(map(str, missing)) + "."
    for choice, limit in vote.limits.items():
        if sum(1 for c in choices.values() if c == choice) > limit:
            errors["votes"] = (f"Mỗi phiếu chọn tối đa {limit} đơn vị để "
                               f"{ClusterVoteChoice(choice).label}.")
    if errors:
        raise InvalidInput("Phiếu suy tôn chưa hợp lệ.", errors)
    return choices


@before_complete(BALLOTS, "cast_cluster_ballot")
def cast_cluster_ballot(ctx: Context, task: HumanTask, data: dict[str, Any]) -> Outcome:
    vote = _open_vote_of(ctx, task)
    if _voted(ctx, vote, task.unit_id):
        raise Conflict("Đơn vị đã bỏ phiếu suy tôn.")
    sealed = seal_ballot(ctx.settings, _checked(vote, data["votes"]))
    ctx.session.add(ClusterVoteParticipation(vote_id=vote.id, unit_id=task.unit_id))
    ctx.session.add(ClusterBallot(receipt=sealed.digest, vote_id=vote.id, counted=False, choices=[
        ClusterBallotChoice(candidate_unit_id=unit_id, choice=value) for unit_id, value in sealed.choices.items()]))
    ctx.session.flush()
    audit.record(ctx, AuditAction.CLUSTER_BALLOT_CAST, "emulation_cluster_vote", vote.id, role=task.role,
                 unit_id=task.unit_id, after={"voted": True})  # that the unit voted, never how
    return Outcome(data={}, reply={"receipt": sealed.receipt})


@before_complete(BALLOTS, "close_cluster_vote")
def close_cluster_vote(ctx: Context, task: HumanTask, data: dict[str, Any]) -> Outcome:
    """The cluster head ends the vote while some members have not voted (those count as not voting)."""
    vote = _open_vote_of(ctx, task)
    user = ctx.actor
    assert user is not None
    vote.closed_how, vote.closed_by_id = VoteClosing.CLOSED_BY_CHAIR, user.id
    voted = len(ctx.session.scalars(select(ClusterVoteParticipation.unit_id)
                                    .where(ClusterVoteParticipation.vote_id == vote.id)).all())
    audit.record(ctx, AuditAction.CLUSTER_VOTE_CLOSED, "emulation_cluster_vote", vote.id, role=task.role,
                 unit_id=task.unit_id, after={"voted": voted, "voters": len(vote.voters)},
                 reason=data.get("note") or None)
    return Outcome(data={})


def _counts(ctx: Context, vote: ClusterVote) -> dict[int, Counter[str]]:
    """Every ballot's choices out of the box, counted by candidate."""
    counts: dict[int, Counter[str]] = {c["unit_id"]: Counter() for c in vote.candidates}
    rows = ctx.session.execute(select(ClusterBallotChoice.receipt, ClusterBallotChoice.candidate_unit_id,
                                      ClusterBallotChoice.choice).join(ClusterBallot)
                               .where(ClusterBallot.vote_id == vote.id))
    for digest, unit_id, sealed in rows:
        counts[unit_id][open_sealed(ctx.settings, digest, unit_id, sealed)] += 1
    return counts


def _elect(vote: ClusterVote, counts: dict[int, Counter[str]], base: int) -> dict[int, str]:
    """Choice by choice in the order of the rules (the flag first), the units whose support passes the
    threshold, the most votes first then the better rank, within the choice's limit. A ballot proposing a
    unit for a higher award supports it for the lower ones too."""
    threshold = Threshold.from_json(vote.threshold)
    rank = {c["unit_id"]: c["rank"] for c in vote.candidates}
    elected: dict[int, str] = {}
    supporting: list[str] = []
    for choice in vote.awards:
        supporting.append(choice)
        support = {u: sum(counts[u][c] for c in supporting) for u in counts if u not in elected}
        passing = sorted((u for u, n in support.items() if base > 0 and n and passes(threshold, n, base)),
                         key=lambda u: (-support[u], rank[u]))
        for unit_id in passing[:vote.limits.get(choice, len(passing))]:
            elected[unit_id] = choice
    return elected


@register()
def tally_cluster_vote(vote_id: int) -> dict[str, Any]:
    """Count the ballots against the threshold; the proposal (the head unit's dossier to create) or {}."""
    ctx = current_context()
    vote = _vote(ctx, vote_id)
    voted = set(ctx.session.scalars(select(ClusterVoteParticipation.unit_id)
                                    .where(ClusterVoteParticipation.vote_id == vote.id)))
    if vote.closed_how is None:
        vote.closed_how = VoteClosing.ALL_VOTED
    threshold = Threshold.from_json(vote.threshold)
    base = len(voted) if threshold.base is VoteBase.PRESENT else len(vote.voters)
    counts = _counts(ctx, vote)
    elected = _elect(vote, counts, base)
    names = _names(ctx, [c["unit_id"] for c in vote.candidates])
    vote.results = [{"unit_id": c["unit_id"], "rank": c["rank"], "total": c["total"],
                     **{choice.value: counts[c["unit_id"]][choice.value] for choice in ClusterVoteChoice},
                     "base": base, "elected": elected.get(c["unit_id"])} for c in vote.candidates]
    for ballot in ctx.session.scalars(select(ClusterBallot).where(ClusterBallot.vote_id == vote.id)):
        ballot.counted = True
    vote.status, vote.closed_at = ClusterVoteStatus.TALLIED, ctx.clock.now()
    ctx.session.flush()
    row = vote.cluster_year
    audit.record(ctx, AuditAction.CLUSTER_VOTE_TALLIED, "emulation_cluster_vote", vote.id, unit_id=row.head_unit_id,
                 after={"voted": len(voted), "base": base, "closed": vote.closed_how,
                        "elected": {str(u): vote.awards[c] for u, c in elected.items()}})
    if not elected:
        return {}
    standing = {c["unit_id"]: c for c in vote.candidates}
    support = {u: sum(counts[u][c] for c in list(vote.awards)[:list(vote.awards).index(choice) + 1])
               for u, choice in elected.items()}
    award_names = {c: ClusterVoteChoice(c).label.removeprefix("đề nghị tặng ") for c in vote.awards}
    achievements = {unit_id: (f"Xếp thứ {standing[unit_id]['rank']}/{len(vote.candidates)} của {row.cluster.name} "
                              f"năm {row.year} ({standing[unit_id]['total'].replace('.', ',')} điểm); được "
                              f"{support[unit_id]}/{base} đơn vị thành viên suy tôn {award_names[choice]}.")
                    for unit_id, choice in elected.items()}
    return {"proposing_unit": row.head_unit_id, "created_by": vote.opened_by_id, "year": row.year,
            "title": f"{row.cluster.name} đề nghị khen thưởng năm {row.year} (kết quả suy tôn)",
            "nominations": [{"award_type": vote.awards[choice], "achievements": achievements[unit_id],
                             "nominee": {"kind": "collective", "name": names[unit_id]}}
                            for unit_id, choice in sorted(elected.items(), key=lambda e: standing[e[0]]["rank"])],
            # the biên bản of the vote and the head unit's tờ trình, attached to the dossier when it is made
            "documents": proposal_documents(ctx, vote, counts, elected, base, voted, achievements)}


@register()
def record_cluster_proposal(vote_id: int, dossier_id: int) -> None:
    """The vote's proposal is that dossier (the head unit's proposer completes and submits it)."""
    ctx = current_context()
    vote = _vote(ctx, vote_id)
    vote.dossier_id = int(dossier_id)
    ctx.session.flush()
    audit.record(ctx, AuditAction.CLUSTER_PROPOSAL_CREATED, "emulation_cluster_vote", vote.id,
                 unit_id=vote.cluster_year.head_unit_id, dossier_id=vote.dossier_id,
                 after={"dossier_id": vote.dossier_id})


# ---- reading the vote -----------------------------------------------------------------------------

@dataclass(frozen=True)
class VoteLine:
    unit_id: int
    unit_name: str
    rank: int
    total: str
    flag: int | None = None  # counts, once tallied
    merit: int | None = None
    none: int | None = None
    elected: str | None = None  # the choice the unit was elected for (flag, merit)
    award_type: str | None = None


@dataclass(frozen=True)
class VoteView:
    """A cluster's vote as anyone who sees the cluster reads it: who has voted (never what), and once
    tallied the counts by unit and who was elected, with the dossier it became."""

    vote: ClusterVote
    lines: list[VoteLine]
    voted: list[Unit]
    not_voted: list[Unit]
    base: int | None
    # while the proposal is a draft: the elected units whose báo cáo thành tích the head unit must still add
    reports_missing: list[str] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.vote.id


def vote_view(ctx: Context, cluster_year_id: int) -> VoteView | None:
    row = queries.load_cluster_year(ctx, cluster_year_id)
    vote = ctx.session.scalar(select(ClusterVote).where(ClusterVote.cluster_year_id == row.id))
    if vote is None:
        return None
    ids = [c["unit_id"] for c in vote.candidates] + list(vote.voters)
    units = {u.id: u for u in ctx.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    voted = set(ctx.session.scalars(select(ClusterVoteParticipation.unit_id)
                                    .where(ClusterVoteParticipation.vote_id == vote.id)))
    results = {r["unit_id"]: r for r in vote.results or []}
    lines = []
    for c in vote.candidates:
        r = results.get(c["unit_id"])
        counts = {k: r[k] for k in ("flag", "merit", "none")} if r else {}
        elected = r["elected"] if r else None
        lines.append(VoteLine(c["unit_id"], units[c["unit_id"]].name, c["rank"], c["total"], **counts,
                              elected=elected, award_type=vote.awards.get(elected) if elected else None))
    by_name = sorted(vote.voters, key=lambda u: units[u].name)
    return VoteView(vote, lines, [units[u] for u in by_name if u in voted],
                    [units[u] for u in by_name if u not in voted],
                    next(iter(results.values()))["base"] if results else None, _reports_missing(ctx, vote))


def _reports_missing(ctx: Context, vote: ClusterVote) -> list[str]:
    """The nominees of the vote's draft dossier lacking the báo cáo thành tích their award type requires:
    the one paper the tally cannot write (the minutes and the tờ trình come attached)."""
    dossier = ctx.session.get(Dossier, vote.dossier_id) if vote.dossier_id else None
    if dossier is None or dossier.status != DossierStatus.DRAFT:
        return []
    rules = rules_on(ctx, local_today(ctx.clock))
    return [n.nominee_name for n in dossier.nominations
            if AttachmentKind.ACHIEVEMENT_REPORT in rules.award_type(n.award_type).required_documents
            and not any(a.nomination_id == n.id and a.kind == AttachmentKind.ACHIEVEMENT_REPORT
                        for a in dossier.attachments)]


def cluster_ballot_by_receipt(ctx: Context, receipt: str) -> dict[str, Any]:
    """Whoever holds the receipt sees that ballot of a cluster's vote and whether it was counted."""
    require_actor(ctx.actor)
    receipt = canonical_receipt(receipt)
    ballot = ctx.session.get(ClusterBallot, receipt_digest(receipt))
    if ballot is None:
        raise NotFound("Không có phiếu suy tôn với biên nhận này.")
    vote = ctx.session.get(ClusterVote, ballot.vote_id)
    assert vote is not None
    names = {unit_id: name for unit_id, name in ctx.session.execute(select(Unit.id, Unit.name).where(
        Unit.id.in_([c.candidate_unit_id for c in ballot.choices])))}
    rank = {c["unit_id"]: c["rank"] for c in vote.candidates}
    choices = [{"unit_id": c.candidate_unit_id, "unit": names[c.candidate_unit_id], "rank": rank[c.candidate_unit_id],
                "choice": open_sealed(ctx.settings, ballot.receipt, c.candidate_unit_id, c.choice)}
               for c in sorted(ballot.choices, key=lambda c: rank[c.candidate_unit_id])]
    return {"receipt": receipt, "vote_id": vote.id, "cluster_year_id": vote.cluster_year_id,
            "counted": ballot.counted, "choices": choices}
