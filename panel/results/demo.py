"""The demo's third round: an earlier one, decided, with its "You said, we did" page published,
so a newcomer sees the whole life of a round (winter-2025; public at /fund/winter-2025).

Every decision's reason starts from a starting sentence true for that application (the same
ones staff are offered), and the application the panel did not score enough is settled with how
it was resolved, so the round passes the same checks on its way to Decided as any other.
"""

import random
from datetime import UTC, datetime, timedelta

from panel.codesign import services as codesign
from panel.coproduction.services.entries import add_offscreen
from panel.coproduction.services.settings import save_settings
from panel.demo_base import Demo
from panel.extensions import db
from panel.models import (
    ActivityKind,
    Application,
    ApplicationStatus,
    CoproStage,
    Criterion,
    CriterionKind,
    Outcome,
    PanelRole,
    QuorumResolution,
    Recommendation,
    Rubric,
    RubricCriterion,
    Stage,
)
from panel.results import decisions, outcome
from panel.results import services as results_service
from panel.rounds import services as rounds
from panel.scoring.services.reviews import ScoreEntry, save_review

LEVELS = {
    "0": "Nothing in the application shows this.",
    "1": "A little, with no detail.",
    "2": "Some, with a few details.",
    "3": "Clearly, with a plan.",
    "4": "Strongly, with a plan and evidence.",
    "5": "Exceptionally, with a plan, evidence and local backing.",
}
PROPOSALS = [
    ("Brings neighbours together", "Gets people who live near each other to meet.", 0),
    ("Value for money", "The costs are sensible for what the project will do.", 1),
    ("Reaches people who are often left out", "Older, disabled or isolated residents.", 2),
    ("Uses local businesses", "Buys from firms in the neighbourhood.", 3),
]
GROUPS = [
    ("Riverside Lunch Club", "Winter warm lunches", 1_800_00, "Riverside ward", 4.4),
    ("Oakfield Tenants' Association", "Estate clean-up days", 900_00, "Oakfield ward", 4.0),
    ("Hillside Youth Football", "Kit and pitch hire", 2_500_00, "Hillside ward", 3.6),
    ("Canal Walkers", "Guided walks for new residents", 600_00, "Riverside ward", 3.1),
    ("Northgate Book Swap", "A pop-up library", 1_200_00, "Northgate ward", 2.2),
    ("Parkview Allotments", "A shared tool shed", 1_500_00, "Parkview ward", 3.3),
]
BUDGET = 5_000_00


