"""The demo's decided round (issue 14, "Done when"): no confirmed decision contradicts its own
figures, the panel and the public read its outcome, and the feedback has a row per application."""

from flask import Flask
from flask.testing import FlaskClient

from panel.demo import seed
from panel.extensions import db
from panel.models import Application, Decision, FundingRound, User
from panel.results.services import compute
from tests.conftest import AuthActions
from tests.panel.results.export_reading import export_bytes, records, workbook
from tests.panel.results.truth import check_sentences_against_figures, check_text


def test_the_demo_ends_with_a_decided_round_that_tells_the_truth(
    app: Flask, client: FlaskClient
) -> None:
    seed()
    db.session.commit()
    rounds = {r.slug: r for r in db.session.execute(db.select(FundingRound)).scalars()}
    winter = rounds["winter-2025"]
    assert winter.stage == "decided" and winter.outcome_published_at is not None
    results = compute(winter)
    confirmed = db.session.execute(
        db.select(Application.reference, Decision.reason)
        .join(Decision, Decision.application_id == Application.id)
        .where(Decision.round_id == winter.id, Decision.status == "confirmed")
    ).all()
    assert len(confirmed) == len(results.applications) == 6
    for reference, reason in confirmed:
        check_text(reason, results.result.result_for(reference), winter)
    # And every sentence staff would be offered on each round with results.
    assert check_sentences_against_figures(winter) >= 6
    for slug in ("spring-demo",):
        if rounds[slug].stage in ("panel", "decided"):
            assert check_sentences_against_figures(rounds[slug]) >= 1

    # A resident on the panel reads the decisions and "You said, we did"; the public the page.
    resident = db.session.execute(
        db.select(User).where(User.email == "maureen.walsh@demo.example")
    ).scalar_one()
    public = client.get(f"/fund/{winter.slug}").get_data(as_text=True)
    assert "Co-design (criteria): 5 residents" in public and "Winter warm lunches" in public
    assert client.get("/fund/spring-demo").status_code == 404
    AuthActions(client).login(resident, "panel-demo-2026")
    decided = client.get(f"/rounds/{winter.id}/decisions")
    assert decided.status_code == 200 and "Winter warm lunches" in decided.get_data(as_text=True)
    said = client.get(f"/rounds/{winter.id}/you-said-we-did")
    text = said.get_data(as_text=True)
    assert said.status_code == 200
    assert "Uses local businesses" in text and "Groups cannot always buy locally" in text

    rows = records(workbook(export_bytes(winter.id, "feedback")).active)
    every = db.session.execute(
        db.select(Application.reference).where(Application.round_id == winter.id)
    ).scalars()
    assert sorted(r["Reference"] for r in rows) == sorted(every)
