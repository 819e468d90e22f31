"""Sending the public application form: what turns a send away before anything is checked or
saved (a key this form did not make, the same form or answers sent again, too many from one
address, a bot), keeping a sent application with its draft's and chosen files, and keeping a
draft with its files behind a new private link.

Takes plain values (the address, what the browser remembers), never the request; flushes,
never commits."""

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from panel.applications import attachments, drafts, repeats, services
from panel.models import Application, ApplicationDraft, Attachment, FormDocument, FundingRound


class Turned(Enum):
    """Why a send goes no further than the screen (GO: on to checking the answers)."""

    GO = "go"
    BAD_KEY = "bad_key"  # not a key this form made: nothing saved, the form comes back
    ALREADY_SENT = "already_sent"  # the same form, or the same answers, sent before
    TOO_MANY = "too_many"  # the address's hourly limit
    BOT = "bot"  # the hidden field was filled in


@dataclass(frozen=True)
class Screened:
    turned: Turned
    reference: str | None = None  # the reference to show for ALREADY_SENT and BOT
    again: bool = False  # ALREADY_SENT by the same answers (not the same form)


def screen(
    *,
    round_: FundingRound,
    submission_key: str,
    fingerprint: str,
    address: str,
    remembered: Any,
    lifted: Any,
    honeypot: bool,
    now: datetime,
) -> Screened:
    """Whether a send of the public form goes on to its checks (policy: a form sent twice, or
    the same answers from this browser within the hour, gets the first reference and counts
    once; an address may send a few a hour unless staff lifted the limit for this browser; a
    bot sees a made-up reference in the real format and nothing is saved)."""
    if not services.is_submission_key(submission_key):
        return Screened(Turned.BAD_KEY)
    existing = services.by_submission_key(submission_key)
    if existing is not None and existing.round_id == round_.id:
        return Screened(Turned.ALREADY_SENT, existing.reference)
    earlier = repeats.earlier_reference(remembered, fingerprint, now)
    if earlier is not None:
        return Screened(Turned.ALREADY_SENT, earlier, again=True)
    if not repeats.limit_lifted(lifted, round_, now) and services.rate_limited(
        address=address, content_hash=fingerprint
    ):
        return Screened(Turned.TOO_MANY)
    if honeypot:
        services.note_attempt(address=address)
        made_up = services.reference_for(round_, secrets.randbelow(9000) + 1000)
        return Screened(Turned.BOT, made_up)
    return Screened(Turned.GO)


def missing_documents(
    *, round_: FundingRound, draft: ApplicationDraft | None, chosen: Iterable[int]
) -> list[FormDocument]:
    """The round's required documents neither kept with the draft nor chosen now."""
    held: list[int | None] = [a.document_id for a in draft_files(draft)] + list(chosen)
    return attachments.missing_documents(round_, have=held)


def draft_files(draft: ApplicationDraft | None) -> list[Attachment]:
    return attachments.files_of(draft=draft) if draft is not None else []


def send(
    *,
    round_: FundingRound,
    values: dict[str, Any],
    extra_answers: dict[str, str],
    files: dict[int, attachments.CheckedFile],
    draft: ApplicationDraft | None,
    submission_key: str,
    address: str,
    fingerprint: str,
) -> Application:
    """Keep a checked application sent online (policy: public), its draft finished and its
    files kept, and count it against the address; raises ApplicationError or AttachmentRefused
    with a message fit to show."""
    application = services.create_application(
        round_=round_,
        values={**values, "extra_answers": extra_answers},
        source="online",
        actor=None,
        submission_key=submission_key or secrets.token_urlsafe(24),
    )
    if draft is not None:
        drafts.finish(draft=draft, application=application)
    attachments.keep(round_=round_, checked=files, application=application)
    services.note_attempt(address=address, content_hash=fingerprint)
    return application


def save_draft(
    *,
    round_: FundingRound,
    answers: dict[str, Any],
    files: dict[int, attachments.CheckedFile],
    draft: ApplicationDraft | None,
    email: str,
    link_for: Callable[[str], str],
) -> tuple[ApplicationDraft, str, bool]:
    """Keep what was typed and the files chosen as a draft behind a new private link (policy:
    public, while the round is open), offered by email when one was typed; the draft, its link
    (`link_for(token)`) and whether the link was emailed. Raises AttachmentRefused."""
    draft, token = drafts.save(round_=round_, answers=answers, draft=draft)
    attachments.keep(round_=round_, checked=files, draft=draft)
    link = link_for(token)
    return draft, link, drafts.send_link(round_=round_, draft=draft, email=email, link=link)
