"""The scoring page: a form built from the rubric, drafts, submission, revisions, stale forms."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy.exc import IntegrityError

from panel.extensions import db
from panel.models import AuditEvent, Review, ReviewStatus, Score, Stage
from tests.factories import gen_application
from tests.panel.scoring.conftest import ScoringWorld, score_data, sign_in_as


def url(world: ScoringWorld, n: int = 0) -> str:
    return f"/rounds/{world.round.id}/scoring/{world.applications[n].id}"


def reviews() -> list[Review]:
    return list(db.session.execute(db.select(Review).order_by(Review.id)).scalars())


def audit(action: str) -> list[AuditEvent]:
    return list(
        db.session.execute(
            db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).scalars()
    )


def checked(page: str, criterion_id: int) -> int | None:
    """The level ticked for a criterion on the page, or None."""
    found = re.findall(
        rf'<input(?=[^>]*\schecked[\s>])[^>]*name="score_{criterion_id}"[^>]*value="(\d+)"', page
    )
    assert len(found) <= 1
    return int(found[0]) if found else None


def values(review: Review) -> list[int | None]:
    return [s.value for s in sorted(review.scores, key=lambda s: s.rubric_criterion_id)]


def test_the_form_has_one_radio_group_per_scored_criterion_with_each_levels_descriptor(
    client: FlaskClient, world: ScoringWorld
) -> None:
    sign_in_as(client, world.panellists[0])
    page = client.get(url(world)).get_data(as_text=True)
    for criterion in world.criteria:
        radios = re.findall(rf'<input[^>]*name="score_{criterion.id}"[^>]*>', page)
        assert len(radios) == 6, criterion.title  # levels 0 to 5
        assert criterion.title in page and criterion.description in page
        assert f'id="comment_{criterion.id}"' in page
    # The eligibility criterion is not scored by the panel.
    assert "Based in our area" not in page
    # Each level carries the descriptor the panel wrote for it, tied to its radio.
    first = world.criteria[0].id
    assert f'aria-describedby="score_{first}-3-item-hint"' in page
    assert re.search(
        rf'id="score_{first}-3-item-hint"[^>]*>Clear benefit to a few households<', page
    )
    assert "data-warn-unsaved" in page
    assert 'name="version"' in page and 'value="0"' in page


def test_panellists_see_the_application_without_its_contact_details(
    client: FlaskClient, world: ScoringWorld
) -> None:
    """Item 6: the scoring page shows no contact details."""
    sign_in_as(client, world.panellists[0])
    page = client.get(url(world)).get_data(as_text=True)
    app = world.applications[0]
    for shown in (app.organisation_name, app.project_title, app.summary, "£1,000", "Beeston"):
        assert shown in page
    for hidden in (app.contact_name, app.contact_email, app.contact_phone, app.postcode):
        assert hidden not in page


def test_a_draft_keeps_partial_scores_with_missing_ones_as_none_never_zero(
    client: FlaskClient, world: ScoringWorld
) -> None:
    sign_in_as(client, world.panellists[0])
    data = score_data(world, [4, None, 0], action="draft")
    data[f"comment_{world.criteria[0].id}"] = "  Lots of families use the hall.  "
    response = client.post(url(world), data=data)
    assert response.status_code == 302
    (review,) = reviews()
    assert review.status == ReviewStatus.DRAFT and review.submitted_at is None
    assert values(review) == [4, None, 0]
    assert review.scores[0].comment == "Lots of families use the hall."
    assert review.version == 1 and review.entered_by_id is None
    (event,) = audit("review.draft_saved")
    assert event.before is None and event.after is not None
    assert event.after["scores"] == {
        c.key: v for c, v in zip(world.criteria, [4, None, 0], strict=True)
    }
    # The page shows the draft back, with the saved choices ticked.
    page = client.get(url(world)).get_data(as_text=True)
    assert "Draft saved" in page
    assert checked(page, world.criteria[0].id) == 4
    assert checked(page, world.criteria[1].id) is None
    assert checked(page, world.criteria[2].id) == 0


def test_submitting_needs_every_criterion_and_the_summary_names_each_missing_one(
    client: FlaskClient, world: ScoringWorld
) -> None:
    sign_in_as(client, world.panellists[0])
    response = client.post(url(world), data=score_data(world, [3, None, None]))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error:" in page and "There is a problem" in page
    for criterion in world.criteria[1:]:
        assert page.count(f"Choose a score for {criterion.title}") == 2  # summary and field
        assert f'href="#score_{criterion.id}-0"' in page
    assert f"Choose a score for {world.criteria[0].title}" not in page
    assert reviews() == []  # nothing written
    assert checked(page, world.criteria[0].id) == 3  # what they chose is kept


def test_submitting_records_the_time_and_an_audit_row_and_is_not_a_revision(
    client: FlaskClient, world: ScoringWorld
) -> None:
    """Item 23: a submitted review comes with its audit row."""
    sign_in_as(client, world.panellists[0])
    client.post(url(world), data=score_data(world, [1, 2, 3], action="draft"))
    response = client.post(url(world), data=score_data(world, [4, 2, 3], version=1))
    assert response.status_code == 302
    (review,) = reviews()
    assert review.status == ReviewStatus.SUBMITTED and review.submitted_at is not None
    assert values(review) == [4, 2, 3] and review.version == 2
    assert review.revised is False
    (event,) = audit("review.submitted")
    assert event.before is not None and event.after is not None
    first = world.criteria[0].key
    assert (event.before["scores"][first], event.after["scores"][first]) == (1, 4)
    assert event.actor_id == world.panellists[0].id


def test_a_submitted_review_can_be_revised_and_each_revision_is_audited(
    client: FlaskClient, world: ScoringWorld
) -> None:
    sign_in_as(client, world.panellists[0])
    client.post(url(world), data=score_data(world, [4, 2, 3]))
    first_submitted = reviews()[0].submitted_at
    # Saving again unchanged is audited but is not a revision of the scores.
    client.post(url(world), data=score_data(world, [4, 2, 3], version=1, overall_comment="Good"))
    assert reviews()[0].revised is False
    response = client.post(url(world), data=score_data(world, [5, 2, 3], version=2))
    assert response.status_code == 302
    (review,) = reviews()
    assert values(review) == [5, 2, 3] and review.revised is True and review.version == 3
    assert review.submitted_at == first_submitted
    events = audit("review.revised")
    assert len(events) == 2
    key = world.criteria[0].key
    assert events[0].before["scores"][key] == 4 and events[0].after["scores"][key] == 4
    assert events[1].before["scores"][key] == 4 and events[1].after["scores"][key] == 5
    assert events[0].after["overall_comment"] == "Good"


def test_a_submitted_review_is_never_turned_back_into_a_draft(
    client: FlaskClient, world: ScoringWorld
) -> None:
    sign_in_as(client, world.panellists[0])
    client.post(url(world), data=score_data(world, [4, 2, 3]))
    page = client.get(url(world)).get_data(as_text=True)
    assert "Save changes" in page and "Save draft" not in page
    response = client.post(url(world), data=score_data(world, [1, None, 3], "draft", version=1))
    assert response.status_code == 400
    assert "cannot go back to being a draft" in response.get_data(as_text=True)
    (review,) = reviews()
    assert review.status == ReviewStatus.SUBMITTED and values(review) == [4, 2, 3]


def test_a_stale_form_gets_409_shows_what_is_saved_and_overwrites_nothing(
    client: FlaskClient, world: ScoringWorld
) -> None:
    sign_in_as(client, world.panellists[0])
    client.post(url(world), data=score_data(world, [4, 2, 3]))  # tab A submits (version 1)
    client.post(url(world), data=score_data(world, [5, 5, 5], version=1))  # tab A again (v2)
    # Tab B still has the version 1 form, with different scores.
    response = client.post(url(world), data=score_data(world, [0, 1, 1], version=1))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Nothing you typed here has been saved yet" in page
    assert "What is saved now" in page and "<strong>5</strong> out of 5" in page
    # Their answers are still in the form, now carrying the current version.
    assert 'id="version" name="version" type="hidden" value="2"' in page
    assert checked(page, world.criteria[0].id) == 0
    (review,) = reviews()
    assert values(review) == [5, 5, 5] and review.version == 2
    assert len(audit("review.revised")) == 1
    # Saving again from that page is a knowing overwrite, and it is audited.
    again = client.post(url(world), data=score_data(world, [0, 1, 1], version=2))
    assert again.status_code == 302
    assert values(reviews()[0]) == [0, 1, 1]


def test_a_form_opened_before_any_review_existed_is_stale_once_another_tab_saved(
    client: FlaskClient, world: ScoringWorld
) -> None:
    sign_in_as(client, world.panellists[0])
    client.post(url(world), data=score_data(world, [4, 2, 3]))
    response = client.post(url(world), data=score_data(world, [1, None, None], "draft"))
    assert response.status_code == 409
    (review,) = reviews()
    assert review.status == ReviewStatus.SUBMITTED and values(review) == [4, 2, 3]


def test_hidden_identity_fields_are_ignored_the_server_decides(
    client: FlaskClient, world: ScoringWorld
) -> None:
    """Item 3: hidden identity fields are ignored; the server decides."""
    pat, olu, _ = world.panellists
    other_round_app = gen_application(world.round, 9)
    sign_in_as(client, pat)
    data = score_data(
        world,
        [3, 3, 3],
        panellist_id=str(olu.id),
        round_id="999",
        application_id=str(other_round_app.id),
        entered_by_id=str(world.staff.id),
    )
    assert client.post(url(world), data=data).status_code == 302
    (review,) = reviews()
    assert review.panellist_id == pat.id
    assert review.application_id == world.applications[0].id
    assert review.round_id == world.round.id and review.entered_by_id is None


def test_a_panellist_cannot_save_into_another_panellists_review(
    client: FlaskClient, world: ScoringWorld
) -> None:
    """Item 3: no way to save into another panellist's review."""
    pat, olu, _ = world.panellists
    sign_in_as(client, olu)
    client.post(url(world), data=score_data(world, [4, 4, 4]))
    sign_in_as(client, pat)
    # The staff entry route is the only way to save for someone else; it is 404 for residents.
    response = client.post(
        f"{url(world)}/for/{olu.id}", data=score_data(world, [0, 0, 0], version=1)
    )
    assert response.status_code == 404
    (review,) = reviews()
    assert review.panellist_id == olu.id and values(review) == [4, 4, 4]


