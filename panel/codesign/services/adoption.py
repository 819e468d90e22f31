"""Adoption: staff or the chair freeze the chosen criteria as the next rubric version."""

from dataclasses import dataclass
from typing import Any

from criteria.weights import Spread, points, weight_problems
from panel.audit import record
from panel.codesign.services.errors import Closed, Invalid, NotAllowed, StaleAdoption
from panel.codesign.services.queries import criteria_of
from panel.codesign.services.rules import adoption_closed, incomplete, may_adopt
from panel.codesign.services.weights import weight_summary
from panel.extensions import db
from panel.models import (
    Criterion,
    CriterionKind,
    FundingRound,
    Rubric,
    RubricCriterion,
    Stage,
    User,
)
from panel.rounds.services import stage_check
from panel.rubrics import current_rubric

# ------------------------------------------------------------------ adopting


def candidates(round_: FundingRound) -> list[Criterion]:
    """The criteria that can be adopted: shortlisted or fixed, and not removed."""
    return [c for c in criteria_of(round_) if c.shortlisted or c.fixed]


@dataclass(frozen=True)
class Choice:
    """One criterion as the adopter chose it: its place in the order, weight and reason."""

    criterion: Criterion
    position: int
    weight: int = 0
    reason: str = ""


def _spread_record(value: Spread | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "members": value.members,
        "lowest": value.lowest,
        "median": points(value.median),
        "highest": value.highest,
        "mean": points(value.mean),
    }


def adopt(
    *,
    round_: FundingRound,
    choices: list[Choice],
    note: str,
    actor: User,
    expected_version: int,
) -> Rubric:
    """Staff or the chair freeze the chosen criteria as the next rubric version. Each must be
    complete (`rules.incomplete`); its "why it matters" is copied only if shared with everyone.
    The scored weights must pass `criteria.weights.weight_problems` (whole, 0 to 100, not all 0,
    adding up to 100); any change from the proposed weight needs a reason. Refused once a review is
    submitted or scoring has closed.

    `expected_version` is the version in force when the adopter made their choices (0: none).
    If another is in force now, someone adopted meanwhile: StaleAdoption, nothing is replaced."""
    if not may_adopt(round_, actor):
        raise NotAllowed("Only staff or the panel's chair can adopt the criteria.")
    reason = adoption_closed(round_)
    if reason:
        raise Closed(reason)
    in_force = current_rubric(round_)
    if expected_version != (in_force.version if in_force is not None else 0):
        raise StaleAdoption(in_force)
    summary = weight_summary(round_)
    problems: list[tuple[str, str]] = []
    if not choices:
        problems.append(("form", "Choose at least one criterion to adopt"))
    for choice in choices:
        c = choice.criterion
        if c.round_id != round_.id or c.archived_at is not None:
            problems.append(("form", "One of the criteria is no longer in this round's discussion"))
            continue
        if reason := incomplete(c, round_):
            problems.append((f"include_{c.id}", reason))
            continue
        if c.kind != CriterionKind.SCORED:
            continue
        proposed = summary.proposed_for(c.id)
        if choice.weight != proposed and not choice.reason.strip():
            if proposed is None:
                problems.append(
                    (f"reason_{c.id}", f"Say why {c.title} has this weight: no weight was proposed")
                )
            else:
                problems.append(
                    (
                        f"reason_{c.id}",
                        f"Say why you changed the weight of {c.title} from {proposed}",
                    )
                )
    scored = [ch for ch in choices if ch.criterion.kind == CriterionKind.SCORED]
    if choices:
        labels = [f"The weight of {ch.criterion.title}" for ch in scored]
        for problem in weight_problems([ch.weight for ch in scored], labels):
            at = "form" if problem.index is None else f"weight_{scored[problem.index].criterion.id}"
            problems.append((at, problem.message))
    if problems:
        raise Invalid(problems)

    # The version in force is the latest (checked above), so this one follows it.
    rubric = Rubric(
        round_id=round_.id, version=expected_version + 1, adopted_by_id=actor.id, note=note.strip()
    )
    db.session.add(rubric)
    db.session.flush()
    ordered = sorted(enumerate(choices), key=lambda pair: (pair[1].position, pair[0]))
    adopted = []
    for position, (_, choice) in enumerate(ordered, start=1):
        c = choice.criterion
        scored_one = c.kind == CriterionKind.SCORED
        proposed = summary.proposed_for(c.id) if scored_one else None
        weight = choice.weight if scored_one else 0
        changed = scored_one and weight != proposed
        item = RubricCriterion(
            rubric_id=rubric.id,
            criterion_id=c.id,
            position=position,
            title=c.title,
            description=c.description,
            # A reason shared with staff only never goes into the rubric everyone reads.
            why="" if c.why_private else c.why,
            kind=c.kind,
            weight=weight,
            proposed_weight=proposed,
            weight_reason=choice.reason.strip() if changed else None,
            descriptors=dict(c.descriptors or {}),
            fixed_reason=c.fixed_reason if c.fixed else None,
            shares=_spread_record(summary.spreads.get(c.id)) if scored_one else None,
        )
        db.session.add(item)
        adopted.append(
            {
                "criterion_id": c.id,
                "title": c.title,
                "kind": c.kind,
                "weight": weight,
                "proposed_weight": proposed,
                "weight_reason": item.weight_reason,
            }
        )
    db.session.flush()
    record(
        actor=actor,
        action="rubric.adopted",
        object_type="rubric",
        object_id=rubric.id,
        round_id=round_.id,
        after={
            "version": rubric.version,
            "criteria": adopted,
            "members_sharing_weights": summary.members,
            "note": rubric.note,
        },
    )
    db.session.expire(rubric, ["criteria"])
    return rubric


# ------------------------------------------------------------------ stage checks


@stage_check(Stage.ELIGIBILITY)
def _adopted_before_eligibility(round_: FundingRound) -> str | None:
    if current_rubric(round_) is None:
        return (
            "Adopt the criteria before the eligibility check: staff check each application "
            "against the adopted eligibility criteria."
        )
    return None


@stage_check(Stage.SCORING)
def _adopted_before_scoring(round_: FundingRound) -> str | None:
    rubric = current_rubric(round_)
    if rubric is None:
        return "Adopt the criteria before scoring opens."
    if not any(c.weight > 0 for c in rubric.scored):
        return (
            "The adopted criteria need at least one scored criterion with a weight above 0 "
            "before scoring opens."
        )
    return None
