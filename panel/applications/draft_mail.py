"""Emailing a saved draft's private link (`drafts.link_sender`), through the outbox.

When a mail server is set up and the group typed an email address that looks right, the link is
queued as a "draft_link" message (the link kept apart from the stored bodies, forgotten once
sent) and the saved page says it was emailed; otherwise nothing is queued and the page shows the
link only, as before. The message is written in the save's own transaction.
"""

from panel.applications.drafts import link_sender
from panel.applications.validation import Problem, check_email
from panel.messages.outbox import To, mail_configured, queue_message
from panel.models import ApplicationDraft, FundingRound
from panel.models.types import uk_datetime


@link_sender
def email_draft_link(round_: FundingRound, draft: ApplicationDraft, email: str, link: str) -> bool:
    """Queue the draft's link to the address typed; whether it was queued."""
    if not mail_configured():
        return False
    try:
        address = check_email(email)
    except Problem:
        return False
    answers = draft.answers or {}
    name = str(answers.get("contact_name") or answers.get("organisation_name") or "")
    queue_message(
        kind="draft_link",
        to=To(name=name, email=address),
        values={
            "round": round_.name,
            "fund": round_.fund_name,
            "expires": uk_datetime(draft.expires_at),
        },
        actor=None,
        round_id=round_.id,
        link=link,
    )
    return True
