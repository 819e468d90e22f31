"""Blind scoring (docs/security.md item 5), coverage for staff, paper sheets and query counts."""

import re

from flask.testing import FlaskClient

from panel.scoring.services.blind import may_see_others, others_reviews
from panel.scoring.services.lookups import find_review
from panel.scoring.services.progress import coverage
from tests.conftest import CountQueries
from tests.factories import gen_application
from tests.pages import without_tokens
from tests.panel.scoring.conftest import (
    ScoringWorld,
    score_data,
    sign_in_as,
)

SECRET = "Private view from Olu: the budget is padded"


def score_url(world: ScoringWorld, n: int = 0) -> str:
    return f"/rounds/{world.round.id}/scoring/{world.applications[n].id}"


def olu_scores_first(client: FlaskClient, world: ScoringWorld) -> None:
    sign_in_as(client, world.panellists[1])
    data = score_data(world, [1, 1, 1], overall_comment=SECRET)
    data[f"comment_{world.criteria[0].id}"] = "Criterion note from Olu"
    assert client.post(score_url(world), data=data).status_code == 302


def others_section(page: str) -> str:
    return page.split("How the panel scored this</h2>")[1].split("</main>")[0]


def test_before_submitting_a_panellist_sees_nothing_of_others_scores_anywhere(
    client: FlaskClient, world: ScoringWorld
) -> None:
    """Item 5: before submitting, nothing shows others' scores or comments."""
    olu_scores_first(client, world)
    pat = world.panellists[0]
    sign_in_as(client, pat)
    pages = [
        client.get(score_url(world)).get_data(as_text=True),
        client.get(f"/rounds/{world.round.id}/scoring").get_data(as_text=True),
        client.get(f"{score_url(world)}/conflict").get_data(as_text=True),
        client.get(f"/rounds/{world.round.id}").get_data(as_text=True),
    ]
    for page in pages:
        assert SECRET not in page and "Criterion note from Olu" not in page
    # (The round page lists the panel by name; the scoring pages do not mention others.)
    for page in pages[:3]:
        assert "Olu" not in without_tokens(page)
    assert (
        "you will see how other panellists scored this application after you submit" in (pages[0])
    )
    # A draft is not enough.
    client.post(score_url(world), data=score_data(world, [4, None, None], "draft"))
    page = without_tokens(client.get(score_url(world)).get_data(as_text=True))
    assert SECRET not in page and "Olu" not in page
    # The service itself refuses, whatever a template might do.
    assert others_reviews(round_=world.round, application=world.applications[0], viewer=pat) == []
    # Nothing leaks through the staff-only routes either.
    for path in ("coverage", "conflicts", f"scoring/sheet/{pat.id}"):
        assert client.get(f"/rounds/{world.round.id}/{path}").status_code == 404


def test_a_review_passed_in_as_the_viewers_own_must_be_theirs_for_that_application(
    client: FlaskClient, world: ScoringWorld
) -> None:
    """The scoring page passes the review it has just read as the viewer's own (to save a
    query); anyone else's review, or one of another application, is never taken for it."""
    olu_scores_first(client, world)
    pat, olu = world.panellists[0], world.panellists[1]
    first, second = world.applications[0], world.applications[1]
    olus = find_review(application_id=first.id, panellist_id=olu.id)
    assert olus is not None and olus.status == "submitted"
    kwargs = {"round_": world.round, "viewer": pat, "application": first}
    assert not may_see_others(**kwargs, own=olus)
    assert others_reviews(**kwargs, own=olus) == []
    assert not may_see_others(**kwargs, own=None)
    # Pat submits the second application only: that review does not open the first.
    sign_in_as(client, pat)
    assert client.post(score_url(world, 1), data=score_data(world, [4, 4, 4])).status_code == 302
    pats_second = find_review(application_id=second.id, panellist_id=pat.id)
    assert pats_second is not None and pats_second.status == "submitted"
    assert not may_see_others(**kwargs, own=pats_second)
    assert may_see_others(round_=world.round, viewer=pat, application=second, own=pats_second)
    assert others_reviews(**kwargs, own=pats_second) == []


