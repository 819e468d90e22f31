"""Plain factories for every test: `gen_<thing>(...)` makes real rows and commits them.

Each takes keyword arguments with sensible defaults and returns the object it made. Most build
the models directly; the few that deliberately go through a service say so, because that path is
what their callers want (a real reference, a proposal with its first version and audit row).
Numbers in default names ("Person 3", "round-2") start again at 1 in every test.

The pytest fixtures in tests/conftest.py and the areas' conftest files are thin wrappers over
these functions; tests/worlds.py composes them into whole rounds.
"""

import itertools
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from panel.extensions import db
from panel.models import (
    Application,
    ApplicationStatus,
    Boundary,
    ConductAgreement,
    Conflict,
    ConflictKind,
    Criterion,
    CriterionSupport,
    Decision,
    ExportJob,
    FundingRound,
    PanelRole,
    Review,
    ReviewStatus,
    Role,
    RoundMember,
    Rubric,
    RubricCriterion,
    Score,
    User,
)
from panel.models.application import ApplicationImport
from panel.models.review import pack_scores

PASSWORD = "correct horse battery"
LIGHT_HASHING = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}

_numbers: defaultdict[str, Iterator[int]] = defaultdict(lambda: itertools.count(1))


def reset_numbers() -> None:
    """Start the default names' numbers at 1 again (tests/conftest.py does this for each test)."""
    _numbers.clear()


def _next(kind: str) -> int:
    return next(_numbers[kind])


@cache
def password_hash() -> str:
    """One Argon2 hash of PASSWORD, made once per process (hashing is slow on purpose)."""
    from argon2 import PasswordHasher

    return PasswordHasher(**LIGHT_HASHING).hash(PASSWORD)


# --------------------------------------------------------------------------- people and rounds


def gen_user(
    *,
    role: str = Role.RESIDENT,
    name: str | None = None,
    email: str | None = None,
    active: bool = True,
    with_password: bool = True,
) -> User:
    """A person who can sign in with PASSWORD (a resident unless told otherwise)."""
    n = _next("user")
    user = User(
        email=email or f"person{n}@example.org",
        display_name=name or f"Person {n}",
        role=role,
        active=active,
        password_hash=password_hash() if with_password else None,
    )
    db.session.add(user)
    db.session.commit()
    return user


def gen_staff(**values: Any) -> User:
    """A member of staff."""
    return gen_user(role=Role.STAFF, **values)


def gen_agreement(user: User, *, commit: bool = True) -> ConductAgreement | None:
    """The person agreed to the code of conduct (once; staff never need to)."""
    if user.is_staff:
        return None
    found = db.session.execute(
        db.select(ConductAgreement).where(ConductAgreement.user_id == user.id)
    ).scalar_one_or_none()
    if found is None:
        found = ConductAgreement(user_id=user.id, recorded_by_id=user.id)
        db.session.add(found)
        db.session.flush()
    if commit:
        db.session.commit()
    return found


def gen_round(
    *,
    created_by: User | None = None,
    members: Sequence[User] = (),
    chair: User | None = None,
    agreed: bool = True,
    **values: Any,
) -> FundingRound:
    """A round of the Community Fund (Co-design unless `stage` is given) with its panel, whose
    members have agreed to the code of conduct unless `agreed=False`."""
    n = _next("round")
    fields: dict[str, Any] = {
        "slug": f"round-{n}",
        "name": f"Round {n}",
        "fund_name": "Community Fund",
        "reference_prefix": "CF26",
        "budget_pence": 10_000_00,
        "min_award_pence": 250_00,
        "max_award_pence": 5_000_00,
        "scoring_deadline": datetime.now(UTC) + timedelta(days=14),
        "created_by_id": created_by.id if created_by else None,
    }
    fields.update(values)
    round_ = FundingRound(**fields)
    db.session.add(round_)
    db.session.flush()
    for user in members:
        db.session.add(RoundMember(round_id=round_.id, user_id=user.id, role=PanelRole.PANELLIST))
    if chair is not None:
        db.session.add(RoundMember(round_id=round_.id, user_id=chair.id, role=PanelRole.CHAIR))
    if agreed:
        for user in [*members, *([chair] if chair is not None else [])]:
            gen_agreement(user, commit=False)
    db.session.commit()
    return round_


