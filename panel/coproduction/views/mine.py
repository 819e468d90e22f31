"""A resident's own involvement record: see it, add to it, correct it, claim expenses.

Nobody but the person and staff ever sees a record: these pages only ever load the signed-in
person's own rows (an entry of anyone else's is a 404, as if it did not exist).
"""

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.access import policy
from panel.coproduction import bp
from panel.coproduction.forms import CorrectForm, total_minutes
from panel.coproduction.services import entries
from panel.coproduction.services.errors import CoproductionError
from panel.coproduction.views.common import claim_page, offscreen_page, record_page, show_refusal
from panel.extensions import db
from panel.models import ActivityKind, InvolvementEntry


def _resident() -> Any:
    if current_user.is_staff:
        abort(404)  # staff have no record of their own: their time is staff time
    return current_user._get_current_object()


@bp.route("/involvement")
@policy("signed_in")
def mine() -> Any:
    """Your involvement: your hours, what you did, your expenses and payments."""
    if current_user.is_staff:
        return redirect(url_for("coproduction.overview"))
    return record_page(current_user._get_current_object(), own=True)


@bp.route("/involvement/add", methods=["GET", "POST"])
@policy("signed_in")
def add_mine() -> Any:
    person = _resident()
    return offscreen_page(person, person, own=True, done=url_for("coproduction.mine"))


@bp.route("/involvement/expenses/new", methods=["GET", "POST"])
@policy("signed_in")
def claim_mine() -> Any:
    person = _resident()
    return claim_page(person, person, own=True, done=url_for("coproduction.mine"))


@bp.route("/involvement/entries/<int:entry_id>", methods=["GET", "POST"])
@policy("signed_in")
def correct(entry_id: int) -> Any:
    """Change how long an entry took: the person for their own, staff for anyone's."""
    entry = db.session.get(InvolvementEntry, entry_id)
    if entry is None or not entries.may_correct(entry, current_user):
        abort(404)
    own = not current_user.is_staff
    back = (
        url_for("coproduction.mine")
        if own or entry.person_id is None
        else url_for("coproduction.person", user_id=entry.person_id)
    )
    data = {"hours": entry.minutes // 60, "minutes": entry.minutes % 60}
    form = CorrectForm(data=data)
    status = 200
    if form.validate_on_submit():
        try:
            changed = entries.correct(entry=entry, minutes=total_minutes(form), actor=current_user)
        except CoproductionError as exc:
            show_refusal(form, exc)
            status = 400
        else:
            db.session.commit()
            flash("The time has been changed." if changed else "Nothing was changed.", "success")
            return redirect(back)
    elif form.errors:
        status = 400
    return render_template(
        "coproduction/correct.html",
        form=form,
        entry=entry,
        what=ActivityKind(entry.kind).label,
        own=own,
        back=back,
    ), status
