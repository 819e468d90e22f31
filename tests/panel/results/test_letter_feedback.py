"""The decision letter carries the panel comments staff reviewed and included for that
application (the same rule as the feedback export, `comments.reviewed_comments`): in the words
staff approved, by reviewer number, never a panellist's name; left out or not yet reviewed,
never. Delivered by a real SMTP server."""

from typing import Any

from flask import Flask

from panel.extensions import db
from panel.models import Decision, FundingRound, User
from panel.results import comments, decisions
from panel.results.services import compute
from tests.panel.messages.conftest import (  # noqa: F401  (the real SMTP server's fixtures)
    Smtp,
    app_config,
    smtp,
    text_of,
)
from tests.worlds import gen_worked_panel, ref


def test_the_decision_letter_has_only_the_comments_staff_included(
    app: Flask,
    smtp: Smtp,  # noqa: F811
    queue_worker: Any,
) -> None:
    panel = gen_worked_panel()
    round_ = db.session.get(FundingRound, panel.round_id)
    staff = db.session.get(User, panel.staff_id)
    assert round_ is not None and staff is not None
    e = panel.app_ids["E"]
    (group,) = comments.panel_comments(compute(round_), application_id=e)
    overall = [c for c in group.comments if c.part == comments.OVERALL]
    notes = [c for c in group.comments if c.part != comments.OVERALL]
    comments.review_comment(
        round_=round_,
        comment=overall[0],
        include=True,
        text="A clear, well-loved plan.",
        expected_version=0,
        actor=staff,
    )
    comments.review_comment(
        round_=round_, comment=notes[0], include=False, text="", expected_version=0, actor=staff
    )
    comments.review_comment(
        round_=round_,
        comment=notes[1],
        include=True,
        text=notes[1].original,
        expected_version=0,
        actor=staff,
    )
    db.session.commit()
    # The export and the letter read the same rule.
    shown = comments.reviewed_comments(compute(round_)).included[e]
    assert sorted(line for _, line in shown) == [
        "Community benefit: Benefit note E",
        "Overall: A clear, well-loved plan.",
    ]
    draft = db.session.execute(db.select(Decision).where(Decision.application_id == e)).scalar_one()
    decisions.confirm_drafts(round_=round_, actor=staff, expected={e: draft.version})
    db.session.commit()
    [letter] = [m for m in smtp.wait_for(1) if "Decision" in m["Subject"]]
    body = text_of(letter)
    assert ref("E") in body
    assert "What the panel said about your application" in body
    assert "Overall: A clear, well-loved plan." in body
    assert "Community benefit: Benefit note E" in body
    assert f"Reviewer {overall[0].reviewer}:" in body
    assert "Overall view of E" not in body  # the panellist's own words, replaced by staff's
    assert body.count("Benefit note E") == 1  # the one left out and those not reviewed stay out
    for name in panel.names:
        assert name not in body
    assert "\n\n\n" not in body


def test_a_letter_with_no_included_comments_says_nothing_of_them(
    app: Flask,
    smtp: Smtp,  # noqa: F811
    queue_worker: Any,
) -> None:
    panel = gen_worked_panel()
    round_ = db.session.get(FundingRound, panel.round_id)
    staff = db.session.get(User, panel.staff_id)
    assert round_ is not None and staff is not None
    e = panel.app_ids["E"]
    draft = db.session.execute(db.select(Decision).where(Decision.application_id == e)).scalar_one()
    decisions.confirm_drafts(round_=round_, actor=staff, expected={e: draft.version})
    db.session.commit()
    [letter] = [m for m in smtp.wait_for(1) if "Decision" in m["Subject"]]
    body = text_of(letter)
    assert "What the panel said" not in body and "Reviewer" not in body
    assert "Overall view of E" not in body and "\n\n\n" not in body
