"""In a real browser (issue 14): staff suggest outcomes, write each reason from a true starting
sentence, confirm what the list shows, move the round to Decided, and a resident on the panel
reads what was decided and "You said, we did"; the public reads the page once it is published."""

from typing import Any

from panel.extensions import db
from panel.models import Review
from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.conftest import PASSWORD
from tests.worlds import gen_meeting_round

STAFF_EMAIL = "sam.staff@example.org"


def _check(page: Any) -> None:
    assert page.locator("h1").count() == 1, page.url
    assert_accessible(page)
    assert_fits_width(page)
    page.set_viewport_size({"width": 1024, "height": 800})


def test_suggest_then_reasons_then_confirm_then_decided_then_a_resident_reads_it(
    live_server: str, page: Any, staff: Any, browser: Any
) -> None:
    world = gen_meeting_round(
        staff,
        {"A": (5, 5, 4), "B": (4, 4, 3), "C": (1, 2, 1)},
        amount_pence={"A": 1_000_00, "B": 1_500_00, "C": 500_00},
        budget_pence=2_000_00,
        quorum=3,
    )
    review = db.session.execute(
        db.select(Review).where(Review.application_id == world["apps"]["A"].id).limit(1)
    ).scalar_one()
    review.overall_comment = "Lovely idea, but the budget lines need more detail."
    round_id, slug = world["round"].id, world["round"].slug
    resident_email = world["panel"][0].email
    db.session.commit()  # and no reads after it: the live server writes to the same database
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server, STAFF_EMAIL, PASSWORD)

    page.goto(f"{live_server}/rounds/{round_id}/decisions")
    page.get_by_role("button", name="Suggest allocation").click()
    page.get_by_text("Write each one's reason, then confirm.").wait_for()
    assert page.get_by_text("Needs a reason").count() == 3
    for ref in ("A", "B", "C"):
        page.get_by_role("link", name=f"Decide {ref}").click()
        page.get_by_role("heading", name="Starting sentences").wait_for()
        if ref == "A":
            _check(page)
        page.get_by_role("link", name="Start from this sentence 1").click()
        reason = page.get_by_label("Reason, written for the applicant")
        started = reason.input_value()
        assert "mean score of" in started
        if ref == "C":
            assert "scored in the lower half of the scale" in started
            assert "well" not in started
        reason.fill(started + " Thank you for applying.")
        page.get_by_role("button", name="Save as draft").click()
        page.get_by_text(f"Decision for {ref} saved as a draft.").wait_for()

    page.get_by_role("button", name="Confirm all drafts").click()
    page.get_by_role("heading", name="Confirm draft decisions").wait_for()
    _check(page)
    assert "Thank you for applying." in page.content()
    page.get_by_role("button", name="Confirm these 3 decisions").click()
    page.get_by_text("3 draft decisions confirmed.").wait_for()

    page.goto(f"{live_server}/rounds/{round_id}")
    page.get_by_role("link", name="Panel comments for applicants (review before feedback)").click()
    page.get_by_role("heading", name="Panel comments for applicants").wait_for()
    _check(page)
    page.get_by_label("As the applicant will read it").fill("The budget lines need more detail.")
    page.get_by_role("button", name="Include").click()
    page.get_by_text("A comment on the application was included.").wait_for()
    assert "Every comment has been reviewed." in page.content()

    page.goto(f"{live_server}/rounds/{round_id}")
    page.get_by_role("button", name="Move to Decided").click()
    page.get_by_text("The round is now at the stage: Decided.").wait_for()
    page.goto(f"{live_server}/rounds/{round_id}/you-said-we-did")
    _check(page)
    page.get_by_role("button", name="Publish this page").click()
    page.get_by_text("The page is now public.").wait_for()

    context = browser.new_context()
    other = context.new_page()
    try:
        sign_in(other, live_server, resident_email, PASSWORD)
        other.goto(f"{live_server}/rounds/{round_id}")
        other.get_by_role("link", name="What the panel decided").click()
        other.get_by_role("heading", name="What the panel decided").wait_for()
        _check(other)
        text = other.content()
        assert "Project A" in text and "Thank you for applying." in text
        assert "Awarded £1,000 of the £2,000 budget" in text or "Awarded" in text
        other.get_by_role(
            "link", name="You said, we did: how the round used what residents said"
        ).click()
        other.get_by_role("heading", name="You said, we did").wait_for()
        _check(other)
    finally:
        context.close()

    public = browser.new_context()
    anonymous = public.new_page()
    try:
        anonymous.goto(f"{live_server}/fund/{slug}")
        anonymous.get_by_role("heading", name="You said, we did").wait_for()
        _check(anonymous)
        assert "Thank you for applying." not in anonymous.content()  # no reasons in public
    finally:
        public.close()
