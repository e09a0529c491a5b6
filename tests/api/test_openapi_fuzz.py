"""Every operation of the OpenAPI document, fuzzed with schemathesis over the demo organisation and its
dossiers, logged in as a proposer and as an office: no answer may be a 5xx, and every answer must match
the response schema documented for its status.

Bounded (EXAMPLES generated cases per operation and role, shrinking off) and deterministic (Hypothesis
derandomized, no example database), over WSGI: no network. The figure (operations, requests, 5xx) is
written to test-artifacts/openapi-fuzz.txt.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.demo import DemoSeeder
from engine.context import Context
from engine.models import SessionKind
from engine.operations import sessions
from engine.operations.directory import user_named
from engine.orgchart.writer import import_org_chart

DEMO = Path(__file__).resolve().parent.parent.parent / "demo" / "org.yaml"
ARTIFACT = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "openapi-fuzz.txt"
EXAMPLES = 25
ROLES = ("truong.denghi", "xa1.vanphong")  # a school's proposer, a commune's standing office
LOGOUTS = {"DELETE /api/v1/auth/token", "DELETE /api/v1/auth/session"}  # run on a throwaway login


@dataclass
class Tally:
    operations: set[str] = field(default_factory=set)
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: dict[tuple[str, str], str] = field(default_factory=dict)

    def line(self) -> str:
        server_errors = sum(n for status, n in self.statuses.items() if status >= 500)
        return (f"{len(self.operations)} operations, {self.requests} requests, {server_errors} 5xx, "
                f"{len(self.failures)} failures; statuses {dict(sorted(self.statuses.items()))}")


@pytest.fixture
def demo_world(session, session_factory, settings, runtime, clock) -> None:
    import_org_chart(Context(session=session, settings=settings, clock=clock), DEMO.read_text(encoding="utf-8"))
    session.commit()
    DemoSeeder(session_factory, settings, runtime, clock).seed()


def _token(session_factory, settings, clock, username: str) -> str:
    with session_factory() as session:
        user = user_named(session, username)
        assert user is not None, username
        secret = sessions.open_session(Context(session, settings, clock), user, SessionKind.TOKEN).secret
        session.commit()
    return secret


def _fuzz(operation: schemathesis.APIOperation, bearer: Callable[[], str], tally: Tally) -> None:
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case: schemathesis.Case) -> None:
        response = case.call(headers={"Authorization": f"Bearer {bearer()}"})
        tally.requests += 1
        tally.statuses[response.status_code] += 1
        for check in (not_a_server_error, response_schema_conformance):
            try:
                case.validate_response(response, checks=[check])
            except FailureGroup as failure:
                tally.failures.setdefault((operation.label, check.__name__),
                                          f"{response.status_code} {case.as_curl_command()}\n{failure}"[:2000])

    run()


# Every operation, for two roles, 25 cases each: several thousand requests, several minutes on two busy
# cores, more than the suite's default per-test limit.
@pytest.mark.timeout(1800)
def test_no_operation_answers_a_5xx_or_breaks_its_schema(app, demo_world, session_factory, settings, clock):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tally = Tally()
    for username in ROLES:
        fresh = partial(_token, session_factory, settings, clock, username)
        kept = partial(str, fresh())  # the same token for every case
        for result in schema.get_all_operations():
            operation = result.ok()
            tally.operations.add(operation.label)
            _fuzz(operation, fresh if operation.label in LOGOUTS else kept, tally)
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(tally.line() + "\n", encoding="utf-8")
    assert tally.requests >= len(tally.operations) * len(ROLES)
    assert not tally.failures, tally.line() + "\n\n" + "\n\n".join(
        f"{label} [{check}]: {detail}" for (label, check), detail in sorted(tally.failures.items()))