def gen_member(
    round_: FundingRound, user: User, *, role: str = PanelRole.PANELLIST, agreed: bool = True
) -> RoundMember:
    """Put a resident on the round's panel (agreed to the code of conduct unless told not)."""
    member = RoundMember(round_id=round_.id, user_id=user.id, role=role)
    db.session.add(member)
    if agreed:
        gen_agreement(user, commit=False)
    db.session.commit()
    return member


# --------------------------------------------------------------------------- criteria and rubrics


def wording(title: str = "Brings neighbours together", kind: str = "scored", **extra: Any) -> Any:
    """A complete criterion wording, with a descriptor for every level of any scale (0 to 10)."""
    from panel.codesign.services import Wording

    values: dict[str, Any] = {
        "title": title,
        "description": f"What “{title}” means in plain words.",
        "why": "Because it matters to us.",
        "kind": kind,
        "descriptors": {str(n): f"{title}: what a {n} looks like" for n in range(0, 11)},
    }
    values.update(extra)
    return Wording(**values)


def gen_criterion(
    round_: FundingRound,
    actor: User,
    title: str = "Brings neighbours together",
    kind: str = "scored",
    *,
    shortlisted: bool = False,
) -> Criterion:
    """A proposal made through the co-design service (version 1 and its audit row)."""
    from panel.codesign import services

    criterion = services.propose(round_=round_, wording=wording(title, kind), actor=actor)
    criterion.shortlisted = shortlisted
    db.session.commit()
    return criterion


def gen_support(criterion: Criterion, user: User) -> CriterionSupport:
    """A member's standing support for a proposal."""
    support = CriterionSupport(criterion_id=criterion.id, user_id=user.id)
    db.session.add(support)
    db.session.commit()
    return support


def gen_boundary(
    round_: FundingRound,
    created_by: User,
    *,
    title: str = "Awards are between £250 and £5,000",
    reason: str = "set by the board",
) -> Boundary:
    """A non-negotiable of the round, added through the co-design service (with its audit row)."""
    from panel.codesign import services

    boundary = services.add_boundary(round_=round_, title=title, reason=reason, actor=created_by)
    db.session.commit()
    return boundary


DESCRIPTORS = {
    "0": "No evidence at all",
    "1": "Very little",
    "2": "Some, but unclear",
    "3": "Clear benefit to a few households",
    "4": "Clear benefit to many households",
    "5": "Outstanding, with evidence",
}
SCORED = [
    ("Community benefit", "How much will neighbours gain?", 3),
    ("Value for money", "Is the amount asked for sensible for what it does?", 2),
    ("Local involvement", "Are residents running or shaping it?", 2),
]


def gen_rubric(
    round_: FundingRound,
    adopted_by: User,
    *,
    scored: Sequence[tuple[str, str, int]] = SCORED,
    eligibility: Sequence[str] = ("Based in our area",),
    version: int = 1,
) -> Rubric:
    """An adopted rubric: scored criteria (title, description, weight), then eligibility ones."""
    rubric = Rubric(round_id=round_.id, version=version, adopted_by_id=adopted_by.id)
    db.session.add(rubric)
    db.session.flush()
    for title, description, weight in scored:
        gen_rubric_criterion(
            rubric,
            title=title,
            description=description,
            weight=weight,
            why=f"The panel chose {title.lower()} because it matters here.",
            descriptors=dict(DESCRIPTORS),
            commit=False,
        )
    for title in eligibility:
        gen_rubric_criterion(
            rubric, title=title, kind="eligibility", description=f"{title}: staff check this."
        )
    db.session.commit()
    return rubric


def gen_rubric_criterion(
    rubric: Rubric,
    *,
    title: str,
    kind: str = "scored",
    weight: int | None = None,
    position: int | None = None,
    description: str = "d",
    commit: bool = True,
    **values: Any,
) -> RubricCriterion:
    """One frozen criterion of a rubric, placed after the others unless `position` is given."""
    if position is None:
        highest = db.session.execute(
            db.select(db.func.max(RubricCriterion.position)).where(
                RubricCriterion.rubric_id == rubric.id
            )
        ).scalar()
        position = (highest or 0) + 1
    criterion = RubricCriterion(
        rubric_id=rubric.id,
        position=position,
        title=title,
        description=description,
        kind=kind,
        weight=(weight if weight is not None else 1) if kind == "scored" else 0,
        **values,
    )
    db.session.add(criterion)
    db.session.flush()
    if commit:
        db.session.commit()
    return criterion


