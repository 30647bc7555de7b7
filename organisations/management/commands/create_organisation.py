"""Start an organisation and print the invitation link for its first owner."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from organisations import services
from organisations.models import Invitation, Organisation, Role
from zorgzaam.forms import model_max_length


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(str(message) for message in errors[0].messages)}"
            for field, errors in error.error_dict.items()
        )
    return " ".join(str(message) for message in error.messages)


class Command(BaseCommand):
    help = (
        "Create an organisation (or find it by its slug) and invite its first owner. "
        "Prints one line: the invitation link. The link is emailed to the owner too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Name of the organisation.")
        parser.add_argument("--slug", required=True, help="Short name in the web address.")
        parser.add_argument("--owner-email", required=True, help="Email address of the owner.")

    def handle(self, *args, name: str, slug: str, owner_email: str, **options):
        name, slug, email = name.strip(), slug.strip(), owner_email.strip()
        try:
            forms.EmailField(max_length=model_max_length(Invitation, "email")).clean(email)
        except ValidationError:
            raise CommandError(f"Not a valid email address: {owner_email!r}.") from None
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            organisation = self._create(name=name, slug=slug)
        elif organisation.name != name:
            # stdout is the link alone (scripts read it); the note goes to stderr.
            self.stderr.write(f"{slug} already exists as {organisation.name!r}; its name is kept.")
        try:
            invitation = services.invitation_create(
                organisation=organisation,
                email=email,
                role=Role.OWNER,
                invited_by=None,
                language=settings.LANGUAGE_CODE,
            )
        except services.OrganisationError as error:
            if error.code == "already_member":
                raise CommandError(
                    f"{email} is already in the team of {organisation.name}."
                ) from None
            raise CommandError(f"Could not invite {email}: {error.code}.") from None
        self.stdout.write(invitation.absolute_url)

    def _create(self, *, name: str, slug: str) -> Organisation:
        candidate = Organisation(name=name, slug=slug)
        try:
            candidate.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise CommandError(f"Cannot create the organisation: {_messages(error)}") from None
        try:
            return services.organisation_create(name=name, slug=slug)
        except IntegrityError:
            # Made at the same moment by another run: use that one.
            organisation = Organisation.objects.filter(slug=slug).first()
            if organisation is None:
                raise
            return organisation
