"""Conflicts of interest: declaring recuses, nothing is deleted, staff keep the register."""

from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import AuditEvent, Conflict, Review, ReviewStatus, Stage
from panel.scoring.services.lookups import counted_reviews
from panel.scoring.services.progress import coverage, my_queue, submitted_counts
from tests.pages import without_tokens
from tests.panel.scoring.conftest import ScoringWorld, score_data, sign_in_as


def base(world: ScoringWorld) -> str:
    return f"/rounds/{world.round.id}"


def score_url(world: ScoringWorld, n: int = 0) -> str:
    return f"{base(world)}/scoring/{world.applications[n].id}"


def conflicts() -> list[Conflict]:
    return list(db.session.execute(db.select(Conflict).order_by(Conflict.id)).scalars())


def test_a_panellist_declares_a_conflict_and_the_application_leaves_their_queue(
    client: FlaskClient, world: ScoringWorld
) -> None:
    """Item 4: a declared conflict leaves the queue; its pages are 404."""
    pat = world.panellists[0]
    sign_in_as(client, pat)
    page = client.get(f"{score_url(world)}/conflict").get_data(as_text=True)
    for label in (
        "I am a member, trustee or volunteer of the group",
        "I helped write the application",
    ):
        assert label in page
    response = client.post(
        f"{score_url(world)}/conflict", data={"kind": "member", "note": "I run their lunch club"}
    )
    assert response.status_code == 302
    assert response.location.endswith(f"{base(world)}/scoring")
    (conflict,) = conflicts()
    assert (conflict.panellist_id, conflict.declared_by_id, conflict.kind) == (
        pat.id,
        pat.id,
        "member",
    )
    assert conflict.note == "I run their lunch club"
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "conflict.declared")
    ).scalar_one()
    assert event.after is not None and event.after["kind"] == "member"
    queue = my_queue(round_=world.round, panellist=pat)
    assert [i.application for i in queue.recused] == [world.applications[0]]
    assert world.applications[0] not in [i.application for i in queue.items]
    assert queue.total == 2
    # The scoring page and the conflict page are now 404 for them, and saving is refused.
    assert client.get(score_url(world)).status_code == 404
    assert client.post(score_url(world), data=score_data(world, [1, 1, 1])).status_code == 404
    assert client.get(f"{score_url(world)}/conflict").status_code == 404
    assert db.session.execute(db.select(Review)).first() is None


def test_the_kind_of_connection_is_required(client: FlaskClient, world: ScoringWorld) -> None:
    sign_in_as(client, world.panellists[0])
    response = client.post(f"{score_url(world)}/conflict", data={"kind": "", "note": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert page.count("Choose how you are connected to this application") == 2
    bogus = client.post(f"{score_url(world)}/conflict", data={"kind": "cousin"})
    assert bogus.status_code == 400
    assert conflicts() == []


def test_declaring_keeps_an_existing_review_but_sets_it_aside_from_every_figure(
    client: FlaskClient, world: ScoringWorld
) -> None:
    """Items 4 and 25: the review is kept but left out of every figure."""
    pat, olu, kim = world.panellists
    sign_in_as(client, pat)
    client.post(score_url(world), data=score_data(world, [5, 5, 5]))
    sign_in_as(client, olu)
    client.post(score_url(world), data=score_data(world, [2, 2, 2]))
    assert submitted_counts(world.round) == {world.applications[0].id: 2}
    sign_in_as(client, pat)
    client.post(f"{score_url(world)}/conflict", data={"kind": "family"})
    # Nothing is deleted ...
    (pats,) = [
        r for r in db.session.execute(db.select(Review)).scalars() if r.panellist_id == pat.id
    ]
    assert pats.status == ReviewStatus.SUBMITTED
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "conflict.declared")
    ).scalar_one()
    assert event.after["review_set_aside"] == {"review_id": pats.id, "status": "submitted"}
    # ... but it no longer counts, and others no longer see it.
    assert submitted_counts(world.round) == {world.applications[0].id: 1}
    sign_in_as(client, olu)
    page = client.get(score_url(world)).get_data(as_text=True)
    assert (
        "Pat" not in without_tokens(page).split("How the panel scored this")[1].split("</main>")[0]
    )
    cover = coverage(world.round)
    assert cover.cell(world.applications[0].id, pat.id) == "conflict"
    assert cover.per_panellist[pat.id]["submitted"] == 0
    assert cover.per_panellist[pat.id]["conflict"] == 1
    assert [r.panellist_id for r in db.session.execute(counted_reviews(world.round)).scalars()] == [
        olu.id
    ]


def test_a_draft_is_left_untouched_and_ignored(client: FlaskClient, world: ScoringWorld) -> None:
    pat = world.panellists[0]
    sign_in_as(client, pat)
    client.post(score_url(world), data=score_data(world, [4, None, None], "draft"))
    client.post(f"{score_url(world)}/conflict", data={"kind": "neighbour"})
    (review,) = db.session.execute(db.select(Review)).scalars()
    assert review.status == ReviewStatus.DRAFT and review.scores[0].value == 4
    assert coverage(world.round).per_panellist[pat.id]["draft"] == 0