@pytest.mark.parametrize("bad", ["2.5", "three", "99", "99999999999999999999", "-1", "1e1", "6"])
def test_scores_off_the_scale_are_refused_by_the_field_and_nothing_is_written(
    client: FlaskClient, world: ScoringWorld, bad: str
) -> None:
    """Item 16: bad scores are refused by the field; no row is written."""
    sign_in_as(client, world.panellists[0])
    for action in ("draft", "submit"):
        response = client.post(url(world), data=score_data(world, [bad, 3, 3], action))
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        message = "Choose a whole number from 0 to 5 for Community benefit"
        assert page.count(message) == 2  # in the summary and by the field
        assert f'href="#score_{world.criteria[0].id}-0"' in page
    assert db.session.execute(db.select(Review)).first() is None
    assert db.session.execute(db.select(Score)).first() is None


def test_the_scale_comes_from_the_round(client: FlaskClient, make_scoring_round) -> None:  # type: ignore[no-untyped-def]
    world = make_scoring_round(scale_min=1, scale_max=10)
    sign_in_as(client, world.panellists[0])
    page = client.get(url(world)).get_data(as_text=True)
    assert len(re.findall(rf'<input[^>]*name="score_{world.criteria[0].id}"', page)) == 10
    assert client.post(url(world), data=score_data(world, [0, 10, 1])).status_code == 400
    assert client.post(url(world), data=score_data(world, [10, 1, 7])).status_code == 302
    assert values(reviews()[0]) == [10, 1, 7]


