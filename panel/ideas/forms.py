"""Forms of the ideas area: posting an idea, commenting, and staff's answer."""

from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from panel.forms import SHARE_STAFF, PanelForm, choices, name_filter, share_field, strip
from panel.ideas.services import IdeaText
from panel.models import IDEA_STATUS_LABELS, IdeaStatus


class IdeaForm(PanelForm):
    title = StringField(
        "Your idea, in a few words",
        validators=[
            DataRequired("Enter the title of your idea"),
            Length(max=120, message="Keep the title to 120 characters or fewer"),
        ],
        filters=[name_filter],
    )
    why = TextAreaField(
        "Why it matters",
        validators=[
            DataRequired("Enter why it matters"),
            Length(max=5000, message="Keep this under 5,000 characters"),
        ],
        filters=[strip],
    )
    why_shared = share_field("Who can read why it matters?")
    where = StringField(
        "Where (optional)",
        validators=[Length(max=200, message="Keep where to 200 characters or fewer")],
        filters=[strip],
    )

    def text(self) -> IdeaText:
        return IdeaText(
            title=self.title.data or "",
            why=self.why.data or "",
            where=self.where.data or "",
            why_private=self.why_shared.data == SHARE_STAFF,
        )


class AnswerForm(PanelForm):
    status = RadioField(
        "Your answer",
        choices=choices(
            (IdeaStatus.CONSIDERING.value, IDEA_STATUS_LABELS[IdeaStatus.CONSIDERING]),
            (IdeaStatus.NOT_NOW.value, IDEA_STATUS_LABELS[IdeaStatus.NOT_NOW]),
        ),
        validators=[DataRequired("Choose an answer")],
    )
    reason = TextAreaField(
        "What you would like everyone to know",
        validators=[Length(max=2000, message="Keep the reason under 2,000 characters")],
        filters=[strip],
    )
