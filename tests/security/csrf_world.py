"""A world in which every POST route of the app has something real to act on (item 15).

`build_world` makes one round per stage a route works at, the people who may use each route and
the objects each one changes; `POSTS` says, for every POST endpoint, who sends it, which objects
fill its URL, which page shows its form, and what to type into that form. A post is sent as the
page's own form would send it (lxml reads the form the person sees), with the answers the person
would add, so with a valid token every route really does its work: tests/security/test_csrf.py
proves that, then sends the same posts without the token.

Each route changes objects of its own; routes that share a round read its state from the page
when they post (the adoption form lists whatever is shortlisted by then), so the posts can run
in any order. A new POST route needs an entry in POSTS, and its objects in `build_world`.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from werkzeug.datastructures import MultiDict

from panel.applications import extras
from panel.applications.importer import guess_mapping
from panel.auth import services as accounts
from panel.codesign import services as codesign_services
from panel.extensions import db
from panel.models import (
    Application,
    Boundary,
    Conflict,
    Criterion,
    CriterionComment,
    FormDocument,
    FormQuestion,
    FundingRound,
    Idea,
    IdeaComment,
    JoinRequest,
    Review,
    RoundMember,
    Stage,
    User,
)
from panel.models.application import ApplicationImport
from panel.models.types import uk_today
from panel.notes import report
from panel.welcome import people as records
from tests.factories import (
    PASSWORD,
    gen_application,
    gen_boundary,
    gen_conflict,
    gen_criterion,
    gen_decision,
    gen_entry,
    gen_expense,
    gen_idea,
    gen_idea_comment,
    gen_import,
    gen_join_request,
    gen_meeting,
    gen_member,
    gen_message,
    gen_received_application,
    gen_round,
    gen_rubric,
    gen_staff,
    gen_support,
    gen_user,
)
from tests.panel.applications.conftest import GOOD, HEADERS, csv_bytes, sheet_row
from tests.security.csrf_grants import build_grants
from tests.worlds import gen_meeting_round, gen_worked_round

NEW_PASSWORD = "a brand new passphrase"


@dataclass
class CsrfWorld:
    """Everything the POST routes act on, by the route that acts on it."""

    people: dict[str, User]  # who posts: "staff", "pat" (a panellist), ... ("anonymous": no one)
    codesign: FundingRound  # at Co-design; Pat chairs its panel
    to_edit: Criterion  # proposed by Pat
    to_remove: Criterion  # proposed by Pat
    to_support: Criterion  # proposed by Olu
    supported: Criterion  # proposed by Olu, supported by Pat
    to_fix: Criterion
    to_shortlist: Criterion
    to_comment: Criterion
    boundary: Boundary
    applying: FundingRound  # taking applications today
    to_change: Application
    to_erase: Application
    to_withdraw: Application
    question_to_remove: FormQuestion  # an extra question of the applying round's form
    document_to_remove: FormDocument  # an optional document it asks for
    to_map: ApplicationImport  # uploaded by another member of staff
    to_import: ApplicationImport
    checking: FundingRound  # at the eligibility check, with an eligibility criterion
    to_check: Application
    confirming: FundingRound  # at the eligibility check, with no eligibility criteria
    to_confirm: Application
    scoring: FundingRound  # at Scoring; Pat and Olu on its panel
    to_score: Application  # Pat scores it; staff enter Olu's paper scores for it
    to_declare: Application  # Pat declares a conflict on it
    to_record: Application  # staff record a conflict of Olu's on it
    standing: Conflict  # Olu's declaration, which staff withdraw
    meeting: FundingRound  # the worked panel at the Panel meeting, a draft decision on B
    worked: dict[str, Application]  # its applications by letter
    tied: FundingRound  # at the Panel meeting with a tie at the funding line (the lottery)
    decided: FundingRound  # Decided, its "You said, we did" page not yet published
    commented: Review  # a review of the worked panel's A with an overall comment to review
    settings: FundingRound  # at Co-design, for the round's own pages
    removable: RoundMember  # Rem, on the settings round's panel
    stepping: FundingRound  # at Applications open with none received: it may step back
    invite_token: str  # Ivy's set-password link
    idea: Idea  # Olu's idea, which Pat comments on and reports a comment of
    idea_to_support: Idea
    idea_supported: Idea  # Pat supports it
    idea_to_answer: Idea
    idea_comment_to_report: IdeaComment  # Olu's, on `idea`
    idea_comment_to_hide: IdeaComment
    idea_comment_to_keep: IdeaComment  # reported by Pat
    comment_to_report: CriterionComment  # Olu's, on `to_comment`
    comment_to_hide: CriterionComment
    comment_to_keep: CriterionComment  # reported by Pat
    join_to_invite: JoinRequest
    join_to_decline: JoinRequest
    copro: dict[str, Any]  # co-production: Pat's entry, claims in each status, meetings, Eri
    grants: dict[str, Any]  # after the award: tests/security/csrf_grants.py
    failed_message: Any  # an email to Pat that failed: staff send it again
    letter: Any  # a letter to Olu waiting to be printed: staff mark it posted


def build_world(staff: User) -> CsrfWorld:
    """Make every object a POST route acts on, each through tests/factories.py."""
    names = {
        "pat": "Pat Panellist",
        "olu": "Olu Other",
        "lou": "Lou Leaving",  # signs out
        "cam": "Cam Changing",  # changes their password
        "dee": "Dee Deactivated",  # staff deactivate the account
        "rey": "Rey Relinked",  # staff send a new password link
        "lin": "Lin Login",  # signs in
        "nel": "Nel Newmember",  # staff add them to a panel
        "rem": "Rem Removed",  # staff take them off a panel
        "ned": "Ned New",  # agrees to the code of conduct
        "pam": "Pam Paper",  # staff record their agreement on paper
        "rec": "Rec Recorded",  # staff change their record
        "era": "Era Erased",  # staff erase their record
    }
    people = {key: gen_user(name=name) for key, name in names.items()}
    people["ivy"] = gen_user(name="Ivy Invited", with_password=False)
    people["ida"] = gen_staff(name="Ida Importer")
    people["staff"] = staff
    pat, olu = people["pat"], people["olu"]

    codesign = gen_round(created_by=staff, slug="csrf-codesign", members=[olu], chair=pat)
    supported = gen_criterion(codesign, olu, "Olu's idea that Pat supports")
    gen_support(supported, pat)
    for title in ("Brings neighbours together", "Value for money"):
        gen_criterion(codesign, olu, title, shortlisted=True)  # to share weights and adopt

    today = uk_today()
    applying = gen_round(
        created_by=staff,
        slug="csrf-apply",
        stage=Stage.APPLICATIONS,
        applications_open_on=today - timedelta(days=3),
        applications_close_on=today + timedelta(days=10),
    )
    imported = sheet_row(organisation_name="Imported Group", project_title="Imported project")
    guessed = guess_mapping(HEADERS)

    checking = gen_round(created_by=staff, slug="csrf-check", stage=Stage.ELIGIBILITY)
    gen_rubric(checking, staff)
    confirming = gen_round(created_by=staff, slug="csrf-confirm", stage=Stage.ELIGIBILITY)
    gen_rubric(confirming, staff, eligibility=())

    scoring = gen_round(created_by=staff, slug="csrf-scoring", stage=Stage.SCORING)
    gen_member(scoring, pat)
    gen_member(scoring, olu)
    gen_rubric(scoring, staff)
    to_score, to_declare, to_record, recorded = (gen_application(scoring) for _ in range(4))

    worked = gen_worked_round(staff)
    commented = db.session.execute(
        db.select(Review)
        .where(Review.application_id == worked["apps"]["A"].id, Review.status == "submitted")
        .order_by(Review.id)
        .limit(1)
    ).scalar_one()
    commented.overall_comment = "A clear plan for the hall."
    gen_decision(worked["apps"]["B"], staff, status="draft")
    # TB and TC score the same and only one fits: a tie at the funding line, for the lottery.
    tied = gen_meeting_round(
        staff, {"TA": (5, 5), "TB": (3, 3), "TC": (3, 3)}, budget_pence=2_000_00
    )
    settings = gen_round(created_by=staff, slug="csrf-settings")
    stepping = gen_round(created_by=staff, slug="csrf-stepping", stage=Stage.APPLICATIONS)
    invite = accounts.issue_link(user=people["ivy"], purpose="invite", actor=staff)
    records.save(
        person=people["era"], details=records.Details(access_needs="A quiet room"), actor=staff
    )

    idea, idea_to_hide = gen_idea(olu, title="Olu's idea"), gen_idea(olu, title="Another idea")
    supported_idea = gen_idea(olu, title="An idea Pat supports")
    from panel.ideas import services as ideas

    ideas.support(idea=supported_idea, actor=pat)
    to_comment = gen_criterion(codesign, olu, "Olu's idea to comment on")
    criterion_comments = [
        codesign_services.add_comment(criterion=to_comment, body=f"Olu says {n}", actor=olu)
        for n in range(3)
    ]
    idea_comments = [gen_idea_comment(idea, olu, body=f"Olu writes {n}") for n in range(2)]
    idea_comments.append(gen_idea_comment(idea_to_hide, olu, body="Olu writes more"))
    db.session.flush()
    report(comment=criterion_comments[2], actor=pat, round_id=codesign.id)
    report(comment=idea_comments[2], actor=pat)
    people["eri"] = gen_user(name="Eri Erased")  # staff erase their involvement record
    copro = {
        "entry": gen_entry(pat, round_=codesign, note="Pat's workshop"),
        "to_approve": gen_expense(olu, round_=codesign),
        "to_pay": gen_expense(olu, round_=codesign, status="approved"),
        "to_refuse": gen_expense(olu, round_=codesign, status="approved"),
        "to_change": gen_meeting(codesign),
        "to_register": gen_meeting(codesign),
        "erased": gen_entry(people["eri"]),
    }
    db.session.commit()
    failed_message = gen_message(to=pat, status="failed", attempts=5)
    letter = gen_message(to=olu, status="to_print", channel="letter")
    return CsrfWorld(
        failed_message=failed_message,
        letter=letter,
        people=people,
        codesign=codesign,
        to_edit=gen_criterion(codesign, pat, "Pat's idea to edit"),
        to_remove=gen_criterion(codesign, pat, "Pat's idea to remove"),
        to_support=gen_criterion(codesign, olu, "Olu's idea to support"),
        supported=supported,
        to_fix=gen_criterion(codesign, olu, "Olu's idea to fix"),
        to_shortlist=gen_criterion(codesign, olu, "Olu's idea to shortlist"),
        to_comment=to_comment,
        boundary=gen_boundary(codesign, staff),
        applying=applying,
        to_change=gen_received_application(applying),
        to_erase=gen_received_application(applying),
        to_withdraw=gen_received_application(applying),
        question_to_remove=extras.add_question(
            round_=applying, label="Old question", kind="short_text", required=False, actor=staff
        ),
        document_to_remove=extras.add_document(
            round_=applying, label="Old document", required=False, actor=staff
        ),
        to_map=gen_import(applying, people["ida"], headers=HEADERS, rows=[imported]),
        to_import=gen_import(
            applying, people["ida"], headers=HEADERS, rows=[imported], mapping=guessed
        ),
        checking=checking,
        to_check=gen_received_application(checking),
        confirming=confirming,
        to_confirm=gen_received_application(confirming),
        scoring=scoring,
        to_score=to_score,
        to_declare=to_declare,
        to_record=to_record,
        standing=gen_conflict(recorded, olu),
        meeting=worked["round"],
        worked=worked["apps"],
        tied=tied["round"],
        decided=gen_round(created_by=staff, stage=Stage.DECIDED),
        commented=commented,
        settings=settings,
        removable=gen_member(settings, people["rem"]),
        stepping=stepping,
        invite_token=invite.token,
        idea=idea,
        idea_to_support=gen_idea(olu, title="An idea to support"),
        idea_supported=supported_idea,
        idea_to_answer=gen_idea(olu, title="An idea to answer"),
        idea_comment_to_report=idea_comments[0],
        idea_comment_to_hide=idea_comments[1],
        idea_comment_to_keep=idea_comments[2],
        comment_to_report=criterion_comments[0],
        comment_to_hide=criterion_comments[1],
        comment_to_keep=criterion_comments[2],
        join_to_invite=gen_join_request(name="Jan Joiner"),
        join_to_decline=gen_join_request(name="Dan Declined"),
        copro=copro,
        grants=build_grants(staff),
    )


# --------------------------------------------------------------------------- what each route posts

Seen = MultiDict  # what the page's form would send, by field name
Fill = Callable[[CsrfWorld, Seen, list[str]], dict[str, Any]]


@dataclass(frozen=True)
class Post:
    """How one POST route is used: by whom, on what, from which page, typing what.

    `fill(world, values, names)` gets what the page's form would send and the names of all its
    fields, and returns the answers the person types (replacing what was there).
    `effect` is how a successful post shows: "database" (a row changes), "signed in", or
    "redirect" (the export route only redirects to the download).
    """

    who: str
    args: Callable[[CsrfWorld], dict[str, Any]]
    page: str | None = None  # the endpoint of the page with the form; None: the route's own GET
    fill: Fill | None = None
    effect: str = "database"
    opens: Callable[[CsrfWorld], str] | None = None  # a link the person opens first (an invite)


def typed(**answers: Any) -> Fill:
    """The same answers whatever the page shows."""
    return lambda world, values, names: dict(answers)


def each(prefix: str, value: str, **answers: Any) -> Fill:
    """`value` in every field whose name starts with `prefix`, and the other answers."""

    def fill(world: CsrfWorld, values: Seen, names: list[str]) -> dict[str, Any]:
        return {**{n: value for n in names if n.startswith(prefix)}, **answers}

    return fill


def first_gets_all(prefix: str, **each_field: str) -> Fill:
    """All 100 points to the first field named `prefix...`, 0 to the others (weights), however
    many there are by then; and each field starting with a keyword's name gets its value."""

    def fill(world: CsrfWorld, values: Seen, names: list[str]) -> dict[str, Any]:
        fields = [n for n in names if n.startswith(prefix)]
        points = {n: "100" if i == 0 else "0" for i, n in enumerate(fields)}
        typed = {n: v for p, v in each_field.items() for n in names if n.startswith(p)}
        return {**points, **typed}

    return fill


