"""Issue 19: the apply page shows what is scored, drafts are saved behind a private link and
erased after the round closes, staff set up extra questions and documents."""

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel.applications import drafts, extras
from panel.extensions import db
from panel.models import (
    Application,
    ApplicationDraft,
    Attachment,
    AuditEvent,
    FormDocument,
    FormQuestion,
    FundingRound,
    User,
)
from panel.models.types import uk_today, utcnow
from tests.conftest import AuthActions
from tests.factories import gen_boundary, gen_idea, gen_rubric, gen_staff
from tests.panel.applications.conftest import GOOD

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _question(round_: FundingRound, staff: User, label: str, kind: str, **kw: Any) -> FormQuestion:
    question = extras.add_question(
        round_=round_, label=label, kind=kind, required=kw.pop("required", True), actor=staff, **kw
    )
    db.session.commit()
    return question


def _document(round_: FundingRound, staff: User, label: str, required: bool = True) -> FormDocument:
    document = extras.add_document(round_=round_, label=label, required=required, actor=staff)
    db.session.commit()
    return document


def _link(page: str) -> str:
    found = re.search(r'id="draft-link">http://localhost(/apply/[^<]+)<', page)
    assert found, page
    return found.group(1)


def test_the_apply_page_shows_the_criteria_weights_levels_rules_and_ideas_before_the_form(
    client: FlaskClient, open_round: FundingRound, staff: User
) -> None:
    gen_rubric(open_round, staff)
    gen_boundary(open_round, staff, title="No grants for loans or debts")
    idea = gen_idea(staff, title="Warm spaces in winter")
    from panel.ideas import services as ideas

    ideas.set_round_ideas(round_=open_round, idea_ids=[idea.id], actor=staff)
    db.session.commit()
    page = client.get("/apply/spring").get_data(as_text=True)
    scored = extras.what_we_score(open_round)
    assert scored.adopted and scored.scored
    form_at = page.index("<form")
    for criterion in scored.scored:
        assert page.index(criterion.title) < form_at
        assert f"{criterion.weight}% of the score" in page
        level, words = criterion.levels[-1]
        assert f"A score of {level}" in page and words in page
    assert page.index("No grants for loans or debts") < form_at
    assert page.index("Based in our area") < form_at  # the eligibility criterion
    assert page.index("Warm spaces in winter") < form_at


def test_before_a_rubric_is_adopted_the_page_shows_only_the_rules_it_has(
    client: FlaskClient, open_round: FundingRound
) -> None:
    page = client.get("/apply/spring").get_data(as_text=True)
    assert "What the panel will score" not in page and "Apply for a grant" in page


