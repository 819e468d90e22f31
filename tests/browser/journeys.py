"""Steps the browser stories of issue 19 share: a group applying, and a grant going from the
offer to "What we funded". Each step acts as one person would and waits for what they see
next; the tests assert the rest. With `check=True` a step also runs axe and the 320 px check
on each page it reaches (tests/browser/test_grants.py checks them; other stories need not)."""

from pathlib import Path
from typing import Any

from tests import pictures
from tests.browser.conftest import assert_accessible, assert_fits_width

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def check_page(page: Any) -> None:
    """One heading, no axe violations, fits 320 px; then back to the usual width."""
    assert page.locator("h1").count() == 1, page.url
    assert_accessible(page)
    assert_fits_width(page)
    page.set_viewport_size({"width": 1024, "height": 800})


def open_private_link(page: Any, live_server: str, link: str) -> None:
    """Open a private link on this server: links name PANEL_BASE_URL (http://localhost)."""
    page.goto(live_server + link.removeprefix("http://localhost"))


# Applying


def ask_for_document(page: Any, live_server: str, round_id: int, document: str) -> None:
    """Staff ask the round's applicants for a required document."""
    page.goto(f"{live_server}/rounds/{round_id}/application-form")
    page.get_by_label("Document", exact=True).fill(document)
    page.get_by_label("Groups must attach this document").check()
    page.get_by_role("button", name="Ask for this document").click()
    page.get_by_text("Must be attached.").wait_for()


def open_apply_page(apply: Any, live_server: str, slug: str) -> None:
    """A group opens the round's apply page and reads what the panel will score."""
    apply.goto(f"{live_server}/apply/{slug}")
    apply.get_by_role("heading", name="What the panel will score").wait_for()
    apply.get_by_text("What each score means", exact=False).first.click()


def save_a_draft(
    apply: Any,
    tmp_path: Path,
    *,
    organisation: str,
    title: str,
    document: str = "Budget",
    filename: str = "our budget.pdf",
) -> str:
    """A group starts the form, attaches a file, saves a draft; returns its private link."""
    apply.get_by_label("Name of your organisation").fill(organisation)
    apply.get_by_label("Constituted community group").check()
    apply.get_by_label("Full name").fill("June Hart")
    apply.get_by_label("Email address").fill("june.hart@example.org")
    apply.get_by_label("Project title").fill(title)
    file = tmp_path / filename
    file.write_bytes(PDF)
    apply.get_by_label(document).set_input_files(str(file))
    apply.get_by_role("button", name="Save and come back later").click()
    apply.get_by_role("heading", name="Your draft is saved").wait_for()
    return str(apply.locator("#draft-link").inner_text().strip())


def finish_and_send(back: Any, *, amount: str = "£1,250") -> None:
    """A group back on its draft fills in the rest of the form and sends it."""
    back.get_by_label("Postcode").fill("ls6 2ab")
    back.get_by_label("Tell us about the project").fill("A hot lunch for older neighbours.")
    back.get_by_label("What the money will pay for").fill("Hall hire and food.")
    back.get_by_label("Which neighbourhood or ward is it in?").fill("Northfield")
    back.get_by_label("How many people will benefit?").fill("35")
    back.get_by_label("How much are you asking for?").fill(amount)
    back.get_by_role("button", name="Send application").click()
    back.get_by_role("heading", name="Application sent").wait_for()


# After the award


def make_offer(
    page: Any, live_server: str, round_id: int, organisation: str, *, check: bool = False
) -> str:
    """Staff make the offer from the round's grants list; returns the grant page's address."""
    page.goto(f"{live_server}/rounds/{round_id}")
    page.get_by_role("link", name="Grants: offers, payments and end-of-grant reports").click()
    page.get_by_role("heading", name="Grants", exact=True).wait_for()
    if check:
        check_page(page)
    row = page.get_by_role("row").filter(has_text=organisation)
    row.get_by_role("link", name="Make the offer to").click()
    page.get_by_role("heading", name="Grant offer for").wait_for()
    if check:
        check_page(page)
    page.get_by_label("Conditions of this grant").fill("Spend it on the project you described.")
    page.get_by_label("Project starts (optional)").fill("2027-01-10")
    page.get_by_label("Project ends (optional)").fill("2027-06-30")
    page.get_by_label("End-of-grant report due").fill("2027-08-31")
    page.get_by_role("button", name="Save the offer").click()
    page.get_by_text(f"The offer to {organisation} has been saved.").wait_for()
    if check:
        check_page(page)
    return str(page.url)


def link_for_group(page: Any, button: str) -> str:
    """Staff press a grant page's button that makes a private link; returns the link."""
    page.get_by_role("button", name=button).click()
    return str(page.locator("#grant-link").inner_text().strip())


def accept_offer(group: Any, *, name: str, role: str, check: bool = False) -> None:
    """The group, on its offer page, accepts with the name and role of who signs."""
    group.get_by_label("Your full name").fill(name)
    group.get_by_label("Your role in the group").fill(role)
    group.get_by_role("button", name="Accept the grant and its conditions").click()
    group.get_by_role("heading", name="Thank you: the offer is accepted").wait_for()
    if check:
        check_page(group)


def record_payment(page: Any, grant_url: str, pounds: str, reference: str) -> None:
    """Staff record a payment on the grant's page."""
    page.goto(grant_url)
    page.get_by_label("Amount paid").fill(pounds)
    page.get_by_label("Payment reference (optional)").fill(reference)
    page.get_by_role("button", name="Record the payment").click()
    page.get_by_text("The payment has been recorded.").wait_for()


def send_report(
    group: Any, live_server: str, link: str, tmp_path: Path, *, story: str, check: bool = False
) -> None:
    """The group opens its report link and sends its end-of-grant report with a photo."""
    open_private_link(group, live_server, link)
    group.get_by_role("heading", name="End-of-grant report").wait_for()
    if check:
        check_page(group)
    group.get_by_label("What happened").fill("We met every week.")
    group.get_by_label("How many people took part").fill("42")
    group.get_by_label("A short story from the project").fill(story)
    group.get_by_label("How much of the grant you spent").fill("950")
    group.get_by_label("What the money was spent on").fill("Hall hire and food.")
    photo = tmp_path / "photo.png"
    photo.write_bytes(pictures.png(8, 8))
    group.get_by_label("Photos (optional)").set_input_files(str(photo))
    group.get_by_role("button", name="Send the report").click()
    group.get_by_role("heading", name="Thank you: your report is sent").wait_for()


def accept_report(page: Any) -> None:
    """Staff, on the grant's page, accept the report the group sent."""
    page.get_by_role("radio", name="Accept the report").check()
    page.get_by_role("button", name="Save the review").click()
    page.get_by_text("The report has been accepted.").wait_for()


def publish_what_we_funded(page: Any, live_server: str, round_id: int) -> None:
    """Staff make the round's "What we funded" page public."""
    page.goto(f"{live_server}/rounds/{round_id}/grants")
    page.get_by_role("button", name="Publish “What we funded”").click()
    page.get_by_text("“What we funded” is now public.").wait_for()


def open_what_we_funded(browser: Any, live_server: str, slug: str, name: str) -> Any:
    """Anyone, signed out, opens the round's public "What we funded" page; returns the page."""
    public = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    public.goto(f"{live_server}/what-we-funded/{slug}")
    public.get_by_role("heading", name=f"What we funded: {name}").wait_for()
    return public
