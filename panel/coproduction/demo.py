"""Demo data for co-production: see panel.demo.demo_steps.

Runs last, with spring-demo at the Panel meeting. By then the involvement record already holds
what the panel did in the app (proposals, comments, weights, reviews: the audit listener counted
them as the earlier steps ran); this step dates those entries across the round, and adds what
happened off-screen, staff time, a meeting with its register, expenses in every status, payments
and vouchers, and the round's hourly rate, all through the services (so the log is real).
"""

from datetime import timedelta

from sqlalchemy import update

from panel.coproduction.services import entries, expenses, meetings, settings
from panel.coproduction.services.staff_time import record_staff_time
from panel.demo_base import Demo
from panel.extensions import db
from panel.fund import times
from panel.models import (
    ActivityKind,
    Attendance,
    CoproStage,
    Expense,
    ExpenseKind,
    FundingRound,
    InvolvementEntry,
    PaymentKind,
    Stage,
    User,
)
from panel.models.types import uk_today

RATE_PENCE = 13_45
RATE_SOURCE = "Real Living Wage 2025 to 2026 (Living Wage Foundation)"


def _date_the_app_activity(demo: Demo) -> None:
    """Entries counted from the app were all made today by the demo: spread them over the round."""
    today = uk_today()
    for stage, days_ago in ((CoproStage.CODESIGN, 80), (CoproStage.SCORING, 20)):
        ids = db.session.execute(
            db.select(InvolvementEntry.id)
            .where(InvolvementEntry.round_id == demo.spring.id, InvolvementEntry.stage == stage)
            .order_by(InvolvementEntry.id)
        ).scalars()
        for i, entry_id in enumerate(ids):
            db.session.execute(
                update(InvolvementEntry)
                .where(InvolvementEntry.id == entry_id)
                .values(happened_on=today - timedelta(days=days_ago - (i % 12)))
            )


