"""Forms of the welcome area: "Join in", agreeing to the code of conduct, inviting someone who
asked to join, and a person's record."""

from wtforms import BooleanField, EmailField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from panel.forms import PanelForm, choices, name_filter, strip
from panel.models import CONTACT_WAY_LABELS, ContactWay
from panel.welcome.join import JoinDetails
from panel.welcome.people import Details

CONTACT_CHOICES = choices(*((way.value, CONTACT_WAY_LABELS[way]) for way in ContactWay))


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


class JoinForm(PanelForm):
    name = StringField(
        "Your name",
        validators=[
            DataRequired("Enter your name"),
            Length(max=120, message="Keep your name to 120 characters or fewer"),
        ],
        filters=[name_filter],
    )
    email = EmailField(
        "Email address (optional)",
        validators=[Length(max=254, message="Keep the email address to 254 characters or fewer")],
        filters=[_lower],
    )
    phone = StringField(
        "Phone number (optional)",
        validators=[Length(max=40, message="Keep the phone number to 40 characters or fewer")],
        filters=[strip],
    )
    preferred_contact = RadioField(
        "How would you like us to contact you?",
        choices=CONTACT_CHOICES,
        validators=[DataRequired("Choose how you would like us to contact you")],
    )
    access_needs = TextAreaField(
        "Anything that would help you take part (optional)",
        validators=[Length(max=2000, message="Keep this under 2,000 characters")],
        filters=[strip],
    )
    languages = StringField(
        "Languages you would like to use (optional)",
        validators=[Length(max=200, message="Keep this to 200 characters or fewer")],
        filters=[strip],
    )

    def details(self) -> JoinDetails:
        return JoinDetails(
            name=self.name.data or "",
            email=self.email.data or "",
            phone=self.phone.data or "",
            preferred_contact=self.preferred_contact.data or "",
            access_needs=self.access_needs.data or "",
            languages=self.languages.data or "",
        )


class InviteForm(PanelForm):
    name = StringField(
        "Full name",
        validators=[
            DataRequired("Enter the person's name"),
            Length(max=120, message="Keep the name to 120 characters or fewer"),
        ],
        filters=[name_filter],
    )
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter their email address: they sign in with it"),
            Length(max=254),
        ],
        filters=[_lower],
    )


class AgreeForm(PanelForm):
    accept = BooleanField(
        "I agree to the code of conduct and I will keep the panel's work confidential"
    )


class DetailsForm(PanelForm):
    phone = StringField(
        "Phone number",
        validators=[Length(max=40, message="Keep the phone number to 40 characters or fewer")],
        filters=[strip],
    )
    preferred_contact = RadioField(
        "How they would like to be contacted",
        choices=CONTACT_CHOICES,
        validators=[Optional()],
    )
    access_needs = TextAreaField(
        "Access needs",
        validators=[Length(max=2000, message="Keep access needs under 2,000 characters")],
        filters=[strip],
    )
    languages = StringField(
        "Languages",
        validators=[Length(max=200, message="Keep languages to 200 characters or fewer")],
        filters=[strip],
    )

    def details(self) -> Details:
        return Details(
            phone=self.phone.data or "",
            preferred_contact=self.preferred_contact.data or "",
            access_needs=self.access_needs.data or "",
            languages=self.languages.data or "",
        )
