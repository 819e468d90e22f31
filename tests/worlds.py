"""Whole rounds composed from tests/factories.py: a round at Scoring, the worked panel.

Like the factories, each `gen_...` makes real rows and commits them; nothing here builds a row
any other way than through a factory (or, for a proposal at the Panel stage, its plain model).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import ceil, floor
from typing import Any

from panel.extensions import db
from panel.models import (
    Application,
    Criterion,
    FundingRound,
    LotteryDraw,
    PanelRole,
    Rubric,
    RubricCriterion,
    Stage,
    User,
)
from tests.factories import (
    gen_application,
    gen_conflict,
    gen_decision,
    gen_member,
    gen_review,
    gen_round,
    gen_rubric,
    gen_rubric_criterion,
    gen_staff,
    gen_support,
    gen_user,
)


@dataclass
class ScoringWorld:
    """A round at Scoring: its rubric, panellists (Pat first), eligible applications and staff."""

    round: FundingRound
    rubric: Rubric
    panellists: list[User]
    applications: list[Application]
    staff: User

    @property
    def criteria(self) -> list[RubricCriterion]:
        return self.rubric.scored


PANELLIST_NAMES = ["Pat Panellist", "Olu Other", "Kim Third", "Lee Fourth", "Mo Fifth"]


def gen_scoring_world(
    staff: User, *, panellists: int = 3, applications: int = 3, **round_values: Any
) -> ScoringWorld:
    """Pat, Olu and Kim (by default) on a round at Scoring with three criteria (gen_rubric)."""
    people = [gen_user(name=name) for name in PANELLIST_NAMES[:panellists]]
    while len(people) < panellists:
        people.append(gen_user())
    round_values.setdefault("stage", Stage.SCORING)
    round_ = gen_round(created_by=staff, members=people, **round_values)
    rubric = gen_rubric(round_, staff)
    apps = [gen_application(round_, n) for n in range(1, applications + 1)]
    return ScoringWorld(round_, rubric, people, apps, staff)


def score_data(
    world: ScoringWorld, values: list[Any], action: str = "submit", version: int = 0, **extra: Any
) -> dict[str, Any]:
    """The scoring page's form data: one value per criterion (None leaves it out)."""
    data: dict[str, Any] = {"action": action, "version": str(version)}
    for criterion, value in zip(world.criteria, values, strict=True):
        if value is not None:
            data[f"score_{criterion.id}"] = str(value)
    data.update(extra)
    return data


# Scoring method §3 (docs/scoring-method.md): sheet scores of panellists P1..P5 (None = recused)
# and amounts requested in pounds. Two equally weighted criteria give each sheet score exactly.
WORKED = {
    "A": ([4.0, 3.5, 4.5, None, 4.0], 4000),
    "B": ([3.0, 3.5, 2.5, 2.0, 3.0], 1500),
    "C": ([4.5, 4.0, None, 3.5, 1.0], 3500),
    "D": ([2.0, 1.5, 2.5, 1.0, 3.5], 2000),
    "E": ([3.5, 3.0, 4.0, 2.5, 3.5], 2500),
    "F": ([5.0, None, 4.5, 4.0, 4.5], 5000),
}


def halves(sheet: float) -> tuple[int, int]:
    """Two whole-number scores whose mean is the sheet score."""
    return ceil(sheet), floor(sheet)


def gen_worked_round(staff: User, **round_values: Any) -> dict[str, Any]:
    """The worked panel at the Panel meeting: references "A".."F", five panellists, recusals.

    Returns {"round", "panel", "apps" (by letter), "rubric"}.
    """
    panel = [gen_user(name=f"Panellist {i + 1}") for i in range(5)]
    values = {"stage": Stage.PANEL, "budget_pence": 11_000_00, "quorum": 3, **round_values}
    round_ = gen_round(created_by=staff, members=panel, **values)
    rubric = gen_rubric(
        round_,
        staff,
        scored=[("Community benefit", "d", 1), ("Value for money", "d", 1)],
        eligibility=(),
    )
    apps = {}
    for number, (letter, (sheets, pounds)) in enumerate(WORKED.items(), start=1):
        apps[letter] = gen_application(
            round_,
            number,
            reference=letter,
            organisation_name=f"Group {letter}",
            project_title=f"Project {letter}",
            amount_requested_pence=pounds * 100,
        )
        for panellist, sheet in zip(panel, sheets, strict=True):
            if sheet is None:
                gen_conflict(apps[letter], panellist, commit=False)
            else:
                low, high = sorted(halves(sheet))
                gen_review(apps[letter], panellist, scores=(low, high), commit=False)
    db.session.commit()
    return {"round": round_, "panel": panel, "apps": apps, "rubric": rubric}


