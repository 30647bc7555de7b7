"""The app, plus /bench/floor/: the least a request that writes can cost on this server.

Used only by bench/signup_rush.py: a POST inserts one row in its own table and answers
204, through the same gunicorn, settings and database as the real sign-ups.
"""

from django.db import close_old_connections, connection, transaction

from zorgzaam.wsgi import application as zorgzaam_application

with connection.cursor() as cursor:
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, body VARCHAR(100))"
        if connection.vendor == "sqlite"
        else "CREATE TABLE IF NOT EXISTS bench_floor (id SERIAL PRIMARY KEY, body VARCHAR(100))"
    )
connection.close()


def application(environ, start_response):
    if environ.get("PATH_INFO") != "/bench/floor/":
        return zorgzaam_application(environ, start_response)
    close_old_connections()  # what Django does around every request
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_floor (body) VALUES (%s)", ["row"])
    finally:
        close_old_connections()
    start_response("204 No Content", [])
    return [b""]
