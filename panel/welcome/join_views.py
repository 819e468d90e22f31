""" "Join in": the public page where a resident asks to take part, and staff's list of requests,
each turned into an invitation in one step or closed."""

from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from panel.access import policy
from panel.extensions import db
from panel.forms import ConfirmForm
from panel.fund import services as fund
from panel.models import JoinRequest, JoinStatus
from panel.welcome import bp, join
from panel.welcome.forms import CONTACT_CHOICES, InviteForm, JoinForm


def client_address() -> str:
    return request.remote_addr or "unknown"


@bp.route("/join", methods=["GET", "POST"])
@policy("public")
def join_in() -> Any:
    form = JoinForm()
    if request.method == "POST":
        if join.rate_limited(address=client_address()):
            current_app.logger.warning("join-in rate limit hit from %s", client_address())
            return render_template("welcome/join_too_many.html"), 429
        if request.form.get("website"):
            # A bot filled in the hidden field: it sees the usual thanks; nothing is kept.
            current_app.logger.warning("join-in honeypot filled from %s", client_address())
            join.note_attempt(address=client_address())
            db.session.commit()
            session["join_sent"] = True
            return redirect(url_for("welcome.join_thanks"))
        if form.validate_on_submit():
            try:
                join.request_to_join(details=form.details())
            except join.JoinError as exc:
                db.session.rollback()
                form.show_problems(exc.problems)
            else:
                join.note_attempt(address=client_address())
                db.session.commit()
                session["join_sent"] = True
                return redirect(url_for("welcome.join_thanks"))
    status = 400 if form.errors else 200
    return render_template(
        "welcome/join.html", form=form, contact=fund.welcome(), choices=CONTACT_CHOICES
    ), status


@bp.route("/join/thanks")
@policy("public")
def join_thanks() -> Any:
    if not session.get("join_sent"):
        return redirect(url_for("welcome.join_in"))
    return render_template("welcome/join_thanks.html", contact=fund.welcome())


# ------------------------------------------------------------------ staff


def _request_or_404(request_id: int) -> JoinRequest:
    found = db.session.get(JoinRequest, request_id)
    if found is None:
        abort(404)
    return found


@bp.route("/people/join-requests")
@policy("staff")
def join_requests() -> Any:
    return render_template(
        "welcome/join_requests.html", waiting=join.waiting(), handled=join.handled_count()
    )


@bp.route("/people/join-requests/<int:request_id>", methods=["GET", "POST"])
@policy("staff")
def join_request(request_id: int) -> Any:
    found = _request_or_404(request_id)
    form = InviteForm(
        data=None if request.method == "POST" else {"name": found.name, "email": found.email}
    )
    if found.status == JoinStatus.NEW and form.validate_on_submit():
        try:
            issued = join.invite(
                request=found,
                name=form.name.data or "",
                email=form.email.data or "",
                actor=current_user,
            )
        except join.JoinError as exc:
            db.session.rollback()
            form.show_problems(exc.problems)
        else:
            db.session.commit()
            return render_template(
                "auth/link_issued.html", person=issued.link.user, url=issued.url, new=True
            )
    status = 400 if form.errors else 200
    return render_template(
        "welcome/join_request.html", found=found, form=form, decline_form=ConfirmForm()
    ), status


@bp.route("/people/join-requests/<int:request_id>/decline", methods=["POST"])
@policy("staff")
def decline(request_id: int) -> Any:
    found = _request_or_404(request_id)
    if ConfirmForm().validate_on_submit():
        try:
            join.decline(request=found, actor=current_user)
        except join.JoinError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash("The request is closed and the person's details are erased.", "success")
    return redirect(url_for("welcome.join_requests"))
