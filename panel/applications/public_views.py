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
from panel.applications import bp, repeats, services
from panel.applications.forms import ORGANISATION_TYPE_HINTS, ApplyForm
from panel.extensions import db
from panel.ideas.queries import ideas_for_round
from panel.models import FundingRound
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
    form = ApplyForm()
    if request.method == "GET":
        form.submission_key.data = secrets.token_urlsafe(24)
    else:
        if not services.is_submission_key(form.submission_key.data or ""):
            # Not a key this form made (too long for its column, or odd characters): nothing is
            # saved, and the form comes back holding every answer, with a fresh key.
            form.submission_key.data = secrets.token_urlsafe(24)
            form.form_errors.append(
                "Nothing was sent. Check your answers, then send the form again."
            )
            return _form_page(round_, form, 400)
        existing = services.by_submission_key(form.submission_key.data)
        if existing is not None and existing.round_id == round_.id:
            return _sent(round_, existing.reference)  # the same form sent twice
        # The same answers from this browser within the hour (Back, then Send again): the first
        # reference, nothing saved and nothing counted.
        now, fp = utcnow(), repeats.fingerprint(round_.id, form.data)
        earlier = repeats.earlier_reference(session.get(repeats.SENT_KEY), fp, now)
        if earlier is not None:
            return _sent(round_, earlier, again=True)
        if not repeats.limit_lifted(
            session.get(repeats.LIFT_KEY), round_, now
        ) and services.rate_limited(address=client_address(), content_hash=fp):
            current_app.logger.warning("application rate limit hit from %s", client_address())
            return render_template("applications/too_many.html", round=round_), 429
        if form.website.data:
            # A bot filled in the hidden field: it sees the usual confirmation; nothing is saved.
            current_app.logger.warning("application honeypot filled from %s", client_address())
            services.note_attempt(address=client_address())
            db.session.commit()
            # A made-up reference in the real format, so the bot learns nothing from it.
            return _sent(round_, services.reference_for(round_, secrets.randbelow(9000) + 1000))
        values = form.check(round_)
        if values is not None:
            try:
                application = services.create_application(
                    round_=round_,
                    values=values,
                    source="online",
                    actor=None,
                    submission_key=form.submission_key.data or secrets.token_urlsafe(24),
                )
            except services.ApplicationError as exc:
                db.session.rollback()
                form.form_errors.append(str(exc))
            else:
                services.note_attempt(address=client_address(), content_hash=fp)
                db.session.commit()
                session[repeats.SENT_KEY] = repeats.remember(
                    session.get(repeats.SENT_KEY), fp, application.reference, now
                )
                return _sent(round_, application.reference)
    return _form_page(round_, form, 400 if form.errors else 200)


def _form_page(round_: FundingRound, form: ApplyForm, status: int) -> Any:
    return render_template(
        "applications/apply.html",
        round=round_,
        form=form,
        type_hints=ORGANISATION_TYPE_HINTS,
        ideas=ideas_for_round(round_.id),
    ), status


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
