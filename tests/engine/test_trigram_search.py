"""A name search asks SQLite's FTS5 index for the needle's rarest trigrams only and rechecks the
candidates (engine/operations/trigrams.py): the answers are those of a plain `LIKE '%…%'` over the
folded names, for needles made of common trigrams, crossing words, holding quotes or LIKE's signs, with
the trigram counts fresh or wrong; and at most three trigrams are asked. On PostgreSQL the same checks
hold the GIN-indexed `LIKE`."""
from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from sqlalchemy import event, select

from engine.maintenance.backup import is_archived
from engine.models import Decision, DecisionStatus, Nomination
from engine.operations import trigrams
from engine.operations.award.queries import list_dossiers
from engine.operations.public import queries
from engine.operations.trigrams import MOST_TRIGRAMS, NAME_INDEX, folded_contains, rarest_trigrams
from engine.text import fold
from tests.factories import approved_like
from tests.workflows.journey import Journey, build_tree

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Ngô", "Nguyên"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc"]
GIVEN = ["An", "Anh", "Ân", "Tươi", "Tuấn", "Thủy", "Nguyệt", "Yến", "Uyên", "Huy", "Thi", "Quang"]
ODD = ["Nguyễn Thị Tươi", "Nguyễn Văn An", "Huỳnh Ngọc Uyên", "Phạm Quốc Quang", "Nguyễn Thị Anh",
       "Nguyễn \"Thị\" Tươi", "Đỗ_Văn 50% Hùng", "Lê Thị  Tươi", "Trần Thi Thị Thi"]
NEEDLES = ["nguyen thi tuoi", "nguyen van an", "nguyen", "uye", "thi", "thi thi", "n thi t", "yen", "i tu", "ngu",
           "tran thi thi thi", "van an", "an", "a", "\"thi\"", "i\" t", "_van 50%", "50%", "%", "huynh ngoc uyen",
           "nguyen thi anh", "pham quoc quang", "khong co ai", "nguyenthi"]


@pytest.fixture
def names(ctx, session, settings):
    """One decision granting a nominee, then about 600 awards in it with names drawn from common
    family, middle and given names (their trigrams shared by many), and a few odd ones."""
    tree = build_tree(session, settings)
    journey = Journey(ctx, tree)
    journey.submit(("GIAY_KHEN", "Phan Văn Khải"))
    journey.pass_level(tree.commune_office, tree.commune_head, Phan_Văn_Khải="approve")
    first = session.scalars(select(Nomination)).one()
    assert first.decision_id is not None
    rng = random.Random(51)
    drawn = [f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}" for _ in range(600)] + ODD
    for position, name in enumerate(drawn, start=2):
        session.add(approved_like(first, name, position, first.decision_id))
    session.commit()
    return tree


@pytest.fixture(autouse=True)
def _fresh_counts() -> Iterator[None]:
    """The counts a process keeps belong to the database of its test (the tables are emptied between)."""
    trigrams._counts.clear()
    yield
    trigrams._counts.clear()


def plain(session, needle: str) -> list[int]:
    return sorted(session.scalars(select(Nomination.id).where(
        Nomination.nominee_name_folded.contains(needle, autoescape=True))))


def through_index(session, needle: str) -> list[int]:
    return sorted(session.scalars(select(Nomination.id).where(
        folded_contains(session, Nomination.nominee_name_folded, NAME_INDEX, needle))))


def looked_up(ctx, needle: str) -> list[int]:
    found: list[int] = []
    after = None
    while True:
        page = queries.lookup_awards(ctx, name=needle, per_page=100, after=after)
        found += [award.nomination.id for award in page.items]
        if page.next is None:
            return sorted(found)
        after = page.next


def test_the_rarest_trigrams_find_what_like_finds(ctx, session, names):
    empty = []
    for needle in NEEDLES:
        expected = plain(session, needle)
        assert through_index(session, needle) == expected, needle
        issued = sorted(session.scalars(select(Nomination.id).join(Decision, Decision.id == Nomination.decision_id)
                                        .where(Nomination.id.in_(expected), Decision.status == DecisionStatus.ISSUED)))
        assert looked_up(ctx, needle) == issued, needle
        if not expected:
            empty.append(needle)
    assert empty == ["khong co ai", "nguyenthi"]  # the others do find names


