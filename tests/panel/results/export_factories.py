"""Plain factories for the export tests (the scoring method's worked panel, built as real rows)
and readers of what an export wrote."""

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import ceil, floor
from typing import Any

from openpyxl import load_workbook

from panel.extensions import db
from panel.models import (
    Application,
    ApplicationStatus,
    Conflict,
    Criterion,
    CriterionSupport,
    Decision,
    FundingRound,
    LotteryDraw,
    PanelRole,
    Review,
    ReviewStatus,
    Role,
    RoundMember,
    Rubric,
    RubricCriterion,
    Score,
    Stage,
    User,
)
from panel.results import exports as ex

# Scoring method §3: sheet scores of panellists P1..P5 (None = recused) and amounts requested.
WORKED = {
    "A": ([4.0, 3.5, 4.5, None, 4.0], 4000),
    "B": ([3.0, 3.5, 2.5, 2.0, 3.0], 1500),
    "C": ([4.5, 4.0, None, 3.5, 1.0], 3500),
    "D": ([2.0, 1.5, 2.5, 1.0, 3.5], 2000),
    "E": ([3.5, 3.0, 4.0, 2.5, 3.5], 2500),
    "F": ([5.0, None, 4.5, 4.0, 4.5], 5000),
}
LETTERS = "ABCDEF"
# Hostile text (docs/security.md item 20) used where users write.
HOSTILE = ['=HYPERLINK("http://evil.example","Click")', "+1", "@SUM(A1)", "-2+3", "\x07bell"]


def ref(letter: str, prefix: str = "CF26") -> str:
    return f"{prefix}-{LETTERS.index(letter) + 1:04d}"


@dataclass
class WorkedPanel:
    round_id: int
    staff_id: int
    panellist_ids: list[int]
    names: list[str]
    app_ids: dict[str, int]