def gen_meeting_round(
    staff: User,
    scores: dict[str, tuple[int, ...]],
    *,
    amount_pence: int | dict[str, int] = 1_000_00,
    **round_values: Any,
) -> dict[str, Any]:
    """A round at the Panel meeting whose applications (references the keys of `scores`) were
    scored on one criterion, one score per panellist; amounts are one for all or by reference.

    Returns {"round", "panel", "apps" (by reference), "rubric"}, like gen_worked_round.
    """
    size = len(next(iter(scores.values())))
    panel = [gen_user(name=f"Panellist {i + 1}") for i in range(size)]
    values = {"stage": Stage.PANEL, "quorum": 1, **round_values}
    round_ = gen_round(created_by=staff, members=panel, **values)
    rubric = gen_rubric(round_, staff, scored=[("Community benefit", "d", 1)], eligibility=())
    apps = {}
    for number, (reference, marks) in enumerate(scores.items(), start=1):
        pence = amount_pence if isinstance(amount_pence, int) else amount_pence[reference]
        apps[reference] = gen_application(
            round_,
            number,
            reference=reference,
            organisation_name=f"Group {reference}",
            project_title=f"Project {reference}",
            amount_requested_pence=pence,
        )
        for panellist, mark in zip(panel, marks, strict=True):
            gen_review(apps[reference], panellist, scores=(mark,), commit=False)
    db.session.commit()
    return {"round": round_, "panel": panel, "apps": apps, "rubric": rubric}


# Hostile text (docs/security.md item 20) for the places people write.
HOSTILE = ['=HYPERLINK("http://evil.example","Click")', "+1", "@SUM(A1)", "-2+3", "\x07bell"]
LETTERS = "ABCDEF"


def ref(letter: str, prefix: str = "CF26") -> str:
    """The worked panel's reference for application `letter`: CF26-0001 for "A"."""
    return f"{prefix}-{LETTERS.index(letter) + 1:04d}"


@dataclass
class WorkedPanel:
    round_id: int
    staff_id: int
    panellist_ids: list[int]
    names: list[str]
    app_ids: dict[str, int]


