"""Council pages: a session with its members, how many have voted, and the results once tallied
(never who voted what), the minutes to download; and a secret ballot looked up by its receipt."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from api.downloads import send_document
from api.web.common import ctx, render
from api.web.labels import CLUSTER_VOTE_CHOICE, MEMBER_POSITION, VOTE_CHOICE
from engine.context import Context
from engine.errors import DomainError, NotFound
from engine.models import CouncilSession, HumanTask, SessionStatus
from engine.operations import tasks
from engine.operations.award import queries as access
from engine.operations.council import queries as council_access
from engine.operations.emulation import cluster_vote

bp = Blueprint("council", __name__)
COUNCIL_TASKS = ("cast_ballot", "close_vote")
CHOICES = {**VOTE_CHOICE, **CLUSTER_VOTE_CHOICE}  # a council ballot's, a cluster's


def open_session_of(context: Context, task: HumanTask) -> CouncilSession | None:
    """The council session a council task belongs to (the dossier's latest one still open)."""
    if task.key not in COUNCIL_TASKS or task.dossier_id is None:
        return None
    sessions = council_access.list_sessions(context, task.dossier_id)
    return next((s for s in reversed(sessions) if s.status == SessionStatus.OPEN), None)


def vote_count(context: Context, task: HumanTask) -> tuple[int, int] | None:
    """For the close-vote form: (members who have voted, members of the session)."""
    session = open_session_of(context, task) if task.key == "close_vote" else None
    return (council_access.ballots_cast(context, session), session.members_total) if session else None


def member_options(context: Context, task: HumanTask) -> dict[str, list[tuple[str, str]]]:
    """For the forms of a council task: lists of members (`…_members`) offered as check boxes."""
    session = open_session_of(context, task)
    if session is None:
        return {}
    voted = council_access.voters(context, session)  # who voted was there (or wrote): never offered as absent
    members = [(str(member.user_id), f"{member.user.full_name} ({MEMBER_POSITION[member.position]})")
               for member in council_access.session_members(context, session) if member.user_id not in voted]
    schema = tasks.task_form(context, task)
    return {name: members for name, prop in (schema.get("properties") or {}).items()
            if name.endswith("_members") and prop.get("type") == "array"}


@bp.route("/council-sessions/<id:session_id>")
def session_page(session_id: int) -> tuple[str, int]:
    context = ctx()
    session = council_access.get_session(context, session_id)
    voted = council_access.ballots_cast(context, session)
    mine = [t for t in tasks.list_tasks(context, dossier_id=session.dossier_id, per_page=200).items
            if t.key in COUNCIL_TASKS]
    return render("web/council_session.html", view=council_access.session_view(context, session), session=session,
                  unit=session.unit, voted=voted, mine=mine,
                  names=access.award_names(context), positions=MEMBER_POSITION, choices=CHOICES)


@bp.route("/council-sessions/<id:session_id>/minutes.docx")
def minutes(session_id: int) -> Response:
    return send_document(council_access.minutes_file(ctx(), session_id))


def _ballot_by_receipt(receipt: str) -> dict[str, Any]:
    """A council ballot, else a cluster's (suy tôn): both boxes hand out receipts of one form."""
    try:
        return council_access.ballot_by_receipt(ctx(), receipt)
    except NotFound:
        return cluster_vote.cluster_ballot_by_receipt(ctx(), receipt)


@bp.route("/ballots", methods=["GET", "POST"])
def ballot() -> tuple[str, int]:
    """The receipt travels in the form's body, never in an address that history or logs keep."""
    if request.method == "GET":
        return render("web/ballot.html", ballot=None, choices=CHOICES, names=access.award_names(ctx()))
    receipt = request.form.get("receipt", "").strip()[:100]
    try:
        found = _ballot_by_receipt(receipt) if receipt else None
    except DomainError as error:
        return render("web/ballot.html", 404, ballot=None, error=error.detail, receipt=receipt, choices=CHOICES,
                      names=access.award_names(ctx()))
    return render("web/ballot.html", ballot=found, receipt=receipt, choices=CHOICES,
                  names=access.award_names(ctx()))