def make_worked_panel(
    *,
    hostile: bool = False,
    calibrate: bool = True,
    decisions: bool = True,
    slug: str = "worked-panel",
    prefix: str = "CF26",
) -> WorkedPanel:
    """The worked panel of the method: 2 equal-weight criteria give each sheet score exactly."""
    now = datetime.now(UTC)
    staff = User(email=f"{slug}.staff@example.org", display_name="Sam Staff", role=Role.STAFF)
    people = [
        User(email=f"{slug}.p{k}@example.org", display_name=f"Panellist Person {k}")
        for k in range(1, 6)
    ]
    if hostile:
        people[0].display_name = "=cmd|' /C calc'!A0"
    db.session.add_all([staff, *people])
    db.session.flush()
    round_ = FundingRound(
        slug=slug,
        name=HOSTILE[0] if hostile else "Worked panel",
        fund_name="Community Fund",
        reference_prefix=prefix,
        budget_pence=11_000_00,
        min_award_pence=250_00,
        max_award_pence=5_000_00,
        stage=Stage.PANEL,
        calibrate=calibrate,
        created_by_id=staff.id,
    )
    db.session.add(round_)
    db.session.flush()
    for k, person in enumerate(people):
        db.session.add(
            RoundMember(
                round_id=round_.id,
                user_id=person.id,
                role=PanelRole.CHAIR if k == 0 else PanelRole.PANELLIST,
            )
        )
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
        db.session.add(CriterionSupport(criterion_id=proposal.id, user_id=person.id))
    rubric = Rubric(round_id=round_.id, version=1, adopted_by_id=staff.id)
    db.session.add(rubric)
    db.session.flush()
    benefit = RubricCriterion(
        rubric_id=rubric.id,
        criterion_id=proposal.id,
        position=1,
        title=HOSTILE[1] if hostile else "Community benefit",
        description=HOSTILE[2] if hostile else "Who benefits and how much",
        kind="scored",
        weight=50,
        proposed_weight=45,
        weight_reason="Rounded to match value for money",
        descriptors={"0": "None", "5": "Many households"},
        shares={"members": 5, "lowest": 30, "median": "45", "highest": 60, "mean": "45.2"},
    )
    value = RubricCriterion(
        rubric_id=rubric.id,
        position=2,
        title="Value for money",
        description="Costs are sensible",
        kind="scored",
        weight=50,
        fixed_reason="Required by the funder",
    )
    eligibility = RubricCriterion(
        rubric_id=rubric.id,
        position=3,
        title="Local",
        description="Works in our area",
        kind="eligibility",
        weight=0,
    )
    db.session.add_all([benefit, value, eligibility])
    db.session.flush()
    app_ids: dict[str, int] = {}
    for number, letter in enumerate(LETTERS, start=1):
        sheets, pounds = WORKED[letter]
        app = Application(
            round_id=round_.id,
            number=number,
            reference=ref(letter, prefix),
            organisation_name=(HOSTILE[0] if hostile and letter == "A" else f"Group {letter}"),
            organisation_type="charity" if letter in "AB" else "community_group",
            charity_number={"A": "1164883", "B": "SC042386"}.get(letter),
            company_number="1234567" if letter == "C" else None,
            contact_name=f"Contact {letter}",
            contact_email=f"contact.{letter.lower()}@example.org",
            project_title=(HOSTILE[1] if hostile and letter == "A" else f"Project {letter}"),
            summary=f"What project {letter} will do",
            amount_requested_pence=pounds * 100,
            location="Riverside",
            status=ApplicationStatus.ELIGIBLE,
            source="staff",
        )
        db.session.add(app)
        db.session.flush()
        app_ids[letter] = app.id
        for person, sheet in zip(people, sheets, strict=True):
            if sheet is None:
                db.session.add(
                    Conflict(
                        round_id=round_.id,
                        application_id=app.id,
                        panellist_id=person.id,
                        kind="member",
                        declared_by_id=person.id,
                    )
                )
                continue
            review = Review(
                round_id=round_.id,
                application_id=app.id,
                panellist_id=person.id,
                rubric_id=rubric.id,
                status=ReviewStatus.SUBMITTED,
                submitted_at=now - timedelta(hours=1),
                overall_comment=(HOSTILE[4] if hostile else f"Overall view of {letter}"),
                revised=letter == "C" and person is people[4],
                entered_by_id=staff.id if person is people[1] and letter == "B" else None,
            )
            db.session.add(review)
            db.session.flush()
            db.session.add_all(
                [
                    Score(
                        review_id=review.id,
                        rubric_criterion_id=benefit.id,
                        value=ceil(sheet),
                        comment=HOSTILE[3] if hostile else f"Benefit note {letter}",
                    ),
                    Score(review_id=review.id, rubric_criterion_id=value.id, value=floor(sheet)),
                ]
            )
    if decisions:
        reason = HOSTILE[2] if hostile else "A strong application"
        for letter, outcome, amount, status in [
            ("F", "fund", 5_000_00, "confirmed"),
            ("A", "part", 3_000_00, "confirmed"),
            ("E", "fund", 2_500_00, "draft"),
            ("D", "decline", 0, "confirmed"),
        ]:
            db.session.add(
                Decision(
                    round_id=round_.id,
                    application_id=app_ids[letter],
                    outcome=outcome,
                    amount_awarded_pence=amount,
                    reason=reason,
                    status=status,
                    decided_by_id=staff.id,
                )
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


# --------------------------------------------------------------------------- reading exports


def export_bytes(round_id: int, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    ex.write_export(db.session.get(FundingRound, round_id), ex.ExportOptions(fmt, **options), out)
    db.session.rollback()
    return out.getvalue()


def workbook(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data), read_only=False)


def records(ws: Any) -> list[dict[str, Any]]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def all_text(book: Any) -> str:
    return "\n".join(
        str(cell.value) for ws in book.worksheets for row in ws.iter_rows() for cell in row
    )
