"""Sign-in, sign-out, password links, and the staff's people pages."""

from datetime import UTC, datetime, timedelta
from typing import Any, cast
from urllib.parse import urlsplit

from flask import (
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from panel.access import policy
from panel.auth import bp
from panel.auth import services as accounts
from panel.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    PersonForm,
    SearchForm,
    SetPasswordForm,
)
from panel.auth.passwords import verify_password
from panel.database import commit_keeping_loaded
from panel.extensions import db
from panel.forms import ConfirmForm
from panel.messages.outbox import mail_configured
from panel.models import Role, User


def safe_next(target: str | None) -> str | None:
    """Accept only a local path for `next=`: "/x", never "//host", "/\\host" or a scheme."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def client_address() -> str:
    return request.remote_addr or "unknown"


def start_session(user: User) -> None:
    """Sign `user` in on a fresh session: nothing kept before (a planted cookie's contents, the
    CSRF token a page had before sign-in) carries over; the next page gets a new token."""
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF's copy of this request's token
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@policy("anonymous")
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("rounds.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                email=cast(str, form.email.data),
                password=cast(str, form.password.data),
                address=client_address(),
            )
        except accounts.AccountError as exc:
            db.session.commit()  # keep the failure row that throttling counts
            error = str(exc)
        else:
            accounts.clear_failures(email=user.email)
            # Keeps the account as this transaction read it: signing in and the response's
            # headers then read nothing again (on SQLite, no second write lock for that).
            commit_keeping_loaded()
            start_session(user)
            return redirect(safe_next(request.args.get("next")) or url_for("rounds.home"))
    status = 400 if (form.errors or error) else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@policy("signed_in")
def logout() -> Any:
    form = ConfirmForm()
    if form.validate_on_submit():
        accounts.end_sessions(current_user)
        db.session.commit()
        logout_user()
        flash("You have signed out.", "success")
        return redirect(url_for("auth.login"))
    return redirect(url_for("rounds.home"))


# How long a visit to a password link lets its page be used before the link must be opened again.
LINK_VISIT = timedelta(minutes=60)
OPEN_AGAIN = "Open the link from your email or message again. If it has stopped working, ask a \
member of staff for a new one."


def no_store(response: Any, status: int | None = None) -> Response:
    """The response, kept by no cache and not by the browser's history either."""
    made = make_response(response) if status is None else make_response(response, status)
    made.headers["Cache-Control"] = "no-store"
    return made


@bp.route("/set-password/<token>")
@policy("public")
def open_link(token: str) -> Any:
    """Swap the token for a short-lived session value and leave this URL at once: after the first
    visit no access log, history or Referer holds the token."""
    try:
        link = accounts.link_for_token(token)
    except accounts.LinkInvalid as exc:
        return no_store(render_template("auth/link_invalid.html", message=str(exc)), 410)
    until = datetime.now(UTC) + LINK_VISIT
    session["password_link"] = {"id": link.id, "until": until.timestamp()}
    return no_store(redirect(url_for("auth.set_password")))


@bp.route("/set-password", methods=["GET", "POST"])
@policy("public")
def set_password() -> Any:
    visit = session.get("password_link") or {}
    if not visit or float(visit.get("until", 0)) < datetime.now(UTC).timestamp():
        session.pop("password_link", None)
        return no_store(render_template("auth/link_invalid.html", message=OPEN_AGAIN), 410)
    try:
        link = accounts.link_by_id(int(visit["id"]))
    except accounts.LinkInvalid as exc:
        session.pop("password_link", None)
        return no_store(render_template("auth/link_invalid.html", message=str(exc)), 410)
    user = link.user
    form = SetPasswordForm(email=user.email, name=user.display_name)
    if form.validate_on_submit():
        accounts.set_password(user=user, password=cast(str, form.password.data), link=link)
        db.session.commit()
        start_session(user)  # the link's session value goes with the rest
        flash("Your password is set. You are signed in.", "success")
        if link.purpose == "invite" and not user.is_staff:
            return redirect(url_for("welcome.welcome"))  # a new panellist reads the welcome first
        return redirect(url_for("rounds.home"))
    status = 400 if form.errors else 200
    page = render_template("auth/set_password.html", form=form, user=user, link=link)
    return no_store(page, status)


@bp.route("/forgot-password", methods=["GET", "POST"])
@policy("public")
def forgot_password() -> Any:
    """Email a link to choose a new password; the same answer whether or not the address has
    an account. Without a mail server, the page says to ask staff."""
    form = ForgotPasswordForm()
    if mail_configured() and form.validate_on_submit():
        accounts.request_reset(email=cast(str, form.email.data), address=client_address())
        db.session.commit()
        return render_template("auth/forgot_sent.html", message=accounts.RESET_SENT)
    status = 400 if form.errors else 200
    page = render_template("auth/forgot_password.html", form=form, can_email=mail_configured())
    return page, status


@bp.route("/account/password", methods=["GET", "POST"])
@policy("signed_in")
def change_password() -> Any:
    form = ChangePasswordForm(email=current_user.email, name=current_user.display_name)
    if form.validate_on_submit():
        ok, _ = verify_password(current_user.password_hash, cast(str, form.current.data))
        if not ok:
            form.current.errors = ["Your current password is not right"]
        else:
            accounts.set_password(user=current_user, password=cast(str, form.password.data))
            db.session.commit()
            start_session(current_user._get_current_object())  # this device stays signed in
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("rounds.home"))
    status = 400 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status


@bp.route("/people")
@policy("staff")
def people() -> Any:
    search = SearchForm(request.args)
    found = accounts.search_people(search.q.data or "")
    return render_template("auth/people.html", people=found, search=search)


@bp.route("/people/new", methods=["GET", "POST"])
@policy("staff")
def new_person() -> Any:
    form = PersonForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                email=cast(str, form.email.data),
                display_name=cast(str, form.display_name.data),
                role=Role(form.role.data),
                actor=current_user,
            )
        except accounts.AccountError as exc:
            form.email.errors = [str(exc)]
        else:
            issued = accounts.issue_link(user=user, purpose="invite", actor=current_user)
            db.session.commit()
            return render_template("auth/link_issued.html", person=user, url=issued.url, new=True)
    status = 400 if form.errors else 200
    return render_template("auth/new_person.html", form=form), status


def _person_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/people/<int:user_id>")
@policy("staff")
def person(user_id: int) -> Any:
    user = _person_or_404(user_id)
    return render_template("auth/person.html", person=user, form=ConfirmForm())


@bp.route("/people/<int:user_id>/link", methods=["POST"])
@policy("staff")
def reissue_link(user_id: int) -> Any:
    user = _person_or_404(user_id)
    form = ConfirmForm()
    if not form.validate_on_submit() or not user.active:
        flash("No link was made. Reload the page and try again.", "info")
        return redirect(url_for("auth.person", user_id=user.id))
    purpose = "reset" if user.password_hash else "invite"
    issued = accounts.issue_link(user=user, purpose=purpose, actor=current_user)
    db.session.commit()
    return render_template("auth/link_issued.html", person=user, url=issued.url, new=False)


@bp.route("/people/<int:user_id>/active", methods=["POST"])
@policy("staff")
def set_active(user_id: int) -> Any:
    user = _person_or_404(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        make_active = request.args.get("to") == "on"
        try:
            accounts.set_active(user=user, active=make_active, actor=current_user)
        except accounts.AccountError as exc:
            flash(str(exc), "info")
        else:
            db.session.commit()
            word = "reactivated" if make_active else "deactivated"
            flash(f"{user.display_name}'s account has been {word}.", "success")
    return redirect(url_for("auth.person", user_id=user.id))
