"""The involvement record counts what residents do in the app, as they do it (the audit log's
listener), at the fund's usual times (panel.fund.times, set by staff on the Fund settings page),
which residents correct."""

from typing import Any

from flask import Flask

from panel import audit
from panel.codesign import services as codesign
from panel.coproduction.services import activity, entries
from panel.extensions import db
from panel.fund import times
from panel.ideas import services as ideas
from panel.models import (
    ActivityKind,
    ActivityTime,
    AuditEvent,
    FundingRound,
    InvolvementEntry,
    Role,
    Stage,
    User,
)
from panel.scoring.services.reviews import ScoreEntry, save_review
from tests.factories import gen_criterion, gen_idea, gen_round, gen_user
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
        "propose_criterion",
        "codesign",
        10,
        True,
    )
    assert proposal.round_id == round_.id
    event = db.session.get(AuditEvent, proposal.audit_event_id)
    assert event is not None and event.action == "criterion.proposed"
    assert [(e.kind, e.minutes) for e in entries_of(olu)] == [
        ("comment_on_criterion", 5),
        ("support_criterion", 2),
    ]


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
    assert [(e.kind, e.minutes) for e in entries_of(pat)] == [("share_weights", 10)]


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
            ("score_application", "scoring", 15)
        ]


def test_the_ideas_boards_actions_count_as_co_initiation_without_a_round(app: Flask) -> None:
    """The ideas board (issue #17) writes idea.* audit rows; each counts for its resident."""
    rita = gen_user(name="Rita")
    for action in ("idea.created", "idea.supported", "idea.supported", "idea.commented"):
        audit.record(actor=rita, action=action, object_type="idea", object_id=7)
    db.session.commit()
    assert [(e.kind, e.stage, e.round_id) for e in entries_of(rita)] == [
        ("post_idea", "coinitiation", None),
        ("support_idea", "coinitiation", None),
        ("comment_on_idea", "coinitiation", None),
    ]


def test_the_ideas_boards_own_services_are_counted_at_the_funds_usual_times(
    app: Flask, staff: User
) -> None:
    """Posting, supporting (once, however often withdrawn and given again) and commenting on an
    idea through panel.ideas.services each add an entry for the resident, and none for staff."""
    rita, sam = gen_user(name="Rita"), gen_user(name="Sam")
    idea = gen_idea(rita, title="A bench by the bus stop")
    ideas.support(idea=idea, actor=sam)
    ideas.withdraw_support(idea=idea, actor=sam)
    ideas.support(idea=idea, actor=sam)
    ideas.add_comment(idea=idea, body="Yes please", private=False, actor=sam)
    ideas.add_comment(idea=idea, body="Staff like it", private=False, actor=staff)
    db.session.commit()
    assert [(e.kind, e.minutes, e.standard) for e in entries_of(rita)] == [
        ("post_idea", times.minutes_for("post_idea"), True)
    ]
    assert [(e.kind, e.minutes) for e in entries_of(sam)] == [
        ("support_idea", times.minutes_for("support_idea")),
        ("comment_on_idea", times.minutes_for("comment_on_idea")),
    ]
    assert entries_of(staff) == []
    sources = db.session.execute(
        db.select(AuditEvent.action)
        .join(InvolvementEntry, InvolvementEntry.audit_event_id == AuditEvent.id)
        .where(InvolvementEntry.person_id == sam.id)
    ).scalars()
    assert set(sources) == {"idea.supported", "idea.commented"}


def test_every_kind_counted_in_the_app_takes_its_minutes_from_the_fund_settings() -> None:
    """One list of kinds: each kind the record counts from the app, and the meeting, is a kind
    of task of panel.fund.times, and the record has no defaults of its own."""
    counted = {str(how.kind) for how in activity.FROM_AUDIT.values()} | {str(ActivityKind.MEETING)}
    assert counted <= set(times.KINDS)
    assert not hasattr(activity, "DEFAULT_MINUTES")


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
                kind="score_application",
                happened_on=db.func.current_date(),
                minutes=15,
                standard=True,
            )
        )
    db.session.commit()
    standard, in_decided, corrected = entries_of(pat)
    entries.correct(entry=corrected, minutes=45, actor=pat)
    db.session.commit()

    # A meeting's entry follows the meeting's length, never the usual time of the panel meeting.
    meeting_entry = InvolvementEntry(
        person_id=pat.id,
        round_id=open_round.id,
        stage="meeting",
        kind=str(ActivityKind.MEETING),
        happened_on=db.func.current_date(),
        minutes=90,
        standard=True,
    )
    db.session.add(meeting_entry)
    db.session.commit()

    assert times.set_minutes(minutes={"score_application": 30, "panel_meeting": 100}, actor=staff)
    db.session.commit()
    assert [e.minutes for e in entries_of(pat)] == [30, 15, 45, 90]
    assert activity.standard_minutes(ActivityKind.REVIEW) == 30
    changed = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "fund.times_changed")
    ).scalar_one()
    assert changed.after == {"score_application": 30, "panel_meeting": 100}
    followed = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "involvement.usual_times_followed")
    ).scalar_one()
    assert followed.after == {
        "entries_updated": {"score_application": 1},
        "minutes": {"score_application": 30},
    }

    # New activity is counted at the new time.
    criterion = gen_criterion(open_round, staff, "For a comment")
    times.set_minutes(minutes={"comment_on_criterion": 8}, actor=staff)
    codesign.add_comment(criterion=criterion, body="Yes", actor=pat)
    db.session.commit()
    assert entries_of(pat)[-1].minutes == 8


