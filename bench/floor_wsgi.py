"""The app, plus two floors: the least a request that writes one row can cost here.

Used only by bench/signup_rush.py, through the same gunicorn, settings and database as
the real sign-ups:

- `/bench/floor/`: a minimal Django view (the project's URLs and middleware, CSRF
  exempt) that inserts one row in a transaction and answers 204. Sign-ups are compared
  with this floor.
- `/bench/raw/`: the same insert straight from WSGI, without Django's request handling,
  for orientation.

The table `bench_floor` is made beforehand (`common.create_floor_table`): four workers
starting at once would race to create it.
"""

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from zorgzaam.wsgi import application as zorgzaam_application


def insert_row() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_floor (body) VALUES (%s)", ["row"])


@csrf_exempt
@require_POST
def floor_view(request):
    insert_row()
    return HttpResponse(status=204)


urlpatterns = [path("bench/floor/", floor_view), path("", include(settings.ROOT_URLCONF))]
settings.ROOT_URLCONF = __name__


def application(environ, start_response):
    if environ.get("PATH_INFO") != "/bench/raw/":
        return zorgzaam_application(environ, start_response)
    close_old_connections()  # what Django does around every request
    try:
        insert_row()
    finally:
        close_old_connections()
    start_response("204 No Content", [])
    return [b""]
