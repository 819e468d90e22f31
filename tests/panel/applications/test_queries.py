"""The one rule scoring and results share: which of a round's applications go to the panel."""

from collections.abc import Callable

from panel.applications import queries
from panel.extensions import db
from panel.models import Application, ApplicationStatus, FundingRound, Review, User
from tests.factories import gen_application, gen_rubric


def a_round_of_every_status(
    make_round: Callable[..., FundingRound],
) -> tuple[FundingRound, dict[str, Application], Application]:
    """A round with one application at each status (two eligible), and another round's one."""
    round_ = make_round()
    other = make_round()
    apps = {
        "eligible_b": gen_application(round_, 2, status=ApplicationStatus.ELIGIBLE),
        "eligible_a": gen_application(round_, 1, status=ApplicationStatus.ELIGIBLE),
        "received": gen_application(round_, 3, status=ApplicationStatus.RECEIVED),
        "ineligible": gen_application(round_, 4, status=ApplicationStatus.INELIGIBLE),
        "withdrawn": gen_application(round_, 5, status=ApplicationStatus.WITHDRAWN),
    }
    elsewhere = gen_application(other, 1, status=ApplicationStatus.ELIGIBLE)
    return round_, apps, elsewhere


def test_only_the_rounds_eligible_applications_count_in_sql_and_in_python(
    make_round: Callable[..., FundingRound],
) -> None:
    round_, apps, elsewhere = a_round_of_every_status(make_round)
    eligible = [apps["eligible_a"], apps["eligible_b"]]
    assert queries.eligible_applications(round_.id) == eligible  # by reference
    assert queries.count_eligible(round_.id) == 2
    assert queries.count_eligible(elsewhere.round_id) == 1
    ids = set(db.session.execute(queries.eligible_application_ids(round_.id)).scalars())
    assert ids == {a.id for a in eligible}
    for name, application in apps.items():
        expected = name.startswith("eligible")
        assert queries.is_eligible_in_round(application, round_.id) is expected
        found = queries.eligible_application(round_.id, application.id)
        assert found is (application if expected else None)
    assert not queries.is_eligible_in_round(elsewhere, round_.id)
    assert queries.eligible_application(round_.id, elsewhere.id) is None
    assert queries.eligible_application(round_.id, 999_999) is None


def test_the_query_can_be_extended_by_its_callers(
    make_round: Callable[..., FundingRound], staff: User
) -> None:
    round_, apps, _ = a_round_of_every_status(make_round)
    query = queries.eligible_applications_query(round_.id)
    newest_first = query.order_by(Application.reference.desc())
    assert list(db.session.execute(newest_first).scalars()) == [
        apps["eligible_b"],
        apps["eligible_a"],
    ]
    columns = query.with_only_columns(Application.reference).order_by(Application.reference)
    assert list(db.session.execute(columns).scalars()) == [
        apps["eligible_a"].reference,
        apps["eligible_b"].reference,
    ]
    # A join keeps the rule: a review of an ineligible application is not picked up.
    rubric = gen_rubric(round_, staff)
    for application in (apps["eligible_a"], apps["ineligible"]):
        db.session.add(
            Review(
                round_id=round_.id,
                application_id=application.id,
                panellist_id=staff.id,
                rubric_id=rubric.id,
                status="draft",
                overall_comment="",
            )
        )
    db.session.commit()
    reviewed = query.join(Review, Review.application_id == Application.id)
    assert list(db.session.execute(reviewed).scalars()) == [apps["eligible_a"]]
