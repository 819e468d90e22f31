"""In a real browser: from a confirmed award, staff make the offer, the group accepts through its
link, staff record a payment, the group sends its end-of-grant report, staff accept it, and it
appears on the public "What we funded" page. Each page passes axe and fits 320 px."""

from typing import Any

from panel.extensions import db
from tests import pictures
from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.conftest import PASSWORD
from tests.worlds import gen_awarded_round

STAFF_EMAIL = "sam.staff@example.org"


def _check(page: Any) -> None:
    assert page.locator("h1").count() == 1, page.url
    assert_accessible(page)
    assert_fits_width(page)
    page.set_viewport_size({"width": 1024, "height": 800})


def test_a_grant_goes_from_offer_to_what_we_funded(
    live_server: str, page: Any, browser: Any, staff: Any, tmp_path: Any
) -> None:
    world = gen_awarded_round(staff)
    round_id, slug, name = world["round"].id, world["round"].slug, world["round"].name
    db.session.commit()  # read nothing more here: the server writes while the test runs
    sign_in(page, live_server, STAFF_EMAIL, PASSWORD)

    page.goto(f"{live_server}/fund/identity")
    _check(page)
    page.get_by_label("The fund's name").fill("Riverside Community Fund")
    page.get_by_label("Brand colour").fill("#00703c")
    page.get_by_label("Email address").fill("fund@riverside.example")
    logo = tmp_path / "logo.png"
    logo.write_bytes(pictures.png(40, 20))
    page.get_by_label("Logo (optional)").set_input_files(str(logo))
    page.get_by_role("button", name="Save the details").click()
    page.get_by_text("The funder and contact details have been saved.").wait_for()

    page.goto(f"{live_server}/rounds/{round_id}")
    page.get_by_role("link", name="Grants: offers, payments and end-of-grant reports").click()
    page.get_by_role("heading", name="Grants", exact=True).wait_for()
    _check(page)
    page.get_by_role("link", name="Make the offer to").first.click()
    page.get_by_role("heading", name="Grant offer for").wait_for()
    _check(page)
    page.get_by_label("Conditions of this grant").fill("Spend it on the bakery project.")
    page.get_by_label("Project starts (optional)").fill("2027-01-10")
    page.get_by_label("Project ends (optional)").fill("2027-06-30")
    page.get_by_label("End-of-grant report due").fill("2027-08-31")
    page.get_by_role("button", name="Save the offer").click()
    page.get_by_text("The offer to Beeston Bakers has been saved.").wait_for()
    _check(page)
    grant_url = page.url
    page.get_by_role("button", name="Make a link for the group to accept").click()
    page.get_by_role("heading", name="A link for Beeston Bakers").wait_for()
    _check(page)
    accept_link = page.locator("#grant-link").inner_text().strip()

    group = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    # The link names PANEL_BASE_URL (http://localhost in tests): open its path on this server.
    group.goto(live_server + accept_link.removeprefix("http://localhost"))
    group.get_by_role("heading", name="Your grant offer").wait_for()
    assert "Riverside Community Fund" in group.locator("header").inner_text()
    assert "/grant/accept" in group.url and accept_link.rsplit("/", 1)[1] not in group.url
    _check(group)
    group.get_by_role("button", name="Accept the grant and its conditions").click()
    group.get_by_text("Enter your full name").first.wait_for()
    _check(group)
    group.get_by_label("Your full name").fill("Bea Baker")
    group.get_by_label("Your role in the group").fill("Treasurer")
    group.get_by_role("button", name="Accept the grant and its conditions").click()
    group.get_by_role("heading", name="Thank you: the offer is accepted").wait_for()
    _check(group)

    page.goto(grant_url)
    page.get_by_label("Amount paid").fill("600")
    page.get_by_label("Payment reference (optional)").fill("BACS 0042")
    page.get_by_role("button", name="Record the payment").click()
    page.get_by_text("The payment has been recorded.").wait_for()
    assert "Paid £600 of £1,000; £400 still to pay." in page.content()
    _check(page)
    page.get_by_role("button", name="Make a link for the group to send its report").click()
    report_link = page.locator("#grant-link").inner_text().strip()

    group.goto(live_server + report_link.removeprefix("http://localhost"))
    group.get_by_role("heading", name="End-of-grant report").wait_for()
    _check(group)
    group.get_by_label("What happened").fill("We baked bread every Saturday.")
    group.get_by_label("How many people took part").fill("42")
    group.get_by_label("A short story from the project").fill("A neighbour now runs the stall.")
    group.get_by_label("How much of the grant you spent").fill("950")
    group.get_by_label("What the money was spent on").fill("Flour and oven hire.")
    photo = tmp_path / "stall.png"
    photo.write_bytes(pictures.png(8, 8))
    group.get_by_label("Photos (optional)").set_input_files(str(photo))
    group.get_by_role("button", name="Send the report").click()
    group.get_by_role("heading", name="Thank you: your report is sent").wait_for()
    group.context.close()

    page.goto(grant_url)
    assert "A neighbour now runs the stall." in page.content()
    page.get_by_role("radio", name="Accept the report").check()
    page.get_by_role("button", name="Save the review").click()
    page.get_by_text("The report has been accepted.").wait_for()
    _check(page)

    page.goto(f"{live_server}/grants/overdue")
    _check(page)
    page.goto(f"{live_server}/rounds/{round_id}/grants")
    page.get_by_role("button", name="Publish “What we funded”").click()
    page.get_by_text("“What we funded” is now public.").wait_for()
    page.goto(f"{live_server}/rounds/{round_id}/what-we-funded")
    _check(page)

    public = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    public.goto(f"{live_server}/what-we-funded/{slug}")
    public.get_by_role("heading", name=f"What we funded: {name}").wait_for()
    text = public.content()
    assert "42 people took part" in text and "A neighbour now runs the stall." in text
    assert "Beeston Bakers" in text and "£1,000" in text
    assert public.get_by_role("img", name="Awards by ward").count() == 1
    _check(public)
    public.context.close()
