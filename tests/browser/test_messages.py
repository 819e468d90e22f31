"""In a real browser: the staff's outbox (email, print queue, call list), a message's page with
its link to pass on, the previews, the coverage page's reminders and "Forgot your password?",
each axe-core clean and usable at 320 px."""

from datetime import timedelta
from typing import Any

from panel.extensions import db
from panel.models import User
from panel.models.types import utcnow
from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.conftest import PASSWORD
from tests.factories import gen_message, gen_user
from tests.worlds import gen_scoring_world


def check(page: Any) -> None:
    assert page.locator("h1").count() == 1, page.url
    assert_accessible(page)
    assert_fits_width(page)
    page.set_viewport_size({"width": 1024, "height": 800})


def test_the_outbox_pages_are_accessible(live_server: str, page: Any, staff: User) -> None:
    person = gen_user(name="Hana Held")
    held = gen_message(
        to=person,
        status="held",
        last_error="not sent: no mail server is set up",
        link="http://localhost/set-password/" + "x" * 43,
        body_text="Hello Hana,\n\nOpen this link:\n\n[[link]]",
    )
    gen_message(to=gen_user(name="Lettie Letter"), status="to_print", channel="letter")
    gen_message(to=gen_user(name="Cal Caller"), status="to_call", channel="phone")
    world = gen_scoring_world(staff, scoring_deadline=utcnow() + timedelta(days=2))
    held_id, round_id, email = held.id, world.round.id, staff.email
    db.session.commit()  # end the test's transaction: the server writes (SQLite's lock)
    sign_in(page, live_server, email, PASSWORD)
    page.goto(f"{live_server}/outbox")
    assert "Hana Held" in page.content() and "Lettie Letter" in page.content()
    check(page)
    page.goto(f"{live_server}/outbox/{held_id}")
    assert "x" * 43 in page.content()
    check(page)
    for path in ("/outbox/letters", "/outbox/kinds", f"/rounds/{round_id}/coverage"):
        page.goto(f"{live_server}{path}")
        check(page)
    page.get_by_role("button", name="Remind those who are behind (3)").click()
    assert "Reminder queued for" in page.content()
    page.context.clear_cookies()
    page.goto(f"{live_server}/forgot-password")
    check(page)