def test_after_submitting_they_see_how_the_panel_scored_it_by_first_name(
    client: FlaskClient, world: ScoringWorld
) -> None:
    """Item 5: submitting opens only that application's scores."""
    olu_scores_first(client, world)
    sign_in_as(client, world.panellists[0])
    client.post(score_url(world), data=score_data(world, [4, 4, 4]))
    page = client.get(score_url(world)).get_data(as_text=True)
    section = others_section(page)
    assert SECRET in section and "Criterion note from Olu" in section
    assert '<span class="comment__author">Olu</span>' in section
    assert "Olu Other" not in section  # first names only for panellists
    assert "Community benefit: <strong>1</strong>" in section
    # Their own scores are not repeated as "others".
    assert "Pat" not in section
    # Other applications stay blind.
    sign_in_as(client, world.panellists[1])
    client.post(score_url(world, 1), data=score_data(world, [2, 2, 2], overall_comment="App2 note"))
    sign_in_as(client, world.panellists[0])
    assert "App2 note" not in client.get(score_url(world, 1)).get_data(as_text=True)


def test_with_blind_scoring_off_others_scores_show_at_any_time(
    client: FlaskClient,
    make_scoring_round,  # type: ignore[no-untyped-def]
) -> None:
    world = make_scoring_round(blind_scoring=False)
    olu_scores_first(client, world)
    sign_in_as(client, world.panellists[0])
    page = client.get(score_url(world)).get_data(as_text=True)
    assert SECRET in others_section(page)


def test_staff_always_see_everyone_with_full_names_and_drafts(
    client: FlaskClient, world: ScoringWorld
) -> None:
    olu_scores_first(client, world)
    sign_in_as(client, world.panellists[2])
    client.post(score_url(world), data=score_data(world, [3, None, None], "draft"))
    sign_in_as(client, world.staff)
    page = client.get(score_url(world)).get_data(as_text=True)
    assert SECRET in page and "Olu Other" in page and "Kim Third" in page
    assert "Draft" in page and "Not started" in page


def test_my_scoring_order_and_counts_ignore_other_panellists_scores(
    client: FlaskClient,
    make_scoring_round,  # type: ignore[no-untyped-def]
) -> None:
    """Item 5: the queue's order and counts ignore others' scores."""
    world = make_scoring_round(applications=3)
    olu = world.panellists[1]
    sign_in_as(client, olu)
    # Olu scores app3 highest and app1 lowest: nothing Pat sees may follow that order.
    for n, value in ((0, 0), (1, 3), (2, 5)):
        client.post(score_url(world, n), data=score_data(world, [value] * 3))
    sign_in_as(client, world.panellists[0])
    page = client.get(f"/rounds/{world.round.id}/scoring").get_data(as_text=True)
    titles = re.findall(r'<h3 class="card__title"><a[^>]*>([^<]+)</a>', page)
    assert titles == ["Project 1", "Project 2", "Project 3"]  # by reference
    assert "0 of 3 submitted" in page
    assert "Olu" not in without_tokens(page)
    # The page does not show how many others have scored each application either.
    assert "1 of 3" not in page and "of 3 submitted" in page


