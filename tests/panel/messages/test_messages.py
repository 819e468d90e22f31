"""The messages themselves, delivered through a real SMTP server by a real worker: residents'
stage messages, applicants' acknowledgement, eligibility outcome and decision letter, the
preferred way to be contacted (letters and calls), and staff's previews."""

import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from panel.applications import eligibility
from panel.extensions import db
from panel.models import Application, FundingRound, Message, PanelRole, PersonDetails, Stage
from panel.results import decisions
from panel.rounds import services as rounds
from tests.conftest import AuthActions
from tests.factories import (
    gen_application,
    gen_decision,
    gen_received_application,
    gen_round,
    gen_rubric,
    gen_staff,
    gen_user,
)
from tests.panel.messages.conftest import Smtp, text_of
from tests.worlds import gen_scoring_world


def _shown(round_id: int) -> dict[int, int]:
    """The drafts the decisions page would show for confirming (application id -> version)."""
    ready, _ = decisions.drafts_to_confirm(round_id)
    return {d.application_id: d.version for d in ready}


def _kinds() -> list[tuple[str, str]]:
    rows = db.session.execute(db.select(Message.kind, Message.to_address).order_by(Message.id))
    found = [(k, a) for k, a in rows.all()]
    db.session.commit()
    return found


def test_an_application_is_acknowledged_with_its_reference(
    app: Flask, smtp: Smtp, queue_worker: Any
) -> None:
    round_ = gen_round(stage=Stage.APPLICATIONS)
    application = gen_received_application(
        round_, contact_email="ada@example.org", contact_name="Ada Applicant"
    )
    [mail] = smtp.wait_for(1)
    assert mail["To"] == "Ada Applicant <ada@example.org>"
    assert application.reference in mail["Subject"]
    assert application.reference in text_of(mail)


def test_scoring_open_tells_each_panellist_the_deadline(
    app: Flask, smtp: Smtp, queue_worker: Any
) -> None:
    staff = gen_staff()
    world = gen_scoring_world(staff, stage=Stage.ELIGIBILITY)
    round_ = db.session.get(FundingRound, world.round.id)
    assert round_ is not None
    round_.scoring_deadline = datetime(2030, 3, 12, 17, 0, tzinfo=UTC)
    db.session.commit()
    rounds.advance_stage(round_=round_, actor=staff, expected=Stage.ELIGIBILITY)
    db.session.commit()
    received = smtp.wait_for(len(world.panellists))
    assert sorted(m["To"].addresses[0].addr_spec for m in received) == sorted(
        p.email for p in world.panellists
    )
    assert all("12 March 2030" in text_of(m) for m in received)


def test_an_application_found_ineligible_is_told_so(
    app: Flask, smtp: Smtp, queue_worker: Any
) -> None:
    staff = gen_staff()
    round_ = gen_round(created_by=staff, stage=Stage.ELIGIBILITY)
    (area,) = gen_rubric(round_, staff, eligibility=("Based in our area",)).eligibility
    application = gen_application(round_, status="received")
    eligibility.record_checks(
        application=application, round_=round_, results={area.id: (False, "Outside")}, actor=staff
    )
    db.session.commit()
    [mail] = smtp.wait_for(1)
    assert application.reference in mail["Subject"]
    assert "not eligible" in text_of(mail)
    assert mail["To"].addresses[0].addr_spec == application.contact_email


def test_a_decision_letter_follows_the_confirmed_decision(
    app: Flask, smtp: Smtp, queue_worker: Any
) -> None:
    staff = gen_staff()
    world = gen_scoring_world(staff, stage=Stage.PANEL)
    funded = world.applications[0]
    gen_decision(funded, staff, reason="Clear plan, strong local support", status="draft")
    decisions.confirm_drafts(round_=world.round, actor=staff, expected=_shown(world.round.id))
    db.session.commit()
    letters = [m for m in smtp.wait_for(1) if "Decision" in m["Subject"]]
    assert len(letters) == 1
    body = text_of(letters[0])
    assert funded.reference in body and "Fund in full" in body
    assert "Clear plan, strong local support" in body and "£" in body
    assert letters[0]["To"].addresses[0].addr_spec == funded.contact_email