def add_demo(demo: Demo) -> None:
    """Create and decide the winter round, then publish its "You said, we did" page."""
    officer, residents = demo.staff[0], demo.residents
    panel = residents[:5]
    long_ago = datetime.now(UTC).date() - timedelta(days=200)
    winter = rounds.create_round(
        slug="winter-2025",
        actor=officer,
        details=rounds.RoundDetails(
            name="Winter 2025 Community Fund",
            description="Our first round with a residents' panel: small grants for the winter.",
            fund_name="Community Fund",
            budget_pence=BUDGET,
            min_award_pence=250_00,
            max_award_pence=3_000_00,
            quorum=3,
            applications_open_on=long_ago,
            applications_close_on=long_ago + timedelta(days=30),
            reference_prefix="CF25",
        ),
    )
    for i, resident in enumerate(panel):
        role = PanelRole.CHAIR if i == 0 else PanelRole.PANELLIST
        rounds.add_member(round_=winter, user=resident, role=role, actor=officer)
    for resident in panel:
        add_offscreen(
            person=resident,
            kind=ActivityKind.WORKSHOP,
            happened_on=long_ago - timedelta(days=20),
            minutes=120,
            note="Criteria workshop at the community centre",
            round_=winter,
            stage=CoproStage.CODESIGN,
            actor=officer,
        )

    # Co-design: four proposals; one fixed by staff, one removed with a reason, two adopted.
    proposed = []
    for title, description, who in PROPOSALS:
        c = Criterion(
            round_id=winter.id,
            title=title,
            description=description,
            why="Residents asked for it at the workshop.",
            kind=CriterionKind.SCORED,
            descriptors=dict(LEVELS),
            proposed_by_id=panel[who].id,
            shortlisted=True,
        )
        db.session.add(c)
        proposed.append(c)
    db.session.flush()
    codesign.fix(
        criterion=proposed[1],
        reason="The funder asks every grant to show value for money.",
        actor=officer,
    )
    codesign.remove(
        criterion=proposed[3],
        reason="Groups cannot always buy locally; the panel agreed to ask about it instead.",
        actor=officer,
    )
    rubric = Rubric(
        round_id=winter.id, version=1, adopted_by_id=officer.id, note="Agreed at the workshop."
    )
    db.session.add(rubric)
    db.session.flush()
    for position, (c, weight) in enumerate(
        [(proposed[0], 40), (proposed[1], 30), (proposed[2], 30)], start=1
    ):
        db.session.add(
            RubricCriterion(
                rubric_id=rubric.id,
                criterion_id=c.id,
                position=position,
                title=c.title,
                description=c.description,
                why=c.why,
                kind=c.kind,
                weight=weight,
                descriptors=dict(LEVELS),
                fixed_reason=c.fixed_reason if c.fixed else None,
            )
        )
    db.session.flush()
    db.session.refresh(rubric)

    # Applications, all eligible, then scoring (the last one short of scores).
    apps = []
    for number, (org, title, pence, ward, _) in enumerate(GROUPS, start=1):
        app = Application(
            round_id=winter.id,
            number=number,
            reference=f"CF25-{number:04d}",
            organisation_name=org,
            organisation_type="community_group",
            contact_name="Demo Contact",
            contact_email=f"group{number}@demo.example",
            project_title=title,
            summary=f"{org}: {title.lower()}.",
            amount_requested_pence=pence,
            location=ward,
            status=ApplicationStatus.ELIGIBLE,
            source="staff",
        )
        db.session.add(app)
        apps.append(app)
    winter.stage = Stage.SCORING  # the earlier stages happened before this demo's records
    db.session.flush()
    rng = random.Random(2025)
    for a_index, (app, (_, _, _, _, merit)) in enumerate(zip(apps, GROUPS, strict=True)):
        for p_index, panellist in enumerate(panel):
            if a_index == len(apps) - 1 and p_index >= 2:
                continue  # two scores of the three needed: settled at the meeting
            entries = {
                c.id: ScoreEntry(max(0, min(5, round(merit + rng.gauss(0, 0.6)))))
                for c in rubric.scored
            }
            save_review(
                round_=winter,
                application=app,
                panellist=panellist,
                actor=panellist,
                scores=entries,
                overall_comment="",
                submit=True,
                expected_version=0,
            )
    winter.stage = Stage.PANEL
    db.session.flush()

    # The meeting: outcomes from the suggestion, reasons started from true sentences.
    results = results_service.compute(winter)
    allocation, _ = decisions.suggested_allocation(results)
    sentences = decisions.sentences_for(results)
    short = {s.reference for s in decisions.needs_more_scores(results)}
    by_ref = {a.reference: a for a in apps}
    for line in allocation.lines:
        app = by_ref[line.reference]
        if line.reference in short:
            decisions.decide(
                round_=winter,
                application=app,
                outcome=Outcome.RESERVE,
                amount_pence=None,
                reason=sentences[line.reference][0]
                + " The panel has put it on the reserve list and will look at it again.",
                actor=officer,
                expected_version=0,
                recommendation=Recommendation.RESERVE,
                chair_note="Only two of us could score it before the meeting.",
                resolution=QuorumResolution.WITHOUT_SCORE,
                resolution_note="Two panellists were away; the panel agreed to reserve it.",
            )
            continue
        funded = line.status == "funded"
        decisions.decide(
            round_=winter,
            application=app,
            outcome=Outcome.FUND if funded else Outcome.DECLINE,
            amount_pence=None,
            reason=sentences[line.reference][0]
            + (" Congratulations." if funded else " Please do apply again."),
            actor=officer,
            expected_version=0,
            recommendation=Recommendation.RECOMMEND if funded else Recommendation.DO_NOT_RECOMMEND,
        )
    rounds.advance_stage(round_=winter, actor=officer, expected=Stage.PANEL)
    save_settings(
        round_=winter,
        rate_pence=12_60,
        rate_source="Real Living Wage 2025 to 2026",
        publish=True,
        actor=officer,
    )
    outcome.publish(round_=winter, publish=True, actor=officer)
