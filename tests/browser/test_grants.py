"""In a real browser: from a confirmed award, staff make the offer, the group accepts through its
link, staff record a payment, the group sends its end-of-grant report, staff accept it, and it
appears on the public "What we funded" page. Each page passes axe and fits 320 px."""

from typing import Any

from panel.extensions import db
from tests import pictures
from tests.browser.conftest import sign_in
from tests.browser.journeys import (
    accept_offer,
    accept_report,
    check_page,
    link_for_group,
    make_offer,
    open_private_link,
    open_what_we_funded,
    publish_what_we_funded,
    record_payment,
    send_report,
)
from tests.conftest import PASSWORD
from tests.worlds import gen_awarded_round

STAFF_EMAIL = "sam.staff@example.org"


def test_a_grant_goes_from_offer_to_what_we_funded(
    live_server: str, page: Any, browser: Any, staff: Any, tmp_path: Any
) -> None:
    world = gen_awarded_round(staff)
    round_id, slug, name = world["round"].id, world["round"].slug, world["round"].name
    db.session.commit()  # read nothing more here: the server writes while the test runs
    sign_in(page, live_server, STAFF_EMAIL, PASSWORD)

    page.goto(f"{live_server}/fund/identity")
    check_page(page)
    page.get_by_label("The fund's name").fill("Riverside Community Fund")
    page.get_by_label("Brand colour").fill("#00703c")
    page.get_by_label("Email address").fill("fund@riverside.example")
    logo = tmp_path / "logo.png"
    logo.write_bytes(pictures.png(40, 20))
    page.get_by_label("Logo (optional)").set_input_files(str(logo))
    page.get_by_role("button", name="Save the details").click()
    page.get_by_text("The funder and contact details have been saved.").wait_for()

    grant_url = make_offer(page, live_server, round_id, "Beeston Bakers", check=True)
    accept_link = link_for_group(page, "Make a link for the group to accept")
    page.get_by_role("heading", name="A link for Beeston Bakers").wait_for()
    check_page(page)

    group = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    open_private_link(group, live_server, accept_link)
    group.get_by_role("heading", name="Your grant offer").wait_for()
    assert "Riverside Community Fund" in group.locator("header").inner_text()
    assert "/grant/accept" in group.url and accept_link.rsplit("/", 1)[1] not in group.url
    check_page(group)
    group.get_by_role("button", name="Accept the grant and its conditions").click()
    group.get_by_text("Enter your full name").first.wait_for()
    check_page(group)
    accept_offer(group, name="Bea Baker", role="Treasurer", check=True)

    record_payment(page, grant_url, "600", "BACS 0042")
    assert "Paid £600 of £1,000; £400 still to pay." in page.content()
    check_page(page)
    report_link = link_for_group(page, "Make a link for the group to send its report")
    story = "A neighbour now runs the stall."
    send_report(group, live_server, report_link, tmp_path, story=story, check=True)
    group.context.close()

    page.goto(grant_url)
    assert story in page.content()
    accept_report(page)
    check_page(page)

    page.goto(f"{live_server}/grants/overdue")
    check_page(page)
    publish_what_we_funded(page, live_server, round_id)
    page.goto(f"{live_server}/rounds/{round_id}/what-we-funded")
    check_page(page)

    public = open_what_we_funded(browser, live_server, slug, name)
    text = public.content()
    assert "42 people took part" in text and story in text
    assert "Beeston Bakers" in text and "£1,000" in text
    assert public.get_by_role("img", name="Awards by ward").count() == 1
    check_page(public)
    public.context.close()
