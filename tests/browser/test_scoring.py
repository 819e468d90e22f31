"""In a real browser on a phone-sized screen: a panellist scores, saves a draft, declares a
conflict, and sees others' scores only after submitting; the pages pass axe."""

import re
from collections.abc import Callable
from typing import Any

from panel.extensions import db
from panel.models import Application, Conflict, Review, ReviewStatus, Role, Stage, User
from panel.scoring.services.reviews import ScoreEntry, save_review
from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.conftest import PASSWORD
from tests.factories import gen_application, gen_rubric

SECRET = "Olu thinks the hall hire is too dear"
PHONE = {"width": 390, "height": 844}


def setup_round(make_user: Callable[..., User], make_round: Any, staff: User) -> dict[str, Any]:
    pat = make_user(Role.RESIDENT, name="Pat Panellist", email="pat@example.org")
    olu = make_user(Role.RESIDENT, name="Olu Other", email="olu@example.org")
    round_ = make_round(name="Spring scoring", members=(pat, olu), stage=Stage.SCORING, quorum=2)
    rubric = gen_rubric(round_, staff)
    apps = [gen_application(round_, n) for n in (1, 2, 3)]
    criteria = rubric.scored
    save_review(
        round_=round_,
        application=apps[0],
        panellist=olu,
        actor=olu,
        scores={c.id: ScoreEntry(2, "") for c in criteria},
        overall_comment=SECRET,
        submit=True,
        expected_version=0,
    )
    db.session.commit()
    values = {
        "round_id": round_.id,
        "app_ids": [a.id for a in apps],
        "refs": [a.reference for a in apps],
        "titles": [c.title for c in criteria],
        "pat_id": pat.id,
    }
    # Reading those values opened a transaction: end it, so the live server can write.
    db.session.commit()
    return values


def group(page: Any, index: int, title: str) -> Any:
    return page.get_by_role("group", name=f"{index}. {title}")


def test_a_panellist_scores_on_a_phone_with_a_draft_a_conflict_and_blind_scoring(
    live_server: str, page: Any, make_user: Any, make_round: Any, staff: User
) -> None:
    w = setup_round(make_user, make_round, staff)
    base = f"{live_server}/rounds/{w['round_id']}"
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "pat@example.org", PASSWORD)
    page.get_by_role("link", name="Spring scoring").click()
    page.get_by_role("button", name="Go to your scoring").click()
    page.get_by_text("0 of 3 submitted").wait_for()
    assert_accessible(page)
    assert_fits_width(page, 390)

    # First application: before submitting, nothing of Olu's review shows.
    page.get_by_role("link", name="Project 1").click()
    page.get_by_role("heading", name=re.compile("Project 1")).wait_for()
    assert SECRET not in page.content() and "Olu" not in page.inner_text("main")
    assert "Scoring is blind" in page.inner_text("main")
    assert_accessible(page)
    assert_fits_width(page, 390)

    # The radios work by keyboard: focus a level and move with the arrow keys.
    first = group(page, 1, w["titles"][0])
    first.get_by_role("radio", name="3", exact=True).focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    assert first.get_by_role("radio", name="4", exact=True).is_checked()
    # Each level shows what the panel agreed it means.
    assert "Clear benefit to many households" in first.inner_text()
    page.get_by_label(f"Comment on {w['titles'][0]} (optional)").fill("Well used by families")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Your draft for").wait_for()
    assert first.get_by_role("radio", name="4", exact=True).is_checked()
    assert SECRET not in page.content()

    # Submitting with gaps names each missing question; nothing is lost.
    page.get_by_role("button", name="Submit scores").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    for title in w["titles"][1:]:
        assert f"Choose a score for {title}" in summary.inner_text()
    assert_accessible(page)
    group(page, 2, w["titles"][1]).get_by_role("radio", name="3", exact=True).check()
    group(page, 3, w["titles"][2]).get_by_role("radio", name="5", exact=True).check()
    page.get_by_role("button", name="Submit scores").click()
    # Sent: straight on to the next application to score, saying which one was sent.
    page.get_by_text(f"Scores sent for {w['refs'][0]}").wait_for()
    page.get_by_role("heading", name=re.compile("Project 2")).wait_for()
    assert_accessible(page)
    assert_fits_width(page, 390)

    # Back on the first, they now see how the panel scored it.
    page.goto(f"{base}/scoring/{w['app_ids'][0]}")
    assert SECRET in page.inner_text("main")
    assert "Save changes" in page.inner_text("main")

    # Second application, straight from "Next to score".
    page.get_by_role("button", name="Score the next application").click()
    page.get_by_role("heading", name=re.compile("Project 2")).wait_for()
    for i, title in enumerate(w["titles"], start=1):
        group(page, i, title).get_by_role("radio", name="2", exact=True).check()
    page.get_by_role("button", name="Submit scores").click()
    page.get_by_text(f"Scores sent for {w['refs'][1]}").wait_for()
    page.get_by_role("heading", name=re.compile("Project 3")).wait_for()

    # A conflict on the third, from the list.
    page.get_by_role("link", name="Back to your scoring").click()
    page.get_by_text("2 of 3 submitted").wait_for()
    page.get_by_role("link", name=f"I have a conflict of interest with {w['refs'][2]}").click()
    page.get_by_label("I helped write the application").check()
    page.get_by_label("Tell us a little more (optional)").fill("I wrote their bid")
    assert_accessible(page)
    page.get_by_role("button", name="Declare conflict").click()
    page.get_by_text("2 of 2 submitted").wait_for()
    assert "Applications you have stepped back from" in page.inner_text("main")
    response = page.goto(f"{base}/scoring/{w['app_ids'][2]}")
    assert response is not None and response.status == 404

    db.session.expire_all()
    reviews = {
        r.application_id: r
        for r in db.session.execute(
            db.select(Review).where(Review.panellist_id == w["pat_id"])
        ).scalars()
    }
    assert set(reviews) == set(w["app_ids"][:2])
    assert all(r.status == ReviewStatus.SUBMITTED for r in reviews.values())
    first_scores = sorted(reviews[w["app_ids"][0]].scores, key=lambda s: s.rubric_criterion_id)
    assert [s.value for s in first_scores] == [4, 3, 5]
    assert first_scores[0].comment == "Well used by families"
    conflict = db.session.execute(db.select(Conflict)).scalar_one()
    assert (conflict.application_id, conflict.kind) == (w["app_ids"][2], "helped")
    db.session.commit()


