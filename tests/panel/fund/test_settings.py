"""Fund settings: one page of sections; the welcome, the code of conduct, and task times."""

from flask.testing import FlaskClient

from panel.extensions import db
from panel.fund import times
from panel.models import ActivityTime, AuditEvent, Fund, User
from tests.conftest import AuthActions
from tests.worlds import gen_scoring_world

WELCOME = {
    "welcome_role": "You decide.",
    "welcome_time": "Two evenings.",
    "welcome_behaviour": "We listen.",
    "welcome_confidential": "Scores stay in the room.",
    "welcome_expenses": "Bus fares.",
    "contact_name": "Asha Patel",
    "contact_phone": "0113 496 0000",
}


def test_the_settings_page_lists_each_section(client: FlaskClient, staff: User) -> None:
    AuthActions(client).login(staff)
    page = client.get("/fund").get_data(as_text=True)
    for title in ("Welcome for new panellists", "Code of conduct", "How long tasks take"):
        assert title in page
    assert 'href="/fund/welcome"' in page and 'href="/fund/times"' in page


def test_the_welcome_is_saved_once_checked_and_a_stale_form_is_refused(
    client: FlaskClient, staff: User
) -> None:
    AuthActions(client).login(staff)
    form = client.get("/fund/welcome").get_data(as_text=True)
    assert 'name="version" type="hidden" value="0"' in form
    bad = client.post("/fund/welcome", data={**WELCOME, "contact_phone": "ring me", "version": "0"})
    assert bad.status_code == 400
    assert "Enter a phone number, like 0113 496 0000" in bad.get_data(as_text=True)
    assert client.post("/fund/welcome", data={**WELCOME, "version": "0"}).status_code == 302
    fund = db.session.get(Fund, 1)
    assert fund is not None and (fund.version, fund.contact_phone) == (1, "0113 496 0000")
    stale = client.post("/fund/welcome", data={**WELCOME, "welcome_role": "Mine", "version": "0"})
    text = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Someone else saved the fund settings" in text and "Mine" in text
    db.session.refresh(fund)
    assert fund.welcome_role == "You decide."
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "fund.welcome_changed")
    ).scalar_one()
    assert event.after is not None and event.after["contact_name"] == "Asha Patel"


def test_the_code_of_conduct_gets_a_new_number_with_each_new_wording(
    client: FlaskClient, staff: User
) -> None:
    AuthActions(client).login(staff)
    page = client.get("/fund/code-of-conduct").get_data(as_text=True)
    assert "treat everyone on the panel" in page  # the default, ready to adapt
    client.post("/fund/code-of-conduct", data={"code_of_conduct": "Be kind.", "version": "0"})
    client.post("/fund/code-of-conduct", data={"code_of_conduct": "Be kind.", "version": "1"})
    client.post("/fund/code-of-conduct", data={"code_of_conduct": "Be fair.", "version": "1"})
    fund = db.session.get(Fund, 1)
    assert fund is not None and (fund.code_of_conduct, fund.conduct_version) == ("Be fair.", 2)
    empty = client.post("/fund/code-of-conduct", data={"code_of_conduct": " ", "version": "2"})
    assert empty.status_code == 400
    assert "Enter the code of conduct panellists agree to" in empty.get_data(as_text=True)


def test_task_times_come_from_one_table_and_every_page_says_the_new_time(
    client: FlaskClient, staff: User
) -> None:
    world = gen_scoring_world(staff, panellists=1)
    AuthActions(client).login(staff)
    form = client.get("/fund/times").get_data(as_text=True)
    assert 'name="minutes_score_application"' in form and 'value="15"' in form
    data = {f"minutes_{key}": str(kind.default) for key, kind in times.KINDS.items()}
    bad = client.post("/fund/times", data={**data, "minutes_score_application": "ten"})
    assert "Enter a whole number of minutes, like 15" in bad.get_data(as_text=True)
    zero = client.post("/fund/times", data={**data, "minutes_panel_meeting": "0"})
    assert "Enter a number of minutes from 1 to 1,440" in zero.get_data(as_text=True)
    assert (
        client.post("/fund/times", data={**data, "minutes_score_application": "20"}).status_code
        == 302
    )
    rows = db.session.execute(db.select(ActivityTime.kind, ActivityTime.minutes)).all()
    assert rows == [("score_application", 20)]  # only what staff changed is stored
    assert times.minutes_for("score_application") == 20 and times.minutes_for("post_idea") == 5
    assert times.about("panel_meeting", 90) == "about 1 hour 30 minutes"
    AuthActions(client).logout()
    AuthActions(client).login(world.panellists[0])
    queue = client.get(f"/rounds/{world.round.id}/scoring").get_data(as_text=True)
    assert "Scoring takes about 20 minutes an application." in queue
