"""The minutes (biên bản) of a council session: counts per nomination, never who voted what."""
from __future__ import annotations

from engine.clock import LOCAL_TZ
from engine.context import Context
from engine.documents import MinutesDocument, MinutesItem, MinutesMember, render_minutes
from engine.models import CouncilSession, MemberPosition, Nomination, Unit, User
from engine.operations.award.queries import load_dossier, rules_of
from engine.operations.council.texts import percent_text, threshold_text
from engine.storage import attachment_store


def render_session_minutes(ctx: Context, session: CouncilSession) -> bytes:

    unit = ctx.session.get(Unit, session.unit_id)
    assert unit is not None
    rules, _ = rules_of(ctx, load_dossier(ctx, session.dossier_id))
    names = {m.user_id: ctx.session.get(User, m.user_id).full_name for m in session.members}  # type: ignore[union-attr]
    members = sorted(session.members, key=lambda m: (list(MemberPosition).index(m.position), names[m.user_id]))
    present = [m for m in members if m.present]  # in order of position: the chair first
    chair = names[present[0].user_id]  # the chair, or in their absence the first member present
    secretary = next((names[m.user_id] for m in present[1:] if m.position is MemberPosition.SECRETARY),
                     names[present[1].user_id] if len(present) > 1 else chair)
    items = []
    for item in session.agenda:
        nomination = ctx.session.get(Nomination, item.nomination_id)
        assert nomination is not None and item.base is not None
        nominee = ", ".join(p for p in (nomination.nominee_name, nomination.nominee_position,
                                        nomination.nominee_unit) if p)
        items.append(MinutesItem(
            nominee=nominee, award_name=rules.award_type(nomination.award_type).name, secret=item.secret,
            yes=item.yes or 0, no=item.no or 0, abstain=item.abstain or 0, base=item.base,
            percent=percent_text(item.yes or 0, item.base), threshold=threshold_text(item.threshold),
            passed=bool(item.passed), recused=[names[uid] for uid in item.recused]))
    passed = sum(1 for i in items if i.passed)
    opened = session.opened_at.astimezone(LOCAL_TZ)
    closed = (session.closed_at or session.opened_at).astimezone(LOCAL_TZ)
    attending, written = session.present or 0, session.written_votes or 0
    return render_minutes(MinutesDocument(
        governing_body=unit.spelled_name.upper(), council="HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", number=None,
        place=unit.place_name, held_on=opened.date(), started_at=f"{opened:%H} giờ {opened:%M} phút",
        location=f"Trụ sở {unit.name}", chair=chair, secretary=secretary,
        members=[MinutesMember(name=names[m.user_id], position=m.position.label, present=bool(m.present),
                               written_vote=m.written_vote) for m in members],
        present=attending, written_votes=written, total_members=session.members_total,
        quorum_text=(f"Có mặt {attending}/{session.members_total} thành viên"
                     + (f", {written} thành viên vắng mặt gửi phiếu bằng văn bản" if written else "")
                     + f"; đủ điều kiện tiến hành phiên họp (từ {session.quorum} tổng số thành viên trở lên)."),
        recusal_policy=rules.recusal.statement, items=items,
        conclusion=conclusion(passed, len(items)),
        closed_at=f"{closed:%H} giờ {closed:%M} phút"))


def conclusion(passed: int, total: int) -> str:
    """The council's conclusion, phrased for what happened: nothing passed, everything, or some."""
    if passed == 0:
        return ("Không có trường hợp nào đạt tỷ lệ phiếu theo quy định; Hội đồng không đề nghị khen thưởng "
                f"trường hợp nào trong số {total} trường hợp đã xem xét.")
    if passed == total:
        return (f"Hội đồng thống nhất đề nghị khen thưởng {'trường hợp' if total == 1 else f'cả {total} trường hợp'} "
                "đã xem xét, đạt tỷ lệ phiếu theo quy định.")
    return (f"Hội đồng thống nhất đề nghị khen thưởng {passed}/{total} trường hợp đạt tỷ lệ phiếu theo quy định; "
            "các trường hợp không đạt không được đề nghị khen thưởng.")


def store_minutes(ctx: Context, session: CouncilSession) -> None:
    session.minutes_sha256 = attachment_store(ctx.settings).put_bytes(render_session_minutes(ctx, session))
