"""The involvement record counts what residents do in the app, as they do it (the audit log's
listener), at the fund's standard times, which staff set and residents correct."""

from typing import Any

from flask import Flask

from panel import audit
from panel.codesign import services as codesign
from panel.coproduction.services import activity, entries
from panel.extensions import db
from panel.models import (
    ActivityKind,
    AuditEvent,
    FundingRound,
    InvolvementEntry,
    Role,
    Stage,
    User,
)
from panel.scoring.services.reviews import ScoreEntry, save_review
from tests.factories import gen_criterion, gen_round, gen_user
from tests.worlds import gen_scoring_world


def entries_of(person: User) -> list[InvolvementEntry]:
    db.session.expire_all()
    return list(
        db.session.execute(
            db.select(InvolvementEntry)
            .where(InvolvementEntry.person_id == person.id)
            .order_by(InvolvementEntry.id)
        ).scalars()
    )


def test_a_residents_proposal_comment_and_support_are_counted_once_each(
    app: Flask, staff: User
) -> None:
    pat, olu = gen_user(name="Pat"), gen_user(name="Olu")
    round_ = gen_round(created_by=staff, members=[pat, olu])
    criterion = gen_criterion(round_, pat, "Brings neighbours together")
    codesign.add_comment(criterion=criterion, body="I like it", actor=olu)
    codesign.support(criterion=criterion, actor=olu)
    codesign.withdraw_support(criterion=criterion, actor=olu)
    codesign.support(criterion=criterion, actor=olu)  # again: still one support counted
    db.session.commit()

    (proposal,) = entries_of(pat)
    assert (proposal.kind, proposal.stage, proposal.minutes, proposal.standard) == (
        "proposal",
        "codesign",
        30,
        True,
    )
    assert proposal.round_id == round_.id
    event = db.session.get(AuditEvent, proposal.audit_event_id)
    assert event is not None and event.action == "criterion.proposed"
    assert [(e.kind, e.minutes) for e in entries_of(olu)] == [("comment", 5), ("support", 2)]


def test_staff_actions_are_never_counted_as_a_residents_time(app: Flask, staff: User) -> None:
    round_ = gen_round(created_by=staff)
    gen_criterion(round_, staff, "Staff idea")
    assert db.session.execute(db.select(InvolvementEntry)).first() is None


def test_weights_count_once_per_round_however_often_they_are_shared(
    app: Flask, staff: User
) -> None:
    pat = gen_user(name="Pat")
    round_ = gen_round(created_by=staff, members=[pat])
    first = gen_criterion(round_, staff, "One", shortlisted=True)
    second = gen_criterion(round_, staff, "Two", shortlisted=True)
    for split in ((60, 40), (50, 50), (70, 30)):
        codesign.share_weights(
            round_=round_, shares={first.id: split[0], second.id: split[1]}, actor=pat
        )
    db.session.commit()
    assert [(e.kind, e.minutes) for e in entries_of(pat)] == [("weights", 15)]


def test_a_submitted_review_counts_for_the_panellist_even_when_staff_type_in_a_paper_sheet(
    app: Flask, staff: User
) -> None:
    world = gen_scoring_world(staff, panellists=2, applications=2)
    pat, olu = world.panellists
    scores = {c.id: ScoreEntry(3) for c in world.criteria}
    for application, panellist, actor in (
        (world.applications[0], pat, pat),
        (world.applications[1], olu, staff),  # Olu scored on paper
    ):
        save_review(
            round_=world.round,
            application=application,
            panellist=panellist,
            actor=actor,
            scores=scores,
            overall_comment="",
            submit=False,  # a draft is not counted
            expected_version=0,
        )
        db.session.commit()
        assert entries_of(panellist) == []
        save_review(
            round_=world.round,
            application=application,
            panellist=panellist,
            actor=actor,
            scores=scores,
            overall_comment="",
            submit=True,
            expected_version=1,
        )
        db.session.commit()
    for panellist in (pat, olu):
        assert [(e.kind, e.stage, e.minutes) for e in entries_of(panellist)] == [
            ("review", "scoring", 20)
        ]


