"""The staff's outbox: email, letters to print and calls to make; sending again; previews."""

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.access import policy
from panel.extensions import db
from panel.forms import ConfirmForm
from panel.messages import bp
from panel.messages import staff as outbox_staff
from panel.messages.outbox import MessageError
from panel.messages.wording import KINDS, LINK_MARK, fill
from panel.models import Message


def _message_or_404(message_id: int) -> Message:
    message = db.session.get(Message, message_id)
    if message is None:
        abort(404)
    return message


@bp.route("/outbox")
@policy("staff")
def outbox() -> Any:
    return render_template(
        "messages/outbox.html", box=outbox_staff.outbox(), form=ConfirmForm(), link_mark=LINK_MARK
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