def test_coverage_shows_each_cell_in_words_and_counts_against_the_quorum(
    client: FlaskClient,
    make_scoring_round,  # type: ignore[no-untyped-def]
) -> None:
    world = make_scoring_round(panellists=3, applications=2, quorum=2)
    pat, olu, kim = world.panellists
    sign_in_as(client, pat)
    client.post(score_url(world, 0), data=score_data(world, [3, 3, 3]))
    client.post(score_url(world, 1), data=score_data(world, [3, None, None], "draft"))
    sign_in_as(client, olu)
    client.post(score_url(world, 0), data=score_data(world, [3, 3, 3]))
    client.post(f"{score_url(world, 1)}/conflict", data={"kind": "member"})
    sign_in_as(client, world.staff)
    page = client.get(f"/rounds/{world.round.id}/coverage").get_data(as_text=True)
    rows = re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)
    app_rows = [r for r in rows if "Project" in r]
    tags = [re.findall(r'class="tag[^"]*">([^<]+)<', r) for r in app_rows]
    # Columns follow the panel list (by name): Kim, Olu, Pat.
    assert tags == [["Not started", "Submitted", "Submitted"], ["Not started", "Conflict", "Draft"]]
    assert "2 of 2" in app_rows[0] and "needs" not in app_rows[0]
    assert "0 of 2" in app_rows[1] and "(needs 2 more)" in app_rows[1]
    assert "1 of 2 applications does not have enough scores yet" in " ".join(page.split())
    cover = coverage(world.round)
    assert cover.per_application == {world.applications[0].id: 2}
    assert dict(cover.per_panellist[pat.id]) == {"submitted": 1, "draft": 1}
    assert dict(cover.per_panellist[olu.id]) == {"submitted": 1, "conflict": 1}
    assert dict(cover.per_panellist[kim.id]) == {}
    assert f'href="/rounds/{world.round.id}/scoring/sheet/{kim.id}"' in page


def test_the_paper_sheet_has_the_criteria_descriptors_and_a_box_per_criterion_per_application(
    client: FlaskClient, world: ScoringWorld
) -> None:
    pat = world.panellists[0]
    sign_in_as(client, pat)
    client.post(f"{score_url(world, 2)}/conflict", data={"kind": "member"})
    sign_in_as(client, world.staff)
    page = client.get(f"/rounds/{world.round.id}/scoring/sheet/{pat.id}").get_data(as_text=True)
    assert "Scoring sheet for Pat Panellist" in page
    for criterion in world.criteria:
        assert criterion.title in page and criterion.description in page
    assert "Clear benefit to a few households" in page
    cards = re.findall(r'<div class="print-card print-page-break">(.*?)</table>', page, flags=re.S)
    assert [re.search(r"Project \d", c).group(0) for c in cards] == ["Project 1", "Project 2"]
    for card in cards:
        assert card.count("data-score-box") == len(world.criteria)
    assert "declared a conflict of interest" in page and world.applications[2].reference in page
    assert "no-print" in page
    # No contact details on paper either.
    assert world.applications[0].contact_email not in page


def queries_for(client: FlaskClient, count_queries: CountQueries, path: str) -> int:
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


def test_coverage_and_my_scoring_make_the_same_number_of_queries_for_more_applications(
    client: FlaskClient,
    make_scoring_round,  # type: ignore[no-untyped-def]
    count_queries: CountQueries,
) -> None:
    world = make_scoring_round(panellists=3, applications=2)
    pat = world.panellists[0]
    sign_in_as(client, pat)
    client.post(score_url(world, 0), data=score_data(world, [3, 3, 3]))
    client.post(f"{score_url(world, 1)}/conflict", data={"kind": "member"})
    mine = queries_for(client, count_queries, f"/rounds/{world.round.id}/scoring")
    sign_in_as(client, world.staff)
    cover = queries_for(client, count_queries, f"/rounds/{world.round.id}/coverage")
    for n in range(3, 13):
        world.applications.append(gen_application(world.round, n))
    sign_in_as(client, world.panellists[1])
    for n in range(2, 8):
        client.post(score_url(world, n), data=score_data(world, [2, 2, 2]))
    sign_in_as(client, pat)
    assert queries_for(client, count_queries, f"/rounds/{world.round.id}/scoring") == mine
    sign_in_as(client, world.staff)
    assert queries_for(client, count_queries, f"/rounds/{world.round.id}/coverage") == cover
    assert cover < 20 and mine < 20
