from django.core.management.base import BaseCommand

from zorgzaam.personal_data import personal_data_erase


class Command(BaseCommand):
    help = (
        "Erase one email address everywhere (AVG art. 17), through every app's personal-data "
        "provider: registrations are cancelled and anonymised, initiative contact and "
        "submitter details and correction reports cleared, login and task records deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        counts = personal_data_erase(email=email)
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count}")
