"""The panel page: several residents added at once, and what it says when no one can be added."""

from collections.abc import Callable

from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import AuditEvent, FundingRound, Role, RoundMember, User
from tests.conftest import AuthActions


def test_staff_add_several_residents_at_once_each_audited(
    client: FlaskClient,
    staff: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> None:
    round_ = make_round()
    people = [make_user(Role.RESIDENT, name=n) for n in ("Asha Ali", "Ben Brown", "Cy Cole")]
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{round_.id}/panel").get_data(as_text=True)
    assert page.count('type="checkbox"') == 3
    response = client.post(
        f"/rounds/{round_.id}/panel",
        data={"user_id": [people[0].id, people[2].id], "role": "panellist"},
        follow_redirects=True,
    )
    assert "Asha Ali, Cy Cole have been added to the panel." in response.get_data(as_text=True)
    on_panel = set(
        db.session.execute(
            db.select(RoundMember.user_id).where(RoundMember.round_id == round_.id)
        ).scalars()
    )
    assert on_panel == {people[0].id, people[2].id}
    added = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "panel.member_added")
    ).scalars()
    assert sorted(e.after["name"] for e in added) == ["Asha Ali", "Cy Cole"]


def test_ticking_no_one_says_what_to_do_and_adds_no_one(
    client: FlaskClient,
    staff: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> None:
    round_ = make_round()
    make_user(Role.RESIDENT)
    AuthActions(client).login(staff)
    response = client.post(f"/rounds/{round_.id}/panel", data={"role": "panellist"})
    assert response.status_code == 400
    assert "Choose at least one resident to add to the panel" in response.get_data(as_text=True)
    assert db.session.execute(db.select(RoundMember)).first() is None


def test_with_no_resident_yet_the_page_says_add_a_resident_first(
    client: FlaskClient,
    staff: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> None:
    round_ = make_round()
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{round_.id}/panel").get_data(as_text=True)
    assert "Add a resident first" in page
    assert "Every active resident is already on this panel" not in page

    resident = make_user(Role.RESIDENT)
    full = make_round(members=(resident,))
    page = client.get(f"/rounds/{full.id}/panel").get_data(as_text=True)
    assert "Every active resident is already on this panel" in page
    assert "Add a resident first" not in page
