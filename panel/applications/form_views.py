"""The round's application form as staff set it up (extra questions, documents to attach), the
private link that reopens a saved draft, and downloading an attached file."""

from typing import Any

from flask import abort, current_app, redirect, render_template, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from panel.access import in_round_or_404, policy, round_for_member, round_or_404
from panel.applications import attachments, bp, drafts, extras, queries, services
from panel.applications.forms import DocumentForm, QuestionForm, RemoveForm
from panel.applications.public_views import (
    DRAFT_SESSION,
    client_address,
    not_open,
    published_round,
)
from panel.extensions import db
from panel.models import MAX_QUESTIONS, Application, FormDocument, FormQuestion, FundingRound


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {
        "extra_answers_of": extra_answers_of,
        "files_of": files_for_panel,
        "round_questions": extras.questions,
    }


def extra_answers_of(application: Application) -> list[extras.ExtraAnswer]:
    """The application's answers to its round's extra questions (for staff and panel pages)."""
    round_ = db.session.get(FundingRound, application.round_id)
    return extras.extra_answers(application, extras.questions(round_)) if round_ else []


def files_for_panel(application: Application) -> list[Any]:
    return attachments.files_of(application=application)


# --------------------------------------------------------------------------- staff: the form


def _setup_page(
    round_: FundingRound,
    question_form: QuestionForm | None = None,
    document_form: DocumentForm | None = None,
    status: int = 200,
) -> Any:
    questions = extras.questions(round_)
    return render_template(
        "applications/form_setup.html",
        round=round_,
        questions=questions,
        documents=extras.documents(round_),
        question_form=question_form or QuestionForm(formdata=None),
        document_form=document_form or DocumentForm(formdata=None),
        remove_form=RemoveForm(),
        can_add_question=len(questions) < MAX_QUESTIONS,
        max_questions=MAX_QUESTIONS,
        suggestions=extras.DOCUMENT_SUGGESTIONS,
    ), status


@bp.route("/rounds/<int:round_id>/application-form")
@policy("staff")
def form_setup(round_id: int) -> Any:
    return _setup_page(round_or_404(round_id))


@bp.route("/rounds/<int:round_id>/application-form/questions", methods=["POST"])
@policy("staff")
def add_question(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    form = QuestionForm()
    if form.validate():
        try:
            extras.add_question(
                round_=round_,
                label=form.question.data or "",
                kind=form.kind.data or "",
                required=bool(form.required.data),
                hint=form.question_hint.data or "",
                options=(form.options.data or "").splitlines(),
                actor=current_user,
            )
        except services.ApplicationError as exc:
            db.session.rollback()
            form.question.errors = [str(exc)]
        else:
            db.session.commit()
            return redirect(url_for("applications.form_setup", round_id=round_.id))
    return _setup_page(round_, question_form=form, status=400)


@bp.route("/rounds/<int:round_id>/application-form/documents", methods=["POST"])
@policy("staff")
def add_document(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    form = DocumentForm()
    if form.validate():
        try:
            extras.add_document(
                round_=round_,
                label=form.document.data or "",
                required=bool(form.document_required.data),
                hint=form.document_hint.data or "",
                actor=current_user,
            )
        except services.ApplicationError as exc:
            db.session.rollback()
            form.document.errors = [str(exc)]
        else:
            db.session.commit()
            return redirect(url_for("applications.form_setup", round_id=round_.id))
    return _setup_page(round_, document_form=form, status=400)


@bp.route(
    "/rounds/<int:round_id>/application-form/questions/<int:question_id>/remove", methods=["POST"]
)
@policy("staff")
def remove_question(round_id: int, question_id: int) -> Any:
    return _remove(round_id, FormQuestion, question_id)


@bp.route(
    "/rounds/<int:round_id>/application-form/documents/<int:document_id>/remove", methods=["POST"]
)
@policy("staff")
def remove_document(round_id: int, document_id: int) -> Any:
    return _remove(round_id, FormDocument, document_id)


def _remove(round_id: int, model: type[FormQuestion] | type[FormDocument], item_id: int) -> Any:
    round_ = round_or_404(round_id)
    item = in_round_or_404(model, item_id, round_)
    if not RemoveForm().validate():
        return _setup_page(round_, status=400)
    extras.remove(item=item, actor=current_user)
    db.session.commit()
    return redirect(url_for("applications.form_setup", round_id=round_.id))


# --------------------------------------------------------------------------- the draft link


@bp.route("/apply/<slug>/continue/<token>")
@policy("public")
def continue_draft(slug: str, token: str) -> Any:
    """Swap the link's token for the draft in the session and leave this URL at once, so no
    history, log or Referer after the first visit holds the token."""
    round_ = published_round(slug)
    if round_ is None:
        return not_open()
    limited = drafts.visit_limited(address=client_address())
    db.session.commit()  # the visit counts, whatever the link
    if limited:
        current_app.logger.warning("draft link rate limit hit from %s", client_address())
        return render_template("applications/too_many.html", round=round_), 429
    draft = drafts.by_token(round_, token) if services.is_open(round_) else None
    if draft is None:
        response = Response(
            render_template("applications/draft_link_invalid.html", round=round_), 404
        )
        response.headers["Cache-Control"] = "no-store"
        return response
    session[DRAFT_SESSION] = {"id": draft.id, "round": round_.slug}
    return redirect(url_for("applications.apply", slug=round_.slug))


# --------------------------------------------------------------------------- downloads


@bp.route("/rounds/<int:round_id>/files/<int:attachment_id>")
@policy("member")
def attachment(round_id: int, attachment_id: int) -> Any:
    """An application's attached file, to staff and the round's panel (for an application that
    went to the panel), only ever as a download that cannot run in the browser."""
    round_ = round_for_member(round_id)
    file = attachments.attachment_in_round(round_, attachment_id)
    if file is None or file.application_id is None:
        abort(404)
    if not current_user.is_staff and (
        queries.eligible_application(round_.id, file.application_id) is None
    ):
        abort(404)
    response = Response(file.data, mimetype=attachments.content_type(file))
    response.headers["Content-Disposition"] = attachments.disposition(file.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response
