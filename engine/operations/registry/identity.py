"""Telling people apart: a name, the birth date, the keyed hash of the national ID number (CCCD) and
the units a person has been a member of.

The rule, for the nominee picker, submission and the Excel import alike:

- a national ID hash that the registry holds decides;
- otherwise the namesakes (same kind, same name but for case and spacing) who are or were members
  of the unit are the candidates; with a birth date given, and no namesake there, the namesakes
  born that day anywhere (a person who moved); a candidate whose known birth date (or national ID
  hash) differs from the one given is another person;
- one candidate left: that record; none: a new record; several: `AmbiguousPerson` with the list,
  and the caller chooses (by `person_id`). Nothing is ever attached to one of several namesakes.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.config import Settings
from engine.errors import AmbiguousPerson, InvalidInput
from engine.models import Awardee, AwardeeKind, Membership
from engine.security import identity_hash
from engine.text import fold

NATIONAL_ID_LENGTHS = (9, 12)  # the old CMND, the CCCD


def same_name(name: str) -> str:
    """Names compared exactly but for case, spacing and Unicode form: `Tươi` and `Tuổi` stay different."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def hash_national_id(settings: Settings, raw: str | None, field: str = "national_id") -> str | None:
    """The keyed hash of a national ID number (9 or 12 digits, spaces allowed), None when none given;
    InvalidInput naming `field` otherwise."""
    if raw is None or not str(raw).strip():
        return None
    digits = "".join(str(raw).split())
    if not digits.isdigit() or len(digits) not in NATIONAL_ID_LENGTHS:
        raise InvalidInput("Số CCCD/CMND không hợp lệ.", {field: "Số CCCD gồm 12 chữ số (CMND cũ: 9 chữ số)."})
    return identity_hash(settings, digits)


@dataclass(frozen=True)
class Identity:
    """What is known of a nominee or a row of history."""

    kind: AwardeeKind
    name: str
    unit_id: int | None
    birth_date: date | None = None
    national_id_hash: str | None = None


def describe(awardee: Awardee) -> dict[str, Any]:
    """A candidate as the caller is shown it (never the national ID)."""
    return {"id": awardee.id, "code": awardee.code, "name": awardee.name,
            "birth_date": awardee.birth_date.isoformat() if awardee.birth_date else None,
            "gender": awardee.gender.value if awardee.gender else None,
            "position": awardee.position,
            "unit": awardee.unit.name if awardee.unit is not None else None,
            "unit_id": awardee.unit_id}


def _compatible(awardee: Awardee, who: Identity) -> bool:
    if who.birth_date is not None and awardee.birth_date is not None and awardee.birth_date != who.birth_date:
        return False
    return not (who.national_id_hash is not None and awardee.national_id_hash is not None
                and awardee.national_id_hash != who.national_id_hash)


@dataclass
class Pool:
    """Live records that may be someone, with the units each has been a member of; loaded once for a
    whole Excel file (by folded names), or for one nominee."""

    people: list[Awardee]
    units: dict[int, set[int]]  # awardee id → units (memberships and the current unit)

    @classmethod
    def load(cls, session: Session, folded_names: Collection[str], hashes: Collection[str] = ()) -> Pool:
        people: dict[int, Awardee] = {}
        names, wanted = sorted(folded_names), sorted(hashes)
        for i in range(0, len(names), 500):
            people.update((a.id, a) for a in session.scalars(
                select(Awardee).where(Awardee.merged_into_id.is_(None), Awardee.name_folded.in_(names[i:i + 500]))
                .options(selectinload(Awardee.unit))))
        for i in range(0, len(wanted), 500):
            people.update((a.id, a) for a in session.scalars(
                select(Awardee).where(Awardee.merged_into_id.is_(None),
                                      Awardee.national_id_hash.in_(wanted[i:i + 500]))
                .options(selectinload(Awardee.unit))))
        units: dict[int, set[int]] = {a.id: ({a.unit_id} if a.unit_id is not None else set()) for a in people.values()}
        ids = sorted(people)
        for i in range(0, len(ids), 500):
            for awardee_id, unit_id in session.execute(
                    select(Membership.awardee_id, Membership.unit_id).where(Membership.awardee_id.in_(ids[i:i + 500]))):
                units[awardee_id].add(unit_id)
        pool = cls(sorted(people.values(), key=lambda a: a.id), units)
        pool.index()
        return pool

    def index(self) -> None:
        self.by_name: dict[str, list[Awardee]] = {}
        self.by_hash: dict[str, list[Awardee]] = {}
        for a in self.people:
            self.by_name.setdefault(a.name_folded, []).append(a)
            if a.national_id_hash:
                self.by_hash.setdefault(a.national_id_hash, []).append(a)

    def add(self, awardee: Awardee, unit_ids: set[int]) -> None:
        """A record created meanwhile (by the same import) is a candidate for the rows after it."""
        self.people.append(awardee)
        self.units[awardee.id] = set(unit_ids)
        self.by_name.setdefault(awardee.name_folded, []).append(awardee)
        if awardee.national_id_hash:
            self.by_hash.setdefault(awardee.national_id_hash, []).append(awardee)

    def candidates(self, who: Identity) -> list[Awardee]:
        """The records `who` may be, by the rule above (before deciding)."""
        if who.national_id_hash is not None:
            held = [a for a in self.by_hash.get(who.national_id_hash, []) if a.kind == who.kind]
            if held:
                return held
        wanted = same_name(who.name)
        namesakes = [a for a in self.by_name.get(fold(who.name), [])
                     if a.kind == who.kind and same_name(a.name) == wanted and _compatible(a, who)]
        if who.unit_id is None:
            local = [a for a in namesakes if a.unit_id is None]
        else:
            local = [a for a in namesakes if who.unit_id in self.units.get(a.id, set())]
        if local or who.birth_date is None:
            return local
        return [a for a in namesakes if a.birth_date == who.birth_date]

    def match(self, who: Identity, *, field: str = "person_id") -> Awardee | None:
        """The one record `who` is, None when there is none; AmbiguousPerson (naming `field`) when several
        fit. A namesake whose birth date is given narrows the candidates to those born that day."""
        found = self.candidates(who)
        if len(found) > 1 and who.birth_date is not None:
            exact = [a for a in found if a.birth_date == who.birth_date]
            found = exact or found
        if len(found) <= 1:
            return found[0] if found else None
        born = f", sinh ngày {who.birth_date:%d/%m/%Y}" if who.birth_date else ""
        listed = ", ".join(a.code or f"số {a.id}" for a in found)
        raise AmbiguousPerson(
            f"Sổ theo dõi có {len(found)} {who.kind.label} tên '{who.name}'{born} ({listed}); hãy chọn đúng người "
            "(person_id) hoặc nhập thêm ngày sinh, số CCCD.",
            {field: "Cần chọn một người trong danh sách."}, [describe(a) for a in found])


def candidates(session: Session, who: Identity) -> list[Awardee]:
    hashes = {who.national_id_hash} if who.national_id_hash else set()
    return Pool.load(session, {fold(who.name)}, hashes).candidates(who)


def match(session: Session, who: Identity, *, field: str = "person_id") -> Awardee | None:
    hashes = {who.national_id_hash} if who.national_id_hash else set()
    return Pool.load(session, {fold(who.name)}, hashes).match(who, field=field)
