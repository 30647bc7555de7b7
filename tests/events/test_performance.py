"""What the sign-up benchmark relies on: few queries, not growing with the attendees."""

import fcntl
import threading
import time

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.test.utils import CaptureQueriesContext

from events.models import ProgrammeItem, Registration
from events.services import registration_create
from initiatives.models import Initiative
from zorgzaam.sqlite.base import DatabaseWrapper as SQLiteWrapper

# the event with its confirmed count, its programme, its hosts, its questions (their
# answers to choose come in one more query only when it has questions)
EVENT_PAGE_QUERIES = 4
SIGN_UP_QUERIES = 8  # event + programme + questions, lock, count, three inserts


def fill(event, people):
    for n in range(people):
        registration_create(event=event, name=f"Bewoner {n}", email=f"b{n}@example.org")


@pytest.mark.parametrize("people", [0, 40])
def test_event_page_queries_do_not_grow_with_attendees(
    client, event, sessions, people, django_assert_max_num_queries
):
    event.hosts.add(
        *[Initiative.objects.create(name=f"Kring {n}", slug=f"kring-{n}") for n in range(5)]
    )
    fill(event, people)
    client.get(event.get_absolute_url())  # sessions, CSRF cookie
    with django_assert_max_num_queries(EVENT_PAGE_QUERIES):
        response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert "Kring 4" in response.text and "Grote zaal" in response.text


def sign_up_statements(client, event, data):
    """The statements of one sign-up: (before the transaction, inside it)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(event.get_absolute_url(), data)
    assert response.status_code == 302
    sql = [q["sql"] for q in queries.captured_queries]
    # Each test runs in a transaction, so the sign-up's own transaction is a savepoint.
    begin = next(n for n, statement in enumerate(sql) if statement.startswith("SAVEPOINT"))
    inside = [s for s in sql[begin:] if not s.startswith(("SAVEPOINT", "RELEASE"))]
    return sql[:begin], inside


@pytest.mark.parametrize("people", [0, 40])
def test_sign_up_queries_do_not_grow_with_attendees(client, event, sessions, people):
    fill(event, people)
    data = {"name": "Ans", "email": "ans@example.org", "session_1500": str(sessions["large"].pk)}
    before, inside = sign_up_statements(client, event, data)
    # The task row is written in production only (the tests send email at once).
    assert len(before) + len(inside) <= SIGN_UP_QUERIES - 1 + 1  # + the chosen session
    ans = Registration.objects.get(email="ans@example.org")
    assert list(ans.sessions.all()) == [sessions["large"]]


def test_sign_up_holds_the_lock_only_to_count_and_write(client, event):
    """The page's reads happen before the lock; the unique constraint finds duplicates."""
    before, inside = sign_up_statements(client, event, {"name": "Ans", "email": "a@example.org"})
    assert len(before) == 3  # the event, its programme and its questions
    assert [s.split()[0] for s in inside] == ["SELECT", "SELECT", "INSERT", "INSERT"]
    assert "SUM(" in inside[1]


def test_cached_form_follows_the_programme_and_the_language(client, event, sessions):
    page = client.get(event.get_absolute_url()).text
    assert "Grote zaal" in page and "Geen voorkeur" in page
    ProgrammeItem.objects.create(
        event=event,
        start_time=sessions["large"].start_time,
        title="Tuinkring",
        kind=ProgrammeItem.Kind.BREAKOUT,
    )
    assert "Tuinkring" in client.get(event.get_absolute_url()).text
    sessions["large"].title = "Grote zaal boven"
    sessions["large"].save()
    assert "Grote zaal boven" in client.get(event.get_absolute_url()).text
    event.max_party_size = 1
    event.save()
    assert 'name="party_size"' not in client.get(event.get_absolute_url()).text
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(event.get_absolute_url()).text
    assert "No preference" in english and "Geen voorkeur" not in english
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    assert "Geen voorkeur" in client.get(event.get_absolute_url()).text


def test_a_form_with_errors_is_not_served_from_the_cache(client, event):
    client.get(event.get_absolute_url())
    response = client.post(event.get_absolute_url(), {"name": "Ans", "email": "geen-adres"})
    assert response.status_code == 400
    assert 'value="Ans"' in response.text and "is-invalid" in response.text
    assert 'value="Ans"' not in client.get(event.get_absolute_url()).text


def test_indexes_behind_the_sign_up_and_the_door(db):
    """Counting places, the waiting list, duplicates and ticket scans use indexes."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "events_registration")
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"] or c["unique"]}
    assert ("event_id", "status", "waitlisted_at") in indexed
    # (event, lower(email)): introspection shows an expression as None.
    assert constraints["registration_one_active_per_email"]["unique"]
    assert constraints["registration_one_active_per_email"]["columns"] == ["event_id", None]
    assert ("ticket_code",) in indexed
    assert ("management_token",) in indexed


def _sqlite(path):
    return SQLiteWrapper(
        {
            "NAME": str(path),
            "ENGINE": "zorgzaam.sqlite",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 0.5},
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "TEST": {},
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
        },
        alias="writer-lock-test",
    )


@pytest.fixture
def own_sqlite_file(tmp_path, django_db_blocker):
    """Two connections to a SQLite file of the test's own, whatever database the suite uses."""
    with django_db_blocker.unblock():
        yield _sqlite(tmp_path / "db.sqlite3"), _sqlite(tmp_path / "db.sqlite3")


def lock_is_free(path) -> bool:
    with open(f"{path}.writer-lock", "a") as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(other, fcntl.LOCK_UN)
        return True


def test_sqlite_write_transactions_hold_the_writer_lock(own_sqlite_file):
    first, _second = own_sqlite_file
    path = first.settings_dict["NAME"]
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    assert lock_is_free(path)
    for end in ("commit", "rollback"):
        first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        with first.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
        assert not lock_is_free(path)
        getattr(first, end)()
        first.set_autocommit(True)
        assert lock_is_free(path)
    with first.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone() == (1,)


def test_sqlite_writers_queue_on_the_lock_and_give_up_after_the_timeout(own_sqlite_file):
    first, second = own_sqlite_file
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    # While the first writer holds the lock, the second waits, then gives up clearly.
    started = time.monotonic()
    with pytest.raises(OperationalError, match="database is locked"):
        second.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    assert time.monotonic() - started >= 0.5
    second.set_autocommit(True)

    # A writer that waits goes ahead once the first commits.
    done = []

    def write():
        second.inc_thread_sharing()
        second.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        with second.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (2)")
        second.commit()
        second.set_autocommit(True)
        done.append(True)

    thread = threading.Thread(target=write)
    thread.start()
    time.sleep(0.2)
    assert not done
    first.commit()
    first.set_autocommit(True)
    thread.join(5)
    assert done
    with first.cursor() as cursor:
        cursor.execute("SELECT n FROM t ORDER BY n")
        assert cursor.fetchall() == [(1,), (2,)]
    first.close()
    second.close()
