import json

from django.core.management.base import BaseCommand

from zorgzaam.personal_data import personal_data_export


class Command(BaseCommand):
    help = "Print, as JSON, everything the site holds about one email address (AVG art. 15)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        data = personal_data_export(email=email)
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
