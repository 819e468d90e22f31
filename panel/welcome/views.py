"""The welcome a new panellist reads first, agreeing to the code of conduct, and staff's list of
who has agreed."""

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.access import policy
from panel.auth.views import safe_next
from panel.extensions import db
from panel.forms import ConfirmForm
from panel.fund import services as fund
from panel.fund import times
from panel.models import User
from panel.models.person import CONTACT_WAY_LABELS
from panel.welcome import bp, conduct, people
from panel.welcome.forms import AgreeForm


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    """For templates other areas own: the home page's welcome box, the person page's record."""
    return {
        "must_agree": conduct.must_agree,
        "conduct_agreement": conduct.agreement_of,
        "person_details": people.details_of,
        "contact_way_labels": {str(k): v for k, v in CONTACT_WAY_LABELS.items()},
    }


def code_lines(text: str) -> list[tuple[str, list[str]]]:
    """The code of conduct as paragraphs, each with the list lines ("- ...") that follow it."""
    blocks: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(("- ", "* ")):
            if not blocks:
                blocks.append(("", []))
            blocks[-1][1].append(stripped[2:].strip())
        else:
            blocks.append((stripped, []))
    return blocks


@bp.route("/welcome")
@policy("signed_in")
def welcome() -> Any:
    minutes = times.all_minutes()
    return render_template(
        "welcome/welcome.html",
        text=fund.welcome(),
        tasks=[
            (kind, times.about(key, minutes[key]))
            for key, kind in times.KINDS.items()
            if kind.on_welcome
        ],
        agreement=conduct.agreement_of(current_user),
    )


@bp.route("/welcome/code-of-conduct", methods=["GET", "POST"])
@policy("signed_in")
def code_of_conduct() -> Any:
    text, number = fund.code_of_conduct()
    agreement = conduct.agreement_of(current_user)
    form = AgreeForm()
    going_on = safe_next(request.args.get("next"))
    if agreement is None and not current_user.is_staff and form.validate_on_submit():
        try:
            conduct.agree(actor=current_user, accepted=bool(form.accept.data))
        except conduct.ConductError as exc:
            db.session.rollback()
            form.accept.errors = [*form.accept.errors, str(exc)]
        else:
            db.session.commit()
            flash("Thank you. You have agreed to the code of conduct.", "success")
            return redirect(going_on or url_for("rounds.home"))
    status = 400 if form.errors else 200
    return render_template(
        "welcome/code_of_conduct.html",
        blocks=code_lines(text),
        number=number,
        confidential=fund.welcome().welcome_confidential,
        agreement=agreement,
        form=form,
        going_on=going_on,
    ), status


@bp.route("/people/code-of-conduct")
@policy("staff")
def agreements() -> Any:
    standings = conduct.standings()
    return render_template(
        "welcome/agreements.html",
        standings=standings,
        waiting=sum(1 for s in standings if s.agreement is None),
        form=ConfirmForm(),
    )


@bp.route("/people/<int:user_id>/agreed-on-paper", methods=["POST"])
@policy("staff")
def agreed_on_paper(user_id: int) -> Any:
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            conduct.record_on_paper(person=person, actor=current_user)
        except conduct.ConductError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"{person.display_name}'s agreement on paper is recorded.", "success")
    return redirect(url_for("welcome.agreements"))
