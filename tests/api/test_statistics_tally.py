"""The statistics' summary of granted awards (award_tally) against a recount from the nominations,
after a year of dossiers through the journeys with a revocation; the rebuild command; a period cut
into whole months (the summary) and edge days (the nominations) counting the same as the nominations
alone."""
from __future__ import annotations

from datetime import date

from click.testing import CliRunner
from sqlalchemy import delete, select, update

from api.cli import main
from engine.config import PROJECT_ROOT
from engine.models import AwardTally, Nomination
from engine.operations import award_tally
from engine.operations.statistics import queries
from engine.operations.statistics.inputs import Period, read_query
from engine.rules import load_rewards
from tests.api.test_statistics_api import year  # noqa: F401  (the fixture: a year through the journeys)
from tests.test_cli import cli_env  # noqa: F401  (the CLI's environment for the test database)


def test_the_summary_equals_a_recount_after_a_year_with_a_revocation(ctx, year):  # noqa: F811
    session = ctx.session
    kept = award_tally.current(session)
    assert kept == award_tally.recount(session)
    assert sum(granted for granted, _ in kept.values()) == 4  # two by the commune, one collective, one province
    assert sum(revoked for _, revoked in kept.values()) == 1  # Trần Thị Thu's award, revoked after a complaint
    commune_individuals = [v for (month, proposer, issuer, code, kind), v in kept.items()
                           if issuer == year.commune.id and code == "GIAY_KHEN" and kind.value == "individual"]
    assert commune_individuals == [(2, 1)]


def test_the_rebuild_command_recounts_a_summary_gone_wrong(ctx, year, cli_env):  # noqa: F811
    session = ctx.session
    expected = award_tally.recount(session)
    session.execute(update(AwardTally).values(granted=AwardTally.granted + 5))
    session.commit()
    assert award_tally.current(session) != expected
    assert queries.compute(ctx, year.province, Period.of_year(2026)).granted == 4 + 5 * len(expected)
    session.commit()  # end the read transaction: the command writes through its own connection (SQLite locks)
    result = CliRunner().invoke(main, ["statistics", "rebuild"], env=cli_env, catch_exceptions=False)
    assert result.exit_code == 0 and f"{len(expected)} dòng" in result.output
    session.expire_all()
    assert award_tally.current(session) == expected
    session.execute(delete(AwardTally))
    session.commit()
    assert award_tally.rebuild(session) == len(expected) and award_tally.current(session) == expected


def test_whole_months_from_the_summary_and_edge_days_from_the_nominations(ctx, year):  # noqa: F811
    signed = sorted({d for d in ctx.session.scalars(select(Nomination.decision_id)) if d})
    assert signed  # the journeys issued decisions in November 2026 (the test clock)
    head = ctx.as_actor(year.province_head)

    def granted(**args: str) -> tuple[int, int, int]:
        stats = queries.statistics(head, read_query({"unit": str(year.province.id), **args},
                                                    today=ctx.clock.now().date()))
        return stats.granted, stats.revoked, stats.money_total

    whole = granted(year="2026")
    assert whole[:2] == (4, 1)
    # The same awards through edge days only, whole months only, and both: the same figures.
    assert granted(**{"from": "20/11/2026", "to": "10/12/2026"}) == whole  # no whole month: nominations
    assert granted(**{"from": "01/11/2026", "to": "30/11/2026"}) == whole  # one whole month: the summary
    assert granted(**{"from": "15/10/2026", "to": "31/12/2026"}) == whole  # edge days and whole months
    # Proof that the whole months are read from the summary: emptied, they count nothing; rebuilt, again.
    ctx.session.execute(delete(AwardTally))
    ctx.session.commit()
    assert granted(**{"from": "01/11/2026", "to": "30/11/2026"})[0] == 0
    assert granted(**{"from": "20/11/2026", "to": "10/12/2026"}) == whole
    award_tally.rebuild(ctx.session)
    ctx.session.commit()
    assert granted(year="2026") == whole


def test_a_period_cut_into_months_and_days():
    def cut(start: str, end: str, cuts: tuple[str, ...] = ()) -> queries.Split:
        return queries.split(Period(date.fromisoformat(start), date.fromisoformat(end)),
                             [date.fromisoformat(c) for c in cuts])

    assert cut("2026-01-01", "2026-12-31") == queries.Split((date(2026, 1, 1), date(2026, 12, 1)), [])
    assert cut("2026-01-15", "2026-03-10") == queries.Split((date(2026, 2, 1), date(2026, 2, 1)), [
        (date(2026, 1, 15), date(2026, 1, 31)), (date(2026, 3, 1), date(2026, 3, 10))])
    assert cut("2026-01-15", "2026-01-20") == queries.Split(None, [(date(2026, 1, 15), date(2026, 1, 20))])
    # An amount changing on a month's first day keeps the months; on another day, the nominations answer.
    assert cut("2024-01-01", "2024-12-31", ("2024-07-01",)).months == (date(2024, 1, 1), date(2024, 12, 1))
    assert cut("2024-01-01", "2024-12-31", ("2024-07-15",)) == queries.Split(
        None, [(date(2024, 1, 1), date(2024, 12, 31))])
    # The real table's changes fall on a month's first day, so a year is read from the summary alone.
    rewards = load_rewards(PROJECT_ROOT / "workflows" / "rules")
    changes = {s.effective_from for s in rewards.base_salaries} | {t.effective_from for t in rewards.tables}
    assert changes and all(day.day == 1 for day in changes)
