"""Issue 16 §3: the panel is told when co-design opens (a round stepped back into it) and when
weights open (the first scored criterion shortlisted), once each, through a real SMTP server."""

from typing import Any

from flask import Flask

from panel.codesign import services as codesign
from panel.extensions import db
from panel.models import FundingRound, Message, Stage
from panel.rounds import moves
from tests.factories import gen_criterion, gen_round, gen_staff, gen_user
from tests.panel.messages.conftest import Smtp, text_of


def _kinds() -> list[str]:
    found = list(db.session.execute(db.select(Message.kind).order_by(Message.id)).scalars())
    db.session.commit()
    return found


def test_stepping_back_into_codesign_tells_each_panellist_it_is_open(
    app: Flask, smtp: Smtp, queue_worker: Any
) -> None:
    staff = gen_staff()
    panel = [gen_user(name="Ann Panel"), gen_user(name="Ben Panel")]
    round_ = gen_round(created_by=staff, members=panel, stage=Stage.APPLICATIONS)
    moves.step_back(
        round_=round_, actor=staff, expected=Stage.APPLICATIONS, reason="One more criterion"
    )
    db.session.commit()
    received = smtp.wait_for(2)
    assert sorted(m["To"].addresses[0].addr_spec for m in received) == sorted(
        p.email for p in panel
    )
    assert all(round_.name in m["Subject"] and "Co-design is open" in text_of(m) for m in received)
    assert _kinds() == ["codesign_open", "codesign_open"]


def test_weights_open_goes_to_the_panel_once_when_the_first_scored_criterion_is_shortlisted(
    app: Flask, smtp: Smtp, queue_worker: Any
) -> None:
    staff = gen_staff()
    panel = [gen_user(name="Cat Panel"), gen_user(name="Dev Panel")]
    round_ = gen_round(created_by=staff, members=panel)
    rule = gen_criterion(round_, staff, "Based in our area", kind="eligibility")
    first = gen_criterion(round_, staff, "Brings neighbours together")
    second = gen_criterion(round_, staff, "Good value")
    codesign.set_shortlisted(criterion=rule, shortlisted=True, actor=staff)
    db.session.commit()
    assert _kinds() == []  # an eligibility rule is not weighted
    codesign.set_shortlisted(criterion=first, shortlisted=True, actor=staff)
    db.session.commit()
    received = smtp.wait_for(2)
    assert all("Share your weights" in m["Subject"] for m in received)
    assert "share how much each should count" in text_of(received[0])
    # More shortlisting, or taking one off and putting it back, tells nobody again.
    codesign.set_shortlisted(criterion=second, shortlisted=True, actor=staff)
    codesign.set_shortlisted(criterion=first, shortlisted=False, actor=staff)
    codesign.set_shortlisted(criterion=first, shortlisted=True, actor=staff)
    db.session.commit()
    assert _kinds() == ["weights_open", "weights_open"]


def test_shortlisting_after_codesign_sends_no_weights_message(app: Flask) -> None:
    staff = gen_staff()
    round_ = gen_round(created_by=staff, members=[gen_user()])
    criterion = gen_criterion(round_, staff)
    found = db.session.get(FundingRound, round_.id)
    assert found is not None
    found.stage = Stage.APPLICATIONS
    db.session.commit()
    codesign.set_shortlisted(criterion=criterion, shortlisted=True, actor=staff)
    db.session.commit()
    assert _kinds() == []
