"""In a real browser: propose -> comment -> support -> share weights -> adopt -> the record."""

from typing import Any

from panel.codesign import services
from panel.extensions import db
from panel.models import Rubric, User
from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.conftest import PASSWORD
from tests.factories import gen_criterion

STAFF_EMAIL = "sam.staff@example.org"
RESIDENT_EMAIL = "rita@example.org"


def check(page: Any) -> None:
    """axe-core clean, one h1, nothing wider than a 320px phone; then back to a wide window."""
    assert page.locator("h1").count() == 1, page.url
    assert_accessible(page)
    assert_fits_width(page)
    page.set_viewport_size({"width": 1024, "height": 800})


def switch_to(page: Any, base: str, email: str) -> None:
    page.context.clear_cookies()
    sign_in(page, base, email, PASSWORD)


def test_a_round_co_designs_its_criteria_from_proposal_to_adoption(
    live_server: str, page: Any, staff: User, resident: User, make_round: Any
) -> None:
    round_ = make_round(name="Spring 2026 Community Fund", members=(resident,))
    value = gen_criterion(round_, staff, "Value for money", shortlisted=True)
    fixed = gen_criterion(round_, staff, "Works inside our neighbourhoods", "eligibility")
    services.fix(
        criterion=fixed,
        reason="the fund can only pay for work inside our neighbourhoods",
        actor=staff,
    )
    services.add_boundary(
        round_=round_,
        title="Awards are between £250 and £5,000",
        reason="set by the board",
        actor=staff,
    )
    round_id, value_id = round_.id, value.id
    db.session.commit()  # plain values captured first: the live server needs the write lock
    base = f"{live_server}/rounds/{round_id}/criteria"

    # A resident sees what is fixed and what is open, and proposes a criterion.
    sign_in(page, live_server, RESIDENT_EMAIL, PASSWORD)
    page.goto(f"{live_server}/rounds/{round_id}")
    page.get_by_role("link", name="See and discuss the criteria").click()
    page.get_by_role("heading", name="The criteria", exact=True).wait_for()
    assert "Fixed by staff: the fund can only pay for work inside our neighbourhoods" in (
        page.content()
    )
    check(page)
    page.get_by_role("button", name="Propose a criterion").click()
    page.get_by_role("button", name="Add my proposal").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "Enter a short title for the criterion" in summary.inner_text()
    assert "Enter why it matters" in summary.inner_text()
    assert "Describe what a 0 looks like" not in summary.inner_text()  # it can come later
    check(page)
    page.get_by_label("Title").fill("Brings neighbours together")
    page.get_by_label("Why it matters").fill("Many of us do not know our neighbours.")
    # The rest can be written now too, in the part that opens.
    page.get_by_text("Add more detail now (optional)").click()
    page.get_by_label("What it means").fill(
        "People who would not usually meet get to know each other."
    )
    page.get_by_label("The panel scores it").check()
    for level in range(6):
        page.get_by_label(f"What a {level} looks like").fill(f"Level {level} in plain words")
    page.get_by_role("button", name="Add my proposal").click()
    page.get_by_role("heading", name="Brings neighbours together").wait_for()
    check(page)

    # Comment and support.
    page.get_by_label("Add a comment").fill("Could it mention young and old mixing?")
    page.get_by_role("button", name="Add comment").click()
    page.get_by_text("Your comment has been added.").wait_for()
    assert "Could it mention young and old mixing?" in page.content()
    page.get_by_role("button", name="Support this criterion").click()
    page.get_by_text("1 member supports this criterion: Rita Resident.").wait_for()
    criterion_url = page.url.split("#")[0]

    # Staff shortlist the proposal.
    switch_to(page, live_server, STAFF_EMAIL)
    page.goto(criterion_url)
    page.get_by_role("button", name="Add to the shortlist").click()
    page.get_by_text("is on the shortlist").wait_for()

    # The resident shares out the weights: by keyboard, with the live total.
    switch_to(page, live_server, RESIDENT_EMAIL)
    page.goto(f"{base}/weights")
    total = page.locator("[data-weights-total]")
    first = page.get_by_label("Value for money")
    first.focus()
    assert page.evaluate("document.activeElement.name") == f"share_{value_id}"
    page.keyboard.type("30")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == page.get_by_label(
        "Brings neighbours together"
    ).get_attribute("id")
    page.keyboard.type("60")
    assert total.inner_text().strip().endswith("Total: 90 of 100")
    check(page)
    page.keyboard.press("Enter")
    error = page.locator("#shares-error")
    error.wait_for()
    assert "Your shares add up to 90. They must add up to 100" in error.inner_text()
    page.get_by_label("Value for money").fill("40")
    assert total.inner_text().strip().endswith("Total: 100 of 100")
    page.get_by_role("button", name="Save my points").click()
    page.get_by_text("Your shares have been saved.").wait_for()
    check(page)

    # Staff adopt, with the proposed weights filled in, and read the record.
    switch_to(page, live_server, STAFF_EMAIL)
    page.goto(f"{base}/adopt")
    weight_boxes = page.get_by_label("Weight, out of 100")
    assert [weight_boxes.nth(i).input_value() for i in range(2)] == ["40", "60"]
    check(page)
    page.get_by_role("button", name="Adopt these criteria").click()
    page.get_by_role("heading", name="How these criteria were agreed").wait_for()
    content = page.content()
    assert "The criteria have been adopted as version 1." in content
    assert "1 member: Rita Resident" in content
    assert (
        "From 1 member: lowest 60, median 60, highest 60; mean 60. Proposed weight 60." in content
    )
    check(page)

    db.session.expire_all()
    rubric = db.session.execute(db.select(Rubric)).scalar_one()
    weights = sorted((c.title, c.weight) for c in rubric.criteria)
    db.session.commit()
    assert weights == [
        ("Brings neighbours together", 60),
        ("Value for money", 40),
        ("Works inside our neighbourhoods", 0),
    ]
