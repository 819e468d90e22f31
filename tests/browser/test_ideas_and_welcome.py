"""In a real browser, issue #17's walk: a resident joins in, is invited, reads the welcome and
agrees to the code of conduct, posts an idea that staff take into a new round, and proposes a
criterion with a title and a reason only, which another resident completes before it is adopted.
"""

from typing import Any

from panel.extensions import db
from panel.fund import services as fund
from panel.models import ConductAgreement, Criterion, CriterionIdea, Idea, User
from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.conftest import PASSWORD

STAFF_EMAIL = "sam.staff@example.org"
RESIDENT_EMAIL = "rita@example.org"
GRACE_EMAIL = "grace.adeyemi@example.org"
GRACE_PASSWORD = "kettle orchard lantern"


def check(page: Any) -> None:
    """axe-core clean, one h1, nothing wider than a 320px phone; then back to a wide window."""
    assert page.locator("h1").count() == 1, page.url
    assert_accessible(page)
    assert_fits_width(page)
    page.set_viewport_size({"width": 1024, "height": 800})


def switch_to(page: Any, base: str, email: str, password: str = PASSWORD) -> None:
    page.context.clear_cookies()
    sign_in(page, base, email, password)


def test_from_join_in_to_an_idea_taken_into_a_round_and_a_criterion_completed_by_another(
    live_server: str, page: Any, staff: User, resident: User
) -> None:
    fund.save_welcome(
        text=fund.Welcome(
            welcome_role="You help decide what the Community Fund pays for.",
            welcome_time="About two evenings, and 15 minutes an application.",
            welcome_behaviour="We listen to each other.",
            welcome_confidential="Applications and scores stay within the panel.",
            welcome_expenses="We pay bus fares and childcare.",
            contact_name="Sam Staff",
            contact_phone="0113 496 0000",
        ),
        expected_version=0,
        actor=staff,
    )
    db.session.commit()  # the live server needs the write lock
    base = live_server

    # A resident finds "Join in" from the sign-in page and says they would like to take part.
    page.goto(f"{base}/login")
    page.get_by_role("link", name="Tell us you would like to join in").click()
    page.get_by_role("heading", name="Join in").wait_for()
    assert "How we use what you tell us" in page.content()
    check(page)
    page.get_by_role("button", name="Send").click()
    page.locator(".error-summary").wait_for()
    assert "Enter your name" in page.locator(".error-summary").inner_text()
    page.get_by_label("Your name").fill("Grace Adeyemi")
    page.get_by_label("Email address (optional)").fill(GRACE_EMAIL)
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Anything that would help you take part (optional)").fill("Step-free access")
    page.get_by_label("Languages you would like to use (optional)").fill("English and Yoruba")
    page.get_by_role("button", name="Send").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    check(page)

    # Staff turn the request into an invitation in one step.
    sign_in(page, base, STAFF_EMAIL, PASSWORD)
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="Requests to join in").click()
    page.get_by_role("link", name="Grace Adeyemi").click()
    assert "Step-free access" in page.content()
    check(page)
    page.get_by_role("button", name="Invite and make a link").click()
    page.get_by_role("heading", name="Grace Adeyemi has been added").wait_for()
    link = page.get_by_label("Link to choose a password").input_value()

    # Grace chooses a password and reads the welcome first, then agrees to the code of conduct.
    page.context.clear_cookies()
    page.goto(f"{base}/set-password/{link.split('/set-password/')[1]}")  # PANEL_BASE_URL differs
    page.get_by_label("Choose a password").fill(GRACE_PASSWORD)
    page.get_by_label("Type the same password again").fill(GRACE_PASSWORD)
    page.get_by_role("button", name="Save password and sign in").click()
    page.get_by_role("heading", name="Welcome to the panel").wait_for()
    content = page.content()
    assert "You help decide what the Community Fund pays for." in content
    assert "Call Sam Staff on" in content and "About 15 minutes an application" in content
    check(page)
    page.get_by_role("button", name="Read the code of conduct").click()
    page.get_by_role("heading", name="The panel's code of conduct").wait_for()
    check(page)
    page.get_by_role("button", name="I agree").click()
    page.locator(".error-summary").wait_for()
    page.get_by_label("I agree to the code of conduct").check()
    page.get_by_role("button", name="I agree").click()
    page.get_by_text("You have agreed to the code of conduct.").wait_for()

    # She posts an idea.
    page.get_by_role("link", name="Ideas", exact=True).click()
    check(page)
    page.get_by_role("button", name="Post an idea").click()
    page.get_by_label("Your idea, in a few words").fill("Somewhere warm in winter")
    page.get_by_label("Why it matters").fill("Older neighbours sit in the cold all day.")
    page.get_by_label("Where (optional)").fill("Northfield")
    check(page)
    page.get_by_role("button", name="Post my idea").click()
    page.get_by_role("heading", name="Somewhere warm in winter").wait_for()
    assert "Staff have not answered this idea yet." in page.content()
    check(page)

    # Staff set up a new round that responds to it, with Grace and Rita on its panel.
    switch_to(page, base, STAFF_EMAIL)
    page.get_by_role("link", name="New round").click()
    page.get_by_label("Round name").fill("Winter 2026 Community Fund")
    page.get_by_label("Total budget").fill("£8,000")
    page.get_by_label("Smallest award").fill("250")
    page.get_by_label("Largest award").fill("2000")
    page.get_by_label("Somewhere warm in winter (waiting for an answer)").check()
    page.get_by_role("button", name="Create round").click()
    page.get_by_role("heading", name="Winter 2026 Community Fund").wait_for()
    assert "Ideas this round responds to" in page.content()
    round_url = page.url
    page.get_by_role("button", name="Manage the panel").click()
    # Both at once: tick each, then add.
    for name in ("Grace Adeyemi (grace.adeyemi@example.org)", "Rita Resident (rita@example.org)"):
        page.get_by_label(name).check()
    page.get_by_role("button", name="Add to panel").click()
    page.get_by_text("have been added to the panel").wait_for()

    # Grace proposes a criterion from her idea, with a title and a reason only.
    switch_to(page, base, GRACE_EMAIL, GRACE_PASSWORD)
    page.goto(round_url)
    page.get_by_role("link", name="See and discuss the criteria").click()
    page.get_by_role("heading", name="Ideas this round responds to").wait_for()
    page.get_by_role("link", name="Propose a criterion from this idea").click()
    assert page.get_by_label("Title").input_value() == "Somewhere warm in winter"
    page.get_by_label("Title").fill("Keeps people warm")
    page.get_by_label("Why it matters").fill("Heating bills doubled this year.")
    check(page)
    page.get_by_role("button", name="Add my proposal").click()
    page.get_by_role("heading", name="Keeps people warm").wait_for()
    assert "Still to write" in page.content()
    criterion_url = page.url
    check(page)

    # Rita writes what it means and what each score looks like, beside the examples.
    switch_to(page, base, RESIDENT_EMAIL)
    page.goto(criterion_url)
    page.get_by_role("button", name="Write what is missing").click()
    assert "A one-off event where a few neighbours could meet." in page.content()
    check(page)
    page.get_by_label("What it means").fill("The project gives people somewhere warm to be.")
    for level in range(6):
        page.get_by_label(f"What a {level} looks like").fill(f"Warmth at level {level}")
    page.get_by_role("button", name="Save my changes").click()
    page.get_by_text("Your changes to “Keeps people warm” have been saved.").wait_for()
    assert "Still to write" not in page.content()

    # Staff shortlist and adopt it; the record keeps the idea it came from.
    switch_to(page, base, STAFF_EMAIL)
    page.goto(criterion_url)
    page.get_by_role("button", name="Add to the shortlist").click()
    page.get_by_text("is on the shortlist").wait_for()
    page.goto(f"{round_url}/criteria/adopt")
    page.get_by_label("Weight, out of 100").fill("100")
    page.get_by_label("Reason for changing the proposed weight").fill("It is the only one.")
    page.get_by_role("button", name="Adopt these criteria").click()
    page.get_by_role("heading", name="How these criteria were agreed").wait_for()
    assert "Started from the idea" in page.content()
    assert "“Somewhere warm in winter”" in page.content()
    check(page)
    page.goto(f"{base}/ideas")
    assert "Taken into a round (1)" in page.content()

    db.session.expire_all()
    grace = db.session.execute(db.select(User).where(User.email == GRACE_EMAIL)).scalar_one()
    agreed = db.session.execute(
        db.select(ConductAgreement).where(ConductAgreement.user_id == grace.id)
    ).scalar_one()
    idea = db.session.execute(db.select(Idea)).scalar_one()
    criterion = db.session.execute(db.select(Criterion)).scalar_one()
    link_row = db.session.execute(db.select(CriterionIdea)).scalar_one()
    facts = (agreed.agreed_at is not None, idea.status, criterion.proposed_by_id, link_row.idea_id)
    db.session.commit()
    assert facts == (True, "taken", grace.id, idea.id)
