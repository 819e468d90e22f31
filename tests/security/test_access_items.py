"""docs/security.md items 1 to 4, 7 and 8 (access), with CSRF on: every POST here carries a valid
token, so only the server's own access checks can refuse it."""

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel.access import policy_of
from panel.extensions import db
from panel.models import (
    Application,
    Conflict,
    FundingRound,
    Review,
    Role,
    RoundMember,
    Score,
    Stage,
    User,
)
from tests.factories import gen_conflict, gen_export_job
from tests.panel.test_access import all_routes, argument_values
from tests.security.helpers import audit_count, csrf_token, post_form, sign_in, switch_to
from tests.worlds import ScoringWorld, gen_scoring_world, gen_worked_round, score_data

MakeRound = Callable[..., FundingRound]
MakeUser = Callable[..., User]


def count(model: Any) -> int:
    return int(db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one())


# --------------------------------------------------------------------------- item 1


@pytest.fixture
def route_world(make_user: MakeUser, make_round: MakeRound, staff: User) -> dict[str, Any]:
    """tests/panel/test_access.py's world: two rounds, their panellists and an outsider."""
    ours_member = make_user(Role.RESIDENT, name="Pat Panellist")
    other_member = make_user(Role.RESIDENT, name="Olu Other")
    outsider = make_user(Role.RESIDENT, name="Nell Nopanel")
    ours = make_round(members=(ours_member,))
    make_round(members=(other_member,))
    member_row = db.session.execute(
        db.select(RoundMember).where(RoundMember.round_id == ours.id)
    ).scalar_one()
    return {
        "staff": staff,
        "panellist": ours_member,
        "other_panellist": other_member,
        "outsider": outsider,
        "round": ours,
        "member": member_row,
    }


