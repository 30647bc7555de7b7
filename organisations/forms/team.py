"""Forms of the team area and the invitation page: invite, change a role, make an account."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zorgzaam.forms import ModelLimitsMixin
from zorgzaam.validators import no_control_characters

from ..models import Invitation, Role

# One line per role, in the words an owner and an invited person read.
ROLE_MEANINGS = {
    Role.OWNER: _("Manages the team, the details of the organisation and all its meetings."),
    Role.ORGANISER: _(
        "Makes and changes meetings, sees who signed up, exports lists and sends messages."
    ),
    Role.DOOR: _("Checks people in at the door of a meeting. Sees nothing else."),
}


def role_meanings() -> list[tuple[str, str, str]]:
    """(value, name, meaning) of every role, in the order of Role."""
    return [(value, label, ROLE_MEANINGS[value]) for value, label in Role.choices]


class InvitationForm(ModelLimitsMixin, forms.Form):
    limits_model = Invitation

    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.ORGANISER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        # The list of what each role means is next to the field on the page.
        self.fields["role"].widget.attrs["aria-describedby"] = "role-meanings"


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


User = get_user_model()


class NewAccountForm(ModelLimitsMixin, forms.Form):
    """A new person's name and password on the invitation page; their username is the email."""

    limits_model = User
    limits_fields = {"name": "first_name", "password1": None, "password2": None}

    name = forms.CharField(
        label=_("Your name"),
        validators=[no_control_characters],
        help_text=_("Your team sees this name."),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        # Hashing costs time; nobody types more than this.
        max_length=1000,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 8 characters. Not only digits, not like your name or email address, "
            "and not a password many people use."
        ),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        max_length=1000,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        if password1 and "password2" not in self.errors:
            # The user the service will make, so the similarity check compares with it.
            user = User(
                username=self.email.lower()[:150],
                email=self.email,
                first_name=cleaned.get("name", ""),
            )
            try:
                validate_password(password1, user=user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned
