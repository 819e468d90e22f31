"""Issue 19's "Done when", as one story in a real browser: a group reads the criteria on the apply
page, saves a draft with its budget attached, comes back by the private link and sends; the
round goes through eligibility, scoring and a confirmed award; staff make the offer, the group
accepts it, staff record a payment, the group sends its end-of-grant report, staff accept it,
and it appears on the public "What we funded" page."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from panel.applications.eligibility import eligibility_criteria, record_checks
from panel.extensions import db
from panel.models import Application, FundingRound, Outcome, Stage, User
from panel.models.types import uk_today
from panel.results.decisions import confirm_drafts, decide
from panel.rounds.services import advance_stage
from panel.rubrics import current_rubric
from panel.scoring.services.reviews import ScoreEntry, save_review
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.journeys import (
    accept_offer,
    accept_report,
    ask_for_document,
    check_page,
    finish_and_send,
    link_for_group,
    make_offer,
    open_apply_page,
    open_private_link,
    open_what_we_funded,
    publish_what_we_funded,
    record_payment,
    save_a_draft,
    send_report,
)
from tests.conftest import PASSWORD
from tests.factories import gen_round, gen_rubric, gen_user

GROUP = "Northfield Lunch Club"
REASON = "A well-planned project that brings older neighbours together."


def panel_funds_the_application(round_id: int, staff_id: int, panellist_id: int) -> None:
    """The staff and panel work between the application and the award, through the real
    services in the test process (their own browser stories are test_applications.py,
    test_scoring.py and test_decisions.py): staff close applications and check eligibility,
    the panellist scores, staff move to the panel meeting, decide to fund in full with a
    reason and confirm it, and mark the round decided. Committed before the browser acts."""
    round_ = db.session.get(FundingRound, round_id)
    staff, panellist = db.session.get(User, staff_id), db.session.get(User, panellist_id)
    assert round_ is not None and staff is not None and panellist is not None
    application = db.session.execute(
        db.select(Application).where(Application.round_id == round_id)
    ).scalar_one()

    advance_stage(round_=round_, actor=staff, expected=Stage.APPLICATIONS, close_early=True)
    passes = {c.id: (True, None) for c in eligibility_criteria(round_)}
    record_checks(application=application, round_=round_, results=passes, actor=staff)
    advance_stage(round_=round_, actor=staff, expected=Stage.ELIGIBILITY)

    rubric = current_rubric(round_)
    assert rubric is not None
    save_review(
        round_=round_,
        application=application,
        panellist=panellist,
        actor=panellist,
        scores={c.id: ScoreEntry(4) for c in rubric.scored},
        overall_comment="Clear plan, and the volunteers are ready.",
        submit=True,
        expected_version=0,
    )
    advance_stage(round_=round_, actor=staff, expected=Stage.SCORING)

    draft = decide(
        round_=round_,
        application=application,
        outcome=Outcome.FUND,
        amount_pence=None,
        reason=REASON,
        actor=staff,
        expected_version=0,
        confirm=False,
    )
    confirm_drafts(round_=round_, actor=staff, expected={application.id: draft.version})
    advance_stage(round_=round_, actor=staff, expected=Stage.PANEL)
    db.session.commit()  # and read no row again: the server writes while the browser acts


def test_a_group_goes_from_reading_the_criteria_to_what_we_funded(
    live_server: str, page: Any, browser: Any, staff: User, tmp_path: Path
) -> None:
    today = uk_today()
    panellist = gen_user(name="Pat Panellist")
    round_ = gen_round(
        created_by=staff,
        members=[panellist],
        slug="lunches",
        name="Summer grants",
        stage=Stage.APPLICATIONS,
        quorum=1,
        applications_open_on=today - timedelta(days=1),
        applications_close_on=today + timedelta(days=5),
    )
    gen_rubric(round_, staff)
    round_id, staff_id, panellist_id, email = round_.id, staff.id, panellist.id, staff.email
    db.session.commit()  # and touch no loaded row again: that would take SQLite's write lock

    # Staff ask applicants for their budget.
    sign_in(page, live_server, email, PASSWORD)
    ask_for_document(page, live_server, round_id, "Budget")

    # The group reads what the panel will score, before the form.
    first_visit = browser.new_context(viewport={"width": 1024, "height": 800})
    apply = first_visit.new_page()
    open_apply_page(apply, live_server, "lunches")
    text = apply.content()
    assert "Community benefit" in text and "How much will neighbours gain?" in text
    assert "Clear benefit to many households" in text  # a level descriptor, opened
    assert "Based in our area" in text  # an eligibility rule

    # It saves a draft with its budget attached, and gets a private link on screen.
    link = save_a_draft(apply, tmp_path, organisation=GROUP, title="Weekly lunch club")
    assert link.startswith(f"{live_server}/apply/lunches/continue/")
    assert apply.locator("#draft-link").is_visible()
    first_visit.close()

    # Later, the link brings back the draft and its file; the group finishes and sends.
    later = browser.new_context(viewport={"width": 1024, "height": 800})
    back = later.new_page()
    back.goto(link)
    assert back.get_by_label("Name of your organisation").input_value() == GROUP
    assert "You attached “our budget.pdf”" in back.content()
    finish_and_send(back, amount="£1,250")
    later.close()

    application_id = db.session.execute(
        db.select(Application.id).where(Application.round_id == round_id)
    ).scalar_one()
    db.session.commit()
    page.goto(f"{live_server}/rounds/{round_id}/applications/{application_id}")
    assert page.get_by_role("link", name="our budget.pdf").is_visible()

    panel_funds_the_application(round_id, staff_id, panellist_id)

    # Staff see the confirmed award in the round's decisions, and the file still on the
    # application's page.
    page.goto(f"{live_server}/rounds/{round_id}/decisions")
    row = page.get_by_role("row").filter(has_text=GROUP).inner_text()
    assert "Fund in full" in row and "Confirmed" in row and "£1,250" in row
    assert_accessible(page)
    page.goto(f"{live_server}/rounds/{round_id}/applications/{application_id}")
    assert page.get_by_role("link", name="our budget.pdf").is_visible()

    # Staff make the offer; the group accepts it through its link.
    grant_url = make_offer(page, live_server, round_id, GROUP)
    accept_link = link_for_group(page, "Make a link for the group to accept")
    group = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    open_private_link(group, live_server, accept_link)
    group.get_by_role("heading", name="Your grant offer").wait_for()
    offer = group.locator("main").inner_text()
    assert "offers you a grant of £1,250 for “Weekly lunch club”" in offer
    assert "Spend it on the project you described." in offer
    accept_offer(group, name="June Hart", role="Secretary")

    # Staff record the first payment and see what is left to pay.
    record_payment(page, grant_url, "500", "BACS 0107")
    assert "Paid £500 of £1,250; £750 still to pay." in page.content()
    assert "June Hart" in page.content()  # who accepted the offer

    # The group sends its end-of-grant report; staff read it and accept it.
    report_link = link_for_group(page, "Make a link for the group to send its report")
    story = "Mrs Ali now brings her neighbour every week."
    send_report(group, live_server, report_link, tmp_path, story=story)
    group.context.close()
    page.goto(grant_url)
    assert story in page.content()
    accept_report(page)
    check_page(page)  # the grant page with an accepted report

    # Staff publish "What we funded"; anyone can read what the grant achieved.
    publish_what_we_funded(page, live_server, round_id)
    public = open_what_we_funded(browser, live_server, "lunches", "Summer grants")
    text = public.locator("main").inner_text()
    assert GROUP in text and "£1,250" in text and "Northfield" in text
    assert "42 people took part" in text and story in text
    check_page(public)
    public.context.close()
