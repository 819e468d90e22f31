"""Forms for signing in, choosing a password and managing accounts."""

from wtforms import EmailField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from panel.auth.passwords import password_problem
from panel.forms import PanelForm, choices, name_filter


class LoginForm(PanelForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address")],
        filters=[lambda s: s.strip() if s else s],
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


class SetPasswordForm(PanelForm):
    password = PasswordField("Choose a password", validators=[DataRequired("Enter a password")])
    confirm = PasswordField(
        "Type the same password again", validators=[DataRequired("Type your password again")]
    )

    def __init__(self, *args: object, email: str = "", name: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._email = email
        self._name = name

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", email=self._email, name=self._name)
        if problem:
            raise ValidationError(problem)

    def validate_confirm(self, field: PasswordField) -> None:
        if self.password.data and field.data != self.password.data:
            raise ValidationError("The two passwords do not match")


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(
        "Your current password", validators=[DataRequired("Enter your current password")]
    )


class PersonForm(PanelForm):
    display_name = StringField(
        "Full name",
        validators=[DataRequired("Enter the person's name"), Length(max=120)],
        filters=[name_filter],
    )
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter the person's email address"),
            Email("Enter an email address in the correct format, like name@example.com"),
            Length(max=254),
        ],
        filters=[lambda s: s.strip() if s else s],
    )
    role = RadioField(
        "What will they do?",
        choices=choices(("resident", "Resident panellist"), ("staff", "Staff")),
        default="resident",
        validators=[DataRequired("Choose what they will do")],
    )


class SearchForm(PanelForm):
    class Meta:
        csrf = False

    q = StringField("Search by name or email")


class ForgotPasswordForm(PanelForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address"),
            Email("Enter an email address in the correct format, like name@example.com"),
            Length(max=254),
        ],
        filters=[lambda s: s.strip() if s else s],
    )
