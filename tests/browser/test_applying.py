"""In a real browser (issue 19): staff add a question and ask for a document; a group reads what
the panel will score, saves a draft with a file, comes back through the private link, and sends."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from panel.extensions import db
from panel.models import Application, Attachment, Stage, User
from panel.models.types import uk_today
from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.browser.journeys import ask_for_document, finish_and_send, open_apply_page, save_a_draft
from tests.conftest import PASSWORD
from tests.factories import gen_boundary, gen_round, gen_rubric


def test_a_group_reads_the_criteria_saves_a_draft_returns_by_its_link_attaches_and_sends(
    live_server: str, page: Any, browser: Any, staff: User, tmp_path: Path
) -> None:
    today = uk_today()
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

    # Staff set up the form: one required document and one extra question.
    sign_in(page, live_server, email, PASSWORD)
    ask_for_document(page, live_server, round_id, "Budget")
    assert_accessible(page)
    page.get_by_label("Question", exact=True).fill("How many volunteers do you have?")
    page.get_by_label("Number").check()
    page.get_by_label("Groups must answer this question").check()
    page.get_by_role("button", name="Add the question").click()
    page.get_by_text("Must be answered.").wait_for()
    assert_accessible(page)

    # A group reads what the panel will score, before the form.
    group = browser.new_context(viewport={"width": 1024, "height": 800})
    apply = group.new_page()
    open_apply_page(apply, live_server, "spring")
    assert "Groups must be based in Northfield" in apply.content()
    assert "% of the score" in apply.content()
    assert_accessible(apply)
    assert_fits_width(apply)
    apply.set_viewport_size({"width": 1024, "height": 800})

    link = save_a_draft(
        apply, tmp_path, organisation="Northfield Lunch Club", title="Weekly lunch club"
    )
    assert_accessible(apply)
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
    back.get_by_label("How many volunteers do you have?").fill("12")
    finish_and_send(back)
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
