"""The welcome a new panellist reads first, and the code of conduct they agree to before scoring."""

from collections.abc import Callable

from flask.testing import FlaskClient

from panel.extensions import db
from panel.fund import services as fund
from panel.models import AuditEvent, ConductAgreement, Role, User
from tests.conftest import AuthActions
from tests.factories import gen_member
from tests.worlds import gen_scoring_world


def test_the_welcome_shows_what_staff_wrote_with_who_to_call_and_task_times(
    client: FlaskClient, staff: User, resident: User
) -> None:
    fund.save_welcome(
        text=fund.Welcome(
            welcome_role="You decide what the fund pays for.",
            welcome_time="",
            welcome_behaviour="We listen.",
            welcome_confidential="Scores stay in the room.",
            welcome_expenses="We pay bus fares.",
            contact_name="Asha Patel",
            contact_phone="0113 496 0000",
        ),
        expected_version=0,
        actor=staff,
    )
    db.session.commit()
    AuthActions(client).login(resident)
    page = client.get("/welcome").get_data(as_text=True)
    for words in ("You decide what the fund pays for.", "We listen.", "We pay bus fares."):
        assert words in page
    assert "Call Asha Patel on" in page and 'href="tel:01134960000"' in page
    assert fund.DEFAULT_WELCOME["welcome_time"] in page  # a part left empty reads its default
    assert "About 15 minutes an application" in page
    assert "Read the code of conduct" in page
    home = client.get("/").get_data(as_text=True)
    assert "Welcome to the panel" in home and 'href="/welcome"' in home


def test_scoring_waits_until_the_panellist_agrees_and_the_agreement_is_dated(
    client: FlaskClient, staff: User, make_user: Callable[..., User]
) -> None:
    world = gen_scoring_world(staff, panellists=1)
    newcomer = make_user(Role.RESIDENT, name="Nia Newcomer")
    gen_member(world.round, newcomer, agreed=False)
    app = world.applications[0]
    score_url = f"/rounds/{world.round.id}/scoring/{app.id}"
    AuthActions(client).login(newcomer)
    queue = client.get(f"/rounds/{world.round.id}/scoring").get_data(as_text=True)
    assert "Before you score for the first time" in queue
    assert "Scoring takes about 15 minutes an application." in queue
    blocked = client.get(score_url)
    assert blocked.status_code == 403
    assert "Before you score, agree to the code of conduct" in blocked.get_data(as_text=True)
    posted = client.post(score_url, data={"action": "draft", "version": "0"})
    assert posted.status_code == 403
    conduct_url = f"/welcome/code-of-conduct?next={score_url}"
    unticked = client.post(conduct_url, data={})
    assert unticked.status_code == 400
    assert "Tick the box to agree" in unticked.get_data(as_text=True)
    agreed = client.post(conduct_url, data={"accept": "y"})
    assert agreed.status_code == 302 and agreed.location == score_url
    assert client.get(score_url).status_code == 200
    row = db.session.execute(db.select(ConductAgreement)).scalars().all()
    mine = [a for a in row if a.user_id == newcomer.id]
    assert len(mine) == 1 and mine[0].agreed_at is not None and mine[0].conduct_version == 0
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "conduct.agreed")
    ).scalar_one()
    assert (event.actor_id, event.after) == (newcomer.id, {"conduct_version": 0})
    page = client.get("/welcome/code-of-conduct").get_data(as_text=True)
    assert "You agreed to this on" in page and "I agree" not in page


def test_staff_see_who_has_not_agreed_and_record_a_paper_agreement(
    client: FlaskClient, staff: User, make_user: Callable[..., User], make_round: Callable
) -> None:
    agreed = make_user(Role.RESIDENT, name="Ada Agreed")
    waiting = make_user(Role.RESIDENT, name="Zed Waiting")
    make_round(name="Spring", members=(agreed,))
    AuthActions(client).login(staff)
    page = client.get("/people/code-of-conduct").get_data(as_text=True)
    assert "1 resident has not agreed yet." in page
    assert page.index("Zed Waiting") < page.index("Ada Agreed")  # not agreed first
    assert client.post(f"/people/{waiting.id}/agreed-on-paper").status_code == 302
    page = client.get("/people/code-of-conduct").get_data(as_text=True)
    assert "Every resident has agreed." in page and "(on paper)" in page
    paper = db.session.execute(
        db.select(ConductAgreement).where(ConductAgreement.user_id == waiting.id)
    ).scalar_one()
    assert paper.on_paper and paper.recorded_by_id == staff.id
    person = client.get(f"/people/{waiting.id}").get_data(as_text=True)
    assert "Agreed on" in person and "on paper" in person


def test_a_new_wording_is_numbered_and_new_agreements_say_which(
    client: FlaskClient, staff: User, resident: User
) -> None:
    fund.save_code_of_conduct(
        text="Be kind.\n- Listen.\n- Keep secrets.", expected_version=0, actor=staff
    )
    db.session.commit()
    AuthActions(client).login(resident)
    page = client.get("/welcome/code-of-conduct").get_data(as_text=True)
    assert '<p class="body">Be kind.</p>' in page and "<li>Listen.</li>" in page
    client.post("/welcome/code-of-conduct", data={"accept": "y"})
    agreement = db.session.execute(db.select(ConductAgreement)).scalar_one()
    assert agreement.conduct_version == 1
