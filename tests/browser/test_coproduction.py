"""In a real browser: a resident records a workshop and a travel claim; staff approve and pay
the claim and take a meeting's register; the round's cost-of-co-production report shows each."""

from typing import Any

from panel.extensions import db
from panel.models import User
from panel.models.types import uk_today
from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.conftest import PASSWORD
from tests.factories import gen_user
from tests.worlds import gen_worked_round

STAFF_EMAIL = "sam.staff@example.org"


def check(page: Any) -> None:
    """axe-core clean, one h1, nothing wider than a 320px phone; then back to a wide window."""
    assert page.locator("h1").count() == 1, page.url
    assert_accessible(page)
    assert_fits_width(page)
    page.set_viewport_size({"width": 1024, "height": 800})


def switch_to(page: Any, base: str, email: str) -> None:
    page.context.clear_cookies()
    sign_in(page, base, email, PASSWORD)


def cells(page: Any, caption: str, row: str) -> list[str]:
    """The text of a row of the table with that caption, by its first cell."""
    table = page.locator("table", has=page.locator("caption", has_text=caption))
    line = table.locator("tr", has=page.locator("td, th", has_text=row)).first
    return [t.strip() for t in line.locator("td, th").all_inner_texts()]


def test_a_workshop_a_paid_travel_claim_and_a_register_reach_the_report(
    live_server: str, page: Any, staff: User
) -> None:
    worked = gen_worked_round(staff, name="Spring round")
    round_id = worked["round"].id
    panel = [(p.display_name, p.email) for p in worked["panel"]]
    gen_user(name="Someone Else")  # a resident whose record nobody on the panel sees
    today = uk_today().isoformat()
    db.session.commit()
    page.on("dialog", lambda dialog: dialog.accept())

    # A panellist records a workshop and claims a bus fare.
    name, email = panel[0]
    sign_in(page, live_server, email, PASSWORD)
    page.get_by_role("link", name="Your involvement").click()
    page.get_by_role("heading", name="Your involvement").wait_for()
    check(page)
    page.get_by_role("button", name="Add something you did off-screen").click()
    page.get_by_role("button", name="Add to the record").click()
    page.get_by_text("There is a problem").wait_for()
    assert "Choose what it was" in page.content()
    check(page)
    page.get_by_role("radio", name="Workshop").check()
    page.get_by_label("When was it?").fill(today)
    page.get_by_label("Hours").fill("2")
    page.get_by_label("Which round was it for?").select_option(label="Spring round")
    page.get_by_role("radio", name="Co-design (criteria)").check()
    page.get_by_label("What was it? (optional)").fill("Criteria workshop at the hub")
    page.get_by_role("button", name="Add to the record").click()
    page.get_by_text("Added to your record.").wait_for()
    assert "Criteria workshop at the hub" in page.content()
    page.get_by_role("button", name="Claim expenses").click()
    page.get_by_role("radio", name="Travel").check()
    page.get_by_label("How much did you spend?").fill("4.60")
    page.get_by_label("When did you spend it?").fill(today)
    page.get_by_label("Which round was it for?").select_option(label="Spring round")
    check(page)
    page.get_by_role("button", name="Send the claim").click()
    page.get_by_text("The claim has been sent to staff.").wait_for()
    assert "Waiting for staff" in page.content()
    check(page)

    # Staff approve and pay the claim.
    switch_to(page, live_server, STAFF_EMAIL)
    page.get_by_role("link", name="Co-production").click()
    page.get_by_role("heading", name="Co-production across the fund").wait_for()
    check(page)
    page.get_by_role("button", name="Expense claims to deal with (1)").click()
    check(page)
    page.get_by_role("link", name=name).click()
    page.get_by_role("radio", name="Approve the claim").check()
    check(page)
    page.get_by_role("button", name="Save the decision").click()
    page.get_by_text("The claim has been approved, not paid yet.").wait_for()
    page.get_by_label("When was it paid?").fill(today)
    page.get_by_role("button", name="Mark as paid").click()
    page.get_by_text("The claim has been marked as paid.").wait_for()

    # Staff set up the panel meeting and take its register.
    page.goto(f"{live_server}/rounds/{round_id}")
    page.get_by_role("link", name="Panel meetings and registers").click()
    check(page)
    page.get_by_role("button", name="Add a meeting").click()
    page.get_by_label("Date of the meeting").fill(today)
    page.get_by_label("Where is it?").fill("Beeston Hub")
    page.get_by_label("Hours").fill("2")
    check(page)
    page.get_by_role("button", name="Save the meeting").click()
    page.get_by_role("heading", name="Register for the meeting").wait_for()
    marks = ["Present in person", "Present in person", "Present by phone or online"]
    marks += ["Sent apologies", "Present in person"]
    for (member, _), mark in zip(panel, marks, strict=True):
        page.get_by_role("group", name=member).get_by_role("radio", name=mark).check()
    check(page)
    page.get_by_role("button", name="Save the register").click()
    page.get_by_text("The register has been saved (5 changes).").wait_for()
    assert "3 in person, 1 by phone or online, 1 sent apologies." in page.content()

    # The report shows each of them.
    page.goto(f"{live_server}/rounds/{round_id}")
    page.get_by_role("link", name="What co-production took and gave").click()
    page.get_by_role("heading", name="What co-production took and gave").wait_for()
    check(page)
    time = "Time and people at each part of the round"
    assert cells(page, time, "Co-design (criteria)")[:3] == ["Co-design (criteria)", "2.00", "1"]
    assert cells(page, time, "Panel meeting")[:3] == ["Panel meeting", "8.00", "4"]
    assert cells(page, time, "Total")[:3] == ["Total", "10.00", "4"]
    expenses = cells(page, "Expense claims by what they were for", "Travel")
    assert expenses == ["Travel", "£0", "£0", "£0", "£4.60 (1)"]
    assert "The fund spent £4.60 on co-production" in page.locator("main").inner_text()

    # The meeting agenda says the meeting was quorate.
    page.goto(f"{live_server}/rounds/{round_id}/meeting")
    assert "4 members present (3 in person, 1 by phone or online), 1 sent apologies." in (
        page.content()
    )
