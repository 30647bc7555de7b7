import re
import sqlite3
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


def _regexp(pattern, value) -> bool:
    return value is not None and re.search(pattern, str(value)) is not None


class Command(BaseCommand):
    help = (
        "Make a consistent copy of the SQLite database while the site keeps running "
        "(SQLite's online backup API). For PostgreSQL use pg_dump (see README)."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", nargs="?", help="file to write (default: data/backups/)")

    def handle(self, *args, destination=None, **options):
        if connection.vendor != "sqlite":
            raise CommandError("This database is not SQLite: use pg_dump, as the README explains.")
        source_path = Path(settings.DATABASES["default"]["NAME"])
        if destination:
            target = Path(destination)
        else:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            target = Path(settings.DATA_DIR) / "backups" / f"zorgzaam-{stamp}.sqlite3"
        target.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(source_path)
        copy = sqlite3.connect(target)
        # Constraints may use REGEXP, which Django adds to its own connections only.
        copy.create_function("REGEXP", 2, _regexp, deterministic=True)
        try:
            with copy:
                source.backup(copy)
            check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
            source.close()
        if check != "ok":
            raise CommandError(f"The copy failed its integrity check: {check}")
        self.stdout.write(f"Backup written to {target}")
        self.stdout.write(
            f"To restore: stop the site, copy it over {source_path} "
            "(and delete any -wal and -shm files beside it), then start the site again."
        )
