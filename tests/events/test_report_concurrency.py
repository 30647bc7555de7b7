"""Publishing a report under real concurrency: the attendees are emailed once.

Runs against the configured database (a file SQLite database by default, PostgreSQL when
DATABASE_URL is set), with real threads, each its own database connection.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connections
from django.utils import timezone

from events import services
from events.models import OutgoingEmail, Report

THREADS = 12


def _at_once(work, n=THREADS):
    barrier = threading.Barrier(n)

    def job(i):
        try:
            barrier.wait(timeout=60)
            return work(i)
        except services.ReportError as error:
            return error.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(job, range(n)))


@pytest.fixture
def held(make_event):
    now = timezone.now()
    event = make_event(
        capacity=20,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
        registration_closes_at=now + timedelta(hours=2),
    )
    for n in range(5):
        services.registration_create(event=event, name=f"Deelnemer {n}", email=f"d{n}@example.org")
    report = services.report_for(event=event)
    services.report_update(report=report, summary="Verslag", video_url="")
    return event


@pytest.mark.django_db(transaction=True)
def test_publishing_at_once_from_many_tabs_emails_each_attendee_once(held):
    def publish(_):
        return services.report_publish(report=Report.objects.get(event=held))

    queued = _at_once(publish)
    assert sorted(queued) == [0] * (THREADS - 1) + [5]
    assert OutgoingEmail.objects.filter(kind="report").count() == 5
    assert Report.objects.get(event=held).is_published


@pytest.mark.django_db(transaction=True)
def test_photos_added_at_once_stay_within_the_limit(held, monkeypatch, settings, tmp_path):
    from io import BytesIO

    from PIL import Image

    from events.services import report as report_service

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(report_service, "PHOTOS_MAX", 3)
    buffer = BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 0)).save(buffer, format="JPEG")

    def add(i):
        report = Report.objects.get(event=held)
        services.report_photo_add(
            report=report, image=ContentFile(buffer.getvalue(), f"{i}.jpg"), alt_text=f"Foto {i}"
        )
        return "ok"

    results = _at_once(add, n=8)
    assert results.count("ok") == 3
    assert results.count("too_many_photos") == 5
    assert Report.objects.get(event=held).photos.count() == 3