# --------------------------------------------------------------------------- applications


def gen_application(
    round_: FundingRound,
    number: int | None = None,
    *,
    status: str = ApplicationStatus.ELIGIBLE,
    **values: Any,
) -> Application:
    """A complete application (eligible unless told), with contact details only staff may see."""
    if number is None:
        highest = db.session.execute(
            db.select(db.func.max(Application.number)).where(Application.round_id == round_.id)
        ).scalar()
        number = (highest or 0) + 1
    fields: dict[str, Any] = {
        "round_id": round_.id,
        "number": number,
        "reference": f"{round_.reference_prefix}-{round_.id:02d}{number:03d}",
        "organisation_name": f"Group {number}",
        "organisation_type": "community_group",
        "contact_name": f"Contact Person {number}",
        "contact_email": f"contact{number}@group.example",
        "contact_phone": f"07700 900{number:03d}",
        "postcode": "LS1 4AB",
        "project_title": f"Project {number}",
        "summary": f"What project {number} does for neighbours.",
        "spend_on": "Tea urn, chairs and a room booking.",
        "amount_requested_pence": 1_000_00 * number,
        "beneficiaries": 40 + number,
        "location": "Beeston",
        "status": status,
    }
    fields.update(values)
    application = Application(**fields)
    db.session.add(application)
    db.session.commit()
    return application


def gen_received_application(
    round_: FundingRound,
    *,
    status: str | None = None,
    source: str = "online",
    **values: Any,
) -> Application:
    """An application added through the applications service: a real reference and audit row."""
    from panel.applications import services

    n = _next("received")
    fields: dict[str, Any] = {
        "organisation_name": f"Group {n}",
        "organisation_type": "community_group",
        "contact_name": f"Contact {n}",
        "contact_email": f"contact{n}@example.org",
        "contact_phone": "01632 960 001",
        "postcode": "LS6 2AB",
        "project_title": f"Project {n}",
        "summary": "A project.",
        "spend_on": "Things.",
        "amount_requested_pence": 1_000_00,
        "beneficiaries": 10,
        "location": "Northfield",
    }
    fields.update(values)
    application = services.create_application(
        round_=round_, values=fields, source=source, actor=None
    )
    if status is not None:
        application.status = status
    db.session.commit()
    return application


def gen_import(
    round_: FundingRound,
    created_by: User | None,
    *,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    mapping: dict[str, int] | None = None,
    **values: Any,
) -> ApplicationImport:
    """An uploaded spreadsheet waiting to be imported: its header row and rows 2, 3, ..."""
    upload = ApplicationImport(
        round_id=round_.id,
        filename="applications.csv",
        headers=list(headers),
        rows=[{"row": n, "cells": list(cells)} for n, cells in enumerate(rows, start=2)],
        mapping=mapping or {},
        created_by_id=created_by.id if created_by else None,
        **values,
    )
    db.session.add(upload)
    db.session.commit()
    return upload


# --------------------------------------------------------------------------- scoring


def gen_review(
    application: Application,
    panellist: User,
    *,
    scores: Sequence[int | None] | dict[RubricCriterion, int | None] = (),
    rubric: Rubric | None = None,
    status: str = ReviewStatus.SUBMITTED,
    comments: Sequence[str] = (),
    commit: bool = True,
    keep_bytes: bool = True,
    **values: Any,
) -> Review:
    """A review with a score per scored criterion of the rubric (in order), submitted unless told.

    `rubric` defaults to the round's latest; `scores` is a list in the rubric's order or a dict
    by criterion. None is a missing score, never 0. The scores are kept as bytes on the row too,
    as save_review keeps them, unless `keep_bytes` is False (a writer that skips them).
    """
    if rubric is None:
        rubric = (
            db.session.execute(
                db.select(Rubric)
                .where(Rubric.round_id == application.round_id)
                .order_by(Rubric.version.desc())
            )
            .scalars()
            .first()
        )
        assert rubric is not None, "gen_review needs an adopted rubric: call gen_rubric first"
    if not isinstance(scores, dict):
        scores = dict(zip(rubric.scored, scores, strict=False))
    if status == ReviewStatus.SUBMITTED:
        values.setdefault("submitted_at", datetime.now(UTC))
    review = Review(
        round_id=application.round_id,
        application_id=application.id,
        panellist_id=panellist.id,
        rubric_id=rubric.id,
        status=status,
        **values,
    )
    db.session.add(review)
    db.session.flush()
    for n, (criterion, value) in enumerate(scores.items()):
        comment = comments[n] if n < len(comments) else ""
        db.session.add(
            Score(
                review_id=review.id, rubric_criterion_id=criterion.id, value=value, comment=comment
            )
        )
    db.session.flush()
    if keep_bytes:  # as save_review does, once the Score rows are written
        review.score_pack = pack_scores(scores.get(c) for c in rubric.scored)
        review.score_pack_version = review.version
        db.session.flush()
    if commit:
        db.session.commit()
    return review