def test_staff_coverage_and_the_paper_sheet_pass_axe_on_a_phone(
    live_server: str, page: Any, make_user: Any, make_round: Any, staff: User
) -> None:
    w = setup_round(make_user, make_round, staff)
    base = f"{live_server}/rounds/{w['round_id']}"
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "sam.staff@example.org", PASSWORD)
    page.goto(f"{base}/coverage")
    page.get_by_role("heading", name="Who has scored what").wait_for()
    main = page.inner_text("main")
    assert "Submitted" in main and "Not started" in main and "1 of 2" in main
    assert_accessible(page)
    assert_fits_width(page, 390)
    page.get_by_role("link", name="Print a scoring sheet for Pat Panellist").click()
    page.get_by_role("heading", name="Scoring sheet for Pat Panellist").wait_for()
    assert_accessible(page)
    assert_fits_width(page, 390)
    # Staff enter Pat's paper scores for the first application.
    page.goto(f"{base}/scoring/{w['app_ids'][0]}/for/{w['pat_id']}")
    assert "Entered by Sam Staff for Pat Panellist" in page.inner_text("main")
    for i, title in enumerate(w["titles"], start=1):
        group(page, i, title).get_by_role("radio", name="1", exact=True).check()
    page.get_by_role("button", name="Submit scores").click()
    page.get_by_text("Pat Panellist's scores for").wait_for()
    assert_accessible(page)


def test_leaving_the_scoring_page_with_unsaved_changes_warns(
    live_server: str, page: Any, make_user: Any, make_round: Any, staff: User
) -> None:
    w = setup_round(make_user, make_round, staff)
    sign_in(page, live_server, "pat@example.org", PASSWORD)
    page.goto(f"{live_server}/rounds/{w['round_id']}/scoring/{w['app_ids'][1]}")
    dialogs: list[str] = []

    def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    group(page, 1, w["titles"][0]).get_by_role("radio", name="2", exact=True).check()
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]


def test_on_a_wide_screen_the_questions_stay_beside_the_application_and_on_a_phone_below_it(
    live_server: str, page: Any, make_user: Any, make_round: Any, staff: User
) -> None:
    """Issue 15: at 1280 px the application and the questions sit side by side, the questions
    staying in view while the page scrolls; at 390 px the application's long answers start
    closed, the key facts first; the end page passes axe."""
    w = setup_round(make_user, make_round, staff)
    long_one = db.session.get(Application, w["app_ids"][0])
    assert long_one is not None
    long_one.summary = "\n".join(f"Paragraph {n} about the project." for n in range(120))
    db.session.commit()
    base = f"{live_server}/rounds/{w['round_id']}"
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, "pat@example.org", PASSWORD)
    page.goto(f"{base}/scoring/{w['app_ids'][0]}")
    application = page.locator(".scoring-layout__application")
    questions = page.locator(".scoring-layout__questions")
    app_box, q_box = application.bounding_box(), questions.bounding_box()
    assert app_box["x"] + app_box["width"] <= q_box["x"]  # side by side
    assert all(page.eval_on_selector_all("details[data-open-wide]", "ds => ds.map(d => d.open)"))
    page.evaluate("() => window.scrollTo(0, 1500)")
    assert page.evaluate("() => window.scrollY") == 1500
    q_box = questions.bounding_box()
    assert 0 <= q_box["y"] <= 1  # still at the top of the window: sticky
    assert q_box["height"] <= 800  # and no taller than it: the questions scroll on their own
    assert_accessible(page)

    page.set_viewport_size(PHONE)
    page.goto(f"{base}/scoring/{w['app_ids'][1]}")
    opened = page.eval_on_selector_all("details[data-open-wide]", "ds => ds.map(d => d.open)")
    assert opened == [False, False, False]
    facts = page.get_by_text("Amount requested").bounding_box()
    first_question = group(page, 1, w["titles"][0]).bounding_box()
    assert facts["y"] < first_question["y"]
    # Six short screens at most before the first question, not the whole application.
    assert first_question["y"] < 6 * PHONE["height"]
    page.get_by_text("About the project").click()
    assert page.get_by_text("What project 2 does for neighbours.").is_visible()
    assert_fits_width(page, 320)

    page.goto(f"{base}/scoring/done")
    page.get_by_role("heading", name="You still have applications to score").wait_for()
    assert_accessible(page)
