"""In a real browser: a save that meets a fault keeps what was typed, and sending it again from
the page that answered saves it (#13 item 16). The pages pass axe."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from panel.extensions import db
from panel.models import FundingRound, Review, User
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import PASSWORD
from tests.panel.faults.servers import write_lock_held
from tests.worlds import gen_scoring_world

COMMENT = "Strong local support,\nbut the costs for the hall are vague & <unclear>."


def open_scoring(page: Any, base: str, staff: User) -> dict[str, Any]:
    """Pat's scoring page in the browser, with scores and a comment typed in."""
    world = gen_scoring_world(staff)
    w = {
        "url": f"{base}/rounds/{world.round.id}/scoring/{world.applications[0].id}",
        "titles": [c.title for c in world.criteria],
        "email": world.panellists[0].email,
    }
    db.session.commit()  # end the transaction those reads opened: the live server writes
    sign_in(page, base, w["email"], PASSWORD)
    page.goto(w["url"])
    for i, title in enumerate(w["titles"], start=1):
        page.get_by_role("group", name=f"{i}. {title}").get_by_role("radio", name="3").check()
    page.get_by_label(f"Comment on {w['titles'][0]} (optional)").fill(COMMENT)
    return w


def saved_comments() -> list[str]:
    db.session.expire_all()
    return [s.comment for r in db.session.execute(db.select(Review)).scalars() for s in r.scores]


def test_a_save_while_the_database_is_locked_keeps_the_form_and_sends_again(
    app: Flask, live_server: str, page: Any, staff: User
) -> None:
    """Item 44: the answer to a save that met SQLite's write lock is the same form, still
    filled in; pressing Submit again once the lock is free saves exactly what was typed."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    app.config["PANEL_WEB_BUSY_SECONDS"] = 0.5
    w = open_scoring(page, live_server, staff)
    assert db.engine.url.database
    with write_lock_held(db.engine.url.database):
        page.get_by_role("button", name="Submit scores").click()
        page.get_by_text("Nothing was saved. The service is busy just now.").wait_for()
        assert_accessible(page)
    assert page.get_by_label(f"Comment on {w['titles'][0]} (optional)").input_value() == COMMENT
    page.get_by_role("button", name="Submit scores").click()
    page.get_by_text("Scores sent for").wait_for()
    assert COMMENT.replace("\n", "\r\n") in saved_comments()


def test_a_save_after_the_deadline_passed_shows_the_scores_read_only(
    live_server: str, page: Any, staff: User
) -> None:
    """Item 44: the deadline passed while the form was open: the page says nothing was saved
    and shows what was typed, read-only, and passes axe."""
    w = open_scoring(page, live_server, staff)
    round_ = db.session.execute(db.select(FundingRound)).scalar_one()
    round_.scoring_deadline = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    page.get_by_role("button", name="Submit scores").click()
    page.get_by_text("The scoring deadline has passed").wait_for()
    assert "Nothing was saved" in page.inner_text("main")
    kept = page.get_by_label(f"Comment on {w['titles'][0]} (optional)")
    assert kept.input_value() == COMMENT and not kept.is_editable()
    assert_accessible(page)
    assert saved_comments() == []