def gen_conflict(
    application: Application,
    panellist: User,
    *,
    kind: str = ConflictKind.MEMBER,
    note: str = "",
    declared_by: User | None = None,
    withdrawn_by: User | None = None,
    withdrawn_reason: str = "Recorded by mistake",
    commit: bool = True,
) -> Conflict:
    """A declared conflict of interest (by the panellist unless told), withdrawn if told by whom."""
    conflict = Conflict(
        round_id=application.round_id,
        application_id=application.id,
        panellist_id=panellist.id,
        kind=kind,
        note=note,
        declared_by_id=(declared_by or panellist).id,
    )
    if withdrawn_by is not None:
        conflict.withdrawn_at = datetime.now(UTC)
        conflict.withdrawn_by_id = withdrawn_by.id
        conflict.withdrawn_reason = withdrawn_reason
    db.session.add(conflict)
    db.session.flush()
    if commit:
        db.session.commit()
    return conflict


# --------------------------------------------------------------------------- the panel meeting


def gen_decision(
    application: Application,
    decided_by: User,
    *,
    outcome: str = "fund",
    amount_pence: int | None = None,
    reason: str = "A strong application",
    status: str = "confirmed",
    commit: bool = True,
) -> Decision:
    """A decision on an application (a full award unless told), confirmed unless told."""
    if amount_pence is None:
        amount_pence = application.amount_requested_pence if outcome == "fund" else 0
    decision = Decision(
        round_id=application.round_id,
        application_id=application.id,
        outcome=outcome,
        amount_awarded_pence=amount_pence,
        reason=reason,
        status=status,
        decided_by_id=decided_by.id,
    )
    db.session.add(decision)
    db.session.flush()
    if commit:
        db.session.commit()
    return decision


def gen_export_job(
    round_: FundingRound | int,
    requested_by: User | int,
    *,
    fmt: str = "xlsx",
    status: str = "done",
    **values: Any,
) -> ExportJob:
    """A background export job (finished, with a file, unless told); objects or their ids."""
    fields: dict[str, Any] = {
        "filename": f"export.{fmt}",
        "content": b"PK" if status == "done" else None,
    }
    fields.update(values)
    job = ExportJob(
        round_id=round_ if isinstance(round_, int) else round_.id,
        requested_by_id=requested_by if isinstance(requested_by, int) else requested_by.id,
        format=fmt,
        status=status,
        **fields,
    )
    db.session.add(job)
    db.session.commit()
    return job


# --------------------------------------------------------------------------- ideas and people


def gen_idea(
    author: User,
    *,
    title: str | None = None,
    why: str = "Because neighbours need it.",
    where: str = "",
    why_private: bool = False,
) -> Any:
    """An idea for the fund, posted through the ideas service (with its audit row)."""
    from panel.ideas import services

    idea = services.post(
        text=services.IdeaText(
            title=title or f"Idea {_next('idea')}", why=why, where=where, why_private=why_private
        ),
        actor=author,
    )
    db.session.commit()
    return idea


def gen_idea_comment(
    idea: Any, author: User, *, body: str = "I agree.", private: bool = False
) -> Any:
    """A comment on an idea, through the ideas service."""
    from panel.ideas import services

    comment = services.add_comment(idea=idea, body=body, private=private, actor=author)
    db.session.commit()
    return comment


def gen_join_request(**values: Any) -> Any:
    """A resident's request to join in, waiting for staff (through the service)."""
    from panel.welcome import join

    n = _next("join")
    fields: dict[str, Any] = {
        "name": f"Joiner {n}",
        "email": f"joiner{n}@example.org",
        "phone": "07700 900 123",
        "preferred_contact": "email",
        "access_needs": "Large print, please.",
        "languages": "English and Polish",
    }
    fields.update(values)
    request = join.request_to_join(details=join.JoinDetails(**fields))
    db.session.commit()
    return request


