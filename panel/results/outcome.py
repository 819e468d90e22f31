"""Closing the loop: what a decided round funded, and its "You said, we did" page.

The panel reads the decisions with their reasons; the public page (once staff publish it) holds
only what the round did with what residents said: the criteria and how each ended up, the
weights, how many people took part at each stage (counted by the co-production report, never
counted again here), and the projects funded with amounts and wards. Nothing here names a
panellist, a resident or an applicant's contact, and no one's own score is read.
"""

from dataclasses import dataclass

from panel.audit import record
from panel.coproduction.services.report import (
    PublishedTotals,
    StageLine,
    published_totals,
    round_report,
)
from panel.extensions import db
from panel.ideas.queries import PublicIdea, ideas_for_round
from panel.models import (
    OUTCOME_LABELS,
    Application,
    Criterion,
    CriterionKind,
    Decision,
    FundingRound,
    Outcome,
    RubricCriterion,
    User,
)
from panel.models.types import utcnow
from panel.results import stages
from panel.results.budget import DecisionError
from panel.rounds.services import lock_round
from panel.rubrics import current_rubric

FUNDED = (Outcome.FUND.value, Outcome.PART.value)


@dataclass(frozen=True)
class DecidedLine:
    """One application's confirmed decision, as the panel reads it after Decided."""

    reference: str
    project: str
    organisation: str
    ward: str
    outcome: str
    outcome_label: str
    amount_pence: int
    reason: str

    @property
    def funded(self) -> bool:
        return self.outcome in FUNDED


@dataclass(frozen=True)
class Decided:
    """The round's decisions, funded first, with the awards totalled against the budget."""

    lines: list[DecidedLine]
    budget_pence: int

    @property
    def funded(self) -> list[DecidedLine]:
        return [line for line in self.lines if line.funded]

    @property
    def awarded_pence(self) -> int:
        return sum(line.amount_pence for line in self.funded)

    @property
    def left_pence(self) -> int:
        return self.budget_pence - self.awarded_pence


def decided(round_: FundingRound) -> Decided:
    """Every confirmed decision of the round (one query), funded ones first then by reference."""
    rows = db.session.execute(
        db.select(
            Application.reference,
            Application.project_title,
            Application.organisation_name,
            Application.location,
            Decision.outcome,
            Decision.amount_awarded_pence,
            Decision.reason,
        )
        .join(Decision, Decision.application_id == Application.id)
        .where(Decision.round_id == round_.id, Decision.status == "confirmed")
        .order_by(Application.reference)
    ).all()
    lines = [
        DecidedLine(
            reference=ref,
            project=project,
            organisation=org,
            ward=ward or "",
            outcome=outcome,
            outcome_label=OUTCOME_LABELS[Outcome(outcome)],
            amount_pence=amount if outcome in FUNDED else 0,
            reason=reason,
        )
        for ref, project, org, ward, outcome, amount, reason in rows
    ]
    lines.sort(key=lambda line: (not line.funded, line.reference))
    return Decided(lines=lines, budget_pence=round_.budget_pence)


@dataclass(frozen=True)
class CriterionOutcome:
    """A criterion residents proposed, and how it ended up."""

    title: str
    ended: str  # "Adopted", "Fixed by staff", "Not taken forward"
    why: str  # the reason staff gave, or ""
    weight: int | None  # the agreed weight of an adopted scored criterion


@dataclass(frozen=True)
class YouSaidWeDid:
    """Everything the "You said, we did" page shows, nothing personal in it."""

    round: FundingRound
    ideas: list[PublicIdea]
    criteria: list[CriterionOutcome]
    weights: list[tuple[str, int]]  # the adopted scored criteria and their weights
    stages: list[StageLine]  # empty on the public page until staff publish the totals
    residents: int | None  # None on the public page until staff publish the totals
    totals: PublishedTotals | None  # the co-production totals, once published
    decided: Decided


def _criteria(round_: FundingRound) -> tuple[list[CriterionOutcome], list[tuple[str, int]]]:
    proposals = list(
        db.session.execute(
            db.select(Criterion).where(Criterion.round_id == round_.id).order_by(Criterion.id)
        ).scalars()
    )
    rubric = current_rubric(round_)
    adopted: dict[int, RubricCriterion] = {}
    weights: list[tuple[str, int]] = []
    if rubric is not None:
        for line in rubric.criteria:
            if line.criterion_id is not None:
                adopted[line.criterion_id] = line
            if line.kind == CriterionKind.SCORED:
                weights.append((line.title, line.weight))
    out = []
    for c in proposals:
        rc: RubricCriterion | None = adopted.get(c.id)
        if rc is not None and c.fixed:
            ended, why = "Fixed by staff", c.fixed_reason or ""
        elif rc is not None:
            ended, why = "Adopted", ""
        elif c.archived_at is not None:
            ended, why = (
                "Not taken forward",
                c.removed_reason or "Withdrawn by the person who proposed it.",
            )
        else:
            ended, why = "Not taken forward", "The panel did not choose it for the criteria."
        weight = rc.weight if rc is not None and rc.kind == CriterionKind.SCORED else None
        title = rc.title if rc is not None else c.title
        out.append(CriterionOutcome(title=title, ended=ended, why=why, weight=weight))
    return out, weights


def you_said_we_did(round_: FundingRound, *, public: bool = False) -> YouSaidWeDid:
    """The round's "You said, we did", for the panel and (once published) for anyone. How many
    residents took part is the co-production report's count; on the public page it appears only
    once staff have published the round's co-production totals (docs/security.md item 54)."""
    criteria, weights = _criteria(round_)
    report = round_report(round_)
    shown = report.published or not public
    return YouSaidWeDid(
        round=round_,
        ideas=ideas_for_round(round_.id),
        criteria=criteria,
        weights=weights,
        stages=[line for line in report.stages if line.residents] if shown else [],
        residents=report.total.residents if shown else None,
        totals=published_totals(round_) if report.published else None,
        decided=decided(round_),
    )


def published_round(slug: str) -> FundingRound | None:
    """The decided round at this slug whose page staff published; None otherwise (the public
    sees one plain 404 for no round, an undecided one and an unpublished one alike)."""
    round_: FundingRound | None = db.session.execute(
        db.select(FundingRound).where(FundingRound.slug == slug)
    ).scalar_one_or_none()
    if round_ is None or round_.outcome_published_at is None or not stages.decided(round_):
        return None
    return round_


def publish(*, round_: FundingRound, publish: bool, actor: User) -> bool:
    """Publish the round's "You said, we did" page for anyone, or take it down; only a decided
    round's. Returns whether anything changed."""
    lock_round(round_)
    if publish and not stages.decided(round_):
        raise DecisionError("The page can be published once the round is decided.")
    before = round_.outcome_published_at is not None
    if before == publish:
        return False
    round_.outcome_published_at = utcnow() if publish else None
    db.session.flush()
    record(
        actor=actor,
        action="round.outcome_published" if publish else "round.outcome_unpublished",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        before={"published": before},
        after={"published": publish},
    )
    return True