def test_a_draft_is_saved_behind_a_hashed_link_that_reopens_it_and_the_send_uses_it(
    app: Flask, client: FlaskClient, open_round: FundingRound, staff: User
) -> None:
    question = _question(open_round, staff, "How many volunteers do you have?", "number")
    budget = _document(open_round, staff, "Budget")
    data = {**GOOD, "project_title": "Half typed", question.key: "12", "action": "save"}
    data[budget.key] = (io.BytesIO(PDF), "our budget.pdf")
    response = client.post("/apply/spring", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Your draft is saved" in page
    assert response.headers["Cache-Control"] == "no-store"
    link = _link(page)
    token = link.rsplit("/", 1)[-1]
    draft = db.session.execute(db.select(ApplicationDraft)).scalar_one()
    assert draft.token_hash == drafts.token_hash(token) and token not in draft.token_hash
    assert draft.answers["project_title"] == "Half typed" and draft.answers[question.key] == "12"
    (file,) = db.session.execute(db.select(Attachment)).scalars()
    assert file.draft_id == draft.id and file.application_id is None and file.kind == "pdf"
    assert db.session.execute(db.select(Application)).first() is None  # nothing sent yet

    # Later, in another browser: the link opens the draft and leaves its URL at once.
    later = app.test_client()
    opened = later.get(link)
    assert opened.status_code == 302 and opened.location == "/apply/spring"
    form = later.get("/apply/spring").get_data(as_text=True)
    assert 'value="Half typed"' in form and 'value="12"' in form
    assert "You attached “our budget.pdf”" in form

    sent = later.post(
        "/apply/spring",
        data={**GOOD, question.key: "12", "submission_key": "k-draft"},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)
    application = db.session.execute(db.select(Application)).scalar_one()
    assert application.extra_answers == {question.key: "12"}
    db.session.expire_all()
    (file,) = db.session.execute(db.select(Attachment)).scalars()
    assert file.application_id == application.id and file.draft_id is None
    assert db.session.execute(db.select(ApplicationDraft)).first() is None
    # The link was for that draft alone: it is gone, so the link gets the plain page.
    gone = app.test_client().get(link)
    assert gone.status_code == 404 and "This link does not work" in gone.get_data(as_text=True)


@pytest.mark.parametrize(
    "token", ["x" * 43, "short", "a" * 43 + "%00", "../../etc/passwd"], ids=str
)
def test_a_wrong_link_gets_a_plain_page_and_opens_nothing(
    client: FlaskClient, open_round: FundingRound, token: str
) -> None:
    drafts.save(round_=open_round, answers=dict(GOOD))
    db.session.commit()
    response = client.get(f"/apply/spring/continue/{token}")
    assert response.status_code == 404
    if response.mimetype == "text/html" and "continue" not in token:
        assert "Apply for a grant" not in response.get_data(as_text=True)
    assert 'value="Northfield Lunch Club"' not in client.get("/apply/spring").get_data(as_text=True)


def test_an_expired_link_gets_the_plain_page_and_expired_drafts_are_erased_with_their_files(
    client: FlaskClient, open_round: FundingRound, staff: User
) -> None:
    document = _document(open_round, staff, "Constitution")
    draft, token = drafts.save(round_=open_round, answers=dict(GOOD))
    other, _ = drafts.save(round_=open_round, answers={"project_title": "Still open"})
    from panel.applications import attachments

    attachments.keep(
        round_=open_round,
        checked={document.id: attachments.check_file("c.pdf", PDF)},
        draft=draft,
    )
    db.session.commit()
    # The round's closing day is the draft's last.
    close = open_round.applications_close_on
    assert close is not None and draft.expires_at.date() in (close, close + timedelta(days=1))
    draft.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    page = client.get(f"/apply/spring/continue/{token}")
    assert page.status_code == 404 and "may have expired" in page.get_data(as_text=True)
    assert drafts.erase_expired() == 1
    db.session.commit()
    assert [d.id for d in db.session.execute(db.select(ApplicationDraft)).scalars()] == [other.id]
    assert db.session.execute(db.select(Attachment)).first() is None


def test_the_erase_expired_drafts_command_erases_drafts_once_the_round_has_closed(
    app: Flask, runner: Any, open_round: FundingRound
) -> None:
    drafts.save(round_=open_round, answers=dict(GOOD))
    db.session.commit()
    result = runner.invoke(args=["erase-expired-drafts"])
    assert "0 expired drafts erased" in result.output
    open_round.applications_close_on = uk_today() - timedelta(days=1)
    for draft in db.session.execute(db.select(ApplicationDraft)).scalars():
        draft.expires_at = drafts.expiry_for(open_round)
    db.session.commit()
    result = runner.invoke(args=["erase-expired-drafts"])
    assert result.exit_code == 0 and "1 expired draft erased" in result.output
    assert db.session.execute(db.select(ApplicationDraft)).first() is None


def test_a_closed_round_stops_its_draft_links(
    client: FlaskClient, open_round: FundingRound
) -> None:
    _, token = drafts.save(round_=open_round, answers=dict(GOOD))
    open_round.applications_close_on = uk_today() - timedelta(days=1)
    db.session.commit()
    assert client.get(f"/apply/spring/continue/{token}").status_code == 404


def test_each_save_gives_a_new_link_and_the_old_one_stops_working(
    client: FlaskClient, open_round: FundingRound
) -> None:
    first = _link(client.post("/apply/spring", data={**GOOD, "action": "save"}).get_data(True))
    second = _link(client.post("/apply/spring", data={**GOOD, "action": "save"}).get_data(True))
    assert first != second
    assert db.session.execute(db.select(db.func.count(ApplicationDraft.id))).scalar_one() == 1
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 302


def test_a_registered_sender_emails_the_link(client: FlaskClient, open_round: FundingRound) -> None:
    sent: list[tuple[str, str]] = []

    def sender(round_: FundingRound, draft: ApplicationDraft, email: str, link: str) -> bool:
        sent.append((email, link))
        return True

    drafts.LINK_SENDERS.append(sender)
    try:
        page = client.post("/apply/spring", data={**GOOD, "action": "save"}).get_data(True)
    finally:
        drafts.LINK_SENDERS.remove(sender)
    assert sent == [("june.hart@example.org", "http://localhost" + _link(page))]
    assert "We are also emailing this link" in page


def test_extra_questions_are_checked_and_a_required_document_must_be_attached(
    client: FlaskClient, open_round: FundingRound, staff: User
) -> None:
    volunteers = _question(open_round, staff, "How many volunteers?", "number")
    insured = _question(open_round, staff, "Do you have insurance?", "yes_no")
    area = _question(open_round, staff, "Which area?", "choice", options=["North", "South"])
    notes = _question(open_round, staff, "Anything else?", "long_text", required=False)
    budget = _document(open_round, staff, "Budget")
    response = client.post(
        "/apply/spring",
        data={**GOOD, volunteers.key: "lots", insured.key: "Maybe", area.key: "East"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in (
        "Enter a number, like 12",
        "Choose yes or no",
        "Choose one of the answers given",
        "Attach your budget",
    ):
        assert message in page
    assert db.session.execute(db.select(Application)).first() is None
    ok = client.post(
        "/apply/spring",
        data={
            **GOOD,
            volunteers.key: "1,200",
            insured.key: "Yes",
            area.key: "South",
            budget.key: (io.BytesIO(PDF), "budget.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    application = db.session.execute(db.select(Application)).scalar_one()
    assert application.extra_answers == {
        volunteers.key: "1200",
        insured.key: "Yes",
        area.key: "South",
        notes.key: "",
    }


def test_staff_add_at_most_ten_questions_and_documents_through_the_page(
    client: FlaskClient, open_round: FundingRound, staff: User
) -> None:
    AuthActions(client).login(staff)
    base = f"/rounds/{open_round.id}/application-form"
    response = client.post(
        f"{base}/questions",
        data={
            "question": "Your favourite colour?",
            "kind": "choice",
            "options": "Red\nBlue",
        },
    )
    assert response.status_code == 302
    for n in range(9):
        client.post(
            f"{base}/questions",
            data={"question": f"Question {n}", "kind": "short_text"},
        )
    refused = client.post(f"{base}/questions", data={"question": "Eleventh", "kind": "short_text"})
    assert refused.status_code == 400 and "at most 10 extra questions" in refused.get_data(True)
    assert len(extras.questions(open_round)) == 10
    client.post(
        f"{base}/documents",
        data={"document": "Safeguarding policy", "document_required": "y"},
    )
    (document,) = extras.documents(open_round)
    assert document.required and document.label == "Safeguarding policy"
    page = client.get(base).get_data(as_text=True)
    assert "Safeguarding policy" in page and "Red, Blue" in page
    first = extras.questions(open_round)[0]
    client.post(f"{base}/questions/{first.id}/remove")
    client.post(f"{base}/documents/{document.id}/remove")
    assert len(extras.questions(open_round)) == 9 and extras.documents(open_round) == []
    db.session.refresh(first)
    assert first.removed_at is not None  # kept, no longer asked (never deleted: item 25)
    actions = [e.action for e in db.session.execute(db.select(AuditEvent)).scalars()]
    assert actions.count("application_form.question_added") == 10
    assert "application_form.document_removed" in actions
    public = client.get("/apply/spring").get_data(as_text=True)
    assert "Question 0" in public and "Your favourite colour?" not in public


def test_residents_cannot_set_up_the_form(
    client: FlaskClient, open_round: FundingRound, resident: User
) -> None:
    AuthActions(client).login(resident)
    base = f"/rounds/{open_round.id}/application-form"
    assert client.get(base).status_code == 404
    assert (
        client.post(f"{base}/questions", data={"question": "x", "kind": "number"}).status_code
        == 404
    )
    assert extras.questions(open_round) == []


def test_extra_answers_show_on_the_staff_list_and_page(
    client: FlaskClient, open_round: FundingRound, staff: User, make_application: Any
) -> None:
    question = _question(open_round, staff, "How many volunteers?", "number")
    application = make_application(open_round)
    application.extra_answers = {question.key: "17"}
    db.session.commit()
    AuthActions(client).login(staff)
    listing = client.get(f"/rounds/{open_round.id}/applications").get_data(as_text=True)
    assert "How many volunteers?" in listing and ">17<" in listing
    detail = client.get(f"/rounds/{open_round.id}/applications/{application.id}").get_data(True)
    assert "How many volunteers?" in detail and "17" in detail


def test_saving_and_opening_links_is_rate_limited_per_address(
    client: FlaskClient, open_round: FundingRound
) -> None:
    _, token = drafts.save(round_=open_round, answers=dict(GOOD))
    db.session.commit()
    for _ in range(drafts.VISITS_PER_HOUR):
        assert client.get(f"/apply/spring/continue/{token}").status_code == 302
    assert client.get(f"/apply/spring/continue/{token}").status_code == 429
    assert client.post("/apply/spring", data={**GOOD, "action": "save"}).status_code == 429
    other = gen_staff()  # a fresh address is unaffected
    assert other is not None
    fresh = client.application.test_client()
    fresh.environ_base["REMOTE_ADDR"] = "192.0.2.9"
    assert fresh.get(f"/apply/spring/continue/{token}").status_code == 302


def test_the_scoring_page_shows_extra_answers_and_the_files_to_download(
    client: FlaskClient, staff: User
) -> None:
    from panel.applications import attachments
    from tests.worlds import gen_scoring_world

    world = gen_scoring_world(staff)
    question = _question(world.round, staff, "How many volunteers?", "number")
    document = _document(world.round, staff, "Budget")
    application = world.applications[0]
    application.extra_answers = {question.key: "9"}
    (file,) = attachments.keep(
        round_=world.round,
        checked={document.id: attachments.check_file("plan.pdf", PDF)},
        application=application,
    )
    db.session.commit()
    AuthActions(client).login(world.panellists[0])
    page = client.get(f"/rounds/{world.round.id}/scoring/{application.id}").get_data(True)
    assert "How many volunteers?" in page and ">9<" in page
    assert f"/rounds/{world.round.id}/files/{file.id}" in page and "plan.pdf" in page
