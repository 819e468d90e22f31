"""The code of conduct: a resident agrees to it, and to keep the panel's work confidential,
before they score for the first time. The agreement is kept with its date and wording; staff
see who has not agreed, and may record an agreement signed on paper."""

from dataclasses import dataclass

from sqlalchemy import func

from panel.audit import record
from panel.extensions import db
from panel.fund.services import code_of_conduct
from panel.models import ConductAgreement, FundingRound, Role, RoundMember, User


class ConductError(ValueError):
    """A refusal with a message fit to show; `field` names the form field, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def agreement_of(user: User) -> ConductAgreement | None:
    """The person's agreement, or None while they have not agreed."""
    return db.session.execute(
        db.select(ConductAgreement).where(ConductAgreement.user_id == user.id)
    ).scalar_one_or_none()


def must_agree(user: User) -> bool:
    """True for a resident who has not agreed yet: they cannot score until they do."""
    return not user.is_staff and agreement_of(user) is None


def _agree(person: User, actor: User, on_paper: bool) -> ConductAgreement:
    if person.is_staff:
        raise ConductError("Staff do not agree to the panel's code of conduct here.")
    if agreement_of(person) is not None:
        raise ConductError(f"{person.display_name} has already agreed.")
    _, number = code_of_conduct()
    agreement = ConductAgreement(
        user_id=person.id, conduct_version=number, on_paper=on_paper, recorded_by_id=actor.id
    )
    db.session.add(agreement)
    db.session.flush()
    record(
        actor=actor,
        action="conduct.agreed_on_paper" if on_paper else "conduct.agreed",
        object_type="user",
        object_id=person.id,
        after={"conduct_version": number},
    )
    return agreement


def agree(*, actor: User, accepted: bool) -> ConductAgreement:
    """A resident agrees to the code of conduct and confidentiality (they must tick the box)."""
    if not accepted:
        raise ConductError(
            "Tick the box to agree to the code of conduct and to keep the panel's work "
            "confidential",
            "accept",
        )
    return _agree(actor, actor, on_paper=False)


def record_on_paper(*, person: User, actor: User) -> ConductAgreement:
    """Staff record that a resident agreed on a signed paper copy."""
    if not actor.is_staff:
        raise ConductError("Only staff can record an agreement made on paper.")
    return _agree(person, actor, on_paper=True)


@dataclass(frozen=True)
class Standing:
    """A resident, their agreement (None: not yet) and the rounds they are on the panel of."""

    person: User
    agreement: ConductAgreement | None
    rounds: list[str]


def standings() -> list[Standing]:
    """Every active resident, those who have not agreed first, then by name (three queries)."""
    residents = list(
        db.session.execute(
            db.select(User)
            .where(User.role == Role.RESIDENT, User.active.is_(True))
            .order_by(func.lower(User.display_name))
        ).scalars()
    )
    ids = [u.id for u in residents]
    agreed = {
        a.user_id: a
        for a in db.session.execute(
            db.select(ConductAgreement).where(ConductAgreement.user_id.in_(ids))
        ).scalars()
    }
    panels: dict[int, list[str]] = {}
    for user_id, name in db.session.execute(
        db.select(RoundMember.user_id, FundingRound.name)
        .join(FundingRound, RoundMember.round_id == FundingRound.id)
        .where(RoundMember.user_id.in_(ids), RoundMember.removed_at.is_(None))
        .order_by(FundingRound.id)
    ).all():
        panels.setdefault(user_id, []).append(name)
    out = [Standing(u, agreed.get(u.id), panels.get(u.id, [])) for u in residents]
    return sorted(out, key=lambda s: s.agreement is not None)
