"""Throttling password guesses (engine/operations/login_throttle.py): per (account, address) strictly,
per address across accounts and per account across addresses more loosely, so that no one locks an
account out and an office's typos lock out no colleague; counted atomically under concurrency."""
from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from api import create_app
from api.errors import PROBLEM_JSON
from api.state import app_state
from engine.config import Settings
from engine.errors import Throttled, Unauthenticated
from engine.models import LoginThrottle
from engine.operations import auth
from engine.operations.auth import authenticate
from engine.operations.login_throttle import counters_for, network_of
from tests.factories import PASSWORD, make_user

TOKEN = "/api/v1/auth/token"


def login(client: FlaskClient, username: str, password: str = PASSWORD, address: str = "10.0.0.1") -> Any:
    return client.post(TOKEN, json={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address})


def attempts(db: Any, key: str) -> int:
    row = db(lambda s: s.get(LoginThrottle, key))
    return 0 if row is None else row.attempts


def fail(client: FlaskClient, username: str, address: str, times: int) -> None:
    for _ in range(times):
        assert login(client, username, "sai", address).status_code == 401


def test_a_failure_counts_on_its_account_its_address_and_their_pair(client, world, db):
    assert login(client, "XA.VanPhong ", "sai", "10.0.0.1").status_code == 401
    counters = counters_for("xa.vanphong", "10.0.0.1")
    assert [attempts(db, key) for key in (counters.pair, counters.account, counters.address)] == [1, 1, 1]


def test_five_failures_lock_that_address_out_of_that_account_only(client, world, settings: Settings, clock):
    fail(client, "xa.vanphong", "10.0.0.1", settings.login_max_failures)
    refused = login(client, "xa.vanphong", PASSWORD, "10.0.0.1")  # even the right password
    assert refused.status_code == 429
    assert refused.content_type == PROBLEM_JSON
    assert refused.json["detail"] == "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút."
    assert int(refused.headers["Retry-After"]) == settings.login_window_seconds

    assert login(client, "xa.chutich", PASSWORD, "10.0.0.1").status_code == 200  # a colleague at the same desk
    assert login(client, "xa.vanphong", PASSWORD, "10.0.0.2").status_code == 200  # the owner elsewhere
    clock.advance(seconds=settings.login_window_seconds - 60)
    assert "sau 1 phút" in login(client, "xa.vanphong", PASSWORD, "10.0.0.1").json["detail"]
    clock.advance(seconds=60)
    assert login(client, "xa.vanphong", PASSWORD, "10.0.0.1").status_code == 200


