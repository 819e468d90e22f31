"""Every form that carries a version refuses a missing or blank one with 400 (item 40).

A stale-edit check that a blank version switches off is no check: each form's version is read
by one shared field, panel.forms.VersionField, and each form is tried here without one.
"""

import importlib
import pkgutil
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm

import panel
from panel.extensions import db
from panel.forms import VersionField
from panel.models import Decision, MeetingNote, Review, Role, User
from tests.conftest import AuthActions
from tests.factories import gen_criterion, gen_decision
from tests.panel.applications.test_staff_pages import _edit_data
from tests.panel.codesign.conftest import form_data
from tests.worlds import gen_scoring_world, gen_worked_round, score_data

VERSION_0 = re.compile(r'<input type="hidden" name="version" value="0">')
NOT_A_VERSION = [None, "", "   ", "one", "-1", "1.5", "١"]  # None: the field is left out


@pytest.fixture
def worked(app: Flask, staff: User) -> dict[str, Any]:
    """The worked panel at the Panel meeting stage (references "A" to "F")."""
    return gen_worked_round(staff)


def _post_each(client: FlaskClient, url: str, data: dict[str, Any]) -> list[int]:
    """The status of each post of `data` with a missing, blank or malformed version."""
    statuses = []
    for version in NOT_A_VERSION:
        sent = {k: v for k, v in data.items() if k != "version"}
        if version is not None:
            sent["version"] = version
        statuses.append(client.post(url, data=sent).status_code)
    return statuses


def test_a_decision_with_a_blank_version_is_refused_and_never_overwrites_a_newer_one(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    """Item 40: a stale decision form with version="" once overwrote a newer decision."""
    application = worked["apps"]["B"]
    gen_decision(application, staff, outcome="decline", reason="Second")
    decision = db.session.execute(db.select(Decision)).scalar_one()
    decision.version = 2
    db.session.commit()
    AuthActions(client).login(staff)
    url = f"/rounds/{worked['round'].id}/decisions/{application.id}"
    data = {"outcome": "fund", "reason": "Stale", "version": "1"}
    assert _post_each(client, url, data) == [400] * len(NOT_A_VERSION)
    db.session.refresh(decision)
    assert (decision.reason, decision.version) == ("Second", 2)
    assert client.post(url, data=data).status_code == 409  # the control: a stale version
    assert client.post(url, data={**data, "version": "2"}).status_code == 302
    db.session.refresh(decision)
    assert (decision.reason, decision.version) == ("Stale", 3)


def test_a_first_decision_is_sent_with_version_0(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    """Item 40: the form for an application with no decision yet carries version 0, and a
    form that says a decision existed when none does is stale."""
    AuthActions(client).login(staff)
    url = f"/rounds/{worked['round'].id}/decisions/{worked['apps']['C'].id}"
    assert VERSION_0.search(client.get(url).get_data(as_text=True))
    data = {"outcome": "decline", "reason": "First"}
    assert _post_each(client, url, data) == [400] * len(NOT_A_VERSION)
    assert client.post(url, data={**data, "version": "3"}).status_code == 409
    assert db.session.execute(db.select(Decision)).first() is None
    assert client.post(url, data={**data, "version": "0"}).status_code == 302


def test_a_meeting_note_with_a_blank_version_is_refused(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    """Item 40: meeting notes: a missing or blank version is a 400, the note unchanged."""
    AuthActions(client).login(staff)
    url = f"/rounds/{worked['round'].id}/meeting/{worked['apps']['C'].id}/note"
    assert VERSION_0.search(client.get(url).get_data(as_text=True))
    assert client.post(url, data={"body": "First", "version": "0"}).status_code == 302
    assert _post_each(client, url, {"body": "Overwrite"}) == [400] * len(NOT_A_VERSION)
    note = db.session.execute(db.select(MeetingNote)).scalar_one()
    assert (note.body, note.version) == ("First", 1)


def test_a_review_with_a_blank_version_is_refused(client: FlaskClient, staff: User) -> None:
    """Item 40: the scoring form: a missing version is not taken as "no review yet"."""
    world = gen_scoring_world(staff)
    pat = world.panellists[0]
    AuthActions(client).login(pat)
    url = f"/rounds/{world.round.id}/scoring/{world.applications[0].id}"
    data = score_data(world, [3, 3, 3])
    assert _post_each(client, url, data) == [400] * len(NOT_A_VERSION)
    assert db.session.execute(db.select(Review)).first() is None
    assert client.post(url, data=data).status_code == 302  # the control: version "0"


def test_an_application_edit_with_a_blank_version_is_refused(
    client: FlaskClient, staff: User, make_round: Callable[..., Any]
) -> None:
    """Item 40: staff's edit of an application's answers."""
    from tests.factories import gen_application

    round_ = make_round()
    application = gen_application(round_, 1)
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/applications/{application.id}/edit"
    data = _edit_data(application, project_title="Changed")
    assert _post_each(client, url, data) == [400] * len(NOT_A_VERSION)
    db.session.refresh(application)
    assert application.project_title == "Project 1" and application.version == 1
    assert client.post(url, data=data).status_code == 302


def test_a_criterion_edit_with_a_blank_version_is_refused(
    client: FlaskClient, make_user: Callable[..., User], make_round: Callable[..., Any]
) -> None:
    """Item 40: a resident's edit of a proposed criterion."""
    resident = make_user(Role.RESIDENT)
    round_ = make_round(members=(resident,))
    criterion = gen_criterion(round_, resident, "Will it last?")
    AuthActions(client).login(resident)
    url = f"/rounds/{round_.id}/criteria/{criterion.id}/edit"
    data = form_data("Will it last?", description="Changed.", version="1")
    assert _post_each(client, url, data) == [400] * len(NOT_A_VERSION)
    db.session.refresh(criterion)
    assert criterion.version == 1
    assert client.post(url, data=data).status_code == 302


def _every_form_class() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(panel.__path__, "panel."):
        importlib.import_module(module.name)
    found: list[type[FlaskForm]] = []
    queue = list(FlaskForm.__subclasses__())
    while queue:
        form = queue.pop()
        found.append(form)
        queue.extend(form.__subclasses__())
    return found


def test_every_versioned_form_reads_its_version_through_the_shared_field(app: Flask) -> None:
    """Item 40: every form of the app with a version field uses VersionField, whose `sent()`
    is the only way a view reads it."""
    versioned = {
        form.__qualname__: getattr(form, "version").field_class  # noqa: B009
        for form in _every_form_class()
        if form.__module__.startswith("panel.") and hasattr(form, "version")
    }
    assert {"DecisionForm", "NoteForm", "EditForm", "ReviewFormBase"} <= set(versioned)
    assert {"CriterionFormBase", "AdoptFormBase"} <= set(versioned)
    wrong = {
        name: field for name, field in versioned.items() if not issubclass(field, VersionField)
    }
    assert wrong == {}
