"""In a real browser: the public apply, staff import a spreadsheet and check eligibility."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, request
from werkzeug.serving import make_server

from panel.applications import services
from panel.extensions import db
from panel.models import Application, FundingRound, Stage, User
from panel.models.types import uk_today
from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.conftest import PASSWORD
from tests.factories import gen_rubric
from tests.panel.applications.conftest import sheet_row, xlsx_bytes

STAFF_EMAIL = "sam.staff@example.org"
# Reports, on the console, what the import form shows while the page waits for the server:
# Playwright's own reads of the page wait for the pending navigation to finish.
WATCH_THE_FORM = """() => {
  const form = document.querySelector("form[data-submit-once]");
  const button = form.querySelector("button");
  const status = form.querySelector("[data-submit-once-status]");
  new MutationObserver(() => {
    console.log("status: " + status.textContent);
    console.log("aria-disabled: " + button.getAttribute("aria-disabled"));
  }).observe(form, { subtree: true, childList: true, characterData: true, attributes: true });
}"""


@contextmanager
def _serving(app: Flask) -> Iterator[str]:
    """The live server of tests/browser/conftest.py, started after the test adds its hook."""
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def _statuses() -> dict[str, str]:
    db.session.expire_all()
    found = dict(db.session.execute(db.select(Application.reference, Application.status)).all())
    db.session.commit()
    return found


def test_a_member_of_the_public_applies_and_fixes_a_mistake(
    live_server: str, page: Any, make_round: Callable[..., FundingRound]
) -> None:
    today = uk_today()
    make_round(
        slug="spring",
        stage=Stage.APPLICATIONS,
        applications_open_on=today - timedelta(days=1),
        applications_close_on=today + timedelta(days=5),
    )
    db.session.commit()
    page.goto(f"{live_server}/apply/spring")
    assert_accessible(page)
    page.get_by_label("Name of your organisation").fill("Northfield Lunch Club")
    page.get_by_label("Constituted community group").check()
    page.get_by_label("Full name").fill("June Hart")
    page.get_by_label("Email address").fill("june.hart@example.org")
    page.get_by_label("UK phone number (optional)").fill("01632 960 001")
    page.get_by_label("Postcode").fill("ls6 2ab")
    page.get_by_label("Project title").fill("Weekly lunch club")
    page.get_by_label("Tell us about the project").fill("A hot lunch for older neighbours.")
    page.get_by_label("What the money will pay for").fill("Hall hire and food.")
    page.get_by_label("Which neighbourhood or ward is it in?").fill("Northfield")
    page.get_by_label("How many people will benefit?").fill("35")
    page.get_by_label("How much are you asking for?").fill("£12k")
    page.get_by_role("button", name="Send application").click()

    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "'£12k' is not an amount in pounds" in summary.inner_text()
    assert page.get_by_label("Full name").input_value() == "June Hart"  # nothing lost
    summary.get_by_role("link", name="'£12k' is not an amount in pounds").click()
    page.wait_for_function("document.activeElement.id === 'amount'")
    assert_accessible(page)
    assert_fits_width(page)
    page.set_viewport_size({"width": 1024, "height": 800})

    page.get_by_label("How much are you asking for?").fill("£1,250")
    page.get_by_role("button", name="Send application").click()
    page.get_by_role("heading", name="Application sent").wait_for()
    assert "CF26-0001" in page.content()
    assert_accessible(page)
    db.session.expire_all()
    application = db.session.execute(db.select(Application)).scalar_one()
    assert (application.amount_requested_pence, application.postcode) == (125_000, "LS6 2AB")
    db.session.commit()


def test_staff_import_a_spreadsheet_fix_the_bad_row_and_import(
    live_server: str,
    page: Any,
    staff: User,
    make_round: Callable[..., FundingRound],
    tmp_path: Path,
) -> None:
    round_id = make_round(stage=Stage.APPLICATIONS).id
    db.session.commit()
    bad = tmp_path / "applications.xlsx"
    rows = [sheet_row(organisation_name="Garden Group", project_title="Raised beds")]
    bad.write_bytes(xlsx_bytes([*rows, sheet_row(amount="£12k")]))
    good = tmp_path / "applications-fixed.xlsx"
    good.write_bytes(xlsx_bytes([*rows, sheet_row(amount="1200")]))

    sign_in(page, live_server, STAFF_EMAIL, PASSWORD)
    page.goto(f"{live_server}/rounds/{round_id}/applications")
    page.get_by_role("button", name="Import from a spreadsheet").click()
    page.get_by_label("Upload a spreadsheet").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name="Check the rows before importing").wait_for()
    assert "Row 3, Amount requested: '£12k' is not an amount in pounds" in page.inner_text("main")
    assert page.get_by_role("button", name="Import 2 applications").count() == 0
    assert_accessible(page)
    assert_fits_width(page)
    page.set_viewport_size({"width": 1024, "height": 800})
    assert _statuses() == {}

    page.get_by_role("link", name="upload it again").click()
    page.get_by_label("Upload a spreadsheet").set_input_files(str(good))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_text("Every row can be imported").wait_for()
    page.get_by_role("button", name="Import 2 applications").click()
    page.get_by_text("2 applications imported").wait_for()
    assert _statuses() == {"CF26-0001": "received", "CF26-0002": "received"}


def test_the_import_button_sends_the_import_once_however_often_it_is_pressed(
    app: Flask,
    page: Any,
    staff: User,
    make_round: Callable[..., FundingRound],
    tmp_path: Path,
) -> None:
    """Item 28: once pressed, Import is not sent again until the answer arrives, not 1 second."""
    runs: list[float] = []

    @app.before_request
    def a_slow_import() -> None:  # an import of 2,000 rows takes a while: make it visible
        if request.endpoint == "applications.run_import":
            runs.append(time.monotonic())
            time.sleep(2.5)

    round_id = make_round(stage=Stage.APPLICATIONS).id
    db.session.commit()
    file = tmp_path / "applications.xlsx"
    rows = [sheet_row(organisation_name=f"Group {n}", project_title=f"Plan {n}") for n in (1, 2)]
    file.write_bytes(xlsx_bytes(rows))
    with _serving(app) as live_server:
        sign_in(page, live_server, STAFF_EMAIL, PASSWORD)
        page.goto(f"{live_server}/rounds/{round_id}/applications/import")
        page.get_by_label("Upload a spreadsheet").set_input_files(str(file))
        page.get_by_role("button", name="Upload and check").click()
        said: list[str] = []
        page.on("console", lambda message: said.append(message.text))
        page.evaluate(WATCH_THE_FORM)
        button = page.get_by_role("button", name="Import 2 applications")
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box is not None
        middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        # The mouse and keyboard, not locators: they would wait for the pending page.
        page.mouse.dblclick(*middle)  # a double click
        page.wait_for_timeout(1200)  # past the one second that double-click guards allow
        page.mouse.click(*middle)  # pressed again, impatiently
        page.keyboard.press("Enter")  # and again from the keyboard
        page.wait_for_url(f"{live_server}/rounds/{round_id}/applications", timeout=20_000)
        landed = page.inner_text("main")
    assert len(runs) == 1, f"the import was sent {len(runs)} times"
    assert "2 applications imported" in landed
    assert "status: Importing 2 rows. This can take a minute: stay on this page." in said
    assert "aria-disabled: true" in said
    assert _statuses() == {"CF26-0001": "received", "CF26-0002": "received"}


def test_staff_run_the_eligibility_check(
    live_server: str, page: Any, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(stage=Stage.ELIGIBILITY)
    gen_rubric(
        round_, staff, eligibility=("Works inside our neighbourhoods", "Is a not-for-profit group")
    )
    for name in ("Lunch Club", "Bright Sparks Ltd"):
        services.create_application(
            round_=round_,
            values={
                "organisation_name": name,
                "organisation_type": "community_group",
                "project_title": f"{name} project",
                "summary": "A project.",
                "amount_requested_pence": 1_000_00,
            },
            source="staff",
            actor=None,
        )
    round_id = round_.id
    db.session.commit()

    sign_in(page, live_server, STAFF_EMAIL, PASSWORD)
    page.goto(f"{live_server}/rounds/{round_id}/eligibility")
    assert "0 eligible, 0 not eligible, 2 not checked yet" in page.inner_text("main")
    assert_accessible(page)
    assert_fits_width(page)
    page.set_viewport_size({"width": 1024, "height": 800})

    page.get_by_role("link", name="Check CF26-0001").click()
    page.get_by_role("group", name="Works inside our neighbourhoods").get_by_label(
        "Meets this"
    ).check()
    page.get_by_role("group", name="Is a not-for-profit group").get_by_label("Meets this").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save the check").click()
    page.get_by_text("CF26-0001 (Lunch Club) is eligible").wait_for()

    page.get_by_role("link", name="Check CF26-0002").click()
    group = page.get_by_role("group", name="Is a not-for-profit group")
    page.get_by_role("group", name="Works inside our neighbourhoods").get_by_label(
        "Meets this"
    ).check()
    group.get_by_label("Does not meet this", exact=True).check()
    page.get_by_role("button", name="Save the check").click()
    page.locator(".error-summary").wait_for()
    assert (
        "Explain why the application does not meet" in page.locator(".error-summary").inner_text()
    )
    assert_accessible(page)
    group.get_by_label("Note (needed if it does not meet this)").fill("Is a profit-making business")
    page.get_by_role("button", name="Save the check").click()
    page.get_by_text("CF26-0002 (Bright Sparks Ltd) is not eligible").wait_for()
    assert "Is a not-for-profit group: Is a profit-making business" in page.inner_text("main")
    assert _statuses() == {"CF26-0001": "eligible", "CF26-0002": "ineligible"}
