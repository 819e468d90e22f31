"""A person's record, for staff: how to reach them, their access needs and languages; erasable."""

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.access import policy
from panel.extensions import db
from panel.forms import ConfirmForm
from panel.models import User
from panel.welcome import bp, people
from panel.welcome.forms import DetailsForm


def _person_or_404(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    return person


@bp.route("/people/<int:user_id>/record", methods=["GET", "POST"])
@policy("staff")
def person_record(user_id: int) -> Any:
    person = _person_or_404(user_id)
    held = people.details_of(person)
    data = None
    if request.method != "POST" and held is not None:
        data = {
            "phone": held.phone,
            "preferred_contact": held.preferred_contact or None,
            "access_needs": held.access_needs,
            "languages": held.languages,
        }
    form = DetailsForm(data=data)
    if form.validate_on_submit():
        try:
            changed = people.save(person=person, details=form.details(), actor=current_user)
        except people.DetailsError as exc:
            db.session.rollback()
            form.show_problems(exc.problems)
        else:
            db.session.commit()
            flash(
                f"{person.display_name}'s record has been saved."
                if changed
                else "Nothing changed.",
                "success",
            )
            return redirect(url_for("auth.person", user_id=person.id))
    status = 400 if form.errors else 200
    return render_template(
        "welcome/person_record.html", person=person, form=form, held=held, erase_form=ConfirmForm()
    ), status


@bp.route("/people/<int:user_id>/record/erase", methods=["POST"])
@policy("staff")
def erase_record(user_id: int) -> Any:
    person = _person_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        erased = people.erase(person=person, actor=current_user)
        db.session.commit()
        flash(
            f"{person.display_name}'s contact details, access needs and languages are erased."
            if erased
            else "Nothing was held, so nothing was erased.",
            "success",
        )
    return redirect(url_for("auth.person", user_id=person.id))