@pytest.mark.parametrize("stage", [Stage.ELIGIBILITY, Stage.PANEL, Stage.DECIDED])
def test_outside_the_scoring_stage_saves_are_refused_with_409_and_nothing_changes(
    client: FlaskClient, world: ScoringWorld, stage: Stage
) -> None:
    """Item 8: outside scoring, saves get 409 and nothing changes."""
    sign_in_as(client, world.panellists[0])
    client.post(url(world), data=score_data(world, [4, 2, 3]))
    world.round.stage = stage
    db.session.commit()
    page = client.get(url(world)).get_data(as_text=True)
    response = client.post(url(world), data=score_data(world, [0, 0, 0], version=1))
    text = response.get_data(as_text=True)
    if stage is Stage.PANEL:
        # At the meeting a submitted review may be revised, but only with a reason.
        assert "Why are you changing your scores?" in page
        assert response.status_code == 400
        assert "Say briefly why you are changing your scores" in text
    else:
        assert "Submit scores" not in page and "Save changes" not in page
        assert response.status_code == 409
        expected = (
            "Scoring has not started yet" if stage is Stage.ELIGIBILITY else "Scoring is closed"
        )
        assert expected in text
    (review,) = reviews()
    assert values(review) == [4, 2, 3] and review.version == 1
    assert audit("review.revised") == []
    # Staff cannot enter paper scores then either.
    sign_in_as(client, world.staff)
    staff_post = client.post(
        f"{url(world)}/for/{world.panellists[1].id}", data=score_data(world, [1, 1, 1])
    )
    assert staff_post.status_code == 409
    assert len(reviews()) == 1


