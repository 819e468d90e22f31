"""Members comment on criteria and support each one once, and can withdraw their support."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from panel.codesign import services
from panel.extensions import db
from panel.models import AuditEvent, CriterionComment, CriterionSupport, FundingRound, Stage, User
from tests.conftest import AuthActions
from tests.factories import gen_criterion


def test_a_member_supports_once_and_a_second_support_changes_nothing(
    client: FlaskClient, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    criterion = gen_criterion(round_, resident)
    AuthActions(client).login(resident)
    url = f"/rounds/{round_.id}/criteria/{criterion.id}"
    client.post(f"{url}/support")
    page = client.post(f"{url}/support", follow_redirects=True).get_data(as_text=True)
    assert "You already support this criterion." in page
    assert "1 member supports this criterion: Rita Resident." in page
    assert "Withdraw my support" in page
    rows = db.session.execute(db.select(CriterionSupport)).scalars().all()
    assert len(rows) == 1 and rows[0].withdrawn_at is None


def test_withdrawing_keeps_the_row_and_supporting_again_reuses_it(
    client: FlaskClient, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    criterion = gen_criterion(round_, resident)
    AuthActions(client).login(resident)
    url = f"/rounds/{round_.id}/criteria/{criterion.id}"
    client.post(f"{url}/support")
    page = client.post(f"{url}/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "0 members support this criterion." in page and "Support this criterion" in page
    row = db.session.execute(db.select(CriterionSupport)).scalar_one()
    assert row.withdrawn_at is not None
    again = client.post(f"{url}/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "You do not support this criterion at the moment." in again
    client.post(f"{url}/support")
    db.session.refresh(row)
    assert row.withdrawn_at is None
    assert db.session.execute(db.select(db.func.count(CriterionSupport.id))).scalar() == 1
    actions = (
        db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    )
    assert actions[-3:] == [
        "criterion.supported",
        "criterion.support_withdrawn",
        "criterion.supported",
    ]


def test_support_counts_are_per_member(
    app: object,
    staff: User,
    resident: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> None:
    others = [make_user() for _ in range(2)]
    round_ = make_round(members=(resident, *others))
    criterion = gen_criterion(round_, resident)
    for person in (resident, *others, staff):
        services.support(criterion=criterion, actor=person)
    services.withdraw_support(criterion=criterion, actor=others[0])
    db.session.commit()
    assert services.support_counts([criterion.id]) == {criterion.id: 3}
    names = [u.display_name for u in services.supporters([criterion.id])[criterion.id]]
    assert names == sorted(names, key=str.lower) and others[0].display_name not in names


def test_a_comment_is_added_escaped_and_audited(
    client: FlaskClient, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    """Item 17: a comment is shown escaped."""
    round_ = make_round(members=(resident,))
    criterion = gen_criterion(round_, resident)
    AuthActions(client).login(resident)
    url = f"/rounds/{round_.id}/criteria/{criterion.id}"
    response = client.post(f"{url}/comments", data={"body": "  <script>x()</script> mixing ages  "})
    assert response.status_code == 302 and response.location.endswith("#comments")
    comment = db.session.execute(db.select(CriterionComment)).scalar_one()
    assert comment.body == "<script>x()</script> mixing ages"
    page = client.get(url).get_data(as_text=True)
    assert "&lt;script&gt;x()&lt;/script&gt; mixing ages" in page and "<script>x()" not in page
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "criterion.commented")
    ).scalar_one()
    assert event.after == {"criterion_id": criterion.id, "body": comment.body, "private": False}


def test_an_empty_comment_is_refused_by_the_field(
    client: FlaskClient, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    criterion = gen_criterion(round_, resident)
    AuthActions(client).login(resident)
    response = client.post(
        f"/rounds/{round_.id}/criteria/{criterion.id}/comments", data={"body": "  "}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="body-error"' in page and "Enter your comment" in page
    assert db.session.execute(db.select(CriterionComment)).first() is None


def test_support_closes_after_co_design(
    app: object, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    criterion = gen_criterion(round_, resident)
    round_.stage = "applications"
    db.session.commit()
    with pytest.raises(services.Closed, match="support and weights are closed"):
        services.support(criterion=criterion, actor=resident)


def test_the_round_page_offers_the_discussion_only_while_it_is_open(
    client: FlaskClient, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    AuthActions(client).login(resident)
    weights_link = f'href="/rounds/{round_.id}/criteria/weights"'
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "Help shape the criteria the panel will use" in page and weights_link in page
    round_.stage = Stage.APPLICATIONS
    db.session.commit()
    assert services.discussion_closed(round_) is not None
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "The criteria were agreed during co-design. You can still comment on them." in page
    assert weights_link not in page
    assert f'href="/rounds/{round_.id}/criteria/record"' in page
