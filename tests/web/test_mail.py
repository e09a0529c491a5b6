"""Mail through a local SMTP server the test starts (aiosmtpd): notifications mailed by the worker's job,
the daily digest of tasks due or overdue (the head too when overdue), Vietnamese text, an unsubscribe
link per kind that works without logging in; off when no server is configured."""
from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from engine.context import Context
from engine.models import AuditEvent, HumanTask, HumanTaskState, Notification, User
from engine.operations import mail
from engine.operations.notifications import notify
from engine.vocabulary import MailKind
from tests.web.conftest import token


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                      policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[_Inbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _text(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def _subject(message: Message) -> str:
    return str(message["Subject"])


def _mailing(ctx: Context, port: int) -> Context:
    settings = replace(ctx.settings, smtp_host="127.0.0.1", smtp_port=port, mail_from="khenthuong@binhminh.gov.vn",
                       public_url="https://khenthuong.example")
    return Context(session=ctx.session, settings=settings, clock=ctx.clock, runtime=ctx.runtime)


def test_no_server_configured_sends_nothing_and_marks_nothing(ctx, tree):
    tree.proposer.email = "hoa@binhminh.gov.vn"
    notify(ctx, [tree.proposer], None, "Kết quả", "Nội dung")
    ctx.session.flush()
    assert mail.mail_notifications(ctx) == 0 and mail.send_digest(ctx) == 0
    assert ctx.session.scalars(select(Notification.mailed_at)).all() == [None]


def test_notifications_are_mailed_once_and_unsubscribing_stops_them(ctx, tree, smtp, client):
    inbox, port = smtp
    mailing = _mailing(ctx, port)
    tree.proposer.email = "hoa@binhminh.gov.vn"
    notify(ctx, [tree.proposer, tree.commune_office], None, "Hồ sơ đã được tiếp nhận",
           "Hồ sơ số 1 «Đề nghị khen thưởng năm học» đã được tiếp nhận.")
    ctx.session.flush()
    assert mail.mail_notifications(mailing) == 1  # the office has no address
    assert mail.mail_notifications(mailing) == 0  # never twice
    [message] = inbox.messages
    assert message["To"].endswith("<hoa@binhminh.gov.vn>")
    assert _subject(message) == "Hồ sơ đã được tiếp nhận"
    body = _text(message)
    assert "Kính gửi Lê Thị Hoa" in body and "đã được tiếp nhận" in body
    link = mail.unsubscribe_url(mailing.settings, tree.proposer.id, MailKind.NOTIFICATION)
    assert link in body and str(message["List-Unsubscribe"]) == f"<{link}>"
    ctx.session.commit()

    # the link, opened without logging in, asks; the button unsubscribes from that kind only
    path = "/thu/huy-nhan/" + mail.unsubscribe_token(ctx.settings, tree.proposer.id, MailKind.NOTIFICATION)
    page = client.get(path)
    assert page.status_code == 200 and "thôi nhận thông báo về hồ sơ" in page.get_data(as_text=True)
    done = client.post(path, data={"csrf_token": token(client, path)})
    assert done.status_code == 200 and "Đã hủy nhận thông báo về hồ sơ" in done.get_data(as_text=True)
    assert client.get(path[:-3] + "abc").status_code == 404  # a forged signature
    ctx.session.expire_all()
    assert ctx.session.get(User, tree.proposer.id).mail_unsubscribed == ["notification"]
    assert ctx.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "mail_unsubscribed")).one()

    notify(ctx, [tree.proposer], None, "Kết quả xét duyệt", "…")
    ctx.session.flush()
    assert mail.mail_notifications(mailing) == 0 and len(inbox.messages) == 1


def test_the_daily_digest_goes_to_the_officer_and_when_overdue_to_the_head(ctx, tree, smtp, clock):
    from tests.web.conftest import submitted_dossier
    inbox, port = smtp
    mailing = _mailing(ctx, port)
    tree.commune_office.email = "vanphong@binhminh.gov.vn"
    tree.commune_head.email = "chutich@binhminh.gov.vn"
    ctx.session.commit()
    submitted_dossier(ctx, tree, ("LDTT", "Nguyễn Thị Tươi"))
    task = ctx.session.scalars(select(HumanTask).where(HumanTask.state == HumanTaskState.READY)).one()

    task.due_at = clock.now() + timedelta(hours=20)  # due tomorrow at the latest: the office only
    assert mail.send_digest(mailing) == 1
    assert "vanphong" in inbox.messages[0]["To"]
    assert "Việc đến hạn hôm nay hoặc ngày mai" in _text(inbox.messages[0])
    assert mail.send_digest(mailing) == 0  # once a day
    assert not mail.digest_due(mailing)

    clock.advance(days=3)  # now overdue: the office and the head
    task.due_at = clock.now() - timedelta(days=2)
    assert mail.digest_due(mailing) == (clock.now().astimezone(mail.LOCAL_TZ).hour >= mailing.settings.digest_hour)
    assert mail.send_digest(mailing) == 2
    [office] = [m for m in inbox.messages[1:] if "vanphong@" in str(m["To"])]
    [head] = [m for m in inbox.messages[1:] if "chutich@" in str(m["To"])]
    assert "quá hạn" in _subject(office) and "Việc đã quá hạn:" in _text(office)
    assert "Việc quá hạn tại đơn vị do đồng chí phụ trách" in _text(head)
    assert f"https://khenthuong.example/tasks/{task.id}" in _text(head)
    assert mail.unsubscribe_url(mailing.settings, tree.commune_head.id, MailKind.DIGEST) in _text(head)


def test_the_worker_mails_new_notifications_and_the_digest_once_its_hour_has_come(ctx, tree, smtp, session_factory,
                                                                                  clock):
    from datetime import datetime

    from api.worker import send_mail_if_any
    inbox, port = smtp
    mailing = _mailing(ctx, port)
    tree.proposer.email = "hoa@binhminh.gov.vn"
    clock.set(datetime(2026, 11, 30, 1, 0, tzinfo=mail.LOCAL_TZ))  # before the digest's hour
    notify(ctx, [tree.proposer], None, "Kết quả xét khen thưởng", "Được khen thưởng.")
    ctx.session.commit()
    send_mail_if_any(session_factory, mailing.settings, clock)
    assert [str(m["Subject"]) for m in inbox.messages] == ["Kết quả xét khen thưởng"]
    assert not mail.sent_today(ctx)
    ctx.session.rollback()  # no read left open while the worker writes (SQLite: one writer)
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=mail.LOCAL_TZ))
    send_mail_if_any(session_factory, mailing.settings, clock)
    ctx.session.expire_all()
    assert mail.sent_today(ctx)  # recorded even when nobody had anything due
    assert len(inbox.messages) == 1
