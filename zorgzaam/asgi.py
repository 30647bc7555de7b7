import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zorgzaam.settings")
django.setup(set_prefix=False)

# Django's handler, with requests that survive any charset in their Content-Type.
from zorgzaam.handlers import ASGIHandler  # noqa: E402

application = ASGIHandler()
