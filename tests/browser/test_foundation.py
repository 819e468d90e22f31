"""In a real browser: staff set up a round and its panel; the core pages pass axe and fit 320px."""

from typing import Any

from panel.extensions import db
from panel.models import FundingRound, RoundMember, User
from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.conftest import PASSWORD

# Plain values, not ORM attributes: reading an expired attribute would open a transaction in
# the test's session and hold SQLite's write lock while the live server wants to write.
STAFF_EMAIL = "sam.staff@example.org"
RESIDENT = "Rita Resident (rita@example.org)"


def test_staff_sign_in_create_a_round_and_add_a_panellist(
    live_server: str, page: Any, staff: User, resident: User
) -> None:
    sign_in(page, live_server, STAFF_EMAIL, PASSWORD)
    page.get_by_role("button", name="Set up a new round").click()
    page.get_by_label("Round name").fill("Summer 2026 Community Fund")
    page.get_by_label("Total budget").fill("£10,000")
    page.get_by_label("Smallest award").fill("250")
    page.get_by_label("Largest award").fill("3000")
    page.get_by_role("button", name="Create round").click()
    page.get_by_role("heading", name="Summer 2026 Community Fund").wait_for()
    assert "has been created" in page.content()

    page.get_by_role("button", name="Manage the panel").click()
    page.get_by_label(RESIDENT).check()
    page.get_by_role("button", name="Add to panel").click()
    page.get_by_text("Rita Resident has been added to the panel").wait_for()

    db.session.expire_all()
    round_ = db.session.execute(db.select(FundingRound)).scalar_one()
    assert round_.budget_pence == 1_000_000
    member = db.session.execute(db.select(RoundMember)).scalar_one()
    assert (member.round_id, member.user.email) == (round_.id, "rita@example.org")
    db.session.commit()


def test_a_round_form_with_mistakes_shows_the_error_summary_and_keeps_the_answers(
    live_server: str, page: Any, staff: User
) -> None:
    sign_in(page, live_server, STAFF_EMAIL, PASSWORD)
    page.goto(f"{live_server}/rounds/new")
    page.get_by_label("Total budget").fill("£12k")
    page.get_by_role("button", name="Create round").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    # The summary takes focus so screen reader users hear it first.
    page.wait_for_function("document.activeElement.classList.contains('error-summary')")
    summary.get_by_role("link", name="Enter a name for the round").click()
    page.wait_for_function("document.activeElement.id === 'name'")
    assert page.get_by_label("Total budget").input_value() == "£12k"
    assert_accessible(page)


def test_sign_in_works_by_keyboard_alone(live_server: str, page: Any, resident: User) -> None:
    page.goto(f"{live_server}/login")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type("rita@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/")
    assert "Your panels" in page.content()


def test_login_home_and_round_pages_pass_axe_and_fit_a_small_phone(
    live_server: str, page: Any, staff: User, resident: User, make_round: Any
) -> None:
    round_id = make_round(name="Accessible round", members=(resident,)).id
    db.session.commit()
    page.goto(f"{live_server}/login")
    assert_accessible(page)
    assert_fits_width(page)
    page.set_viewport_size({"width": 1024, "height": 800})
    sign_in(page, live_server, STAFF_EMAIL, PASSWORD)
    for path in (
        "/",
        f"/rounds/{round_id}",
        f"/rounds/{round_id}/panel",
        "/people",
        "/rounds/new",
        f"/rounds/{round_id}/log",
    ):
        page.set_viewport_size({"width": 1024, "height": 800})
        page.goto(f"{live_server}{path}")
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
        assert_fits_width(page)
