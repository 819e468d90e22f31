"""The public application form: anyone may apply while the round is open, and see it was sent."""

import secrets
from typing import Any

from flask import (
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from panel.access import policy
from panel.applications import attachments, bp, drafts, extras, repeats, sending, services
from panel.applications.forms import (
    ORGANISATION_TYPE_HINTS,
    ApplyForm,
    RoundApplyForm,
    round_form,
)
from panel.applications.sending import Turned
from panel.extensions import db
from panel.ideas.queries import ideas_for_round
from panel.models import ApplicationDraft, FundingRound
from panel.models.types import utcnow


def client_address() -> str:
    return request.remote_addr or "unknown"


def published_round(slug: str) -> FundingRound | None:
    """The round at this slug if its form has ever been public; None for no round, or for one
    still in co-design or before its opening date (those two must look exactly alike)."""
    round_ = db.session.execute(
        db.select(FundingRound).where(FundingRound.slug == slug)
    ).scalar_one_or_none()
    return round_ if round_ is not None and services.is_published(round_) else None


def not_open() -> Any:
    """The same plain page for no round and for an unpublished one: it reveals nothing."""
    return render_template("applications/not_open.html"), 404


@bp.route("/apply/<slug>", methods=["GET", "POST"])
@policy("public")
def apply(slug: str) -> Any:
    round_ = published_round(slug)
    if round_ is None:
        return not_open()
    if not services.is_open(round_):
        if request.method == "POST":  # it closed while they were typing: show what they sent
            return render_template("applications/closed.html", round=round_, form=ApplyForm()), 409
        return render_template("applications/closed.html", round=round_)
    draft = _session_draft(round_)
    form = _round_form(round_, draft)
    if request.method == "GET":
        form.submission_key.data = secrets.token_urlsafe(24)
        return _form_page(round_, form, 200, draft)
    if request.form.get("action") == "save":
        return _save_draft(round_, form, draft)
    return _send(round_, form, draft)


def _send(round_: FundingRound, form: RoundApplyForm, draft: ApplicationDraft | None) -> Any:
    """Send the form: screened first (sending.screen), then checked, then kept."""
    now, fp = utcnow(), repeats.fingerprint(round_.id, form.data)
    screened = sending.screen(
        round_=round_,
        submission_key=form.submission_key.data or "",
        fingerprint=fp,
        address=client_address(),
        remembered=session.get(repeats.SENT_KEY),
        lifted=session.get(repeats.LIFT_KEY),
        honeypot=bool(form.website.data),
        now=now,
    )
    if screened.turned is Turned.BAD_KEY:
        # Nothing is saved, and the form comes back holding every answer, with a fresh key.
        form.submission_key.data = secrets.token_urlsafe(24)
        form.form_errors.append("Nothing was sent. Check your answers, then send the form again.")
        return _form_page(round_, form, 400, draft)
    if screened.turned is Turned.TOO_MANY:
        current_app.logger.warning("application rate limit hit from %s", client_address())
        return render_template("applications/too_many.html", round=round_), 429
    if screened.turned is Turned.BOT:  # it sees the usual confirmation; nothing is saved
        current_app.logger.warning("application honeypot filled from %s", client_address())
        db.session.commit()
    if screened.reference is not None:
        return _sent(round_, screened.reference, again=screened.again)
    values, extra, files = form.check(round_), form.check_extras(), _checked_files(form)
    missing = (
        [] if files is None else sending.missing_documents(round_=round_, draft=draft, chosen=files)
    )
    for document in missing:
        form[document.key].errors = [f"Attach your {document.label.lower()}"]
    if values is not None and extra is not None and files is not None and not missing:
        try:
            application = sending.send(
                round_=round_,
                values=values,
                extra_answers=extra,
                files=files,
                draft=draft,
                submission_key=form.submission_key.data or "",
                address=client_address(),
                fingerprint=fp,
            )
        except (services.ApplicationError, attachments.AttachmentRefused) as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            session.pop(DRAFT_SESSION, None)
            session[repeats.SENT_KEY] = repeats.remember(
                session.get(repeats.SENT_KEY), fp, application.reference, now
            )
            return _sent(round_, application.reference)
    return _form_page(round_, form, 400 if form.errors else 200, draft)


def _form_page(
    round_: FundingRound, form: ApplyForm, status: int, draft: ApplicationDraft | None = None
) -> Any:
    return render_template(
        "applications/apply.html",
        round=round_,
        form=form,
        type_hints=ORGANISATION_TYPE_HINTS,
        ideas=ideas_for_round(round_.id),
        scored=extras.what_we_score(round_),
        draft=draft,
        draft_files={a.document_id: a for a in sending.draft_files(draft)},
        accept=attachments.ACCEPT,
        max_file=attachments.MAX_FILE_BYTES,
    ), status


# --------------------------------------------------------------------------- save and return

DRAFT_SESSION = "application_draft"


def _session_draft(round_: FundingRound) -> ApplicationDraft | None:
    """The draft a visit to its private link opened in this browser, while it still works."""
    held = session.get(DRAFT_SESSION) or {}
    if held.get("round") != round_.slug:
        return None
    return drafts.by_id(round_, held.get("id"))


def _round_form(round_: FundingRound, draft: ApplicationDraft | None) -> RoundApplyForm:
    questions, documents = extras.questions(round_), extras.documents(round_)
    if request.method == "GET" and draft is not None:
        return round_form(questions, documents, data=draft.answers)
    return round_form(questions, documents)


def _checked_files(form: RoundApplyForm) -> dict[int, attachments.CheckedFile] | None:
    """Each chosen file checked by its content, by document id; None when one is refused
    (its message is shown by its field)."""
    checked: dict[int, attachments.CheckedFile] = {}
    refused = False
    for document, field in form.document_fields():
        upload = request.files.get(field.name)
        if upload is None or not upload.filename:
            continue
        try:
            checked[document.id] = attachments.check_file(upload.filename, upload.read())
        except attachments.AttachmentRefused as exc:
            field.errors = [str(exc)]
            refused = True
    return None if refused else checked


def _save_draft(round_: FundingRound, form: RoundApplyForm, draft: ApplicationDraft | None) -> Any:
    """Keep what was typed (and any files chosen) behind a new private link."""
    form.validate()
    if "csrf_token" in form.errors:
        return _form_page(round_, form, 400, draft)
    if drafts.visit_limited(address=client_address()):
        db.session.commit()
        current_app.logger.warning("draft save rate limit hit from %s", client_address())
        return render_template("applications/too_many.html", round=round_), 429
    files = _checked_files(form)
    if files is None:
        db.session.rollback()
        return _form_page(round_, form, 400, draft)
    try:
        draft, link, emailed = sending.save_draft(
            round_=round_,
            answers=form.typed(),
            files=files,
            draft=draft,
            email=(form.contact_email.data or "").strip(),
            link_for=lambda token: url_for(
                "applications.continue_draft", slug=round_.slug, token=token, _external=True
            ),
        )
    except attachments.AttachmentRefused as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return _form_page(round_, form, 400, None)
    db.session.commit()
    session[DRAFT_SESSION] = {"id": draft.id, "round": round_.slug}
    response = current_app.make_response(
        render_template(
            "applications/draft_saved.html",
            round=round_,
            link=link,
            emailed=emailed,
            expires_at=draft.expires_at,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _sent(round_: FundingRound, reference: str, again: bool = False) -> Any:
    session["application_sent"] = {"round": round_.slug, "reference": reference, "again": again}
    return redirect(url_for("applications.sent", slug=round_.slug))


@bp.route("/apply/<slug>/sent")
@policy("public")
def sent(slug: str) -> Any:
    round_ = published_round(slug)
    if round_ is None:
        return not_open()
    sent = session.get("application_sent") or {}
    if sent.get("round") != slug:
        return redirect(url_for("applications.apply", slug=slug))
    return render_template(
        "applications/sent.html",
        round=round_,
        reference=sent["reference"],
        again=bool(sent.get("again")),
    )
