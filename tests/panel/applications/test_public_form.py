"""Members of the public apply online: checks, references, double submits, bots, closed rounds."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel.applications import services
from panel.extensions import db
from panel.models import Application, AuditEvent, FundingRound, Stage
from panel.models.application import ApplicationAttempt
from panel.models.types import uk_today
from tests.panel.applications.conftest import GOOD


def _apply(client: FlaskClient, slug: str = "spring", **overrides: str) -> Any:
    data = dict(GOOD, submission_key=overrides.pop("submission_key", "key-1"), **overrides)
    return client.post(f"/apply/{slug}", data=data)


def _all() -> list[Application]:
    return list(db.session.execute(db.select(Application).order_by(Application.id)).scalars())


def test_the_form_asks_each_question_with_hints_and_a_hidden_honeypot(
    client: FlaskClient, open_round: FundingRound
) -> None:
    page = client.get("/apply/spring").get_data(as_text=True)
    assert "<h1" in page and "Apply for a grant" in page
    assert "Registered charity" in page and "We will ask for your charity number" in page
    assert "between £250 and £5,000" in page
    assert page.count("<fieldset") >= 4
    honeypot = page[page.index('id="website"') - 200 : page.index('id="website"') + 120]
    assert 'aria-hidden="true"' in honeypot and 'class="visually-hidden"' in honeypot
    assert 'tabindex="-1"' in honeypot and 'autocomplete="off"' in honeypot
    assert 'name="submission_key" type="hidden" value="' in page


def test_a_good_application_is_saved_in_pence_with_a_reference_and_a_confirmation(
    client: FlaskClient, open_round: FundingRound
) -> None:
    response = _apply(client)
    assert response.status_code == 302 and response.location == "/apply/spring/sent"
    page = client.get("/apply/spring/sent").get_data(as_text=True)
    assert "Application sent" in page and "CF26-0001" in page
    (application,) = _all()
    assert application.reference == "CF26-0001" and application.number == 1
    assert application.amount_requested_pence == 125_050
    assert application.postcode == "LS6 2AB" and application.source == "online"
    assert application.status == "received" and application.submission_key == "key-1"
    event = db.session.execute(db.select(AuditEvent)).scalar_one()
    assert event.action == "application.received" and event.round_id == open_round.id
    # The audit log is append-only, so it never holds personal data that may need erasing.
    logged = str(event.after)
    for secret in ("June Hart", "june.hart@example.org", "01632 960 001", "LS6 2AB"):
        assert secret not in logged


def test_mistakes_are_listed_at_the_top_and_by_each_field_and_what_was_typed_is_kept(
    client: FlaskClient, open_round: FundingRound
) -> None:
    response = _apply(
        client,
        organisation_name="",
        organisation_type="charity",
        registration_number="12",
        contact_email="june@",
        postcode="LS6",
        amount="£12k",
        beneficiaries="lots",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: " in page and "There is a problem" in page
    for message in (
        "Enter the name of the organisation",
        "Enter a charity number in the correct format",
        "Enter an email address in the correct format, like name@example.com",
        "Enter a full UK postcode, like LS1 4AP",
        "&#39;£12k&#39; is not an amount in pounds",
        "is not a whole number",
    ):
        assert page.count(message) == 2, message  # in the summary and by the field
    assert 'href="#organisation_name"' in page and 'id="postcode-error"' in page
    assert 'value="£12k"' in page and 'value="june@"' in page
    assert 'value="key-1"' in page  # the same one-time key, so a later submit still dedupes
    assert _all() == []


def test_an_amount_outside_the_award_range_names_the_range(
    client: FlaskClient, open_round: FundingRound
) -> None:
    page = _apply(client, amount="6000").get_data(as_text=True)
    assert "Enter an amount between £250 and £5,000" in page
    assert _all() == []


def test_the_number_is_checked_against_the_chosen_type(
    client: FlaskClient, open_round: FundingRound
) -> None:
    page = _apply(client, organisation_type="cic", registration_number="").get_data(as_text=True)
    assert "Enter the company number" in page
    _apply(client, organisation_type="cic", registration_number="SC123456", submission_key="k2")
    (application,) = _all()
    assert application.company_number == "SC123456" and application.charity_number is None


def test_pressing_submit_twice_creates_one_application_and_shows_the_same_reference(
    client: FlaskClient, open_round: FundingRound
) -> None:
    first = _apply(client, submission_key="same-key")
    second = _apply(client, submission_key="same-key")
    assert first.location == second.location == "/apply/spring/sent"
    assert len(_all()) == 1
    assert "CF26-0001" in client.get("/apply/spring/sent").get_data(as_text=True)
    # A second browser sending the same key (a replayed request) also gets the first one's page.
    other = _apply(client.application.test_client(), submission_key="same-key")
    assert other.status_code == 302 and len(_all()) == 1


def test_references_count_up_per_round_with_four_digits(
    client: FlaskClient, open_round: FundingRound, make_round: Callable[..., FundingRound]
) -> None:
    for n in range(3):
        _apply(client, submission_key=f"k{n}", project_title=f"Project {n}")
    today = uk_today()
    make_round(
        slug="autumn",
        reference_prefix="CF27",
        stage=Stage.APPLICATIONS,
        applications_open_on=today,
        applications_close_on=today,
    )
    _apply(client, slug="autumn", submission_key="autumn-1")
    refs = [a.reference for a in _all()]
    assert refs == ["CF26-0001", "CF26-0002", "CF26-0003", "CF27-0001"]


def test_two_rounds_sharing_a_prefix_never_share_a_reference(
    app: Flask, open_round: FundingRound, make_round: Callable[..., FundingRound]
) -> None:
    other = make_round(reference_prefix="CF26")
    values = {
        "organisation_name": "A",
        "organisation_type": "other",
        "project_title": "T",
        "summary": "S",
        "amount_requested_pence": 30_000,
    }
    a = services.create_application(round_=open_round, values=values, source="staff", actor=None)
    b = services.create_application(round_=other, values=values, source="staff", actor=None)
    db.session.commit()
    assert (a.reference, b.reference) == ("CF26-0001", "CF26-0002")


def test_a_clash_with_a_concurrent_submission_is_retried_with_the_next_number(
    app: Flask, open_round: FundingRound, monkeypatch: pytest.MonkeyPatch
) -> None:
    values = {
        "organisation_name": "A",
        "organisation_type": "other",
        "project_title": "T",
        "summary": "S",
        "amount_requested_pence": 30_000,
    }
    first = services.create_application(
        round_=open_round, values=values, source="staff", actor=None
    )
    db.session.commit()
    # As if another worker read the same maximum before this one inserted: the first guess clashes.
    guesses = iter([1, 2])
    monkeypatch.setattr(services, "_next_number", lambda round_: next(guesses))
    second = services.create_application(
        round_=open_round, values=values, source="staff", actor=None
    )
    db.session.commit()
    assert (first.reference, second.reference) == ("CF26-0001", "CF26-0002")


def test_a_bot_filling_the_honeypot_sees_a_confirmation_but_nothing_is_saved(
    client: FlaskClient, open_round: FundingRound
) -> None:
    response = _apply(client, website="http://spam.example")
    assert response.status_code == 302 and response.location == "/apply/spring/sent"
    page = client.get("/apply/spring/sent").get_data(as_text=True)
    # A made-up reference in the real format: the bot cannot tell it was caught.
    assert "Application sent" in page and re.search(r"\bCF26-\d{4}\b", page)
    assert _all() == []
    assert db.session.execute(db.select(AuditEvent)).first() is None


def test_the_sixth_application_in_an_hour_from_one_address_is_refused_with_429(
    client: FlaskClient, open_round: FundingRound
) -> None:
    for n in range(5):
        assert _apply(client, submission_key=f"k{n}", project_title=f"P{n}").status_code == 302
    refused = _apply(client, submission_key="k6", project_title="P6")
    assert refused.status_code == 429
    assert "You have sent too many applications" in refused.get_data(as_text=True)
    assert len(_all()) == 5
    # Kept in the database, so every web worker sees the same count.
    count = db.session.execute(db.select(db.func.count(ApplicationAttempt.id))).scalar_one()
    assert count == 5


def test_mistakes_do_not_count_towards_the_rate_limit(
    client: FlaskClient, open_round: FundingRound
) -> None:
    for _ in range(6):
        assert _apply(client, amount="£12k").status_code == 400
    assert _apply(client).status_code == 302


@pytest.mark.parametrize(
    "settings",
    [
        {"stage": Stage.ELIGIBILITY},
        {"applications_close_on": uk_today() - timedelta(days=1)},
    ],
)
def test_a_round_no_longer_taking_applications_shows_a_plain_closed_page_and_saves_nothing(
    client: FlaskClient, open_round: FundingRound, settings: dict[str, Any]
) -> None:
    for key, value in settings.items():
        setattr(open_round, key, value)
    db.session.commit()
    page = client.get("/apply/spring")
    assert page.status_code == 200
    assert '<h1 class="heading-l">This round is closed</h1>' in page.get_data(as_text=True)
    posted = _apply(client)
    assert "This round is closed" in posted.get_data(as_text=True)
    assert _all() == []


def test_the_last_day_counts_as_open(client: FlaskClient, open_round: FundingRound) -> None:
    open_round.applications_close_on = services.uk_today()
    db.session.commit()
    assert "Apply for a grant" in client.get("/apply/spring").get_data(as_text=True)


def test_an_unknown_round_is_not_found(client: FlaskClient, open_round: FundingRound) -> None:
    assert client.get("/apply/no-such-round").status_code == 404
    assert client.get("/apply/no-such-round/sent").status_code == 404


@pytest.mark.parametrize(
    "settings",
    [{"stage": Stage.CODESIGN}, {"applications_open_on": uk_today() + timedelta(days=1)}],
)
def test_a_round_not_yet_taking_applications_looks_like_no_round_and_saves_nothing(
    client: FlaskClient, open_round: FundingRound, settings: dict[str, Any]
) -> None:
    """Item 43: before it opens, the form's address answers as an unknown one would."""
    for key, value in settings.items():
        setattr(open_round, key, value)
    db.session.commit()
    page = client.get("/apply/spring")
    assert page.status_code == 404
    assert "This form is not taking applications" in page.get_data(as_text=True)
    assert open_round.name not in page.get_data(as_text=True)
    assert _apply(client).status_code == 404
    assert _all() == []


def test_the_confirmation_page_without_an_application_goes_back_to_the_form(
    client: FlaskClient, open_round: FundingRound
) -> None:
    response = client.get("/apply/spring/sent")
    assert response.status_code == 302 and response.location == "/apply/spring"
