"""Builders for the registry and for nominations in a dossier; each flushes and returns the object."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from engine.models import (
    Awardee,
    AwardeeKind,
    Decision,
    DecisionStatus,
    Dossier,
    DossierKind,
    DossierStatus,
    GrantedAward,
    Initiative,
    Nomination,
    NominationStatus,
    Unit,
    User,
    YearlyGrade,
)
from engine.text import fold
from engine.vocabulary import TaskGrade

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def make_awardee(session: Session, name: str, unit: Unit | None, *, kind: str = "individual",
                 code: str | None = None, position: str | None = None) -> Awardee:
    awardee = Awardee(code=code, kind=AwardeeKind(kind), name=name, name_folded=fold(name), position=position,
                      unit_id=unit.id if unit is not None else None, created_at=NOW)
    session.add(awardee)
    session.flush()
    return awardee


def make_decision(session: Session, issuer: Unit, year: int, number: int, *, cancelled: bool = False) -> Decision:
    decision = Decision(issuer_unit_id=issuer.id, year=year, number=number, symbol="QĐ-UBND",
                        signed_on=date(year, 12, 20), created_at=NOW,
                        status=DecisionStatus.CANCELLED if cancelled else DecisionStatus.ISSUED)
    session.add(decision)
    session.flush()
    return decision


def grant(session: Session, awardee: Awardee, award_type: str, *years: int, kind: str = "regular",
          decision: Decision | None = None, revoked: bool = False) -> list[GrantedAward]:
    awards = [GrantedAward(awardee_id=awardee.id, award_type=award_type, year=year, dossier_kind=kind,
                           decision_id=decision.id if decision is not None else None,
                           revoked_at=NOW if revoked else None, created_at=NOW)
              for year in years]
    session.add_all(awards)
    session.flush()
    return awards


def make_initiative(session: Session, awardee: Awardee, title: str, level: str, year: int, *,
                    used_by: Nomination | None = None) -> Initiative:
    initiative = Initiative(awardee_id=awardee.id, title=title, level=level, year=year, created_at=NOW,
                            used_by_nomination_id=used_by.id if used_by is not None else None)
    session.add(initiative)
    session.flush()
    return initiative


def make_dossier(session: Session, proposing_unit: Unit, proposer: User, *, year: int = 2026,
                 kind: str = "regular", status: str = "in_review") -> Dossier:
    title = f"Hồ sơ đề nghị khen thưởng năm {year}"
    dossier = Dossier(title=title, title_folded=fold(title), year=year, kind=DossierKind(kind),
                      status=DossierStatus(status), proposing_unit_id=proposing_unit.id, created_by_id=proposer.id,
                      created_at=NOW, updated_at=NOW)
    session.add(dossier)
    session.flush()
    return dossier


def nominate(session: Session, dossier: Dossier, award_type: str, awardee: Awardee | None = None, *,
             name: str | None = None, status: str = "pending") -> Nomination:
    """A nomination in the dossier, naming someone in the registry or (without `awardee`) by name only."""
    nomination = Nomination(
        dossier=dossier, position=len(dossier.nominations) + 1, award_type=award_type,
        nominee_kind=awardee.kind.value if awardee is not None else "individual",
        awardee_id=awardee.id if awardee is not None else None,
        nominee_name=awardee.name if awardee is not None else (name or "Người chưa có trong sổ"),
        achievements="Hoàn thành xuất sắc nhiệm vụ năm học.", status=NominationStatus(status),
        outcome_note="Không đủ tiêu chuẩn." if status == "rejected" else None,
    )
    session.add(nomination)
    session.flush()
    return nomination


def grade(session: Session, awardee: Awardee, grade_code: str, *years: int) -> list[YearlyGrade]:
    """The yearly grade (xếp loại) of `awardee` for each of `years`."""
    grades = [YearlyGrade(awardee_id=awardee.id, year=year, grade=TaskGrade(grade_code), created_at=NOW)
              for year in years]
    session.add_all(grades)
    session.flush()
    return grades