def _upload(world: CsrfWorld, values: Seen, names: list[str]) -> dict[str, Any]:
    row = sheet_row(organisation_name="Uploaded Group", project_title="Uploaded project")
    return {"file": (io.BytesIO(csv_bytes([row])), "applications.csv")}


def _round(attr: str) -> Callable[[CsrfWorld], dict[str, Any]]:
    return lambda w: {"round_id": getattr(w, attr).id}


def _in(round_attr: str, **objects: str) -> Callable[[CsrfWorld], dict[str, Any]]:
    """The round's id, and each URL argument's object by its attribute of the world."""
    return lambda w: {
        "round_id": getattr(w, round_attr).id,
        **{arg: getattr(w, attr).id for arg, attr in objects.items()},
    }


def _copro(round_attr: str | None = None, **objects: str) -> Callable[[CsrfWorld], dict[str, Any]]:
    """URL arguments of a co-production route: a round's id and objects of world.copro."""

    def args(w: CsrfWorld) -> dict[str, Any]:
        found = {arg: w.copro[key].id for arg, key in objects.items()}
        return {"round_id": getattr(w, round_attr).id, **found} if round_attr else found

    return args


def _today(*fields: str, **answers: Any) -> Fill:
    """Today's date in each named date field, and the other answers."""
    return lambda world, values, names: {
        **{f: uk_today().isoformat() for f in fields},
        **answers,
    }