def test_no_one_can_lock_an_account_out(client, world, db, settings: Settings):
    guessers = [f"203.0.113.{n}" for n in range(settings.login_account_max_failures // settings.login_max_failures)]
    for address in guessers:
        fail(client, "xa.vanphong", address, settings.login_max_failures)
    assert attempts(db, counters_for("xa.vanphong", "x").account) == settings.login_account_max_failures

    # The owner, at a desk that has not failed on the account, logs in with the right password.
    assert login(client, "xa.vanphong", PASSWORD, "10.0.0.7").status_code == 200
    # Over the account's limit, a new address gets one try; one that has failed gets none.
    assert login(client, "xa.vanphong", "sai", "198.51.100.1").status_code == 401
    assert login(client, "xa.vanphong", "sai", "198.51.100.1").status_code == 429
    assert login(client, "xa.vanphong", PASSWORD, "198.51.100.1").status_code == 429


def test_an_office_behind_one_address_is_not_locked_out_by_its_own_typos(client, world, session, settings: Settings):
    office = [make_user(session, settings, f"xa.canbo{n}") for n in range(8)]
    session.commit()
    for user in office:
        fail(client, user.username, "10.8.8.8", settings.login_max_failures - 1)
    for user in office:
        assert login(client, user.username, PASSWORD, "10.8.8.8").status_code == 200


def test_a_guesser_behind_an_address_is_stopped_across_accounts(world, settings: Settings, runtime, clock):
    app = create_app(replace(settings, login_address_max_failures=12), runtime=runtime, clock=clock)
    try:
        guesser = app.test_client()
        for n in range(12):
            assert login(guesser, f"ten.doan{n % 4}", "sai", "10.6.6.6").status_code == 401
        assert login(guesser, "xa.vanphong", PASSWORD, "10.6.6.6").status_code == 429
        assert login(guesser, "xa.vanphong", PASSWORD, "10.6.6.7").status_code == 200
    finally:
        with app.app_context():
            app_state().engine.dispose()


def test_a_success_forgives_its_own_typos_but_not_the_guesses_of_others(client, world, db):
    fail(client, "xa.vanphong", "10.0.0.1", 4)
    fail(client, "xa.vanphong", "203.0.113.9", 3)
    assert login(client, "xa.vanphong", PASSWORD, "10.0.0.1").status_code == 200
    counters = counters_for("xa.vanphong", "10.0.0.1")
    assert attempts(db, counters.pair) == 0
    assert attempts(db, counters.account) == 7  # the attempt that succeeded is not counted
    assert attempts(db, counters_for("xa.vanphong", "203.0.113.9").pair) == 3


def test_a_refused_attempt_is_not_counted(client, world, db, settings: Settings):
    fail(client, "xa.vanphong", "10.0.0.1", settings.login_max_failures)
    for _ in range(3):
        assert login(client, "xa.vanphong", "sai", "10.0.0.1").status_code == 429
    counters = counters_for("xa.vanphong", "10.0.0.1")
    assert attempts(db, counters.pair) == attempts(db, counters.account) == settings.login_max_failures


@pytest.mark.parametrize("clients", [4, 8])
def test_concurrent_guesses_are_counted_one_by_one(world, make_ctx, settings: Settings, monkeypatch, clients):
    """Clients guessing at once (two guesses each) from one address: exactly the limit is checked."""
    checked = []
    real_verify = auth.verify_password

    def counting_verify(*args: Any) -> bool:
        checked.append(1)
        return real_verify(*args)

    monkeypatch.setattr(auth, "verify_password", counting_verify)
    start = threading.Barrier(clients)
    outcomes: list[str] = []

    def guess() -> None:
        start.wait()
        for _ in range(2):
            ctx = make_ctx()
            try:
                authenticate(ctx, "xa.vanphong", "sai", "10.9.9.9")
            except Unauthenticated:
                outcomes.append("checked")
            except Throttled:
                outcomes.append("throttled")
            ctx.session.commit()  # a failure is kept (the API's unit of work does the same)
            ctx.session.close()

    threads = [threading.Thread(target=guess) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["checked"] * settings.login_max_failures + ["throttled"] * (
        2 * clients - settings.login_max_failures)
    assert len(checked) == settings.login_max_failures


def test_addresses_are_counted_as_their_subscriber(settings):
    assert network_of("2001:db8:1:2:aaaa::1") == network_of("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert network_of("::ffff:10.0.0.1") == "10.0.0.1"
    assert network_of(None) == "unknown"


def test_the_address_behind_trusted_proxies_is_the_forwarded_one(app, world, db, settings, runtime, clock):
    """Behind one proxy the client is the last X-Forwarded-For entry; without the setting the header is ignored."""
    forwarded = {"X-Forwarded-For": "192.0.2.77, 10.0.0.5"}
    behind = create_app(replace(settings, trusted_proxies=1), runtime=runtime, clock=clock)
    try:
        assert login(behind.test_client(), "xa.vanphong", "sai", "127.0.0.1").status_code == 401
        behind.test_client().post(TOKEN, json={"username": "xa.vanphong", "password": "sai"},
                                  headers=forwarded, environ_base={"REMOTE_ADDR": "127.0.0.1"})
        assert attempts(db, counters_for("xa.vanphong", "10.0.0.5").pair) == 1
        app.test_client().post(TOKEN, json={"username": "xa.chutich", "password": "sai"},
                               headers=forwarded, environ_base={"REMOTE_ADDR": "127.0.0.1"})
        assert attempts(db, counters_for("xa.chutich", "127.0.0.1").pair) == 1
        assert db(lambda s: s.scalar(select(LoginThrottle).where(LoginThrottle.key.contains("192.0.2.77")))) is None
    finally:
        with behind.app_context():
            app_state().engine.dispose()