# --------------------------------------------------------------------------- co-production


def gen_entry(
    person: User,
    *,
    round_: FundingRound | None = None,
    kind: str = "workshop",
    stage: str | None = "codesign",
    minutes: int = 60,
    note: str = "",
    happened_on: Any = None,
    **values: Any,
) -> Any:
    """An entry of a resident's involvement record (off-screen unless `kind` says otherwise)."""
    from panel.models import InvolvementEntry
    from panel.models.types import uk_today

    entry = InvolvementEntry(
        person_id=person.id,
        round_id=round_.id if round_ is not None else None,
        stage=stage if round_ is not None or kind.endswith("idea") else None,
        kind=kind,
        happened_on=happened_on or uk_today(),
        minutes=minutes,
        note=note,
        **values,
    )
    db.session.add(entry)
    db.session.commit()
    return entry


def gen_expense(
    person: User,
    *,
    round_: FundingRound | None = None,
    kind: str = "travel",
    amount_pence: int = 4_50,
    status: str = "claimed",
    note: str = "",
    **values: Any,
) -> Any:
    """An expense claim (waiting, unless `status` says otherwise, with a reason if refused)."""
    from panel.models import Expense
    from panel.models.types import uk_today, utcnow

    fields: dict[str, Any] = {"spent_on": uk_today()}
    if status != "claimed":
        fields["decided_at"] = utcnow()
    if status == "refused":
        fields["reason"] = "Not something we pay for."
    if status == "paid":
        fields["paid_on"] = uk_today()
    fields.update(values)
    expense = Expense(
        person_id=person.id,
        round_id=round_.id if round_ is not None else None,
        kind=kind,
        amount_pence=amount_pence,
        status=status,
        note=note,
        **fields,
    )
    db.session.add(expense)
    db.session.commit()
    return expense


def gen_payment(
    person: User,
    *,
    round_: FundingRound | None = None,
    kind: str = "voucher",
    amount_pence: int = 20_00,
    **values: Any,
) -> Any:
    """A payment or voucher given to a resident for their time."""
    from panel.models import Payment
    from panel.models.types import uk_today

    fields: dict[str, Any] = {"paid_on": uk_today()}
    fields.update(values)
    payment = Payment(
        person_id=person.id,
        round_id=round_.id if round_ is not None else None,
        kind=kind,
        amount_pence=amount_pence,
        **fields,
    )
    db.session.add(payment)
    db.session.commit()
    return payment


def gen_staff_time(
    round_: FundingRound, staff_member: User, *, stage: str = "codesign", minutes: int = 120
) -> Any:
    """Time a member of staff spent on a round."""
    from panel.models import StaffTime
    from panel.models.types import uk_today

    row = StaffTime(
        staff_id=staff_member.id,
        round_id=round_.id,
        stage=stage,
        worked_on=uk_today(),
        minutes=minutes,
        note="Supporting the panel",
    )
    db.session.add(row)
    db.session.commit()
    return row


def gen_meeting(round_: FundingRound, *, quorum: int = 2, **values: Any) -> Any:
    """A panel meeting of the round, today, at the community centre, with no register yet."""
    from panel.models import PanelMeeting
    from panel.models.types import uk_today

    fields: dict[str, Any] = {
        "held_on": uk_today(),
        "place": "Community Centre",
        "length_minutes": 120,
    }
    fields.update(values)
    meeting = PanelMeeting(round_id=round_.id, quorum=quorum, **fields)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def gen_message(
    *, to: User | None = None, status: str = "held", channel: str = "email", **values: Any
) -> Any:
    """A message in the outbox (held for want of a mail server unless told otherwise)."""
    import secrets as _secrets

    from panel.models import Message

    n = _next("message")
    fields: dict[str, Any] = {
        "kind": "panel_added",
        "channel": channel,
        "recipient_id": to.id if to is not None else None,
        "to_name": to.display_name if to is not None else f"Person {n}",
        "to_address": to.email if to is not None else f"person{n}@example.org",
        "subject": f"Message {n}",
        "body_text": f"Hello,\n\nMessage {n}.",
        "body_html": f"<p>Message {n}.</p>",
        "status": status,
        "message_id": f"<{_secrets.token_hex(8)}@localhost>",
    }
    fields.update(values)
    message = Message(**fields)
    db.session.add(message)
    db.session.commit()
    return message
