"""What a round's form asks beyond the usual questions: up to ten extra questions and the
documents to attach, set by staff; checking the answers; and what the apply page tells groups
the panel will score.

Extra answers are stored as text by question key ("q12") on the application, so they show the
same on the staff pages, the scoring page, the exports and in imports (matched by the
question's wording as a column header).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from panel.applications.services import ApplicationError
from panel.audit import record
from panel.extensions import db
from panel.models import (
    MAX_QUESTIONS,
    QUESTION_KINDS,
    Application,
    Boundary,
    FormDocument,
    FormQuestion,
    FundingRound,
    User,
)
from panel.models.types import utcnow
from panel.rubrics import current_rubric

YES_NO = ("Yes", "No")
SHORT_MAX, LONG_MAX = 200, 5000
DOCUMENT_SUGGESTIONS = (
    "Budget",
    "Constitution or governing document",
    "Safeguarding policy",
    "Latest accounts",
)


def questions(round_: FundingRound) -> list[FormQuestion]:
    """The round's extra questions still asked, in the order the form asks them."""
    return questions_by_id(round_.id)


def questions_by_id(round_id: int) -> list[FormQuestion]:
    """The extra questions still asked by the round with this id, in order."""
    query = db.select(FormQuestion).where(
        FormQuestion.round_id == round_id, FormQuestion.removed_at.is_(None)
    )
    return list(
        db.session.execute(query.order_by(FormQuestion.position, FormQuestion.id)).scalars()
    )


def documents(round_: FundingRound) -> list[FormDocument]:
    """The documents the round asks for, in order."""
    query = db.select(FormDocument).where(
        FormDocument.round_id == round_.id, FormDocument.removed_at.is_(None)
    )
    return list(
        db.session.execute(query.order_by(FormDocument.position, FormDocument.id)).scalars()
    )


def _next_position(model: type[FormQuestion] | type[FormDocument], round_: FundingRound) -> int:
    highest = db.session.execute(
        db.select(db.func.max(model.position)).where(model.round_id == round_.id)
    ).scalar_one()
    return int(highest or 0) + 1


def add_question(
    *,
    round_: FundingRound,
    label: str,
    kind: str,
    required: bool,
    hint: str = "",
    options: list[str] | None = None,
    actor: User,
) -> FormQuestion:
    """Add an extra question to the round's form (policy: staff), at most ten per round."""
    label = label.strip()
    if not label:
        raise ApplicationError("Enter the question")
    if kind not in QUESTION_KINDS:
        raise ApplicationError("Choose the kind of answer")
    if len(questions(round_)) >= MAX_QUESTIONS:
        raise ApplicationError(
            f"A round can ask at most {MAX_QUESTIONS} extra questions. Remove one to add another."
        )
    if any(q.label.casefold() == label.casefold() for q in questions(round_)):
        raise ApplicationError("The form already asks this question")
    choices = [o.strip() for o in (options or []) if o.strip()]
    if kind == "choice" and len(choices) < 2:
        raise ApplicationError("Enter at least two choices, one on each line")
    question = FormQuestion(
        round_id=round_.id,
        position=_next_position(FormQuestion, round_),
        label=label,
        hint=hint.strip(),
        kind=kind,
        options=choices if kind == "choice" else [],
        required=required,
    )
    after = {"label": label, "kind": kind, "required": required, "options": question.options}
    _logged(question, "question_added", after=after, actor=actor)
    return question


def remove(*, item: FormQuestion | FormDocument, actor: User) -> None:
    """Stop asking an extra question or for a document (policy: staff): it is kept (removed_at),
    with the answers and files already sent, as nothing a panel produced is hard-deleted."""
    if item.removed_at is not None:
        return
    before: dict[str, Any]
    if isinstance(item, FormQuestion):
        what, before = "question", {"label": item.label, "kind": item.kind}
    else:
        what, before = "document", {"label": item.label, "required": item.required}
    item.removed_at = utcnow()
    _logged(item, f"{what}_removed", before=before, actor=actor)


