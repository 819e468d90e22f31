"""The staff's outbox: email, letters to print and calls to make; sending again; previews."""

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.access import policy, round_or_404
from panel.extensions import db
from panel.forms import ConfirmForm
from panel.messages import bp
from panel.messages import staff as outbox_staff
from panel.messages.forms import WordingForm
from panel.messages.outbox import MessageError
from panel.messages.wording import KINDS, LINK_MARK, fill
from panel.models import FundingRound, Message


def _message_or_404(message_id: int) -> Message:
    message = db.session.get(Message, message_id)
    if message is None:
        abort(404)
    return message


@bp.route("/outbox")
@policy("staff")
def outbox() -> Any:
    rounds = db.session.execute(
        db.select(FundingRound).order_by(FundingRound.id.desc()).limit(20)
    ).scalars()
    return render_template(
        "messages/outbox.html",
        box=outbox_staff.outbox(),
        form=ConfirmForm(),
        link_mark=LINK_MARK,
        rounds=list(rounds),
    )


@bp.route("/outbox/<int:message_id>")
@policy("staff")
def message(message_id: int) -> Any:
    found = _message_or_404(message_id)
    return render_template("messages/message.html", message=found, form=ConfirmForm())


@bp.route("/outbox/letters")
@policy("staff")
def letters() -> Any:
    """The print queue: one letter a page."""
    return render_template("messages/letters.html", letters=outbox_staff.outbox().letters)


@bp.route("/outbox/<int:message_id>/resend", methods=["POST"])
@policy("staff")
def resend(message_id: int) -> Any:
    found = _message_or_404(message_id)
    if ConfirmForm().validate_on_submit():
        try:
            outbox_staff.resend(message=found, actor=current_user)
        except MessageError as exc:
            flash(str(exc), "info")
        else:
            db.session.commit()
            flash(f"The message to {found.to_name} will be sent again.", "success")
    return redirect(url_for("messages.outbox"))


@bp.route("/outbox/<int:message_id>/done", methods=["POST"])
@policy("staff")
def done(message_id: int) -> Any:
    found = _message_or_404(message_id)
    if ConfirmForm().validate_on_submit():
        try:
            outbox_staff.mark_done(message=found, actor=current_user)
        except MessageError as exc:
            flash(str(exc), "info")
        else:
            db.session.commit()
            flash(f"Marked done: the message to {found.to_name}.", "success")
    return redirect(url_for("messages.outbox"))


SAMPLE = {
    "name": "Sam Resident",
    "fund": "the Community Fund",
    "round": "Spring 2027",
    "deadline": "5pm on Friday 12 March 2027",
    "expires": "5pm on Friday 12 March 2027",
    "url": "https://panel.example.org/rounds/1",
    "left": "3 reviews",
    "reference": "CF27-0001",
    "project": "Community garden",
    "organisation": "Friends of the Park",
    "outcome": "Fund in full",
    "amount": "Amount awarded: £1,500.00",
    "reason": "Reason: a strong, well-supported plan.",
    "due": "31 August 2027",
    "feedback": "What the panel said about your application:\n\nReviewer 1:\nOverall: A "
    "well-loved project.",
    "link": LINK_MARK,
}


@bp.route("/outbox/kinds")
@policy("staff")
def kinds() -> Any:
    """Preview each kind of message, with made-up details."""
    previews = [
        {
            "kind": name,
            "label": kind.label,
            "subject": fill(kind.subject, SAMPLE),
            "text": fill(kind.text, SAMPLE).replace(
                LINK_MARK, "https://panel.example.org/set-password/…"
            ),
        }
        for name, kind in KINDS.items()
    ]
    return render_template("messages/kinds.html", previews=previews)


@bp.route("/rounds/<int:round_id>/messages")
@policy("staff")
def round_messages(round_id: int) -> Any:
    """What each kind of message says in this round, each with a link to change it."""
    round_ = round_or_404(round_id)
    wordings = outbox_staff.round_wordings(round_)
    return render_template(
        "messages/round_messages.html", round=round_, wordings=wordings, kinds=KINDS
    )


@bp.route("/rounds/<int:round_id>/messages/<kind>", methods=["GET", "POST"])
@policy("staff")
def edit_wording(round_id: int, kind: str) -> Any:
    round_ = round_or_404(round_id)
    if kind not in KINDS:
        abort(404)
    subject, text, _ = outbox_staff.round_wordings(round_)[kind]
    form = WordingForm(data={"subject": subject, "text": text})
    if form.validate_on_submit():
        try:
            outbox_staff.save_wording(
                round_=round_,
                kind=kind,
                subject=str(form.subject.data),
                text=str(form.text.data),
                actor=current_user,
            )
        except MessageError as exc:
            form.text.errors = [str(exc)]
        else:
            db.session.commit()
            flash(f"The wording of “{KINDS[kind].label}” is saved for this round.", "success")
            return redirect(url_for("messages.round_messages", round_id=round_.id))
    shown = outbox_staff.preview(
        str(form.subject.data or ""), str(form.text.data or ""), {**SAMPLE, "round": round_.name}
    )
    status = 400 if form.errors else 200
    page = render_template(
        "messages/edit_wording.html", round=round_, kind=KINDS[kind], form=form, preview=shown
    )
    return page, status
