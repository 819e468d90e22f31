"""What a round's application form asks beyond the usual questions, drafts saved to finish
later, and the files groups attach.

Staff choose, per round, up to ten extra questions and the documents to ask for. A draft holds
the typed answers behind a private link (only the SHA-256 of its token is stored) until the
round closes; then it is erased. Attached files are kept in the database (so every backup holds
them, and nothing sits under the web root), owned by a draft or, once sent, by the application.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow

QUESTION_KINDS = {
    "short_text": "Short text",
    "long_text": "Long text",
    "number": "Number",
    "yes_no": "Yes or no",
    "choice": "One choice from a list",
}
MAX_QUESTIONS = 10


class FormQuestion(Model):
    """One extra question of a round's application form."""

    __tablename__ = "form_question"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('short_text', 'long_text', 'number', 'yes_no', 'choice')", name="kind_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column()
    label: Mapped[str] = mapped_column(String(200))
    hint: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20))
    # The choices of a "choice" question, in order.
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Removed by staff: no longer asked; kept, like the answers already given (never deleted).
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    @property
    def key(self) -> str:
        """The form field's name, and the key of the answer in Application.extra_answers."""
        return f"q{self.id}"

    @property
    def kind_label(self) -> str:
        return QUESTION_KINDS[self.kind]


class FormDocument(Model):
    """A document the round asks groups to attach (a budget, their constitution, ...)."""

    __tablename__ = "form_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column()
    label: Mapped[str] = mapped_column(String(120))
    hint: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Removed by staff: no longer asked for; files already sent keep their label.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    @property
    def key(self) -> str:
        """The form's file field for this document."""
        return f"doc{self.id}"


class ApplicationDraft(Model):
    """Answers saved to finish later, behind a private link; erased after the round closes."""

    __tablename__ = "application_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="CASCADE"), index=True
    )
    # Only the SHA-256 of the link's token: a database leak gives no working links.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # What was typed, as text, by field name (extra questions under their keys).
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Attachment(Model):
    """A file a group attached: its bytes, checked by content when it arrived."""

    __tablename__ = "attachment"
    __table_args__ = (
        CheckConstraint(
            "(application_id IS NULL) <> (draft_id IS NULL)", name="draft_or_application"
        ),
        CheckConstraint("size >= 0", name="size_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True, default=None
    )
    draft_id: Mapped[int | None] = mapped_column(
        ForeignKey("application_draft.id", ondelete="CASCADE"), index=True, default=None
    )
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("form_document.id", ondelete="SET NULL"), default=None
    )
    # The document's name when the file came: it stays if staff later stop asking for it.
    label: Mapped[str] = mapped_column(String(120))
    filename: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))  # pdf, png, jpeg, docx, xlsx, odt
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
