"""Members propose criteria and edit them as versions; fixed ones are refused to residents."""

from collections.abc import Callable

from flask.testing import FlaskClient

from panel.codesign import services
from panel.extensions import db
from panel.models import (
    AuditEvent,
    Criterion,
    CriterionVersion,
    FundingRound,
    Role,
    Stage,
    User,
)
from tests.conftest import AuthActions
from tests.factories import gen_criterion
from tests.panel.codesign.conftest import form_data


def _actions(round_: FundingRound) -> list[str]:
    return list(
        db.session.execute(
            db.select(AuditEvent.action)
            .where(AuditEvent.round_id == round_.id)
            .order_by(AuditEvent.id)
        ).scalars()
    )


def test_a_panellist_proposes_a_scored_criterion_with_a_descriptor_for_each_level(
    client: FlaskClient, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,), scale_min=1, scale_max=4)
    AuthActions(client).login(resident)
    page = client.get(f"/rounds/{round_.id}/criteria/new").get_data(as_text=True)
    # One box per level of the round's own scale (1 to 4), none for 0 or 5.
    assert 'name="level_1"' in page and 'name="level_4"' in page
    assert 'name="level_0"' not in page and 'name="level_5"' not in page
    data = form_data("Brings neighbours together")
    data = {k: v for k, v in data.items() if k not in ("level_0", "level_5")}
    response = client.post(f"/rounds/{round_.id}/criteria/new", data=data)
    criterion = db.session.execute(db.select(Criterion)).scalar_one()
    assert response.status_code == 302
    assert response.location == f"/rounds/{round_.id}/criteria/{criterion.id}"
    assert criterion.proposed_by_id == resident.id and criterion.version == 1
    assert sorted(criterion.descriptors) == ["1", "2", "3", "4"]
    version = db.session.execute(db.select(CriterionVersion)).scalar_one()
    assert (version.number, version.title, version.edited_by_id) == (
        1,
        "Brings neighbours together",
        resident.id,
    )
    assert _actions(round_) == ["criterion.proposed"]