def test_a_person_who_prefers_letters_or_calls_is_on_the_print_queue_or_call_list(
    app: Flask, client: FlaskClient, smtp: Smtp, queue_worker: Any
) -> None:
    staff = gen_staff()
    letter, call, mail = gen_user(name="Lettie"), gen_user(name="Cal"), gen_user(name="Em")
    db.session.add_all(
        [
            PersonDetails(user_id=letter.id, preferred_contact="letter"),
            PersonDetails(user_id=call.id, preferred_contact="phone"),
        ]
    )
    round_ = gen_round(created_by=staff)
    for person in (letter, call, mail):
        rounds.add_member(round_=round_, user=person, role=PanelRole.PANELLIST, actor=staff)
    db.session.commit()
    [emailed] = smtp.wait_for(1)
    assert emailed["To"].addresses[0].display_name == "Em"
    AuthActions(client).login(staff)
    outbox = client.get("/outbox").get_data(as_text=True)
    letters_part = outbox[outbox.index("Letters to print") : outbox.index("Calls to make")]
    calls_part = outbox[outbox.index("Calls to make") :]
    assert "Lettie" in letters_part and "Cal" not in letters_part
    assert "Cal" in calls_part and "Lettie" not in calls_part
    printed = client.get("/outbox/letters").get_data(as_text=True)
    assert printed.count('class="letter"') == 1 and "Lettie" in printed
    time.sleep(0.3)
    assert len(smtp.received) == 1  # no email to the other two


def test_staff_preview_every_kind_of_message(app: Flask, client: FlaskClient) -> None:
    from panel.messages.wording import KINDS

    AuthActions(client).login(gen_staff())
    page = client.get("/outbox/kinds").get_data(as_text=True)
    for kind in KINDS.values():
        assert kind.label in page
    assert "$" not in page.split("<main", 1)[-1]  # every placeholder filled


def test_confirming_200_decisions_does_not_wait_for_a_stopped_mail_server(
    app: Flask, smtp: Smtp, queue_worker: Any
) -> None:
    """Item 69: nothing that answers a person waits on SMTP. With the mail server stopped,
    confirming 200 decisions (the service and its commit, as the web view runs them; 200
    letters queued) takes about as long as with it running; the letters wait in the outbox."""
    staff = gen_staff()

    def confirm_200(slug: str) -> float:
        world = gen_scoring_world(
            staff,
            stage=Stage.PANEL,
            applications=0,
            slug=slug,
            budget_pence=10**9,
            max_award_pence=10**8,
        )
        for n in range(1, 201):
            gen_decision(gen_application(world.round, n), staff, status="draft", commit=False)
        db.session.commit()
        started = time.monotonic()
        count = decisions.confirm_drafts(
            round_=world.round, actor=staff, expected=_shown(world.round.id), over_budget_ok=True
        )
        db.session.commit()
        took = time.monotonic() - started
        assert count == 200
        return took

    smtp.stop()
    down = confirm_200("mail-down")
    smtp.start()
    up = confirm_200("mail-up")
    letters = db.session.execute(
        db.select(db.func.count(Message.id)).where(Message.kind == "decision_letter")
    ).scalar_one()
    db.session.commit()
    assert letters == 400
    assert down < max(3 * up, 1.0) and down < 10, (down, up)


def test_erasing_an_applicants_details_empties_their_messages(app: Flask) -> None:
    """Item 66: an erasure reaches the outbox: the acknowledgement keeps no name, address or
    words, and one not yet sent never will be."""
    from panel.applications.changes import erase_personal_data

    staff = gen_staff()
    round_ = gen_round(stage=Stage.APPLICATIONS)
    application = gen_received_application(
        round_, contact_email="eve@example.org", contact_name="Eve Erased"
    )
    [row] = db.session.execute(db.select(Message)).scalars()
    assert row.to_address == "eve@example.org" and row.status == "queued"  # no worker runs
    erase_personal_data(application=application, actor=staff)
    db.session.commit()
    db.session.expire_all()
    [row] = db.session.execute(db.select(Message)).scalars()
    assert (row.to_name, row.to_address, row.body_text, row.status) == ("", "", "", "failed")
    assert "Eve" not in row.body_html and "Eve" not in row.subject


def test_every_imported_application_is_acknowledged(
    app: Flask, client: FlaskClient, smtp: Smtp, queue_worker: Any
) -> None:
    import io

    from tests.panel.applications.conftest import csv_bytes, sheet_row

    staff = gen_staff()
    round_ = gen_round(created_by=staff, stage=Stage.APPLICATIONS)
    rows = [
        sheet_row(
            organisation_name=f"Group {n}",
            project_title=f"Project {n}",
            contact_email=f"group{n}@example.org",
        )
        for n in (1, 2)
    ]
    AuthActions(client).login(staff)
    uploaded = client.post(
        f"/rounds/{round_.id}/applications/import",
        data={"file": (io.BytesIO(csv_bytes(rows)), "applications.csv")},
        content_type="multipart/form-data",
    )
    assert client.post(f"{uploaded.location}/run", data={}).status_code == 302
    received = smtp.wait_for(2)
    assert sorted(m["To"].addresses[0].addr_spec for m in received) == [
        "group1@example.org",
        "group2@example.org",
    ]
    assert sorted(m["Subject"].rsplit(" ", 1)[1] for m in received) == [
        a.reference
        for a in db.session.execute(db.select(Application).order_by(Application.id)).scalars()
    ]
