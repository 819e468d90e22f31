"""The scoring part of the demo: reviews at every status, a conflict, a paper entry."""

from collections import defaultdict
from collections.abc import Callable
from statistics import mean

from flask import Flask

from panel.applications.queries import eligible_applications
from panel.demo_base import Demo
from panel.extensions import db
from panel.models import (
    AuditEvent,
    Conflict,
    FundingRound,
    Review,
    ReviewStatus,
    Role,
    Stage,
    User,
)
from panel.rubrics import current_rubric
from panel.scoring.demo import add_demo
from panel.scoring.services.progress import submitted_counts
from tests.factories import gen_application, gen_rubric


def spring_like(
    make_user: Callable[..., User], make_round: Callable[..., FundingRound], staff: User
) -> Demo:
    """What co-design and applications leave: spring at Eligibility, a rubric, eligible apps."""
    officer2 = make_user(Role.STAFF, name="Tom Greene")
    residents = [make_user(Role.RESIDENT, name=f"Resident {i}") for i in range(7)]
    spring = make_round(members=tuple(residents[:6]), stage=Stage.ELIGIBILITY, quorum=3)
    autumn = make_round(members=tuple(residents[2:7]), stage=Stage.APPLICATIONS)
    gen_rubric(spring, staff)
    for n in range(1, 7):
        gen_application(spring, n)
    gen_application(spring, 7, status="ineligible")
    return Demo(staff=[staff, officer2], residents=residents, spring=spring, autumn=autumn)


def test_the_demo_scores_spring_at_every_status_and_moves_it_to_the_panel_meeting(
    app: Flask,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
    staff: User,
) -> None:
    demo = spring_like(make_user, make_round, staff)
    add_demo(demo)
    db.session.commit()
    spring = demo.spring
    assert spring.current_stage is Stage.PANEL
    reviews = list(db.session.execute(db.select(Review)).scalars())
    statuses = {r.status for r in reviews}
    assert statuses == {ReviewStatus.SUBMITTED, ReviewStatus.DRAFT}
    (conflict,) = db.session.execute(db.select(Conflict)).scalars()
    assert conflict.withdrawn_at is None and conflict.note
    assert not [
        r
        for r in reviews
        if (r.application_id, r.panellist_id) == (conflict.application_id, conflict.panellist_id)
    ]
    paper = [r for r in reviews if r.entered_by_id is not None]
    assert paper and {r.entered_by_id for r in paper} == {staff.id}
    assert any(r.revised for r in reviews)
    # Drafts keep missing scores as None, never 0; submitted reviews are complete.
    for r in reviews:
        values = [s.value for s in r.scores]
        if r.status == ReviewStatus.DRAFT:
            assert None in values
        else:
            assert None not in values
    assert any(s.comment for r in reviews for s in r.scores)
    # Panellists differ in harshness.
    by_panellist = defaultdict(list)
    for r in reviews:
        if r.status == ReviewStatus.SUBMITTED:
            by_panellist[r.panellist_id] += [s.value for s in r.scores]
    means = sorted(mean(v) for v in by_panellist.values())
    assert means[-1] - means[0] >= 1.0
    # Some applications reach quorum, one does not; every review has its audit row.
    counts = submitted_counts(spring)
    assert min(counts.values()) < spring.quorum <= max(counts.values())
    audited = {
        e.object_id
        for e in db.session.execute(
            db.select(AuditEvent).where(AuditEvent.object_type == "review")
        ).scalars()
    }
    assert audited == {r.id for r in reviews}


def test_the_demo_does_nothing_before_there_is_a_rubric_and_eligible_applications(
    app: Flask,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
    staff: User,
) -> None:
    residents = [make_user(Role.RESIDENT) for _ in range(7)]
    spring = make_round(members=tuple(residents[:6]), stage=Stage.ELIGIBILITY)
    demo = Demo(staff=[staff], residents=residents, spring=spring, autumn=spring)
    add_demo(demo)  # no rubric
    gen_rubric(spring, staff)
    add_demo(demo)  # no eligible applications
    db.session.commit()
    assert spring.current_stage is Stage.ELIGIBILITY
    assert db.session.execute(db.select(Review)).first() is None


def test_seed_demo_leaves_spring_scored_when_the_earlier_steps_have_run(
    app: Flask,
    runner,  # type: ignore[no-untyped-def]
) -> None:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    spring = db.session.execute(
        db.select(FundingRound).where(FundingRound.slug == "spring-demo")
    ).scalar_one()
    has_reviews = db.session.execute(db.select(Review)).first() is not None
    if current_rubric(spring) is None or not eligible_applications(spring.id):
        assert not has_reviews  # co-design or applications have no demo yet
    else:
        assert spring.current_stage is Stage.PANEL and has_reviews