def test_an_empty_title_and_reason_are_named_by_the_field_and_what_was_typed_is_kept(
    client: FlaskClient, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    AuthActions(client).login(resident)
    data = form_data("", why="", level_3="", description="Groups that mix young and old")
    response = client.post(f"/rounds/{round_.id}/criteria/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: " in page
    assert "Enter a short title for the criterion" in page and "Enter why it matters" in page
    assert 'href="#title"' in page and 'href="#why"' in page
    # A missing level description is not an error when proposing: it can be written later.
    assert 'href="#level_3"' not in page and "Describe what a 3 looks like" not in page
    # What they typed is kept, and the optional part is open to show it.
    assert "Groups that mix young and old" in page
    assert '<details class="details" open>' in page
    assert db.session.execute(db.select(Criterion)).first() is None


def test_a_proposal_needs_only_a_title_and_why_it_matters(
    client: FlaskClient, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    AuthActions(client).login(resident)
    page = client.get(f"/rounds/{round_.id}/criteria/new").get_data(as_text=True)
    assert '<details class="details">' in page  # the optional part starts closed
    response = client.post(
        f"/rounds/{round_.id}/criteria/new",
        data={"title": "Warm spaces", "why": "Heating bills doubled.", "why_shared": "everyone"},
    )
    criterion = db.session.execute(db.select(Criterion)).scalar_one()
    assert response.status_code == 302
    assert (criterion.title, criterion.why, criterion.description) == (
        "Warm spaces",
        "Heating bills doubled.",
        "",
    )
    assert criterion.kind == "scored" and criterion.descriptors == {}
    page = client.get(f"/rounds/{round_.id}/criteria/{criterion.id}").get_data(as_text=True)
    assert "Still to write" in page
    assert "it needs what it means, what a 0 looks like, what a 1 looks like" in page
    assert "what a 5 looks like." in page


def test_an_eligibility_check_needs_no_level_descriptors(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round()
    AuthActions(client).login(staff)
    data = form_data("Is a not-for-profit group", kind="eligibility")
    data.update({f"level_{n}": "" for n in range(6)})
    assert client.post(f"/rounds/{round_.id}/criteria/new", data=data).status_code == 302
    criterion = db.session.execute(db.select(Criterion)).scalar_one()
    assert criterion.kind == "eligibility" and criterion.descriptors == {}


def test_editing_makes_a_new_version_and_the_page_shows_a_word_diff(
    client: FlaskClient,
    resident: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> None:
    other = make_user(Role.RESIDENT, name="Joyce Okafor")
    round_ = make_round(members=(resident, other))
    criterion = gen_criterion(round_, resident, "Value for money")
    AuthActions(client).login(other)
    data = form_data(
        "Value for money",
        description="Costs are sensible <b>and</b> clear.",
        version="1",
    )
    assert (
        client.post(f"/rounds/{round_.id}/criteria/{criterion.id}/edit", data=data).status_code
        == 302
    )
    db.session.refresh(criterion)
    assert criterion.version == 2
    assert criterion.description == "Costs are sensible <b>and</b> clear."
    numbers = db.session.execute(
        db.select(CriterionVersion.number, CriterionVersion.edited_by_id).order_by(
            CriterionVersion.number
        )
    ).all()
    assert numbers == [(1, resident.id), (2, other.id)]
    page = client.get(f"/rounds/{round_.id}/criteria/{criterion.id}").get_data(as_text=True)
    # One removed phrase, one added phrase; the user's text is escaped, never run as HTML.
    assert (
        '<span class="diff"><del>What “Value for money” means in plain words.</del>'
        "<ins>Costs are sensible &lt;b&gt;and&lt;/b&gt; clear.</ins></span>"
    ) in page
    assert "Changed by Joyce Okafor" in page
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "criterion.edited")
    ).scalar_one()
    assert event.before is not None and event.after is not None
    assert event.before["version"] == 1 and event.after["version"] == 2
    assert set(event.after) == {"description", "version"}


def test_a_stale_edit_gets_409_with_both_texts_and_overwrites_nothing(
    client: FlaskClient,
    resident: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> None:
    """Item 24: a stale criterion edit gets 409 with both texts."""
    other = make_user(Role.RESIDENT)
    round_ = make_round(members=(resident, other))
    criterion = gen_criterion(round_, resident, "Will it last?")
    # Someone else saves version 2 first.
    services.edit(
        criterion=criterion,
        wording=services.Wording(
            title="Will it last?",
            description="The good it does carries on after the grant.",
            why="",
            kind="scored",
            descriptors=dict(criterion.descriptors),
        ),
        expected_version=1,
        actor=other,
    )
    db.session.commit()
    AuthActions(client).login(resident)
    data = form_data("Will it last?", description="It keeps going for years.", version="1")
    response = client.post(f"/rounds/{round_.id}/criteria/{criterion.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this criterion" in page
    assert "It keeps going for years." in page  # their text
    assert "The good it does carries on after the grant." in page  # the current text
    assert 'name="version" type="hidden" value="2"' in page
    db.session.refresh(criterion)
    assert criterion.version == 2
    assert criterion.description == "The good it does carries on after the grant."
    assert db.session.execute(db.select(db.func.count(CriterionVersion.id))).scalar() == 2


def test_residents_cannot_edit_or_remove_a_fixed_criterion_but_can_comment(
    client: FlaskClient, staff: User, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    criterion = gen_criterion(round_, resident, "Works inside our neighbourhoods", "eligibility")
    services.fix(
        criterion=criterion,
        reason="the fund can only pay for work inside our neighbourhoods",
        actor=staff,
    )
    db.session.commit()
    AuthActions(client).login(resident)
    base = f"/rounds/{round_.id}/criteria/{criterion.id}"
    for response in (
        client.get(f"{base}/edit"),
        client.post(f"{base}/edit", data=form_data("Anywhere", kind="eligibility", version="1")),
        client.get(f"{base}/remove"),
        client.post(f"{base}/remove"),
    ):
        page = response.get_data(as_text=True)
        assert response.status_code == 403
        assert "Staff have fixed this criterion" in page
        assert "Fixed by staff: the fund can only pay for work inside our neighbourhoods" in page
    db.session.refresh(criterion)
    assert criterion.title == "Works inside our neighbourhoods" and criterion.archived_at is None
    assert (
        client.post(f"{base}/comments", data={"body": "Does a trip away count?"}).status_code == 302
    )
    page = client.get(base).get_data(as_text=True)
    assert "Does a trip away count?" in page
    assert "Change the wording" not in page and "Remove this proposal" not in page


def test_staff_can_edit_a_fixed_criterion_but_must_unfix_it_before_removing(
    client: FlaskClient, staff: User, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    criterion = gen_criterion(round_, resident, "Works inside our neighbourhoods", "eligibility")
    services.fix(criterion=criterion, reason="the board's rules", actor=staff)
    db.session.commit()
    AuthActions(client).login(staff)
    base = f"/rounds/{round_.id}/criteria/{criterion.id}"
    data = form_data("Works inside our area", kind="eligibility", version="1")
    assert client.post(f"{base}/edit", data=data).status_code == 302
    response = client.post(f"{base}/remove")
    assert response.status_code == 403
    assert "Open it for discussion again before removing it" in response.get_data(as_text=True)
    db.session.refresh(criterion)
    assert criterion.title == "Works inside our area" and criterion.archived_at is None


def test_residents_remove_only_their_own_proposals_and_removal_archives(
    client: FlaskClient,
    resident: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> None:
    """Item 25: removing a criterion archives it."""
    other = make_user(Role.RESIDENT)
    round_ = make_round(members=(resident, other))
    mine = gen_criterion(round_, resident, "Has run projects before")
    theirs = gen_criterion(round_, other, "Value for money")
    AuthActions(client).login(resident)
    refused = client.post(f"/rounds/{round_.id}/criteria/{theirs.id}/remove")
    assert refused.status_code == 403
    assert "Only the person who proposed this criterion" in refused.get_data(as_text=True)
    assert client.post(f"/rounds/{round_.id}/criteria/{mine.id}/remove").status_code == 302
    db.session.refresh(mine)
    db.session.refresh(theirs)
    assert mine.archived_at is not None and mine.archived_by_id == resident.id
    assert theirs.archived_at is None
    # Kept, not deleted: still listed under removed proposals and readable.
    board = client.get(f"/rounds/{round_.id}/criteria").get_data(as_text=True)
    assert "Removed proposals (1)" in board
    assert client.get(f"/rounds/{round_.id}/criteria/{mine.id}").status_code == 200
    assert "criterion.removed" in _actions(round_)


def test_proposing_and_editing_close_after_co_design_and_the_page_says_why(
    client: FlaskClient, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    criterion = gen_criterion(round_, resident)
    round_.stage = Stage.APPLICATIONS
    db.session.commit()
    AuthActions(client).login(resident)
    page = client.get(f"/rounds/{round_.id}/criteria/new").get_data(as_text=True)
    assert "moved on to Applications open" in page and 'name="title"' not in page
    client.post(f"/rounds/{round_.id}/criteria/new", data=form_data("Late idea"))
    client.post(
        f"/rounds/{round_.id}/criteria/{criterion.id}/edit",
        data=form_data("Changed late", version="1"),
    )
    titles = db.session.execute(db.select(Criterion.title)).scalars().all()
    assert titles == ["Brings neighbours together"]
    # Comments stay open.
    client.post(f"/rounds/{round_.id}/criteria/{criterion.id}/comments", data={"body": "Still ok"})
    assert "criterion.commented" in _actions(round_)


def test_the_board_shows_what_is_fixed_and_what_is_open_at_a_glance(
    client: FlaskClient, staff: User, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,), min_award_pence=250_00, max_award_pence=5_000_00)
    open_one = gen_criterion(round_, resident, "Led by local people", shortlisted=True)
    fixed = gen_criterion(round_, staff, "Works inside our neighbourhoods", "eligibility")
    services.fix(criterion=fixed, reason="the fund can only pay for work here", actor=staff)
    services.add_boundary(
        round_=round_,
        title="Awards are between £250 and £5,000",
        reason="set by the board",
        actor=staff,
    )
    services.support(criterion=open_one, actor=resident)
    services.add_comment(criterion=open_one, body="Yes please", actor=staff)
    services.add_comment(criterion=open_one, body="Agreed", actor=resident)
    db.session.commit()
    AuthActions(client).login(resident)
    page = client.get(f"/rounds/{round_.id}/criteria").get_data(as_text=True)
    fixed_part, open_part = page.split("Open for discussion", 1)
    assert "Fixed by staff: the fund can only pay for work here" in fixed_part
    assert "Awards are between £250 and £5,000" in fixed_part
    assert "Set by staff: set by the board" in fixed_part
    assert "Awards are between £250 and £5,000." in fixed_part  # the round's own setting
    assert "Led by local people" in open_part and "Led by local people" not in fixed_part
    assert "1 supporter · 2 comments · You support this" in open_part
    assert "Shortlisted" in open_part and "Scored" in open_part


def test_staff_removing_a_residents_proposal_say_why_and_the_panel_reads_it(
    client: FlaskClient, staff: User, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    """Item 60: staff cannot remove a resident's proposal without a reason; the reason is kept
    on the proposal and in the audit, and everyone on the panel reads it there."""
    round_ = make_round(members=(resident,))
    theirs = gen_criterion(round_, resident, "Uses local suppliers")
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/criteria/{theirs.id}/remove"
    refused = client.post(url, data={"reason": "  "})
    assert refused.status_code == 400
    assert "Enter why this proposal is being removed" in refused.get_data(as_text=True)
    db.session.refresh(theirs)
    assert theirs.archived_at is None
    done = client.post(url, data={"reason": "The funder's rules already require this."})
    assert done.status_code == 302
    db.session.refresh(theirs)
    assert theirs.removed_reason == "The funder's rules already require this."
    AuthActions(client).logout()
    AuthActions(client).login(resident)
    page = client.get(f"/rounds/{round_.id}/criteria/{theirs.id}").get_data(as_text=True)
    assert "Why it was removed: The funder&#39;s rules already require this." in page
