"""A conflicted panellist learns nothing about the application hidden from them (item 29).

The test changes only the hidden application's scores and fetches every page the panellist can
open, before and after: nothing they can see may move.
"""

import itertools
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import Application, Conflict, Criterion, Review, Score, User
from panel.results import services
from tests.conftest import AuthActions

# Values for the URL rules' parameters, filled in from the world by _values.
NOT_A_PAGE = {"static"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.found.append(href)


def _links(base: str, page: str) -> list[str]:
    parser = _Links()
    parser.feed(page)
    out = []
    for href in parser.found:
        url = urlsplit(urljoin(base, href))
        if url.netloc not in ("", "localhost") or url.path.startswith("/static/"):
            continue
        out.append(url.path + (f"?{url.query}" if url.query else ""))
    return out


def _values(world: dict[str, Any]) -> dict[str, list[Any]]:
    round_ = world["round"]
    ids = lambda model: list(  # noqa: E731
        db.session.execute(db.select(model.id).where(model.round_id == round_.id)).scalars()
    )
    return {
        "round_id": [round_.id],
        "application_id": ids(Application),
        "criterion_id": ids(Criterion) or [1],
        "conflict_id": ids(Conflict),
        "user_id": [p.id for p in world["panel"]],
        "import_id": [1],
        "job_id": [1],
        "boundary_id": [1],
        "fmt": ["xlsx", "csv", "feedback"],
        "slug": [round_.slug],
        "token": ["not-a-token"],
    }


def _every_page(client: FlaskClient, app: Flask, world: dict[str, Any]) -> dict[str, str]:
    """Every GET route filled with every id of the round, then every link those pages show."""
    values = _values(world)
    queue: list[str] = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_A_PAGE:
            continue
        names = sorted(rule.arguments)
        # An id this world does not know (a new area's) is tried as 1: a 404 is a page too.
        for combo in itertools.product(*(values.get(n, [1]) for n in names)):
            queue.append(rule.build(dict(zip(names, combo, strict=True)))[1])
    pages: dict[str, str] = {}
    while queue:
        url = queue.pop(0)
        if url in pages or url in ("/logout",):
            continue
        response = client.get(url)
        body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        # A download is compared by its bytes; a page by its text without the CSRF token.
        if response.mimetype != "text/html":
            body = repr(response.get_data())
        body = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', 'name="csrf_token"', body)
        pages[url] = f"{response.status_code} {response.headers.get('Location', '')}\n{body}"
        if response.status_code == 200 and response.mimetype == "text/html":
            queue.extend(u for u in _links(url, body) if u not in pages)
    return pages


def _change_hidden_scores(world: dict[str, Any], reference: str, value: int) -> None:
    """Every other panellist's scores of the hidden application become `value`; nothing else."""
    application = world["apps"][reference]
    reviews = list(
        db.session.execute(
            db.select(Review).where(Review.application_id == application.id)
        ).scalars()
    )
    assert reviews
    for review in reviews:
        for score in db.session.execute(
            db.select(Score).where(Score.review_id == review.id)
        ).scalars():
            score.value = value
        review.version += 1  # as every save of scores does (scoring.services.reviews)
    db.session.commit()


@pytest.mark.parametrize("rank_by", ["mean", "calibrated"])
def test_changing_only_the_hidden_applications_scores_changes_nothing_its_panellist_sees(
    app: Flask, client: FlaskClient, worked: dict[str, Any], staff: User, rank_by: str
) -> None:
    """Item 29: a panellist conflicted on A sees the same pages, byte for byte, whether the
    panel scored A at the top or at the bottom: ranks, agreement, calibrated figures, the
    funding line and the chart never move. Staff, the control, do see the change."""
    worked["round"].rank_by = rank_by
    worked["round"].calibrate = True
    db.session.commit()
    p4 = worked["panel"][3]  # declared a conflict on A; scored every other application
    AuthActions(client).login(p4)
    before = _every_page(client, app, worked)
    assert len(before) > 40
    opened = [u for u, page in before.items() if page.startswith("200")]
    assert f"/rounds/{worked['round'].id}/results" in opened
    assert f"/rounds/{worked['round'].id}/meeting" in opened
    assert not any("Group A" in page for page in before.values())

    staff_client = app.test_client()
    AuthActions(staff_client).login(staff)
    staff_before = staff_client.get(f"/rounds/{worked['round'].id}/results").get_data(as_text=True)

    _change_hidden_scores(worked, "A", 0)
    after = _every_page(client, app, worked)

    assert after.keys() == before.keys()
    changed = [url for url in before if before[url] != after[url]]
    assert changed == [], changed
    staff_after = staff_client.get(f"/rounds/{worked['round'].id}/results").get_data(as_text=True)
    assert staff_after != staff_before  # the change is real: staff see it


def test_the_conflicted_view_is_remembered_beside_the_full_one(
    app: Flask, worked: dict[str, Any]
) -> None:
    """Item 29: the analysis without the hidden application is worked out once and remembered
    beside the round's full analysis; panellists with the same hidden set share it; a change
    to the round makes both fresh."""
    store = services.analyses()
    p4, p5 = worked["panel"][3], worked["panel"][4]  # p4 recused on A; p5 on nothing
    full = services.compute(worked["round"])
    theirs = services.compute(worked["round"], hide_for=p4)
    assert store.computed == 2
    assert services.compute(worked["round"], hide_for=p4).result is theirs.result
    assert services.compute(worked["round"], hide_for=p5).result is full.result
    assert services.compute(worked["round"]).result is full.result
    assert store.computed == 2
    assert [r.reference for r in theirs.result.applications] == ["F", "E", "C", "B", "D"]
    assert "A" not in theirs.applications
    # Nothing of A is counted in their figures.
    a_id = worked["apps"]["A"].id
    assert not any(theirs.reviews[i][1] == a_id for i in theirs.counted)
    _change_hidden_scores(worked, "A", 1)
    again = services.compute(worked["round"], hide_for=p4)
    assert again.result == theirs.result  # a fresh analysis, the same figures
    assert store.computed == 3