def gen_worked_panel(
    *,
    hostile: bool = False,
    calibrate: bool = True,
    decisions: bool = True,
    slug: str = "worked-panel",
    prefix: str = "CF26",
) -> WorkedPanel:
    """The worked panel as the exports see it: a chair, a rubric with its record, decisions.

    Criterion weights 50/50, references CF26-0001.., staff-entered and revised reviews, and
    (with `hostile`) spreadsheet formulas wherever people write.
    """
    staff = gen_staff(email=f"{slug}.staff@example.org", name="Sam Staff", with_password=False)
    people = [
        gen_user(email=f"{slug}.p{k}@example.org", name=f"Panellist Person {k}")
        for k in range(1, 6)
    ]
    if hostile:
        people[0].display_name = "=cmd|' /C calc'!A0"
    round_ = gen_round(
        created_by=staff,
        slug=slug,
        name=HOSTILE[0] if hostile else "Worked panel",
        reference_prefix=prefix,
        budget_pence=11_000_00,
        stage=Stage.PANEL,
        calibrate=calibrate,
        scoring_deadline=None,
    )
    for k, person in enumerate(people):
        gen_member(round_, person, role=PanelRole.CHAIR if k == 0 else PanelRole.PANELLIST)
    proposal = Criterion(
        round_id=round_.id,
        title="Community benefit",
        description="Who benefits",
        proposed_by_id=people[1].id,
        shortlisted=True,
    )
    db.session.add(proposal)
    db.session.flush()
    for person in people[:3]:
        gen_support(proposal, person)
    rubric = gen_rubric(round_, staff, scored=(), eligibility=())
    benefit = gen_rubric_criterion(
        rubric,
        criterion_id=proposal.id,
        title=HOSTILE[1] if hostile else "Community benefit",
        description=HOSTILE[2] if hostile else "Who benefits and how much",
        weight=50,
        proposed_weight=45,
        weight_reason="Rounded to match value for money",
        descriptors={"0": "None", "5": "Many households"},
        shares={"members": 5, "lowest": 30, "median": "45", "highest": 60, "mean": "45.2"},
    )
    value = gen_rubric_criterion(
        rubric,
        title="Value for money",
        description="Costs are sensible",
        weight=50,
        fixed_reason="Required by the funder",
    )
    gen_rubric_criterion(rubric, title="Local", description="Works in our area", kind="eligibility")
    app_ids: dict[str, int] = {}
    for number, letter in enumerate(LETTERS, start=1):
        sheets, pounds = WORKED[letter]
        app = gen_application(
            round_,
            number,
            reference=ref(letter, prefix),
            organisation_name=(HOSTILE[0] if hostile and letter == "A" else f"Group {letter}"),
            organisation_type="charity" if letter in "AB" else "community_group",
            charity_number={"A": "1164883", "B": "SC042386"}.get(letter),
            company_number="1234567" if letter == "C" else None,
            contact_name=f"Contact {letter}",
            contact_email=f"contact.{letter.lower()}@example.org",
            contact_phone=None,
            postcode=None,
            project_title=(HOSTILE[1] if hostile and letter == "A" else f"Project {letter}"),
            summary=f"What project {letter} will do",
            spend_on="",
            amount_requested_pence=pounds * 100,
            beneficiaries=None,
            location="Riverside",
            source="staff",
        )
        app_ids[letter] = app.id
        for person, sheet in zip(people, sheets, strict=True):
            if sheet is None:
                gen_conflict(app, person, commit=False)
                continue
            gen_review(
                app,
                person,
                rubric=rubric,
                scores={benefit: ceil(sheet), value: floor(sheet)},
                comments=[HOSTILE[3] if hostile else f"Benefit note {letter}"],
                submitted_at=datetime.now(UTC) - timedelta(hours=1),
                overall_comment=(HOSTILE[4] if hostile else f"Overall view of {letter}"),
                revised=letter == "C" and person is people[4],
                entered_by_id=staff.id if person is people[1] and letter == "B" else None,
                commit=False,
            )
    if decisions:
        reason = HOSTILE[2] if hostile else "A strong application"
        for letter, outcome, amount, status in [
            ("F", "fund", 5_000_00, "confirmed"),
            ("A", "part", 3_000_00, "confirmed"),
            ("E", "fund", 2_500_00, "draft"),
            ("D", "decline", 0, "confirmed"),
        ]:
            application = db.session.get(Application, app_ids[letter])
            assert application is not None
            gen_decision(
                application,
                staff,
                outcome=outcome,
                amount_pence=amount,
                reason=reason,
                status=status,
                commit=False,
            )
        db.session.add(
            LotteryDraw(
                round_id=round_.id,
                seed="HA-fund-2025-R1",
                references=[ref(x, prefix) for x in "BEC"],
                order=[ref(x, prefix) for x in "BEC"],
                drawn_by_id=staff.id,
            )
        )
    db.session.commit()
    return WorkedPanel(
        round_id=round_.id,
        staff_id=staff.id,
        panellist_ids=[p.id for p in people],
        names=[p.display_name for p in people],
        app_ids=app_ids,
    )


def gen_awarded_round(staff: User, **round_values: Any) -> dict[str, Any]:
    """A decided round with confirmed awards (issue #19, after the award): "A" funded in full
    (£1,000, Beeston), "B" in part (£1,500 of £2,000, Holbeck), "C" declined; and a panellist.

    Returns {"round", "panellist", "apps" (by letter), "decisions" (by letter)}.
    """
    panellist = gen_user(name="Pat Panellist")
    values = {"stage": Stage.DECIDED, "slug": "spring-awards", **round_values}
    round_ = gen_round(created_by=staff, members=[panellist], **values)
    apps = {
        "A": gen_application(round_, 1, location="Beeston", organisation_name="Beeston Bakers"),
        "B": gen_application(round_, 2, location="Holbeck", organisation_name="Holbeck Walkers"),
        "C": gen_application(round_, 3, location="Beeston", organisation_name="Chess Club"),
    }
    decisions = {
        "A": gen_decision(apps["A"], staff),
        "B": gen_decision(apps["B"], staff, outcome="part", amount_pence=1_500_00),
        "C": gen_decision(apps["C"], staff, outcome="decline"),
    }
    return {"round": round_, "panellist": panellist, "apps": apps, "decisions": decisions}