def test_the_ideas_boards_actions_count_as_co_initiation_without_a_round(app: Flask) -> None:
    """The ideas board (issue #17) writes idea.* audit rows; each counts for its resident."""
    rita = gen_user(name="Rita")
    for action in ("idea.created", "idea.supported", "idea.supported", "idea.commented"):
        audit.record(actor=rita, action=action, object_type="idea", object_id=7)
    db.session.commit()
    assert [(e.kind, e.stage, e.round_id) for e in entries_of(rita)] == [
        ("idea", "coinitiation", None),
        ("idea_support", "coinitiation", None),
        ("idea_comment", "coinitiation", None),
    ]


def test_an_action_that_fails_leaves_no_entry(app: Flask, staff: User) -> None:
    pat = gen_user(name="Pat")
    round_ = gen_round(created_by=staff, members=[pat])
    criterion = gen_criterion(round_, staff, "Staff's")
    db.session.commit()
    codesign.add_comment(criterion=criterion, body="Added then rolled back", actor=pat)
    db.session.rollback()
    assert entries_of(pat) == []
    assert (
        db.session.execute(
            db.select(AuditEvent).where(AuditEvent.action == "criterion.commented")
        ).first()
        is None
    )


def _decided(staff: User, **values: Any) -> FundingRound:
    return gen_round(created_by=staff, stage=Stage.DECIDED, **values)


def test_a_new_standard_time_moves_entries_at_the_old_one_but_not_corrected_or_decided_ones(
    app: Flask, staff: User
) -> None:
    pat = gen_user(name="Pat")
    open_round = gen_round(created_by=staff, members=[pat])
    decided = _decided(staff)
    for round_ in (open_round, decided, open_round):
        db.session.add(
            InvolvementEntry(
                person_id=pat.id,
                round_id=round_.id,
                stage="scoring",
                kind="review",
                happened_on=db.func.current_date(),
                minutes=20,
                standard=True,
            )
        )
    db.session.commit()
    standard, in_decided, corrected = entries_of(pat)
    entries.correct(entry=corrected, minutes=45, actor=pat)
    db.session.commit()

    moved = activity.set_standard_time(kind=ActivityKind.REVIEW, minutes=30, actor=staff)
    db.session.commit()
    assert moved == 1
    assert [e.minutes for e in entries_of(pat)] == [30, 20, 45]
    assert activity.standard_minutes(ActivityKind.REVIEW) == 30
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "activity_time.changed")
    ).scalar_one()
    assert event.before == {"kind": "review", "minutes": 20}
    assert event.after == {"kind": "review", "minutes": 30, "entries_updated": 1}

    # New activity is counted at the new time.
    criterion = gen_criterion(open_round, staff, "For a comment")
    activity.set_standard_time(kind=ActivityKind.COMMENT, minutes=8, actor=staff)
    codesign.add_comment(criterion=criterion, body="Yes", actor=pat)
    db.session.commit()
    assert entries_of(pat)[-1].minutes == 8


def test_staff_set_the_standard_times_on_a_page_and_nobody_else_can(
    app: Flask, client: Any, auth: Any, staff: User, resident: User
) -> None:
    auth.login(resident)
    assert client.get("/coproduction/standard-times").status_code == 404
    auth.logout()
    auth.login(staff)
    page = client.get("/coproduction/standard-times").get_data(as_text=True)
    assert "Scored an application (minutes)" in page
    times = {f"minutes_{k}": str(m) for k, m in activity.standard_times().items()}
    bad = client.post("/coproduction/standard-times", data={**times, "minutes_review": "0"})
    assert bad.status_code == 400
    assert "Enter a time from 1 to 600 minutes" in bad.get_data(as_text=True)
    good = client.post(
        "/coproduction/standard-times",
        data={**times, "minutes_review": "25"},
        follow_redirects=True,
    )
    assert "The standard times have been saved" in good.get_data(as_text=True)
    assert activity.standard_minutes(ActivityKind.REVIEW) == 25
    assert activity.standard_minutes(ActivityKind.PROPOSAL) == 30  # unchanged, no row written


def test_only_residents_are_counted_for_a_review_entered_for_them(app: Flask) -> None:
    """A review's panellist who is (oddly) a staff account is not counted."""
    member_of_staff = gen_user(role=Role.STAFF)
    audit.record(
        actor=member_of_staff,
        action="review.submitted",
        object_type="review",
        object_id=1,
        after={"panellist_id": member_of_staff.id},
    )
    db.session.commit()
    assert db.session.execute(db.select(InvolvementEntry)).first() is None