def _worked(letter: str) -> Callable[[CsrfWorld], dict[str, Any]]:
    return lambda w: {"round_id": w.meeting.id, "application_id": w.worked[letter].id}


WORDING = {
    "title": "Our new idea",
    "description": "What it means.",
    "why": "It matters here.",
    "kind": "scored",
}
LEVELS = {f"level_{n}": f"What a {n} looks like" for n in range(6)}

POSTS: dict[str, Post] = {
    # ------------------------------------------------------------------ signing in, people
    "auth.login": Post(
        "anonymous",
        lambda w: {},
        fill=lambda w, v, n: {"email": w.people["lin"].email, "password": PASSWORD},
        effect="signed in",
    ),
    "auth.logout": Post("lou", lambda w: {}, page="rounds.home"),
    "auth.set_password": Post(
        "anonymous",
        lambda w: {},
        fill=typed(password=NEW_PASSWORD, confirm=NEW_PASSWORD),
        opens=lambda w: f"/set-password/{w.invite_token}",
    ),
    "auth.change_password": Post(
        "cam",
        lambda w: {},
        fill=typed(current=PASSWORD, password=NEW_PASSWORD, confirm=NEW_PASSWORD),
    ),
    "auth.new_person": Post(
        "staff",
        lambda w: {},
        fill=typed(display_name="Nia New", email="nia.new@example.org", role="resident"),
    ),
    "auth.reissue_link": Post(
        "staff", lambda w: {"user_id": w.people["rey"].id}, page="auth.person"
    ),
    "auth.set_active": Post("staff", lambda w: {"user_id": w.people["dee"].id}, page="auth.person"),
    "auth.forgot_password": Post(
        "anonymous", lambda w: {}, fill=lambda w, v, n: {"email": w.people["lin"].email}
    ),
    "scoring.remind": Post("staff", lambda w: {"round_id": w.scoring.id}, page="scoring.coverage"),
    # ------------------------------------------------------------------ the outbox
    "messages.resend": Post(
        "staff", lambda w: {"message_id": w.failed_message.id}, page="messages.outbox"
    ),
    "messages.done": Post("staff", lambda w: {"message_id": w.letter.id}, page="messages.outbox"),
    "messages.edit_wording": Post(
        "staff", lambda w: {"round_id": w.settings.id, "kind": "reminder"}
    ),
    # ------------------------------------------------------------------ the round and its panel
    "rounds.new_round": Post(
        "staff",
        lambda w: {},
        fill=typed(
            name="Summer fund",
            fund_name="Community Fund",
            budget="£9,000",
            min_award="£250",
            max_award="£2,000",
            scale="0-5",
            quorum="3",
        ),
    ),  # fmt: skip
    "rounds.edit_round": Post("staff", _round("settings"), fill=typed(name="Settings renamed")),
    "rounds.advance_stage": Post(
        "staff",
        _round("settings"),
        page="rounds.detail",
        fill=typed(without_panel="y", criteria_reason="The board set these criteria"),
    ),
    "applications.lift_limit": Post("staff", _round("applying"), page="rounds.detail"),
    "rounds.step_back": Post(
        "staff",
        _round("stepping"),
        page="rounds.detail",
        fill=typed(reason="Opened by mistake"),
    ),
    "rounds.panel": Post(
        "staff",
        _round("settings"),
        fill=lambda w, v, n: {"user_id": str(w.people["nel"].id), "role": "panellist"},
    ),
    "rounds.remove_member": Post(
        "staff", _in("settings", member_id="removable"), page="rounds.panel"
    ),
    # ------------------------------------------------------------------ co-design
    "codesign.propose": Post("pat", _round("codesign"), fill=typed(**WORDING, **LEVELS)),
    "codesign.edit": Post(
        "pat", _in("codesign", criterion_id="to_edit"), fill=typed(description="Now clearer.")
    ),
    "codesign.remove": Post("pat", _in("codesign", criterion_id="to_remove")),
    "codesign.comment": Post(
        "pat",
        _in("codesign", criterion_id="to_comment"),
        page="codesign.criterion",
        fill=typed(body="I like this one."),
    ),
    "codesign.support": Post(
        "pat", _in("codesign", criterion_id="to_support"), page="codesign.criterion"
    ),
    "codesign.withdraw": Post(
        "pat", _in("codesign", criterion_id="supported"), page="codesign.criterion"
    ),
    "codesign.weights": Post("pat", _round("codesign"), fill=first_gets_all("share_")),
    "codesign.adopt": Post(
        "pat", _round("codesign"), fill=first_gets_all("weight_", reason_="Agreed at the meeting")
    ),
    "codesign.fix": Post(
        "staff", _in("codesign", criterion_id="to_fix"), fill=typed(reason="The funder says so")
    ),
    "codesign.shortlist": Post(
        "staff", _in("codesign", criterion_id="to_shortlist"), page="codesign.criterion"
    ),
    "codesign.boundaries": Post(
        "staff", _round("codesign"), fill=typed(title="No loans", reason="set by the board")
    ),
    "codesign.remove_boundary": Post(
        "staff", _in("codesign", boundary_id="boundary"), fill=typed(reason="No longer fixed")
    ),
    "codesign.report_comment": Post(
        "pat",
        _in("codesign", criterion_id="to_comment", comment_id="comment_to_report"),
        page="codesign.criterion",
    ),
    "codesign.hide_comment": Post(
        "staff",
        _in("codesign", criterion_id="to_comment", comment_id="comment_to_hide"),
        fill=typed(reason="It named a neighbour"),
    ),
    "codesign.keep_comment": Post(
        "staff",
        _in("codesign", criterion_id="to_comment", comment_id="comment_to_keep"),
        page="codesign.hide_comment",
    ),
    "codesign.copy": Post(
        "staff",
        _round("codesign"),
        fill=lambda w, v, n: {"source": str(w.scoring.id), "what": "adopted"},
    ),
    # ------------------------------------------------------------------ ideas for the fund
    "ideas.new": Post(
        "pat",
        lambda w: {},
        fill=typed(title="Warm spaces", why="Heating costs doubled", why_shared="everyone"),
    ),
    "ideas.comment": Post(
        "pat",
        lambda w: {"idea_id": w.idea.id},
        page="ideas.idea",
        fill=typed(body="Yes, please.", shared="staff"),
    ),
    "ideas.support": Post("pat", lambda w: {"idea_id": w.idea_to_support.id}, page="ideas.idea"),
    "ideas.withdraw": Post("pat", lambda w: {"idea_id": w.idea_supported.id}, page="ideas.idea"),
    "ideas.report_comment": Post(
        "pat",
        lambda w: {"idea_id": w.idea.id, "idea_comment_id": w.idea_comment_to_report.id},
        page="ideas.idea",
    ),
    "ideas.answer": Post(
        "staff",
        lambda w: {"idea_id": w.idea_to_answer.id},
        fill=typed(status="not_now", reason="This year's budget is spent"),
    ),
    "ideas.hide_comment": Post(
        "staff",
        lambda w: {"idea_id": w.idea.id, "idea_comment_id": w.idea_comment_to_hide.id},
        fill=typed(reason="It named a neighbour"),
    ),
    "ideas.keep_comment": Post(
        "staff",
        lambda w: {
            "idea_id": w.idea_comment_to_keep.idea_id,
            "idea_comment_id": w.idea_comment_to_keep.id,
        },
        page="ideas.hide_comment",
    ),
    # ------------------------------------------------------------------ welcome, join in, fund
    "welcome.join_in": Post(
        "anonymous",
        lambda w: {},
        fill=typed(name="Jo Joiner", email="jo.joiner@example.org", preferred_contact="email"),
    ),
    "welcome.join_request": Post(
        "staff", lambda w: {"request_id": w.join_to_invite.id}, fill=typed(name="Jan Joiner")
    ),
    "welcome.decline": Post(
        "staff", lambda w: {"request_id": w.join_to_decline.id}, page="welcome.join_request"
    ),
    "welcome.code_of_conduct": Post("ned", lambda w: {}, fill=typed(accept="y")),
    "welcome.agreed_on_paper": Post(
        "staff", lambda w: {"user_id": w.people["pam"].id}, page="welcome.agreements"
    ),
    "welcome.person_record": Post(
        "staff", lambda w: {"user_id": w.people["rec"].id}, fill=typed(languages="Welsh")
    ),
    "welcome.erase_record": Post(
        "staff", lambda w: {"user_id": w.people["era"].id}, page="welcome.person_record"
    ),
    "fund.welcome_settings": Post(
        "staff", lambda w: {}, fill=typed(contact_name="Asha Patel", contact_phone="0113 496 0000")
    ),
    "fund.conduct_settings": Post("staff", lambda w: {}, fill=typed(code_of_conduct="Be kind.")),
    "fund.times_settings": Post("staff", lambda w: {}, fill=typed(minutes_score_application="20")),
    "fund.identity_settings": Post(
        "staff",
        lambda w: {},
        fill=typed(funder_name="Riverside Homes", funder_org_id="GB-COH-01234567"),
    ),
    # ------------------------------------------------------------------ grants (after the award)
    "grants.conditions": Post(
        "staff", lambda w: {"round_id": w.grants["round"].id}, fill=typed(conditions="Be good.")
    ),
    "grants.publish": Post(
        "staff", lambda w: {"round_id": w.grants["round"].id}, page="grants.round_grants"
    ),
    "grants.offer": Post(
        "staff",
        lambda w: {"round_id": w.grants["round"].id, "application_id": w.grants["to_offer"].id},
        fill=typed(report_due_on="2027-09-30"),
    ),
    "grants.issue_link": Post(
        "staff",
        lambda w: {
            "round_id": w.grants["third"].id,
            "grant_id": w.grants["to_link"].id,
            "purpose": "accept",
        },
        page="grants.grant_page",
    ),
    "grants.record_payment": Post(
        "staff",
        lambda w: {"round_id": w.grants["later"].id, "grant_id": w.grants["to_pay"].id},
        page="grants.grant_page",
        fill=typed(amount="100", paid_on=uk_today().isoformat(), reference="BACS"),
    ),
    "grants.review": Post(
        "staff",
        lambda w: {"round_id": w.grants["later"].id, "grant_id": w.grants["to_review"].id},
        page="grants.grant_page",
        fill=typed(verdict="accept"),
    ),
    "grants.accept": Post(
        "anonymous",
        lambda w: {},
        fill=typed(name="Bea Baker", role="Treasurer"),
        opens=lambda w: w.grants["accept_url"],
    ),
    "grants.report": Post(
        "anonymous",
        lambda w: {},
        fill=typed(
            what_happened="We baked.",
            people_count="30",
            story="A story.",
            spent="100",
            spending="Flour.",
        ),
        opens=lambda w: w.grants["report_url"],
    ),
    # ------------------------------------------------------------------ applications
    "applications.apply": Post(
        "anonymous",
        lambda w: {"slug": w.applying.slug},
        fill=typed(**{**GOOD, "organisation_name": "Applied Group"}),
    ),
    "applications.edit": Post(
        "staff", _in("applying", application_id="to_change"), fill=typed(location="Westfield")
    ),
    "applications.erase": Post("staff", _in("applying", application_id="to_erase")),
    "applications.withdraw": Post(
        "staff",
        _in("applying", application_id="to_withdraw"),
        fill=typed(reason="The group asked us to"),
    ),
    "applications.upload": Post("staff", _round("applying"), fill=_upload),
    "applications.add_question": Post(
        "staff",
        _round("applying"),
        page="applications.form_setup",
        fill=typed(**{"question": "How many volunteers?", "kind": "number"}),
    ),
    "applications.add_document": Post(
        "staff",
        _round("applying"),
        page="applications.form_setup",
        fill=typed(**{"document": "Budget"}),
    ),
    "applications.remove_question": Post(
        "staff", _in("applying", question_id="question_to_remove"), page="applications.form_setup"
    ),
    "applications.remove_document": Post(
        "staff", _in("applying", document_id="document_to_remove"), page="applications.form_setup"
    ),
    "applications.columns": Post(
        "staff",
        _in("applying", import_id="to_map"),
        fill=lambda w, v, n: {key: str(i) for key, i in guess_mapping(HEADERS).items()},
    ),
    "applications.run_import": Post(
        "staff", _in("applying", import_id="to_import"), page="applications.preview"
    ),
    "applications.check": Post(
        "staff", _in("checking", application_id="to_check"), fill=each("result_", "pass")
    ),
    "applications.confirm": Post(
        "staff", _in("confirming", application_id="to_confirm"), page="applications.eligibility"
    ),
    # ------------------------------------------------------------------ scoring
    "scoring.score": Post(
        "pat", _in("scoring", application_id="to_score"), fill=each("score_", "3", action="draft")
    ),
    "scoring.declare_conflict": Post(
        "pat", _in("scoring", application_id="to_declare"), fill=typed(kind="member")
    ),
    "scoring.enter_for": Post(
        "staff",
        lambda w: {
            "round_id": w.scoring.id,
            "application_id": w.to_score.id,
            "user_id": w.people["olu"].id,
        },
        fill=each("score_", "4", action="draft"),
    ),
    "scoring.conflicts": Post(
        "staff",
        _round("scoring"),
        fill=lambda w, v, n: {
            "panellist_id": str(w.people["olu"].id),
            "application_id": str(w.to_record.id),
            "kind": "member",
        },
    ),
    "scoring.withdraw_conflict": Post(
        "staff", _in("scoring", conflict_id="standing"), fill=typed(reason="Recorded by mistake")
    ),
    # ------------------------------------------------------------------ the panel meeting
    "results.method": Post("staff", _round("meeting"), fill=typed(min_percent="10")),
    "results.meeting_note": Post("staff", _worked("C"), fill=typed(body="Strong support.")),
    "results.decide": Post(
        "staff",
        _worked("A"),
        fill=typed(outcome="decline", reason="Others were stronger this time"),
    ),
    "results.suggest": Post("staff", _round("meeting"), page="results.decision_list"),
    "results.confirm": Post("staff", _round("meeting")),
    "results.review_comment": Post(
        "staff",
        lambda w: {"round_id": w.meeting.id, "review_id": w.commented.id, "part": "overall"},
        page="results.feedback_review",
    ),
    "results.publish_outcome": Post("staff", _round("decided"), page="results.you_said_we_did"),
    "results.lottery": Post(
        "staff",
        _round("tied"),
        fill=typed(seed="HA-fund-2026"),
    ),
    # ------------------------------------------------------------------ co-production
    "coproduction.add_mine": Post(
        "pat", lambda w: {}, fill=_today("happened_on", kind="workshop", hours="1")
    ),
    "coproduction.claim_mine": Post(
        "pat", lambda w: {}, fill=_today("spent_on", kind="travel", amount="4.50")
    ),
    "coproduction.correct": Post("pat", _copro(entry_id="entry"), fill=typed(minutes="5")),
    "coproduction.add_for": Post(
        "staff",
        lambda w: {"user_id": w.people["olu"].id},
        fill=_today("happened_on", kind="visit", hours="2"),
    ),
    "coproduction.claim_for": Post(
        "staff",
        lambda w: {"user_id": w.people["olu"].id},
        fill=_today("spent_on", kind="care", amount="12"),
    ),
    "coproduction.pay": Post(
        "staff",
        lambda w: {"user_id": w.people["olu"].id},
        fill=_today("paid_on", kind="voucher", amount="20"),
    ),
    "coproduction.erase": Post("staff", lambda w: {"user_id": w.people["eri"].id}),
    "coproduction.expense": Post(
        "staff", _copro(expense_id="to_approve"), fill=typed(decision="approve")
    ),
    "coproduction.expense_paid": Post(
        "staff", _copro(expense_id="to_pay"), page="coproduction.expense"
    ),
    "coproduction.expense_refuse": Post(
        "staff",
        _copro(expense_id="to_refuse"),
        page="coproduction.expense",
        fill=typed(reason="We pay bus fares, not taxis."),
    ),
    "coproduction.round_settings": Post(
        "staff", _round("settings"), fill=typed(rate="12.60", rate_source="Real Living Wage")
    ),
    "coproduction.staff_time_page": Post(
        "staff", _round("settings"), fill=typed(hours="2", note="Planning the round")
    ),
    "coproduction.new_meeting": Post(
        "staff", _round("codesign"), fill=_today("held_on", place="Church hall", quorum="1")
    ),
    "coproduction.edit_meeting": Post(
        "staff", _copro("codesign", meeting_id="to_change"), fill=typed(place="Library")
    ),
    "coproduction.register": Post(
        "staff", _copro("codesign", meeting_id="to_register"), fill=each("mark_", "in_person")
    ),
    "results.start_export": Post(
        "staff",
        _round("meeting"),
        page="results.export_page",
        fill=typed(fmt="csv"),
        effect="redirect",
    ),
}
