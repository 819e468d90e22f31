"""The group's pages, reached by a private link without an account: accept the offer, send the
end-of-grant report. Every request counts towards a per-address limit; a wrong, used or expired
link gets a plain page."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app, make_response, redirect, render_template, request, session, url_for

from panel.access import policy
from panel.extensions import db
from panel.forms import PanelForm
from panel.grants import bp, links, reports, services
from panel.grants.forms import AcceptForm, ReportForm
from panel.models import Grant, GrantLink

# How long opening a link lets its page be used before the link must be opened again.
VISIT_MINUTES = 120
PAGES = {"accept": "grants.accept", "report": "grants.report"}


def _address() -> str:
    return request.remote_addr or "unknown"


def _plain(message: str, status: int) -> Any:
    response = make_response(render_template("grants/link_invalid.html", message=message), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _too_many() -> Any | None:
    """The limit's answer when this address has used private links too often, else None."""
    if links.rate_limited(address=_address()):
        db.session.commit()
        current_app.logger.warning("grant link rate limit hit from %s", _address())
        return _plain(
            "You have tried this too many times in the last hour. Wait an hour, then try again.",
            429,
        )
    return None


def _visit(purpose: str) -> tuple[GrantLink, Grant] | Any:
    """The link this browser opened for `purpose`, and its grant; a plain page otherwise."""
    visit = session.get("grant_link") or {}
    if visit.get("purpose") != purpose or visit.get("until", 0) < datetime.now(UTC).timestamp():
        return _plain(links.INVALID, 410)
    try:
        link = links.link_by_id(int(visit["id"]), purpose)
    except (links.LinkInvalid, KeyError, ValueError):
        session.pop("grant_link", None)
        return _plain(links.INVALID, 410)
    grant = db.session.get(Grant, link.grant_id)
    if grant is None:
        return _plain(links.INVALID, 410)
    return link, grant


@bp.route("/grant/<token>")
@policy("public")
def open_link(token: str) -> Any:
    """Swap the token for a session value and leave this address at once (no history, log or
    Referer keeps the token)."""
    refused = _too_many()
    if refused is not None:
        return refused
    try:
        link = links.link_for_token(token)
    except links.LinkInvalid as exc:
        db.session.commit()  # the attempt counts
        return _plain(str(exc), 410)
    until = datetime.now(UTC) + timedelta(minutes=VISIT_MINUTES)
    session["grant_link"] = {"id": link.id, "purpose": link.purpose, "until": until.timestamp()}
    db.session.commit()
    response = redirect(url_for(PAGES[link.purpose]))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/grant/accept", methods=["GET", "POST"])
@policy("public")
def accept() -> Any:
    found = _visit("accept")
    if not isinstance(found, tuple):
        return found
    link, grant = found
    form = AcceptForm()
    status = 200
    if request.method == "POST":
        answer = _submit(
            form,
            "accept",
            lambda: services.accept_offer(
                link=link, grant=grant, name=form.name.data or "", role=form.role.data or ""
            ),
        )
        if answer is not None:
            return answer
        status = 400
    application = grant.application
    return render_template(
        "grants/accept.html", form=form, grant=grant, application=application
    ), status


@bp.route("/grant/report", methods=["GET", "POST"])
@policy("public")
def report() -> Any:
    found = _visit("report")
    if not isinstance(found, tuple):
        return found
    link, grant = found
    form = ReportForm()
    status = 200
    if request.method == "POST":
        answer = _submit(
            form,
            "report",
            lambda: reports.submit_report(
                link=link, grant=grant, values=form.values(), photos=form.photo_bytes()
            ),
        )
        if answer is not None:
            return answer
        status = 400
    return render_template(
        "grants/report.html",
        form=form,
        grant=grant,
        application=grant.application,
        earlier=reports.report_of(grant.id),
        max_photos=reports.MAX_PHOTOS,
        photo_kb=reports.PHOTO_MAX_BYTES // 1024,
    ), status


def _submit(form: PanelForm, purpose: str, save: Callable[[], object]) -> Any | None:
    """A link page's POST: refused past the address's limit; saved and done when the form is
    valid and the service takes it; otherwise None, with the problems on the form. Either way
    the attempt counts towards the limit."""
    refused = _too_many()
    if refused is not None:
        return refused
    if form.validate_on_submit():
        try:
            save()
        except services.GrantError as exc:
            db.session.rollback()
            form.show_problems(exc.problems)
        else:
            return _done(purpose)
    db.session.commit()  # the attempt counts, whatever was typed
    return None


def _done(purpose: str) -> Any:
    """The link's work is saved: the visit ends (the session forgets the link) and the group
    sees what was done."""
    db.session.commit()
    session.pop("grant_link", None)
    session["grant_done"] = purpose
    return redirect(url_for("grants.link_done"))


@bp.route("/grant/done")
@policy("public")
def link_done() -> Any:
    done = session.get("grant_done")
    if done not in PAGES:
        return _plain(links.INVALID, 410)
    return render_template("grants/link_done.html", done=done)