def _logged(
    item: FormQuestion | FormDocument,
    change: str,
    *,
    actor: User,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Save a change to the round's form and log it in the same transaction."""
    db.session.add(item)
    db.session.flush()
    what = "question" if isinstance(item, FormQuestion) else "document"
    record(
        actor=actor,
        action=f"application_form.{change}",
        object_type=f"form_{what}",
        object_id=item.id,
        round_id=item.round_id,
        before=before,
        after=after,
    )


def add_document(
    *, round_: FundingRound, label: str, required: bool, hint: str = "", actor: User
) -> FormDocument:
    """Ask groups to attach a document (policy: staff)."""
    label = label.strip()
    if not label:
        raise ApplicationError("Enter the name of the document")
    if any(d.label.casefold() == label.casefold() for d in documents(round_)):
        raise ApplicationError("The form already asks for this document")
    document = FormDocument(
        round_id=round_.id,
        position=_next_position(FormDocument, round_),
        label=label,
        hint=hint.strip(),
        required=required,
    )
    _logged(document, "document_added", after={"label": label, "required": required}, actor=actor)
    return document


# --------------------------------------------------------------------------- answers


def clean_answer(question: FormQuestion, typed: str) -> str:
    """The answer to store as text, or ApplicationError saying what to fix."""
    text = (typed or "").strip()
    if not text:
        if question.required:
            raise ApplicationError(f"Answer “{question.label}”")
        return ""
    if question.kind == "short_text" and len(text) > SHORT_MAX:
        raise ApplicationError(f"Keep the answer under {SHORT_MAX} characters")
    if question.kind == "long_text" and len(text) > LONG_MAX:
        raise ApplicationError(f"Keep the answer under {LONG_MAX:,} characters")
    if question.kind == "number":
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ApplicationError("Enter a number, like 12") from None
        if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
            raise ApplicationError("Enter a number, like 12")
        return format(number.normalize(), "f")
    if question.kind == "yes_no":
        matched = [v for v in YES_NO if v.casefold() == text.casefold()]
        if not matched:
            raise ApplicationError("Choose yes or no")
        return matched[0]
    if question.kind == "choice":
        matched = [o for o in question.options if o.casefold() == text.casefold()]
        if not matched:
            raise ApplicationError("Choose one of the answers given")
        return matched[0]
    return text


def clean_answers(
    round_questions: list[FormQuestion], typed: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The answers to store by question key, and the problems by question key."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for question in round_questions:
        try:
            values[question.key] = clean_answer(question, typed.get(question.key, ""))
        except ApplicationError as exc:
            errors[question.key] = str(exc)
    return values, errors


@dataclass(frozen=True)
class ExtraAnswer:
    label: str
    answer: str


def extra_answers(
    application: Application, round_questions: list[FormQuestion]
) -> list[ExtraAnswer]:
    """The application's answers to the round's extra questions, in the form's order."""
    answers = application.extra_answers or {}
    return [ExtraAnswer(q.label, answers.get(q.key, "")) for q in round_questions]


# --------------------------------------------------------------------------- what is scored


@dataclass(frozen=True)
class ScoredCriterion:
    title: str
    description: str
    weight: int
    levels: list[tuple[int, str]]  # (score, what it looks like), lowest first


@dataclass(frozen=True)
class WhatWeScore:
    """What the apply page shows before the form: the rules and the criteria in plain words."""

    scored: list[ScoredCriterion]
    eligibility: list[str]  # adopted eligibility criteria, as "title: description"
    boundaries: list[str]  # the round's fixed rules
    adopted: bool


def what_we_score(round_: FundingRound) -> WhatWeScore:
    """The adopted criteria with their weights and level descriptors, the eligibility rules
    and the round's fixed boundaries, for anyone to read before applying."""
    rubric = current_rubric(round_)
    boundaries = list(
        db.session.execute(
            db.select(Boundary.title)
            .where(Boundary.round_id == round_.id, Boundary.archived_at.is_(None))
            .order_by(Boundary.id)
        ).scalars()
    )
    if rubric is None:
        return WhatWeScore(scored=[], eligibility=[], boundaries=boundaries, adopted=False)
    scored = [
        ScoredCriterion(
            title=c.title,
            description=c.description,
            weight=c.weight,
            levels=[
                (level, str((c.descriptors or {}).get(str(level), "")))
                for level in round_.scale_levels
                if (c.descriptors or {}).get(str(level))
            ],
        )
        for c in rubric.scored
    ]
    eligibility = [
        f"{c.title}: {c.description}" if c.description else c.title for c in rubric.eligibility
    ]
    return WhatWeScore(scored=scored, eligibility=eligibility, boundaries=boundaries, adopted=True)


def answers_for_round(round_id: int) -> tuple[list[FormQuestion], dict[int, dict[str, str]]]:
    """The round's extra questions and every application's answers by id: two queries, for
    exports (one column per question, headed by its wording)."""
    round_questions = list(
        db.session.execute(
            db.select(FormQuestion)
            .where(FormQuestion.round_id == round_id, FormQuestion.removed_at.is_(None))
            .order_by(FormQuestion.position, FormQuestion.id)
        ).scalars()
    )
    if not round_questions:
        return [], {}
    rows = db.session.execute(
        db.select(Application.id, Application.extra_answers).where(Application.round_id == round_id)
    ).all()
    return round_questions, {row[0]: dict(row[1] or {}) for row in rows}