def test_staff_set_the_usual_times_on_the_fund_settings_page_and_nobody_else_can(
    app: Flask, client: Any, auth: Any, staff: User, resident: User
) -> None:
    """One page sets the times pages show and the record counts: "How long tasks take"."""
    round_ = gen_round(created_by=staff, members=[resident])
    gen_criterion(round_, resident, "Safe places to meet")
    db.session.commit()
    (proposal,) = entries_of(resident)
    assert proposal.minutes == 10
    auth.login(resident)
    welcome = client.get("/welcome").get_data(as_text=True)  # small counted tasks stay off it
    assert "Scoring an application" in welcome and "Supporting an idea" not in welcome
    assert client.get("/fund/times").status_code == 404
    assert client.get("/coproduction/standard-times").status_code == 404  # no second page
    auth.logout()
    auth.login(staff)
    page = client.get("/fund/times").get_data(as_text=True)
    assert "Commenting on a criterion" in page and "Supporting an idea" in page
    assert "involvement records count" in page
    now = {f"minutes_{k}": str(m) for k, m in times.all_minutes().items()}
    bad = client.post("/fund/times", data={**now, "minutes_propose_criterion": "0"})
    assert bad.status_code == 400
    assert "Enter a number of minutes from 1 to 1,440" in bad.get_data(as_text=True)
    assert entries_of(resident)[0].minutes == 10
    good = client.post(
        "/fund/times", data={**now, "minutes_propose_criterion": "25"}, follow_redirects=True
    )
    assert "The times have been saved" in good.get_data(as_text=True)
    assert activity.standard_minutes(ActivityKind.PROPOSAL) == 25
    assert [(e.minutes, e.standard) for e in entries_of(resident)] == [(25, True)]
    stored = db.session.execute(db.select(ActivityTime.kind)).scalars().all()
    assert stored == ["propose_criterion"]  # unchanged kinds write no row


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


def test_agreeing_to_the_code_and_completing_a_criterion_are_counted(
    app: Flask, staff: User
) -> None:
    """Reading the welcome and agreeing to the code (#17) counts once for the fund; writing a
    criterion's level descriptors counts once per criterion however often it is edited."""
    from dataclasses import replace

    from panel.welcome import conduct

    pat, olu = gen_user(name="Pat"), gen_user(name="Olu")
    round_ = gen_round(created_by=staff, members=[pat, olu], agreed=False)
    conduct.agree(actor=olu, accepted=True)
    criterion = gen_criterion(round_, pat, "Brings neighbours together")
    first = codesign.Wording(
        title=criterion.title,
        description="Neighbours who do not yet know each other meet.",
        why=criterion.why,
        kind=criterion.kind,
        descriptors={str(n): f"Level {n} in words" for n in range(0, 6)},
    )
    codesign.edit(criterion=criterion, wording=first, expected_version=1, actor=olu)
    second = replace(first, description="Neighbours meet and keep meeting.")
    codesign.edit(criterion=criterion, wording=second, expected_version=2, actor=olu)
    db.session.commit()

    counted = [(e.kind, e.stage, e.round_id, e.minutes) for e in entries_of(olu)]
    assert counted == [
        ("read_welcome", "coinitiation", None, times.minutes_for("read_welcome")),
        ("write_descriptors", "codesign", round_.id, times.minutes_for("write_descriptors")),
    ]
    conduct.record_on_paper(person=pat, actor=staff)  # staff recorded it: nobody's time
    db.session.commit()
    assert [e.kind for e in entries_of(pat)] == ["propose_criterion"]