@pytest.mark.parametrize(
    "who", ["anonymous", "outsider", "other_panellist", "conflicted_panellist", "staff"]
)
def test_item_1_every_route_has_a_policy_and_is_walked_as_each_kind_of_person(
    app: Flask, route_world: dict[str, Any], who: str
) -> None:
    """Item 1: every route declares a policy; each is tried as anonymous, a resident, a panellist
    of another round, a conflicted panellist and staff (POSTs carry a valid CSRF token)."""
    routes = all_routes(app, route_world)  # also builds every area's objects in the round
    undeclared = [e for e, _, _ in routes if policy_of(app.view_functions[e]) is None]
    assert undeclared == []
    if who == "conflicted_panellist":  # on every application the walk's URLs name
        for application_id in argument_values(route_world, "application_id"):
            gen_conflict(db.session.get(Application, application_id), route_world["panellist"])
    client = app.test_client()
    person = {"conflicted_panellist": route_world["panellist"]}.get(who, route_world.get(who))
    if person is not None:
        assert sign_in(client, person).status_code == 302
    token = csrf_token(client, "/login" if person is None else "/")
    before = audit_count()
    checked = 0
    for endpoint, method, url in routes:
        name = policy_of(app.view_functions[endpoint])
        rule_args = next(r.arguments for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        if name in ("public", "anonymous", "signed_in"):
            continue
        if who == "staff" and method != "GET":
            continue  # staff may change things; their GETs are what is checked here
        own_form = name == "member" and method != "GET" and "application_id" not in rule_args
        if who == "conflicted_panellist" and own_form:
            continue  # their own round's forms: allowed, and would change things
        response = client.open(url, method=method, data={"csrf_token": token})
        checked += 1
        status = response.status_code
        if who == "anonymous":
            assert status == 302 and response.location.startswith("/login?next="), endpoint
        elif who in ("outsider", "other_panellist"):
            assert status == 404, (who, endpoint, method, status)
        elif who == "conflicted_panellist":
            if name == "staff" or "application_id" in rule_args:
                assert status == 404, (endpoint, method, status)
            else:
                assert status == 200, (endpoint, status)
        else:
            assert status == 200, (endpoint, status)
    assert checked > 20
    if who != "staff":  # (a staff download is audited)
        assert audit_count() == before  # nobody refused changed anything


# --------------------------------------------------------------------------- item 2


@pytest.fixture
def two_rounds(app: Flask, staff: User) -> dict[str, Any]:
    """Two worked rounds at the panel meeting; round B's text is marked so a leak shows."""
    a = gen_worked_round(staff)
    for letter, app in a["apps"].items():
        app.reference = f"ALPHA-{letter}"  # references are unique across rounds
    db.session.commit()
    b = gen_worked_round(staff)
    for letter, app in b["apps"].items():
        app.organisation_name = f"Bravo Secret Group {letter}"
        app.project_title = f"Bravo Secret Project {letter}"
        app.reference = f"BRAVO-{letter}"
    job = gen_export_job(b["round"], staff)
    job.content = b"PK Bravo Secret"
    db.session.commit()
    return {"a": a, "b": b, "job_id": job.id}


def test_item_2_a_panellist_of_round_a_gets_404_for_everything_of_round_b(
    client: FlaskClient, two_rounds: dict[str, Any]
) -> None:
    """Item 2: applications, scores, results and exports of another round are 404 on GET and
    POST, through round B's URLs and through round A's URLs with round B's ids."""
    a, b = two_rounds["a"], two_rounds["b"]
    ra, rb = a["round"].id, b["round"].id
    b_app = b["apps"]["C"].id
    panellist = a["panel"][0]  # submitted every review of round A: may see A's results
    sign_in(client, panellist)
    assert "ALPHA-F" in client.get(f"/rounds/{ra}/results").get_data(as_text=True)
    gets = [
        f"/rounds/{rb}",
        f"/rounds/{rb}/applications",
        f"/rounds/{rb}/applications/{b_app}",
        f"/rounds/{rb}/scoring",
        f"/rounds/{rb}/scoring/{b_app}",
        f"/rounds/{rb}/scoring/{b_app}/conflict",
        f"/rounds/{rb}/results",
        f"/rounds/{rb}/results?sort=mean",
        f"/rounds/{rb}/results/{b_app}",
        f"/rounds/{rb}/meeting",
        f"/rounds/{rb}/export",
        f"/rounds/{rb}/export/xlsx",
        f"/rounds/{rb}/export/csv",
        f"/rounds/{rb}/export/feedback",
        f"/rounds/{rb}/export/jobs/{two_rounds['job_id']}",
        f"/rounds/{rb}/export/jobs/{two_rounds['job_id']}/download",
        # Round A's URLs with round B's objects in them.
        f"/rounds/{ra}/applications/{b_app}",
        f"/rounds/{ra}/scoring/{b_app}",
        f"/rounds/{ra}/scoring/{b_app}/conflict",
        f"/rounds/{ra}/results/{b_app}",
        f"/rounds/{ra}/export/jobs/{two_rounds['job_id']}/download",
    ]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Bravo Secret" not in response.data and b"BRAVO-" not in response.data, url
    reviews, scores, conflicts, events = count(Review), count(Score), count(Conflict), audit_count()
    scores_form = {"action": "submit", "version": "0"}
    for c in [*a["rubric"].scored, *b["rubric"].scored]:
        scores_form[f"score_{c.id}"] = "5"
    posts = [
        (f"/rounds/{rb}/scoring/{b_app}", scores_form),
        (f"/rounds/{ra}/scoring/{b_app}", scores_form),
        (f"/rounds/{rb}/scoring/{b_app}/conflict", {"kind": "member"}),
        (f"/rounds/{ra}/scoring/{b_app}/conflict", {"kind": "member"}),
        (f"/rounds/{rb}/export", {"fmt": "xlsx"}),
        (f"/rounds/{rb}/applications/{b_app}/withdraw", {"reason": "x"}),
        (f"/rounds/{rb}/meeting/{b_app}/note", {"body": "x"}),
        (f"/rounds/{rb}/decisions/{b_app}", {"outcome": "fund", "reason": "x"}),
    ]
    for url, data in posts:
        response = post_form(client, url, data)
        assert response.status_code == 404, url
        assert b"Bravo Secret" not in response.data, url
    assert (count(Review), count(Score), count(Conflict), audit_count()) == (
        reviews,
        scores,
        conflicts,
        events,
    )


def test_item_2_staff_get_404_for_another_rounds_object_through_this_rounds_url(
    client: FlaskClient, staff: User, two_rounds: dict[str, Any]
) -> None:
    """Item 2: every object is checked against the round in the URL, even for staff."""
    ra = two_rounds["a"]["round"].id
    rb = two_rounds["b"]["round"].id
    b_app = two_rounds["b"]["apps"]["C"].id
    sign_in(client, staff)
    assert client.get(f"/rounds/{rb}/results/{b_app}").status_code == 200  # it exists
    for url in (
        f"/rounds/{ra}/applications/{b_app}",
        f"/rounds/{ra}/applications/{b_app}/edit",
        f"/rounds/{ra}/scoring/{b_app}",
        f"/rounds/{ra}/results/{b_app}",
        f"/rounds/{ra}/decisions/{b_app}",
        f"/rounds/{ra}/meeting/{b_app}/note",
        f"/rounds/{ra}/export/jobs/{two_rounds['job_id']}",
        f"/rounds/{ra}/export/jobs/{two_rounds['job_id']}/download",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Bravo Secret" not in response.data, url
    events = audit_count()
    response = post_form(client, f"/rounds/{ra}/meeting/{b_app}/note", {"body": "moved"})
    assert response.status_code == 404 and audit_count() == events


# --------------------------------------------------------------------------- item 3


@pytest.fixture
def world(app: Flask, staff: User) -> ScoringWorld:
    return gen_scoring_world(staff)


def test_item_3_a_panellist_cannot_read_or_change_another_panellists_review_by_id(
    client: FlaskClient, world: ScoringWorld
) -> None:
    """Item 3: another panellist's review cannot be read or changed by changing an id; hidden
    panellist_id, round_id, review_id and entered_by_id fields are ignored."""
    pat, olu = world.panellists[:2]
    app_url = f"/rounds/{world.round.id}/scoring/{world.applications[0].id}"
    switch_to(client, olu)
    olu_data = score_data(world, [1, 2, 3], "draft", overall_comment="Private draft note by Olu")
    assert post_form(client, app_url, olu_data).status_code == 302
    olu_review = db.session.execute(db.select(Review)).scalar_one()
    olu_version = olu_review.version
    switch_to(client, pat)
    own_page = client.get(app_url).get_data(as_text=True)
    assert "Private draft note by Olu" not in own_page
    for url in (f"{app_url}/for/{olu.id}", f"/rounds/{world.round.id}/scoring/sheet/{olu.id}"):
        response = client.get(url)
        assert response.status_code == 404 and b"Private draft note" not in response.data
    assert post_form(client, f"{app_url}/for/{olu.id}", score_data(world, [5, 5, 5])).status_code
    data = score_data(
        world,
        [4, 4, 4],
        overall_comment="Pat's own",
        panellist_id=str(olu.id),
        round_id="999",
        review_id=str(olu_review.id),
        entered_by_id=str(world.staff.id),
    )
    assert post_form(client, app_url, data).status_code == 302
    db.session.refresh(olu_review)
    assert olu_review.version == olu_version and olu_review.status == "draft"
    assert olu_review.overall_comment == "Private draft note by Olu"
    assert sorted(s.value for s in olu_review.scores) == [1, 2, 3]
    pats = db.session.execute(db.select(Review).where(Review.panellist_id == pat.id)).scalar_one()
    assert pats.round_id == world.round.id and pats.entered_by_id is None
    assert sorted(s.value for s in pats.scores) == [4, 4, 4]
    switch_to(client, world.staff)  # the note is there to be seen, by staff
    assert "Private draft note by Olu" in client.get(app_url).get_data(as_text=True)


# --------------------------------------------------------------------------- item 4


@pytest.fixture
def conflicted(app: Flask, staff: User) -> dict[str, Any]:
    """The worked round; Panellist 4 is recused on A, whose text is marked so a leak shows."""
    worked = gen_worked_round(staff)
    a = worked["apps"]["A"]
    a.reference, a.organisation_name, a.project_title = "REF-CONFLICT", "Org Conflict", "Proj X"
    db.session.commit()
    return worked


MARKS = ("REF-CONFLICT", "Org Conflict", "Proj X")


def test_item_4_a_conflicted_panellist_gets_404_on_that_applications_pages(
    client: FlaskClient, conflicted: dict[str, Any]
) -> None:
    """Item 4: 404 on the conflicted application's score, conflict and results pages (GET and
    POST); it is not in their queue of applications to score."""
    round_id = conflicted["round"].id
    a_id = conflicted["apps"]["A"].id
    p4 = conflicted["panel"][3]
    sign_in(client, p4)
    for url in (
        f"/rounds/{round_id}/scoring/{a_id}",
        f"/rounds/{round_id}/scoring/{a_id}/conflict",
        f"/rounds/{round_id}/results/{a_id}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert not any(mark.encode() in response.data for mark in MARKS), url
    before = (count(Review), count(Conflict), audit_count())
    for url, data in (
        (f"/rounds/{round_id}/scoring/{a_id}", {"action": "submit", "version": "1"}),
        (f"/rounds/{round_id}/scoring/{a_id}/conflict", {"kind": "family"}),
    ):
        assert post_form(client, url, data).status_code == 404, url
    assert (count(Review), count(Conflict), audit_count()) == before
    queue = client.get(f"/rounds/{round_id}/scoring").get_data(as_text=True)
    assert f"/scoring/{a_id}" not in queue  # no link to score it or declare on it
    assert "stepped back from" in queue  # it is listed only as their own declaration


def test_item_4_a_conflicted_application_is_left_out_of_every_figure_they_see(
    client: FlaskClient, staff: User, conflicted: dict[str, Any]
) -> None:
    """Items 4 and 29: the results table (every sort), the chart, the meeting agenda and other
    applications' pages leave the application out; no funding suggestion is shown; exports 404."""
    round_id = conflicted["round"].id
    apps = conflicted["apps"]
    sign_in(client, staff)
    staff_page = client.get(f"/rounds/{round_id}/results").get_data(as_text=True)
    assert "REF-CONFLICT" in staff_page and "£10,500" in staff_page  # F, A and B fit
    switch_to(client, conflicted["panel"][3])
    pages = {}
    for sort in ("rank", "reference", "organisation", "amount", "reviews", "mean", "sd", "range"):
        for direction in ("", "&dir=desc"):
            url = f"/rounds/{round_id}/results?sort={sort}{direction}"
            pages[url] = client.get(url)
    pages["meeting"] = client.get(f"/rounds/{round_id}/meeting")
    for letter in "BCDEF":
        pages[letter] = client.get(f"/rounds/{round_id}/results/{apps[letter].id}")
    for name, response in pages.items():
        page = response.get_data(as_text=True)
        assert response.status_code == 200, name
        for mark in MARKS:
            assert mark not in page, (name, mark)
        assert f"/results/{apps['A'].id}" not in page, name
    results = pages[f"/rounds/{round_id}/results?sort=rank"].get_data(as_text=True)
    assert "Group F" in results and "Group B" in results
    assert "£10,500" not in results  # the suggestion's total would include A's £4,000
    # Where the budget runs out depends on A too, so no funding line is shown (item 29).
    assert "fit within the budget" not in results
    assert "the funding line is not shown to you" in results
    for url in (f"/rounds/{round_id}/export/xlsx", f"/rounds/{round_id}/export/csv"):
        assert client.get(url).status_code == 404


# --------------------------------------------------------------------------- item 7


def test_item_7_a_removed_panellist_and_a_deactivated_account_are_refused_at_once(
    app: Flask, client: FlaskClient, staff: User, world: ScoringWorld
) -> None:
    """Item 7: a removed panellist and a deactivated account are refused on the very next
    request, a form already open included; nothing is saved."""
    pat, olu = world.panellists[:2]
    url = f"/rounds/{world.round.id}/scoring/{world.applications[0].id}"
    staff_client = app.test_client()
    sign_in(staff_client, staff)
    sign_in(client, pat)
    token = csrf_token(client, url)  # Pat has the scoring form open
    member = db.session.execute(
        db.select(RoundMember).where(RoundMember.user_id == pat.id)
    ).scalar_one()
    response = post_form(staff_client, f"/rounds/{world.round.id}/panel/{member.id}/remove")
    assert response.status_code == 302
    assert client.get(url).status_code == 404
    saved = client.post(url, data={**score_data(world, [3, 3, 3]), "csrf_token": token})
    assert saved.status_code == 404
    assert client.get(f"/rounds/{world.round.id}").status_code == 404
    # Deactivation: the next request is signed out, the open form saves nothing.
    olu_client = app.test_client()
    sign_in(olu_client, olu)
    token = csrf_token(olu_client, url)
    response = post_form(staff_client, f"/people/{olu.id}/active?to=off")
    assert response.status_code == 302
    refused = olu_client.post(url, data={**score_data(world, [3, 3, 3]), "csrf_token": token})
    assert refused.status_code == 302 and refused.location.startswith("/login")
    assert olu_client.get("/").status_code == 302
    assert count(Review) == 0


# --------------------------------------------------------------------------- item 8


def test_item_8_once_scoring_closes_changes_are_refused_with_409_and_nothing_changes(
    client: FlaskClient, world: ScoringWorld
) -> None:
    """Item 8: after scoring closes (round decided, or the deadline passed) a score change is
    refused with 409; the review, its scores and the audit log are unchanged."""
    pat = world.panellists[0]
    url = f"/rounds/{world.round.id}/scoring/{world.applications[0].id}"
    sign_in(client, pat)
    assert post_form(client, url, score_data(world, [4, 2, 3])).status_code == 302
    review = db.session.execute(db.select(Review)).scalar_one()
    world.round.stage = Stage.DECIDED
    db.session.commit()
    events = audit_count()
    response = post_form(client, url, score_data(world, [0, 0, 0], version=1, reason="changed"))
    assert response.status_code == 409
    db.session.refresh(review)
    assert review.version == 1 and sorted(s.value for s in review.scores) == [2, 3, 4]
    assert audit_count() == events
    # A draft after the deadline, while the round is still at scoring.
    from datetime import UTC, datetime, timedelta

    world.round.stage = Stage.SCORING
    world.round.scoring_deadline = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    other = f"/rounds/{world.round.id}/scoring/{world.applications[1].id}"
    response = post_form(client, other, score_data(world, [1, 1, 1], "draft"))
    assert response.status_code == 409
    assert count(Review) == 1 and audit_count() == events
    assert db.session.get(Application, world.applications[1].id) is not None
