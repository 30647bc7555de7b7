"""Details people keep up to date themselves: their organisation's, and their own account's."""

import ipaddress
import re
from urllib.parse import urlsplit

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative
from zorgzaam.images import clean_image_upload
from zorgzaam.validators import no_control_characters

from ..models import Organisation

LOGO_MAX_SIDE = 800
# Only web pages: never ftp:, javascript: or data: (URLValidator's default allows ftp).
WEB_ADDRESS = URLValidator(schemes=["http", "https"])
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
_DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _host(hostname: str) -> str | None:
    """The host in ASCII (IDNA for names with accents), or None when it is no host."""
    try:
        return ipaddress.ip_address(hostname).compressed
    except ValueError:
        pass
    try:
        ascii_host = hostname.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = ascii_host.split(".")
    if ascii_host != "localhost" and len(labels) < 2:
        return None
    if len(ascii_host) > 253 or not all(_DOMAIN_LABEL.match(label) for label in labels):
        return None
    return ascii_host


def embed_origin(line: str, number: int) -> str:
    """One line of embed_origins as an origin (scheme://host[:port]), or ValidationError.

    The origins end up in a Content-Security-Policy header (frame-ancestors), so nothing
    but a scheme, a host and a port gets through: no spaces, semicolons or wildcards.
    """
    params = {"number": number, "line": line}
    invalid = ValidationError(
        _(
            "Line %(number)s (“%(line)s”) is not a website address. "
            "Write it like https://www.example.org"
        ),
        code="origin_invalid",
        params=params,
    )
    if any(char.isspace() for char in line) or any(char in line for char in ";,*'\"<>\\"):
        raise invalid
    parts = urlsplit(line)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise invalid
    if parts.username is not None or parts.password is not None:
        raise invalid
    if parts.path not in ("", "/") or parts.query or parts.fragment or line.endswith(("?", "#")):
        raise ValidationError(
            _(
                "Line %(number)s (“%(line)s”): give only the start of the address, up to the "
                "domain name, for example https://www.example.org"
            ),
            code="origin_path",
            params=params,
        )
    try:
        port = parts.port
    except ValueError:
        raise invalid from None
    host = _host(parts.hostname or "")
    if host is None or port == 0:
        raise invalid
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        raise ValidationError(
            _("Line %(number)s (“%(line)s”) must start with https://"),
            code="origin_not_https",
            params=params,
        )
    netloc = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{netloc}" + (f":{port}" if port is not None else "")


class InitiativeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Initiative) -> str:
        where = obj.place or (obj.municipality.name if obj.municipality_id else "")
        return f"{obj.name} ({where})" if where else obj.name


class OrganisationForm(forms.ModelForm):
    """What an organisation's owners edit. The slug is not here: printed URLs use it."""

    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        validators=[WEB_ADDRESS],
        help_text=_("For example https://www.example.org"),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("A PNG, JPEG, WebP or GIF file of at most 5 MB."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    initiative = InitiativeChoiceField(
        label=_("Your entry in the catalogue of initiatives"),
        queryset=Initiative.objects.none(),
        required=False,
        empty_label=_("No entry"),
        help_text=_("Your organisation's page then links to it, and the entry to your page."),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "description",
            "website",
            "contact_email",
            "privacy_contact",
            "logo",
            "remove_logo",
            "initiative",
            "embed_origins",
        ]
        labels = {
            "name": _("Name"),
            "description": _("About the organisation"),
            "contact_email": _("Email address for questions"),
            "privacy_contact": _("Who answers questions about privacy?"),
            "embed_origins": _("Websites that may show your sign-up forms"),
        }
        help_texts = {
            "embed_origins": _(
                "One website address per line, for example https://www.example.org. "
                "Only these websites may show the sign-up form of your meetings."
            ),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "embed_origins": forms.Textarea(attrs={"rows": 3}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Published, real entries no other organisation has claimed; the current choice
        # stays available even if it is no longer published, so saving never fails on it.
        available = Initiative.objects.filter(
            publication=Initiative.Publication.PUBLISHED, is_synthetic=False
        ).filter(organisation__isnull=True)
        if self.instance.initiative_id:
            available = available | Initiative.objects.filter(pk=self.instance.initiative_id)
        self.fields["initiative"].queryset = available.select_related("municipality").order_by(
            "name", "pk"
        )

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return clean_image_upload(logo, max_side=LOGO_MAX_SIDE)
        return logo

    def clean_embed_origins(self):
        origins, errors = [], []
        lines = self.cleaned_data.get("embed_origins", "").splitlines()
        for number, line in enumerate(lines, start=1):
            line = line.strip()
            if not line:
                continue
            try:
                origin = embed_origin(line, number)
            except ValidationError as error:
                errors.append(error)
                continue
            if origin not in origins:
                origins.append(origin)
        if errors:
            raise ValidationError(errors)
        return "\n".join(origins)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove_logo") and not isinstance(self.files.get("logo"), UploadedFile):
            cleaned["logo"] = False  # False, not None: ModelForm then clears the field
        return cleaned

    @property
    def changed_fields(self) -> list[str]:
        """The model fields that changed, for the team log."""
        changed = ["logo" if name == "remove_logo" else name for name in self.changed_data]
        return list(dict.fromkeys(changed))


# A person's own account ---------------------------------------------------------------


class ProfileForm(forms.ModelForm):
    """Name and email address. A new email address needs the current password."""

    current_password = forms.CharField(
        label=_("Your current password"),
        required=False,
        strip=False,
        help_text=_("Only needed when you change your email address."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name", "email"]
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "email": _("Email address"),
        }
        help_texts = {
            "email": _("We send a link to this address when you forget your password."),
        }
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.old_email = self.instance.email
        self.fields["email"].required = True
        for name in ("first_name", "last_name"):
            self.fields[name].validators.append(no_control_characters)

    @property
    def email_changed(self) -> bool:
        new = (self.cleaned_data.get("email") or "").strip()
        return new.lower() != (self.old_email or "").lower()

    @property
    def username_follows_email(self) -> bool:
        """Accounts made by an invitation log in with their email address: keep it so."""
        username = self.instance.get_username()
        return bool(self.old_email) and username.lower() == self.old_email.lower()

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        User = get_user_model()
        others = User.objects.exclude(pk=self.instance.pk)
        if others.filter(email__iexact=email).exists():
            raise ValidationError(
                _("Another account already uses this email address."), code="email_taken"
            )
        if (
            self.username_follows_email
            and email.lower() != self.old_email.lower()
            and others.filter(**{f"{User.USERNAME_FIELD}__iexact": email}).exists()
        ):
            raise ValidationError(
                _("Another account already uses this email address."), code="email_taken"
            )
        return email

    def clean(self):
        cleaned = super().clean()
        if "email" in cleaned and self.email_changed:
            password = cleaned.get("current_password") or ""
            # Through authenticate(), so wrong guesses count towards the login lock-out.
            user = None
            if password:
                user = authenticate(
                    self.request, username=self.instance.get_username(), password=password
                )
            if not password:
                self.add_error(
                    "current_password",
                    ValidationError(
                        _("To change your email address, fill in your current password."),
                        code="password_needed",
                    ),
                )
            elif user is None or user.pk != self.instance.pk:
                self.add_error(
                    "current_password",
                    ValidationError(_("This password is not right."), code="password_wrong"),
                )
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        max_length = user._meta.get_field(user.USERNAME_FIELD).max_length
        if self.email_changed and self.username_follows_email and len(user.email) <= max_length:
            setattr(user, user.USERNAME_FIELD, user.email.lower())
        if commit:
            user.save()
        return user
