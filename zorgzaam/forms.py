from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Model
from django.utils.translation import gettext_lazy as _


def model_max_length(model: type[Model], field_name: str) -> int | None:
    """The length the database column holds, or None when it has no limit."""
    try:
        return model._meta.get_field(field_name).max_length
    except FieldDoesNotExist:
        return None


def limit_length(form_field: forms.CharField, limit: int) -> None:
    """Narrow a text field to `limit` characters, checked on the cleaned value.

    The check runs after to_python, so a web address is measured with the https:// that
    cleaning puts in front of it. A limit the form already sets lower is kept. The
    validator is (re)made here rather than trusted: a max_length set after a field was made
    (as Django's login form does) is shown to the browser but never checked.
    """
    if form_field.max_length is not None:
        limit = min(limit, form_field.max_length)
    form_field.max_length = limit
    form_field.validators = [
        validator
        for validator in form_field.validators
        if not isinstance(validator, MaxLengthValidator)
    ] + [MaxLengthValidator(limit)]
    if not form_field.widget.is_hidden:
        form_field.widget.attrs["maxlength"] = str(limit)


class ModelLimitsMixin:
    """Every text field is at most as long as the model field its value is stored in.

    For plain forms whose values a service stores (ModelForms do this themselves). A value
    too long for its column is then a form error; otherwise PostgreSQL refuses it with a
    server error (SQLite stores it silently). Fields are matched to the model by name;
    `limits_fields` maps the names that differ, or to None for a value that is not stored.
    Fields a form adds in its own __init__ come too late for this mixin; they take
    `max_length=model_max_length(...)` themselves.
    """

    limits_model: type[Model]
    limits_fields: dict[str, str | None] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            if not isinstance(form_field, forms.CharField):
                continue
            column = self.limits_fields.get(name, name)
            limit = model_max_length(self.limits_model, column) if column else None
            if limit:
                limit_length(form_field, limit)


class UsernameLimitMixin(ModelLimitsMixin):
    """Django's login forms show the username's max_length but never check it.

    An unchecked username reaches authenticate(), and django-axes then records the failed
    login with it in a 255-character column (a server error on PostgreSQL). Too long for
    any account, it is a form error instead, and authenticate() is never called.
    """

    limits_model = get_user_model()
    limits_fields = {"username": get_user_model().USERNAME_FIELD, "password": None}


class LoginForm(UsernameLimitMixin, AuthenticationForm):
    pass


class AdminLoginForm(UsernameLimitMixin, AdminAuthenticationForm):
    pass


class HoneypotMixin(forms.Form):
    """A field people never see or fill in; spam bots fill in every field."""

    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_homepage(self):
        if self.cleaned_data.get("homepage"):
            raise ValidationError(_("Leave this field empty."), code="honeypot")
        return ""

    def _post_clean(self):
        super()._post_clean()
        # Not data: keep it out of what views hand to services.
        getattr(self, "cleaned_data", {}).pop("homepage", None)