def add_demo(demo: Demo) -> None:
    """A full co-production record for spring-demo (and a start for autumn-demo)."""
    spring = demo.spring
    if spring.current_stage is not Stage.PANEL:
        return
    officer, manager = demo.staff
    maureen, delroy, joyce, ken, priya, stan, beth = demo.residents
    today = uk_today()
    _date_the_app_activity(demo)
    times.set_minutes(minutes={str(ActivityKind.REVIEW): 25}, actor=officer)  # Fund settings

    def offscreen(
        person: User,
        kind: ActivityKind,
        days_ago: int,
        minutes: int,
        stage: CoproStage,
        note: str,
        round_: FundingRound = spring,
        actor: User = officer,
    ) -> None:
        entries.add_offscreen(
            person=person,
            kind=kind,
            happened_on=today - timedelta(days=days_ago),
            minutes=minutes,
            note=note,
            round_=round_,
            stage=stage,
            actor=actor,
        )

    for person in (maureen, delroy, joyce, priya):
        offscreen(
            person,
            ActivityKind.WORKSHOP,
            100,
            120,
            CoproStage.COINITIATION,
            "“What should the fund be for?” workshop at Beeston Hub",
        )
    offscreen(
        joyce,
        ActivityKind.VISIT,
        90,
        90,
        CoproStage.CODESIGN,
        "Visited last year's funded youth club to hear what worked",
    )
    for person in (maureen, delroy, joyce, ken, priya, stan):
        offscreen(
            person,
            ActivityKind.TRAINING,
            25,
            90,
            CoproStage.SCORING,
            "Training: how to score applications fairly",
        )
    offscreen(stan, ActivityKind.TRAVEL, 25, 40, CoproStage.SCORING, "Bus to the training and back")
    offscreen(
        ken,
        ActivityKind.PHONE_CALL,
        12,
        20,
        CoproStage.SCORING,
        "Call with Asha about two applications",
        actor=ken,
    )
    offscreen(
        beth,
        ActivityKind.WORKSHOP,
        10,
        90,
        CoproStage.CODESIGN,
        "Autumn criteria workshop",
        round_=demo.autumn,
    )

    for who, stage, days_ago, minutes, note in (
        (manager, CoproStage.COINITIATION, 110, 120, "Planning the round with the board"),
        (officer, CoproStage.COINITIATION, 100, 180, "Running the ideas workshop"),
        (officer, CoproStage.CODESIGN, 75, 360, "Criteria workshops and writing up"),
        (officer, CoproStage.APPLICATIONS, 45, 240, "Promoting the fund, answering groups"),
        (manager, CoproStage.APPLICATIONS, 28, 150, "Eligibility checks"),
        (officer, CoproStage.SCORING, 18, 180, "Scoring training, typing in paper sheets"),
        (officer, CoproStage.MEETING, 0, 240, "Preparing and running the panel meeting"),
        (manager, CoproStage.MEETING, 0, 150, "At the panel meeting"),
    ):
        record_staff_time(
            round_=spring,
            staff_member=who,
            stage=stage,
            minutes=minutes,
            worked_on=today - timedelta(days=days_ago),
            note=note,
            actor=officer,
        )

    meeting = meetings.create_meeting(
        round_=spring,
        details=meetings.MeetingDetails(
            held_on=today,
            place="Community Room, Beeston Hub",
            remote=True,
            length_minutes=150,
            quorum=4,
        ),
        actor=officer,
    )
    meetings.save_register(
        meeting=meeting,
        round_=spring,
        marks={
            maureen.id: Attendance.IN_PERSON,
            delroy.id: Attendance.IN_PERSON,
            joyce.id: Attendance.IN_PERSON,
            ken.id: Attendance.PHONE,
            priya.id: Attendance.IN_PERSON,
            stan.id: Attendance.APOLOGIES,
        },
        actor=officer,
    )

    def claim(
        person: User,
        kind: ExpenseKind,
        pence: int,
        days_ago: int,
        note: str,
        actor: User = officer,
    ) -> Expense:
        return expenses.claim(
            person=person,
            kind=kind,
            amount_pence=pence,
            spent_on=today - timedelta(days=days_ago),
            note=note,
            round_=spring,
            actor=actor,
        )

    # Joyce's childminder and Stan's bus fares wait for staff.
    claim(joyce, ExpenseKind.CARE, 18_00, 0, "Childminder during the meeting", actor=joyce)
    claim(stan, ExpenseKind.TRAVEL, 4_60, 25, "Bus fares to the training", actor=stan)
    approved = claim(delroy, ExpenseKind.TRAVEL, 6_40, 0, "Taxi home after the meeting")
    expenses.approve(expense=approved, expected="claimed", actor=officer)
    refused = claim(stan, ExpenseKind.REFRESHMENTS, 12_00, 25, "Sandwiches for the training")
    expenses.refuse(
        expense=refused,
        expected="claimed",
        reason="Lunch was provided at the training, so we cannot pay for food bought there.",
        actor=officer,
    )
    for person, kind, pence, note in (
        (maureen, ExpenseKind.TRAVEL, 7_20, "Bus fares to the workshops"),
        (priya, ExpenseKind.PHONE, 5_00, "Mobile data for scoring online"),
    ):
        paid = claim(person, kind, pence, 20, note)
        expenses.approve(expense=paid, expected="claimed", actor=officer)
        expenses.mark_paid(
            expense=paid, expected="approved", paid_on=today - timedelta(days=5), actor=manager
        )

    for person in (maureen, delroy, joyce, ken, priya):
        expenses.record_payment(
            person=person,
            kind=PaymentKind.VOUCHER,
            amount_pence=20_00,
            paid_on=today,
            note="Thank-you voucher for the panel meeting",
            round_=spring,
            actor=officer,
        )
    expenses.record_payment(
        person=maureen,
        kind=PaymentKind.PAYMENT,
        amount_pence=40_00,
        paid_on=today,
        note="Chairing the panel",
        round_=spring,
        actor=manager,
    )
    settings.save_settings(
        round_=spring, rate_pence=RATE_PENCE, rate_source=RATE_SOURCE, publish=True, actor=officer
    )