def test_after_the_deadline_panellists_are_refused_but_staff_can_still_enter_paper_scores(
    client: FlaskClient,
    make_scoring_round,  # type: ignore[no-untyped-def]
) -> None:
    """Item 8: after the deadline panellists' saves get 409."""
    world = make_scoring_round(scoring_deadline=datetime.now(UTC) - timedelta(hours=1))
    sign_in_as(client, world.panellists[0])
    response = client.post(url(world), data=score_data(world, [4, 2, 3]))
    assert response.status_code == 409
    assert "The scoring deadline has passed" in response.get_data(as_text=True)
    assert reviews() == []
    sign_in_as(client, world.staff)
    entered = client.post(
        f"{url(world)}/for/{world.panellists[0].id}", data=score_data(world, [4, 2, 3])
    )
    assert entered.status_code == 302
    (review,) = reviews()
    assert review.panellist_id == world.panellists[0].id
    assert review.entered_by_id == world.staff.id


def test_only_eligible_applications_of_the_round_can_be_scored(
    client: FlaskClient,
    world: ScoringWorld,
    make_scoring_round,  # type: ignore[no-untyped-def]
) -> None:
    received = gen_application(world.round, 7, status="received")
    ineligible = gen_application(world.round, 8, status="ineligible")
    other = make_scoring_round(panellists=0, applications=1)
    sign_in_as(client, world.panellists[0])
    for app_id in (received.id, ineligible.id, other.applications[0].id, 99999):
        target = f"/rounds/{world.round.id}/scoring/{app_id}"
        assert client.get(target).status_code == 404
        assert client.post(target, data=score_data(world, [1, 1, 1])).status_code == 404
    assert reviews() == []


def test_staff_entering_paper_scores_are_recorded_as_entered_by_them_for_the_panellist(
    client: FlaskClient, world: ScoringWorld
) -> None:
    pat = world.panellists[0]
    sign_in_as(client, world.staff)
    page = client.get(f"{url(world)}/for/{pat.id}").get_data(as_text=True)
    assert "Entered by Sam Staff for Pat Panellist" in page
    response = client.post(f"{url(world)}/for/{pat.id}", data=score_data(world, [2, 3, 4]))
    assert response.status_code == 302
    assert response.location.endswith(f"/rounds/{world.round.id}/coverage")
    (review,) = reviews()
    assert (review.panellist_id, review.entered_by_id) == (pat.id, world.staff.id)
    (event,) = audit("review.submitted")
    assert event.actor_id == world.staff.id and event.after["entered_by_id"] == world.staff.id
    sign_in_as(client, pat)
    own = client.get(url(world)).get_data(as_text=True)
    assert "Entered by Sam Staff for Pat Panellist" in own
    # Staff cannot post to the panellists' own route: they have no review of their own.
    sign_in_as(client, world.staff)
    assert client.post(url(world), data=score_data(world, [1, 1, 1], version=1)).status_code == 404


def test_staff_cannot_enter_scores_for_someone_not_on_the_panel(
    client: FlaskClient,
    world: ScoringWorld,
    make_user,  # type: ignore[no-untyped-def]
) -> None:
    stranger = make_user(name="Not Onpanel")
    sign_in_as(client, world.staff)
    assert client.get(f"{url(world)}/for/{stranger.id}").status_code == 404
    response = client.post(f"{url(world)}/for/{stranger.id}", data=score_data(world, [1, 1, 1]))
    assert response.status_code == 404
    assert reviews() == []


def test_the_database_allows_one_review_per_panellist_per_application(world: ScoringWorld) -> None:
    def review() -> Review:
        return Review(
            round_id=world.round.id,
            application_id=world.applications[0].id,
            panellist_id=world.panellists[0].id,
            rubric_id=world.rubric.id,
        )

    db.session.add(review())
    db.session.commit()
    db.session.add(review())
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_database_allows_one_score_per_review_per_criterion(world: ScoringWorld) -> None:
    review = Review(
        round_id=world.round.id,
        application_id=world.applications[0].id,
        panellist_id=world.panellists[0].id,
        rubric_id=world.rubric.id,
    )
    db.session.add(review)
    db.session.flush()
    criterion = world.criteria[0].id
    db.session.add(Score(review_id=review.id, rubric_criterion_id=criterion, value=3))
    db.session.commit()
    db.session.add(Score(review_id=review.id, rubric_criterion_id=criterion, value=4))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(Score(review_id=review.id, rubric_criterion_id=world.criteria[1].id, value=11))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_scoring_page_itself_shows_the_deadline_and_the_time_left(
    client: FlaskClient,
    make_scoring_round,  # type: ignore[no-untyped-def]
) -> None:
    """Item 48: the scoring page shows the deadline, not only My scoring."""
    from panel.models.types import uk_datetime

    deadline = datetime.now(UTC) + timedelta(days=3, hours=1)
    world = make_scoring_round(scoring_deadline=deadline)
    sign_in_as(client, world.panellists[0])
    page = client.get(url(world)).get_data(as_text=True)
    assert f"Scoring closes <strong>{uk_datetime(deadline)}</strong> (3 days left)" in page
