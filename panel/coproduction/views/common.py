"""Helpers the co-production views share: loading a person or an object, and showing a refusal
beside its field. Part of the web layer (views only)."""

from typing import Any

from flask import abort

from panel.coproduction.forms import NOT_A_ROUND
from panel.coproduction.services.errors import CoproductionError
from panel.extensions import db
from panel.forms import PanelForm, choices
from panel.models import FundingRound, Role, User
from panel.rounds.services import rounds_for


def resident_or_404(user_id: int) -> User:
    """A resident's account (staff pages about someone's record), or 404."""
    person = db.session.get(User, user_id)
    if person is None or person.role != Role.RESIDENT:
        abort(404)
    return person


def show_refusal(form: PanelForm, exc: CoproductionError) -> None:
    """Put the service's message by the field it is about, or at the top of the form."""
    target = form._fields.get(exc.field)
    if target is not None:
        target.errors = [str(exc)]
    else:
        form.form_errors.append(str(exc))


def round_choices(form_field: Any, user: User, *, label: str = "Not for one round") -> None:
    """The rounds someone may pick: staff any round, a resident the panels they are on."""
    rounds = rounds_for(user)
    form_field.choices = choices((NOT_A_ROUND, label), *((r.id, r.name) for r in rounds))


def chosen_round(round_id: int | None, user: User) -> FundingRound | None:
    """The round picked in a form, if it is one the person may pick (else none)."""
    if not round_id:
        return None
    allowed = {r.id: r for r in rounds_for(user)}
    found = allowed.get(round_id)
    if found is None:
        abort(400)
    return found


def record_page(person: User, *, own: bool) -> Any:
    """A person's involvement record: for them ("Your involvement") or for staff."""
    from flask import render_template

    from panel.coproduction.charts import hours
    from panel.coproduction.services.person import person_record, tax_year_label

    return render_template(
        "coproduction/record.html",
        record=person_record(person),
        own=own,
        hours=hours,
        tax_year_label=tax_year_label,
    )


def offscreen_page(person: User, actor: User, *, own: bool, done: str) -> Any:
    """The "add something that happened off-screen" form, for the person or by staff for them."""
    from flask import flash, redirect, render_template, request

    from panel.coproduction.forms import OffscreenForm, total_minutes
    from panel.coproduction.services import entries
    from panel.models import ActivityKind, CoproStage

    form = OffscreenForm()
    round_choices(form.round_id, actor)
    if form.validate_on_submit():
        try:
            entries.add_offscreen(
                person=person,
                kind=ActivityKind(form.kind.data),
                happened_on=form.happened_on.data,
                minutes=total_minutes(form),
                note=form.note.data or "",
                round_=chosen_round(form.round_id.data, actor),
                stage=CoproStage(form.stage.data) if form.stage.data else None,
                actor=actor,
            )
        except CoproductionError as exc:
            show_refusal(form, exc)
        else:
            db.session.commit()
            flash(
                "Added to the involvement record." if not own else "Added to your record.",
                "success",
            )
            return redirect(done)
    status = 400 if request.method == "POST" else 200  # a good POST has redirected
    return render_template(
        "coproduction/offscreen.html", form=form, person=person, own=own, back=done
    ), status


def claim_page(person: User, actor: User, *, own: bool, done: str) -> Any:
    """The expense claim form, for the person or by staff for them."""
    from flask import flash, redirect, render_template, request

    from panel.coproduction.forms import ExpenseForm
    from panel.coproduction.services import expenses
    from panel.models import ExpenseKind

    form = ExpenseForm()
    round_choices(form.round_id, actor)
    if form.validate_on_submit():
        try:
            expenses.claim(
                person=person,
                kind=ExpenseKind(form.kind.data),
                amount_pence=form.amount.data,
                spent_on=form.spent_on.data,
                note=form.note.data or "",
                round_=chosen_round(form.round_id.data, actor),
                actor=actor,
            )
        except CoproductionError as exc:
            show_refusal(form, exc)
        else:
            db.session.commit()
            flash(
                "The claim has been sent to staff." if own else "The claim has been recorded.",
                "success",
            )
            return redirect(done)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "coproduction/claim.html", form=form, person=person, own=own, back=done
    ), status
