"""Members share 100 points among the shortlisted scored criteria; the server checks the total."""

import re
from collections.abc import Callable

from flask.testing import FlaskClient

from panel.codesign import services
from panel.extensions import db
from panel.models import AuditEvent, Criterion, FundingRound, User, WeightShare
from tests.conftest import AuthActions
from tests.factories import gen_criterion


def _three(round_: FundingRound, actor: User) -> list[Criterion]:
    scored = [
        gen_criterion(round_, actor, title, shortlisted=True)
        for title in ("Brings neighbours together", "Value for money", "Will it last?")
    ]
    gen_criterion(round_, actor, "Not shortlisted")
    gen_criterion(round_, actor, "Is a not-for-profit group", "eligibility", shortlisted=True)
    return scored


def test_the_form_has_one_weight_box_per_shortlisted_scored_criterion(
    client: FlaskClient, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    a, b, c = _three(round_, resident)
    AuthActions(client).login(resident)
    page = client.get(f"/rounds/{round_.id}/criteria/weights").get_data(as_text=True)
    assert len(re.findall(r"<input[^>]* data-weight[ >]", page)) == 3
    for criterion in (a, b, c):
        assert f'name="share_{criterion.id}"' in page
    assert "Not shortlisted" not in page and "not-for-profit" not in page
    assert 'data-module="weights"' in page and "Total: 0 of 100" in page


def test_shares_that_add_up_to_100_are_saved_and_audited(
    client: FlaskClient, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    a, b, c = _three(round_, resident)
    AuthActions(client).login(resident)
    url = f"/rounds/{round_.id}/criteria/weights"
    data = {f"share_{a.id}": "50", f"share_{b.id}": " 30 ", f"share_{c.id}": "20"}
    assert client.post(url, data=data).status_code == 302
    saved = dict(db.session.execute(db.select(WeightShare.criterion_id, WeightShare.points)).all())
    assert saved == {a.id: 50, b.id: 30, c.id: 20}
    # Sharing again replaces them.
    client.post(url, data={f"share_{a.id}": "0", f"share_{b.id}": "0", f"share_{c.id}": "100"})
    saved = dict(db.session.execute(db.select(WeightShare.criterion_id, WeightShare.points)).all())
    assert saved == {a.id: 0, b.id: 0, c.id: 100}
    page = client.get(url).get_data(as_text=True)
    assert f'name="share_{c.id}" type="text" value="100"' in page
    assert "Total: 100 of 100" in page
    events = (
        db.session.execute(
            db.select(AuditEvent)
            .where(AuditEvent.action == "weights.shared")
            .order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    assert [e.after for e in events] == [
        {str(a.id): 50, str(b.id): 30, str(c.id): 20},
        {str(a.id): 0, str(b.id): 0, str(c.id): 100},
    ]


def test_shares_not_adding_up_to_100_are_refused_by_the_fields_and_in_the_summary(
    client: FlaskClient, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    a, b, c = _three(round_, resident)
    AuthActions(client).login(resident)
    data = {f"share_{a.id}": "50", f"share_{b.id}": "30", f"share_{c.id}": "10"}
    response = client.post(f"/rounds/{round_.id}/criteria/weights", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    message = "Your shares add up to 90. They must add up to 100"
    summary, fields = page.split('id="shares-error"', 1)
    assert f'<a href="#share_{a.id}">{message}' in summary
    assert message in fields
    assert "Total: 90 of 100" in page
    assert 'value="10"' in page  # what they typed is kept
    assert db.session.execute(db.select(WeightShare)).first() is None


def test_negative_fractional_and_all_zero_shares_are_refused(
    client: FlaskClient, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    a, b, c = _three(round_, resident)
    AuthActions(client).login(resident)
    url = f"/rounds/{round_.id}/criteria/weights"
    negative = client.post(
        url, data={f"share_{a.id}": "110", f"share_{b.id}": "-10", f"share_{c.id}": "0"}
    ).get_data(as_text=True)
    assert "Points for Value for money cannot be negative" in negative
    assert f'id="share_{b.id}-error"' in negative
    assert "Points for Brings neighbours together cannot be more than 100" in negative
    assert f'id="share_{a.id}-error"' in negative and f'id="share_{c.id}-error"' not in negative
    fractional = client.post(
        url, data={f"share_{a.id}": "50.5", f"share_{b.id}": "49.5", f"share_{c.id}": "0"}
    ).get_data(as_text=True)
    assert "Enter a whole number of points for Brings neighbours together, like 25" in fractional
    zeros = client.post(
        url, data={f"share_{a.id}": "0", f"share_{b.id}": "0", f"share_{c.id}": "0"}
    )
    assert zeros.status_code == 400
    assert "Your shares cannot all be 0" in zeros.get_data(as_text=True)
    blank = client.post(url, data={f"share_{a.id}": "100", f"share_{b.id}": ""}).get_data(
        as_text=True
    )
    assert "Enter your points for Value for money, or 0" in blank
    assert db.session.execute(db.select(WeightShare)).first() is None


def test_staff_see_the_spread_and_the_proposed_weights_residents_do_not(
    client: FlaskClient,
    staff: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> None:
    people = [make_user() for _ in range(3)]
    round_ = make_round(members=tuple(people))
    a, b, c = _three(round_, staff)
    for person, shares in zip(people, ([100, 0, 0], [0, 100, 0], [0, 0, 100]), strict=True):
        services.share_weights(
            round_=round_, shares=dict(zip((a.id, b.id, c.id), shares, strict=True)), actor=person
        )
    db.session.commit()
    summary = services.weight_summary(round_)
    assert summary.members == 3
    assert summary.proposed == {a.id: 34, b.id: 33, c.id: 33}
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{round_.id}/criteria/weights").get_data(as_text=True)
    assert "3 members have shared their points." in page
    row = page[page.index('<td class="table__cell">Brings neighbours together</td>') :]
    cells = [part.split("<", 1)[0] for part in row.split('table__cell--numeric">')[1:6]]
    assert cells == ["0", "0", "100", "33.33", "34"]
    AuthActions(client).logout()
    AuthActions(client).login(people[0])
    resident_page = client.get(f"/rounds/{round_.id}/criteria/weights").get_data(as_text=True)
    assert "How members shared the points" not in resident_page
    assert "3 members have shared their points so far." in resident_page


def test_shares_made_before_the_shortlist_changed_are_left_out_until_shared_again(
    client: FlaskClient, resident: User, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    a, b, c = _three(round_, staff)
    services.share_weights(round_=round_, shares={a.id: 50, b.id: 30, c.id: 20}, actor=resident)
    services.set_shortlisted(criterion=c, shortlisted=False, actor=staff)
    db.session.commit()
    summary = services.weight_summary(round_)
    assert (summary.members, summary.left_out, summary.proposed) == (0, 1, {})
    AuthActions(client).login(resident)
    page = client.get(f"/rounds/{round_.id}/criteria/weights").get_data(as_text=True)
    assert "The shortlist has changed since you shared your points" in page
