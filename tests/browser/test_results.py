"""In a real browser: staff take a scored round from results to decisions to an export."""

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from panel.extensions import db
from panel.models import Decision
from panel.results.exports.verify import recompute
from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.conftest import PASSWORD
from tests.worlds import gen_worked_round

STAFF_EMAIL = "sam.staff@example.org"


def _check(page: Any) -> None:
    assert page.locator("h1").count() == 1, page.url
    assert_accessible(page)
    assert_fits_width(page)
    page.set_viewport_size({"width": 1024, "height": 800})


def test_staff_go_from_results_to_decisions_to_a_verified_export(
    live_server: str, page: Any, staff: Any, tmp_path: Path
) -> None:
    worked = gen_worked_round(staff)
    round_id = worked["round"].id
    db.session.commit()
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm prompts
    sign_in(page, live_server, STAFF_EMAIL, PASSWORD)

    page.goto(f"{live_server}/rounds/{round_id}")
    page.get_by_role("link", name="See the results").click()
    page.get_by_role("heading", name="Results", exact=True).wait_for()
    assert "fit within the budget: F, A, B" in page.content()
    _check(page)

    page.goto(f"{live_server}/rounds/{round_id}/meeting")
    _check(page)
    page.goto(f"{live_server}/rounds/{round_id}/method")
    _check(page)
    page.goto(f"{live_server}/rounds/{round_id}/lottery")
    _check(page)

    page.goto(f"{live_server}/rounds/{round_id}/decisions")
    _check(page)
    page.get_by_role("button", name="Suggest allocation").click()
    page.get_by_text("draft decisions filled with an outcome and amount").wait_for()
    assert "£10,500 of £11,000" in page.content()
    page.get_by_role("link", name="Decide A").click()
    page.get_by_role("heading", name="Decision for A: Project A").wait_for()
    _check(page)
    page.get_by_role("radio", name="Fund in part").check()
    page.get_by_label("Amount to award (fund in part only)").fill("£3,000")
    page.get_by_label("Reason, written for the applicant").fill("The panel funded the core costs.")
    page.get_by_role("button", name="Save and confirm").click()
    page.get_by_text("Decision for A confirmed.").wait_for()
    # The other drafts' reasons are written (the walk through each is tests/browser/
    # test_decisions.py); then "Confirm all drafts" lists them and confirms them once.
    for d in db.session.execute(db.select(Decision).where(Decision.status == "draft")).scalars():
        d.reason = "The panel's reason."
    db.session.commit()
    page.get_by_role("button", name="Confirm all drafts").click()
    _check(page)
    page.get_by_role("button", name="Confirm these 5 decisions").click()
    page.get_by_text("5 draft decisions confirmed").wait_for()

    page.goto(f"{live_server}/rounds/{round_id}")
    page.get_by_role("button", name="Move to Decided").click()
    page.get_by_text("The round is now at the stage: Decided.").wait_for()

    page.goto(f"{live_server}/rounds/{round_id}/export")
    _check(page)
    page.get_by_role("radio", name="Full results workbook (xlsx)").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Create the export").click()
    path = tmp_path / "results.xlsx"
    download_info.value.save_as(path)
    book = load_workbook(path, read_only=True)
    assert book.sheetnames[:2] == ["Summary", "Scores"]
    book.close()
    report = recompute(path)
    assert report.mismatches == []


def test_the_results_table_sorts_by_its_figures_in_the_browser(
    live_server: str, page: Any, staff: Any
) -> None:
    """The sort buttons read the numbers in the cells: 10 after 9, "–" after every number."""
    worked = gen_worked_round(staff)
    round_id = worked["round"].id
    db.session.commit()
    sign_in(page, live_server, STAFF_EMAIL, PASSWORD)
    page.goto(f"{live_server}/rounds/{round_id}/results")
    page.get_by_text("Show the figures").click()  # the figures sit behind a disclosure
    table = page.locator("table[data-sortable]").first

    def column(name: str) -> list[str]:
        headers = table.locator("thead th").all_inner_texts()
        index = [h.strip() for h in headers].index(name)
        return table.locator(f"tbody tr td:nth-child({index + 1})").all_inner_texts()

    table.get_by_role("button", name="SD").click()
    sds = [float(text) for text in column("SD")]
    assert sds == sorted(sds) and len(sds) == 6
    table.get_by_role("button", name="SD").click()
    assert [float(text) for text in column("SD")] == sorted(sds, reverse=True)
    assert table.locator("th[aria-sort=descending]").inner_text().strip() == "SD"

    table.get_by_role("button", name="Asked for").click()
    asked = [int(text.replace("£", "").replace(",", "")) for text in column("Asked for")]
    assert asked == sorted(asked) and asked[0] < asked[-1]
    table.get_by_role("button", name="Percent").click()
    percents = [int(text.rstrip("%")) for text in column("Percent")]
    assert percents == sorted(percents)
