"""The demo gives spring a dozen applications, checked, and autumn a few with its form open."""

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import Application, AuditEvent, EligibilityCheck, FundingRound, Stage


def test_seed_demo_adds_realistic_applications_and_triage(
    app: Flask, runner: Any, client: FlaskClient
) -> None:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    rounds = {r.slug: r for r in db.session.execute(db.select(FundingRound)).scalars()}
    spring = (
        db.session.execute(
            db.select(Application).where(Application.round_id == rounds["spring-demo"].id)
        )
        .scalars()
        .all()
    )
    assert len(spring) == 12
    assert {a.source for a in spring} == {"online", "import"}
    amounts = [a.amount_requested_pence for a in spring]
    assert min(amounts) >= 250_00 and max(amounts) <= 5_000_00 and len(set(amounts)) >= 10
    assert all(a.status in ("eligible", "ineligible") for a in spring)
    ineligible = [a for a in spring if a.status == "ineligible"]
    assert len(ineligible) == 2
    notes = [
        c.note for c in db.session.execute(db.select(EligibilityCheck)).scalars() if not c.passed
    ]
    assert any("profit-making business" in (n or "") for n in notes)
    assert any("outside our neighbourhoods" in (n or "") for n in notes)
    assert rounds["spring-demo"].current_stage.position >= Stage.ELIGIBILITY.position
    stages = (
        db.session.execute(
            db.select(AuditEvent.after).where(
                AuditEvent.action == "round.stage_changed",
                AuditEvent.round_id == rounds["spring-demo"].id,
            )
        )
        .scalars()
        .all()
    )
    assert {"stage": "applications"} in stages and {"stage": "eligibility"} in stages

    autumn = rounds["autumn-demo"]
    autumn_apps = (
        db.session.execute(db.select(Application).where(Application.round_id == autumn.id))
        .scalars()
        .all()
    )
    assert 2 <= len(autumn_apps) <= 5
    assert autumn.current_stage is Stage.APPLICATIONS
    assert "Apply for a grant" in client.get("/apply/autumn-demo").get_data(as_text=True)