def test_conflicts_cannot_be_declared_once_the_round_is_decided(
    client: FlaskClient, world: ScoringWorld
) -> None:
    world.round.stage = Stage.DECIDED
    db.session.commit()
    sign_in_as(client, world.panellists[0])
    response = client.post(f"{score_url(world)}/conflict", data={"kind": "member"})
    assert response.status_code == 409
    assert conflicts() == []


def test_staff_record_a_conflict_for_a_panellist_from_the_register(
    client: FlaskClient, world: ScoringWorld
) -> None:
    olu = world.panellists[1]
    sign_in_as(client, world.staff)
    response = client.post(
        f"{base(world)}/conflicts",
        data={
            "panellist_id": str(olu.id),
            "application_id": str(world.applications[2].id),
            "kind": "helped",
            "note": "Told us by phone",
        },
    )
    assert response.status_code == 302
    (conflict,) = conflicts()
    assert (conflict.panellist_id, conflict.declared_by_id) == (olu.id, world.staff.id)
    page = client.get(f"{base(world)}/conflicts").get_data(as_text=True)
    assert "Olu Other" in page and "recorded by Sam Staff" in page and "Standing" in page
    # Recording it again is refused with a message, not a crash.
    again = client.post(
        f"{base(world)}/conflicts",
        data={
            "panellist_id": str(olu.id),
            "application_id": str(world.applications[2].id),
            "kind": "helped",
        },
    )
    assert again.status_code == 400
    assert "already declared" in again.get_data(as_text=True)
    assert len(conflicts()) == 1


def test_staff_can_record_a_conflict_from_the_applications_conflict_page(
    client: FlaskClient, world: ScoringWorld
) -> None:
    kim = world.panellists[2]
    sign_in_as(client, world.staff)
    page = client.get(f"{score_url(world, 1)}/conflict").get_data(as_text=True)
    assert "Record a conflict of interest" in page and "Kim Third" in page
    response = client.post(
        f"{score_url(world, 1)}/conflict", data={"panellist_id": str(kim.id), "kind": "other"}
    )
    assert response.status_code == 302
    (conflict,) = conflicts()
    assert (conflict.panellist_id, conflict.application_id) == (kim.id, world.applications[1].id)


def test_a_withdrawal_needs_a_reason_is_audited_and_lets_them_score_again(
    client: FlaskClient, world: ScoringWorld
) -> None:
    pat = world.panellists[0]
    sign_in_as(client, pat)
    client.post(score_url(world), data=score_data(world, [3, 3, 3]))
    client.post(f"{score_url(world)}/conflict", data={"kind": "other", "note": "Wrong group"})
    (conflict,) = conflicts()
    sign_in_as(client, world.staff)
    withdraw = f"{base(world)}/conflicts/{conflict.id}/withdraw"
    response = client.post(withdraw, data={"reason": "   "})
    assert response.status_code == 400
    assert "Enter why this declaration is being withdrawn" in response.get_data(as_text=True)
    assert conflicts()[0].withdrawn_at is None
    assert client.post(withdraw, data={"reason": "Declared on the wrong group"}).status_code == 302
    conflict = conflicts()[0]
    assert conflict.withdrawn_reason == "Declared on the wrong group"
    assert conflict.withdrawn_by_id == world.staff.id
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "conflict.withdrawn")
    ).scalar_one()
    assert event.after is not None and event.after["reason"] == "Declared on the wrong group"
    # The register still shows it, as withdrawn; a second withdrawal is refused.
    page = client.get(f"{base(world)}/conflicts").get_data(as_text=True)
    assert "Withdrawn" in page and "Declared on the wrong group" in page
    assert client.post(withdraw, data={"reason": "again"}).status_code == 400
    # Their submitted review counts again, and they can open the application.
    assert submitted_counts(world.round) == {world.applications[0].id: 1}
    sign_in_as(client, pat)
    assert client.get(score_url(world)).status_code == 200
    # A new declaration can be made after a withdrawal (one standing at a time).
    assert client.post(f"{score_url(world)}/conflict", data={"kind": "member"}).status_code == 302
    assert len(conflicts()) == 2


def test_the_database_allows_one_standing_declaration_per_panellist_and_application(
    world: ScoringWorld,
) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    def declaration() -> Conflict:
        return Conflict(
            round_id=world.round.id,
            application_id=world.applications[0].id,
            panellist_id=world.panellists[0].id,
            kind="member",
            declared_by_id=world.panellists[0].id,
        )

    db.session.add(declaration())
    db.session.commit()
    db.session.add(declaration())
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_staff_entering_scores_for_a_conflicted_panellist_are_turned_away(
    client: FlaskClient, world: ScoringWorld
) -> None:
    pat = world.panellists[0]
    sign_in_as(client, pat)
    client.post(f"{score_url(world)}/conflict", data={"kind": "member"})
    sign_in_as(client, world.staff)
    response = client.post(f"{score_url(world)}/for/{pat.id}", data=score_data(world, [1, 1, 1]))
    assert response.status_code == 302
    assert db.session.execute(db.select(Review)).first() is None
    page = client.get(f"{base(world)}/coverage").get_data(as_text=True)
    assert "has declared a conflict of interest" in page