def test_wrong_counts_make_a_search_slower_never_wrong(ctx, session, names, monkeypatch):
    """Counts are kept per process and may be stale: the commonest trigrams claimed the rarest, or a
    trigram claimed held by no row, still give the answers of LIKE."""
    for claimed in ({}, {"ngu": 0, "guy": 0}, {"thi": 1, "hi ": 1, " th": 1, "yen": 2, "uye": 2}):
        trigrams._counts.clear()
        for needle in NEEDLES:
            grams = {needle[i:i + 3] for i in range(len(needle) - 2)}
            monkeypatch.setattr(trigrams, "trigram_counts",
                                lambda _s, _i, wanted, c=claimed: {g: c.get(g, 10_000) for g in wanted})
            assert through_index(session, needle) == plain(session, needle), (claimed, needle, grams)
            assert looked_up(ctx, needle) == plain(session, needle), (claimed, needle)


@pytest.mark.sqlite_only
def test_sqlite_asks_the_index_for_the_rarest_trigrams_only(ctx, session, names):
    asked: list[str] = []

    def record(_conn, _cursor, statement, parameters, *_args) -> None:
        if "MATCH" in statement:
            asked.extend(p for p in parameters if isinstance(p, str) and p.startswith('"'))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        folded = fold("Nguyễn Thị Tươi")
        assert through_index(session, folded) == plain(session, folded)
        assert looked_up(ctx, folded) == plain(session, folded)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    counts = trigrams.trigram_counts(session, NAME_INDEX, {folded[i:i + 3] for i in range(len(folded) - 2)})
    assert counts["tuo"] < counts["ngu"] and counts["ngu"] > 0  # the vocabulary counts the live rows
    assert len(asked) == 2 and asked[0] == asked[1]
    grams = asked[0].split(" AND ")
    assert 2 <= len(grams) <= MOST_TRIGRAMS and '"ngu"' not in grams and '"thi"' not in grams
    assert '"uoi"' in grams or '"tuo"' in grams  # the given name's trigram, the rarest


def test_the_rarest_trigrams_are_apart_and_stop_at_one_no_row_holds():
    counts = {"ngu": 50, "guy": 50, "uye": 60, "yen": 70, "en ": 40, "n t": 30, " th": 20, "thi": 20, "hi ": 20,
              "i t": 5, " tu": 8, "tuo": 1, "uoi": 2}
    # "tuo" first; "uoi", "i t", " tu" overlap it; " th" (ties broken by position), then "ngu": apart
    assert rarest_trigrams("nguyen thi tuoi", counts) == ["tuo", " th", "ngu"]
    assert rarest_trigrams("nguyen thi tuoi", {**counts, "hi ": 0}) == ["hi "]
    assert rarest_trigrams("abc", {"abc": 3}) == ["abc"]


def test_the_vocabularies_are_left_out_of_backups_like_their_indexes():
    assert not is_archived("nomination_name_fts_vocab") and not is_archived("dossier_title_fts_vocab")


def test_the_officers_search_finds_the_same_dossiers(ctx, session, names):
    office = ctx.as_actor(names.province_office)
    for needle in ("nguyen thi tuoi", "thi", "n thi t", "\"thi\"", "khong co ai"):
        expected = sorted({n.dossier_id for n in session.scalars(select(Nomination).where(
            Nomination.nominee_name_folded.contains(needle, autoescape=True)))})
        assert sorted(d.id for d in list_dossiers(office, q=needle, per_page=100).items) == expected, needle


@pytest.mark.sqlite_only
def test_the_counts_are_kept_for_a_while_then_read_again(ctx, session, names, monkeypatch):
    counted = trigrams.trigram_counts(session, NAME_INDEX, {"tuo", "zzq"})
    assert counted["tuo"] > 0 and counted["zzq"] == 0
    first = session.scalars(select(Nomination)).first()
    assert first is not None
    first.nominee_name = "Zzq Thị Tươi"
    session.commit()
    assert trigrams.trigram_counts(session, NAME_INDEX, {"zzq"}) == {"zzq": 0}  # kept: not read again
    assert through_index(session, "zzq thi") == plain(session, "zzq thi") == [first.id]  # yet found
    monkeypatch.setattr(trigrams, "COUNTS_TTL", 0.0)
    assert trigrams.trigram_counts(session, NAME_INDEX, {"zzq"}) == {"zzq": 1}  # expired: read again


@pytest.mark.sqlite_only
def test_the_counts_kept_stay_bounded_whatever_is_searched(ctx, session, names, monkeypatch):
    monkeypatch.setattr(trigrams, "MOST_KEPT", 40)
    for i in range(30):  # the public lookup takes any text: 30 searches of 13 new trigrams each
        needle = f"q{i:02d} zx{i:02d} wv{i:02d}"
        assert through_index(session, needle) == plain(session, needle) == []
    assert all(len(kept) <= 40 for per_index in trigrams._counts.values() for kept in per_index.values())
