"""In a real browser (issue 19): staff add a question and ask for a document; a group reads what
the panel will score, saves a draft with a file, comes back through the private link, and sends."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from panel.extensions import db
from panel.models import Application, Attachment, Stage, User
from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.conftest import PASSWORD
from tests.factories import gen_boundary, gen_round, gen_rubric

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_group_reads_the_criteria_saves_a_draft_returns_by_its_link_attaches_and_sends(
    live_server: str, page: Any, browser: Any, staff: User, tmp_path: Path
) -> None:
    today = date.today()
    round_ = gen_round(
        created_by=staff,
        slug="spring",
        stage=Stage.APPLICATIONS,
        applications_open_on=today - timedelta(days=1),
        applications_close_on=today + timedelta(days=5),
    )
    gen_rubric(round_, staff)
    gen_boundary(round_, staff, title="Groups must be based in Northfield")
    round_id, email = round_.id, staff.email
    db.session.commit()  # and touch no loaded row again: that would take SQLite's write lock

    # Staff set up the form: one extra question and one required document.
    sign_in(page, live_server, email, PASSWORD)
    page.goto(f"{live_server}/rounds/{round_id}/application-form")
    assert_accessible(page)
    page.get_by_label("Question", exact=True).fill("How many volunteers do you have?")
    page.get_by_label("Number").check()
    page.get_by_label("Groups must answer this question").check()
    page.get_by_role("button", name="Add the question").click()
    page.get_by_label("Document", exact=True).fill("Budget")
    page.get_by_label("Groups must attach this document").check()
    page.get_by_role("button", name="Ask for this document").click()
    page.get_by_text("Must be attached.").wait_for()
    assert_accessible(page)

    # A group reads what the panel will score, before the form.
    group = browser.new_context(viewport={"width": 1024, "height": 800})
    apply = group.new_page()
    apply.goto(f"{live_server}/apply/spring")
    apply.get_by_role("heading", name="What the panel will score").wait_for()
    assert "Groups must be based in Northfield" in apply.content()
    assert "% of the score" in apply.content()
    apply.get_by_text("What each score means", exact=False).first.click()
    assert_accessible(apply)
    assert_fits_width(apply)
    apply.set_viewport_size({"width": 1024, "height": 800})

    apply.get_by_label("Name of your organisation").fill("Northfield Lunch Club")
    apply.get_by_label("Constituted community group").check()
    apply.get_by_label("Full name").fill("June Hart")
    apply.get_by_label("Email address").fill("june.hart@example.org")
    apply.get_by_label("Project title").fill("Weekly lunch club")
    budget = tmp_path / "our budget.pdf"
    budget.write_bytes(PDF)
    apply.get_by_label("Budget").set_input_files(str(budget))
    apply.get_by_role("button", name="Save and come back later").click()
    apply.get_by_role("heading", name="Your draft is saved").wait_for()
    assert_accessible(apply)
    link = apply.locator("#draft-link").inner_text().strip()
    assert link.startswith(f"{live_server}/apply/spring/continue/")
    group.close()

    # Later, on another device: the link opens the draft with the file still attached.
    later = browser.new_context(viewport={"width": 1024, "height": 800})
    back = later.new_page()
    back.goto(link)
    assert back.url == f"{live_server}/apply/spring"
    assert back.get_by_label("Project title").input_value() == "Weekly lunch club"
    assert "You attached “our budget.pdf”" in back.content()
    assert_accessible(back)
    back.get_by_label("Postcode").fill("ls6 2ab")
    back.get_by_label("Tell us about the project").fill("A hot lunch for older neighbours.")
    back.get_by_label("What the money will pay for").fill("Hall hire and food.")
    back.get_by_label("Which neighbourhood or ward is it in?").fill("Northfield")
    back.get_by_label("How many people will benefit?").fill("35")
    back.get_by_label("How much are you asking for?").fill("£1,250")
    back.get_by_label("How many volunteers do you have?").fill("12")
    back.get_by_role("button", name="Send application").click()
    back.get_by_role("heading", name="Application sent").wait_for()
    later.close()

    db.session.expire_all()
    application = db.session.execute(db.select(Application)).scalar_one()
    assert application.project_title == "Weekly lunch club" and application.postcode == "LS6 2AB"
    (file,) = db.session.execute(db.select(Attachment)).scalars()
    assert file.application_id == application.id and file.filename == "our budget.pdf"
    application_id = application.id
    db.session.commit()

    # Staff see the answer and the file on the application's page.
    page.goto(f"{live_server}/rounds/{round_id}/applications/{application_id}")
    assert "How many volunteers do you have?" in page.content()
    assert page.get_by_role("link", name="our budget.pdf").is_visible()
    assert_accessible(page)
