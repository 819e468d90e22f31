"""The form for a round's wording of one kind of message."""

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from panel.forms import PanelForm, strip


class WordingForm(PanelForm):
    subject = StringField(
        "Subject",
        validators=[DataRequired("Enter a subject"), Length(max=200)],
        filters=[strip],
    )
    text = TextAreaField(
        "Message",
        validators=[DataRequired("Enter the message"), Length(max=5000)],
        filters=[strip],
    )
