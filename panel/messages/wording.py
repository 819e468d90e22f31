"""What each kind of message says: a subject and a plain-text body with $placeholders.

The wording is plain text with `string.Template` placeholders (`$name`), never a format string
or a template language: a placeholder can only be replaced by the value given, never reach an
attribute or run code. The HTML body is made from the plain text (each paragraph escaped), so
no value can add markup. A message that carries a single-use link says `$link`; the link itself
is kept apart from the stored bodies (panel/messages/outbox.py).
"""

import html
import re
from dataclasses import dataclass
from string import Template

LINK_MARK = "[[link]]"
_LINK_LINE = re.compile(r"^\s*" + re.escape(LINK_MARK) + r"\s*$")


@dataclass(frozen=True)
class Kind:
    label: str
    subject: str
    text: str
    # Kinds that carry a password link always go by email (or wait for staff to pass them on).
    has_link: bool = False


KINDS: dict[str, Kind] = {
    "invitation": Kind(
        "Invitation to the panel",
        "You are invited to $fund",
        "Hello $name,\n\nYou are invited to take part in $fund. Open this link to choose your "
        "password (it works once, until $expires):\n\n$link\n\nIf you were not expecting this, "
        "you can ignore this email.",
        has_link=True,
    ),
    "password_reset": Kind(
        "Choose a new password",
        "Choose a new password for $fund",
        "Hello $name,\n\nSomeone asked to reset the password of your account. Open this link to "
        "choose a new one (it works once, until $expires):\n\n$link\n\nIf it was not you, ignore "
        "this email: your password has not changed.",
        has_link=True,
    ),
    "panel_added": Kind(
        "Added to a panel",
        "You are on the panel for $round",
        "Hello $name,\n\nYou have been added to the panel for $round. Sign in to see what "
        "happens next:\n\n$url",
    ),
    "codesign_open": Kind(
        "Co-design is open",
        "Help shape the criteria for $round",
        "Hello $name,\n\nCo-design is open for $round: propose and discuss what the fund should "
        "look for.\n\n$url",
    ),
    "weights_open": Kind(
        "Weights are open",
        "Share your weights for $round",
        "Hello $name,\n\nThe criteria for $round are shortlisted: share how much each should "
        "count.\n\n$url",
    ),
    "scoring_open": Kind(
        "Scoring is open",
        "Scoring is open for $round",
        "Hello $name,\n\nScoring is open for $round. Please submit your reviews by $deadline."
        "\n\n$url",
    ),
    "reminder": Kind(
        "Reminder to score",
        "Reminder: reviews for $round are due by $deadline",
        "Hello $name,\n\nYou have $left to submit for $round. The deadline is $deadline.\n\n$url",
    ),
    "results_ready": Kind(
        "Results are ready",
        "Results for $round are ready",
        "Hello $name,\n\nEvery review for $round is in and the results are ready for the panel "
        "meeting.\n\n$url",
    ),
    "decisions_made": Kind(
        "Decisions made",
        "Decisions for $round have been made",
        "Hello $name,\n\nThe decisions for $round have been made. Thank you for your time on the "
        "panel.\n\n$url",
    ),
    "acknowledgement": Kind(
        "Application received",
        "We have your application $reference",
        'Dear $name,\n\nThank you for applying to $fund for "$project". Your reference is '
        "$reference: please quote it if you contact us.\n\nWe will tell you the outcome.",
    ),
    "ineligible": Kind(
        "Application not eligible",
        "Your application $reference",
        'Dear $name,\n\nThank you for applying to $fund for "$project" ($reference). We checked '
        "it against the fund's rules and it is not eligible, so it will not go to the panel."
        "\n\nIf you have questions, reply to this email or contact the Customer Engagement team.",
    ),
    "report_reminder": Kind(
        "End-of-grant report reminder",
        "Your end-of-grant report for $reference is overdue",
        'Dear $name,\n\nYour end-of-grant report for "$project" ($reference) was due on $due. '
        "Please tell us how the project went through this private link (it works once, until "
        "$expires):\n\n$link\n\nIf you have already sent it, thank you: you can ignore this email.",
        has_link=True,
    ),
    "draft_link": Kind(
        "Saved application link",
        "Your saved application to $fund",
        "Hello $name,\n\nYou saved an application to $fund ($round). Open this private link to "
        "carry on where you left off (it works until $expires):\n\n$link\n\nEach time you save, "
        "you get a new link and the earlier one stops working.",
        has_link=True,
    ),
    "decision_letter": Kind(
        "Decision letter",
        "Decision on your application $reference",
        'Dear $name,\n\nThe panel for $round has decided on your application for "$project" '
        "($reference).\n\nDecision: $outcome\n$amount\n$reason\n\n$feedback\n\nThank you for "
        "applying.",
    ),
}


def fill(wording: str, values: dict[str, str]) -> str:
    """The wording with its placeholders replaced (unknown ones left as they are); a
    placeholder left empty leaves no run of blank lines behind."""
    return re.sub(r"\n{3,}", "\n\n", Template(wording).safe_substitute(values))


def single_line(text: str, limit: int = 200) -> str:
    """One header line: line breaks and other control characters become spaces (no header can
    be added through a name or a subject)."""
    flat = "".join(
        " " if (ord(c) < 32 or ord(c) == 127 or c in "\u2028\u2029\x85") else c for c in text
    )
    return " ".join(flat.split())[:limit]


def as_html(text: str, link: str | None = None) -> str:
    """Simple, escaped HTML for a plain-text body: paragraphs, and the link as a link."""
    parts = []
    for paragraph in text.split("\n\n"):
        if _LINK_LINE.match(paragraph) and link:
            url = html.escape(link, quote=True)
            parts.append(f'<p><a href="{url}">{url}</a></p>')
            continue
        lines = [html.escape(line) for line in paragraph.split("\n")]
        parts.append("<p>" + "<br>".join(lines) + "</p>")
    return "<!doctype html>\n<html><body>\n" + "\n".join(parts) + "\n</body></html>\n"
