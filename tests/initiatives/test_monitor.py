import csv
import io
import re
from datetime import date

import pytest
from django.core import signing
from django.core.management import call_command

from initiatives import monitor, services
from initiatives.models import BottleneckReport, Initiative, ReportItem
from initiatives.views import REPORT_SALT, report_token


def report(initiative, *bottlenecks, on=date(2025, 3, 1), needs=(), successes=()):
    return services.bottleneck_report_create(
        initiative=initiative,
        bottlenecks=[(category, severity, "") for category, severity in bottlenecks],
        needs=needs,
        successes=successes,
        source="coordinator",
        reported_on=on,
    )


@pytest.fixture
def known(make_initiative):
    """12 initiatives in Drenthe (GM0118 Hoogeveen, GM0114 Emmen) and 3 in Amsterdam.

    Hand count, latest report per initiative:
    Drenthe, 10 with a report: big or very big in 6 → 60.0 %
      financiën big: d0 d1 d2 d3 → 4/10 = 40.0 %; gemeente very big: d3 d4 → 2/10 = 20.0 %
      regelgeving big: d5 → 1/10 = 10.0 %; d6–d9 only small (or nothing big).
      d9 had a very big knelpunt in 2023, but its latest report (2025) is small: not counted.
      d10 and d11 have no report: not in the base.
    Amsterdam, 3 with a report: a1 big → overall 7 of 13 = 53.8 %.
    """
    drenthe = [
        make_initiative(f"Drenthe {n}", municipality="GM0118" if n < 6 else "GM0114")
        for n in range(12)
    ]
    amsterdam = [make_initiative(f"Amsterdam {n}", municipality="GM0363") for n in range(3)]
    d = drenthe
    report(d[0], ("financien", "groot"))
    report(d[1], ("financien", "zeer_groot"), ("vrijwilligers", "klein"))
    report(d[2], ("financien", "groot"))
    report(d[3], ("financien", "groot"), ("gemeente", "zeer_groot"))
    report(d[4], ("gemeente", "zeer_groot"))
    report(d[5], ("regelgeving", "groot"))
    report(d[6], ("financien", "klein"))
    report(d[7], ("huisvesting", "klein"))
    report(d[8], needs=["Meer vrijwilligers"])
    report(d[9], ("regelgeving", "zeer_groot"), on=date(2023, 5, 1))
    report(d[9], ("regelgeving", "klein"), on=date(2025, 5, 1))
    report(amsterdam[0], ("financien", "klein"))
    report(amsterdam[1], ("aanbieders", "groot"))
    report(amsterdam[2], successes=["Eetcafé loopt"])
    # Not published: never counted.
    hidden = make_initiative(
        "Verborgen", municipality="GM0118", publication=Initiative.Publication.PENDING
    )
    report(hidden, ("financien", "zeer_groot"))
    return {"drenthe": drenthe, "amsterdam": amsterdam}


def test_monitor_percentages_match_a_hand_count(known):
    result = monitor.bottleneck_monitor(filters={"provincie": ["drenthe"]})
    assert (result.overall.base, result.overall.count, result.overall.percent) == (10, 6, 60.0)
    by_category = {
        share.key: (share.base, share.count, share.percent) for share in result.categories
    }
    assert by_category["financien"] == (10, 4, 40.0)
    assert by_category["gemeente"] == (10, 2, 20.0)
    assert by_category["regelgeving"] == (10, 1, 10.0)
    assert by_category["vrijwilligers"] == (10, 0, 0.0)
    assert result.initiatives_count == 12
    assert result.comparison == "within"

    everything = monitor.bottleneck_monitor(filters={})
    assert (everything.overall.base, everything.overall.count) == (13, 7)
    assert everything.overall.percent == round(100 * 7 / 13, 1) == 53.8


def test_monitor_filters_by_municipality_and_type(known, make_initiative):
    hoogeveen = monitor.bottleneck_monitor(filters={"gemeente": ["hoogeveen"]})
    # d0–d5: all six with a big knelpunt.
    assert (hoogeveen.overall.base, hoogeveen.overall.count, hoogeveen.overall.percent) == (
        6,
        6,
        100.0,
    )
    assert hoogeveen.comparison == "above"
    none_of_type = monitor.bottleneck_monitor(filters={"type": ["stadsdorp"]})
    assert none_of_type.overall.base == 0 and none_of_type.suppressed


def test_small_groups_are_suppressed(known):
    amsterdam = monitor.bottleneck_monitor(filters={"gemeente": ["amsterdam"]})
    assert amsterdam.suppressed and amsterdam.overall.base == 3
    assert amsterdam.overall.count is None and amsterdam.overall.percent is None
    assert all(share.suppressed and share.count is None for share in amsterdam.categories)
    assert amsterdam.by_province == [] and amsterdam.by_type == []

    everything = monitor.bottleneck_monitor(filters={})
    provinces = {share.label: share for share in everything.by_province}
    # Noord-Holland (3) is too small; Drenthe then must be hidden too, or the total minus
    # Drenthe would give Noord-Holland's figure away.
    assert provinces["Noord-Holland"].suppressed and provinces["Noord-Holland"].count is None
    assert provinces["Drenthe"].suppressed


def test_monitor_page_and_csv(client, known):
    response = client.get("/initiatieven/knelpunten/?provincie=drenthe")
    html = response.text
    assert response.status_code == 200
    # Dutch pages write 60,0%; English ones 60.0%.
    assert re.search(r"60[.,]0%", html) and re.search(r"40[.,]0%", html) and "50–60%" in html
    assert "<caption>" in html and 'scope="row"' in html and "<meter" in html
    small = client.get("/initiatieven/knelpunten/?gemeente=amsterdam")
    assert small.status_code == 200 and small.context["monitor"].suppressed
    assert "%</strong>" not in small.text

    response = client.get("/initiatieven/knelpunten/cijfers.csv?provincie=drenthe")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    values = {(row[0], row[1]): row[2:] for row in rows[1:]}
    total = next(v for k, v in values.items() if k[0] in ("total", "totaal"))
    assert total == ["10", "6", "60.0"]
    assert any(v[-1] == "50-60" for v in values.values())
    small_csv = client.get("/initiatieven/knelpunten/cijfers.csv?gemeente=amsterdam").content
    rows = list(csv.reader(io.StringIO(small_csv.decode("utf-8-sig"))))
    assert rows[1][3] == rows[1][4] and not rows[1][4].replace(".", "").isdigit()


def test_monitor_bad_filter_never_fails(client, known):
    assert client.get("/initiatieven/knelpunten/").status_code == 200
    assert client.get("/initiatieven/knelpunten/cijfers.csv").status_code == 200
    assert client.get("/initiatieven/knelpunten/?provincie=nergens&type=x").status_code == 200
    assert client.get("/initiatieven/knelpunten/cijfers.csv?gemeente=%00").status_code == 400


def test_report_service_rules(make_initiative):
    initiative = make_initiative()
    with pytest.raises(services.InitiativeError) as error:
        services.bottleneck_report_create(
            initiative=initiative, bottlenecks=[], source="initiative"
        )
    assert error.value.code == "report_empty"
    for bad, code in (
        ([("geld", "groot", "")], "unknown_category"),
        ([("financien", "enorm", "")], "unknown_severity"),
        ([("financien", "groot", ""), ("financien", "klein", "")], "category_twice"),
    ):
        with pytest.raises(services.InitiativeError) as error:
            services.bottleneck_report_create(
                initiative=initiative, bottlenecks=bad, source="initiative"
            )
        assert error.value.code == code
    assert not BottleneckReport.objects.exists()


def test_database_refuses_a_need_with_a_severity(make_initiative):
    from django.db import IntegrityError, transaction

    created = report(make_initiative(), needs=["Ruimte"])
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportItem.objects.create(report=created, kind="behoefte", severity="groot")


def test_secret_link_adds_a_dated_report(client, make_initiative):
    initiative = make_initiative()
    url = f"/initiatieven/knelpunten/melden/{report_token(initiative)}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "severity_financien": "zeer_groot",
            "description_financien": "Subsidie stopt",
            "severity_gemeente": "",
            "needs": "Een ruimte\n\nMeer vrijwilligers",
            "successes": "",
        },
    )
    assert response.status_code == 302
    saved = BottleneckReport.objects.get(initiative=initiative)
    assert saved.source == "initiative" and saved.reported_on == date.today()
    items = sorted((item.kind, item.category, item.severity) for item in saved.items.all())
    assert items == [
        ("behoefte", "", ""),
        ("behoefte", "", ""),
        ("knelpunt", "financien", "zeer_groot"),
    ]
    # A description without a severity is an error, and an empty form too.
    response = client.post(url, {"description_gemeente": "traag"})
    assert response.status_code == 400
    assert client.post(url, {}).status_code == 400
    assert BottleneckReport.objects.count() == 1


def test_bad_or_foreign_link_is_404(client, make_initiative):
    initiative = make_initiative()
    assert client.get("/initiatieven/knelpunten/melden/nonsense/").status_code == 404
    other_salt = signing.dumps(initiative.pk, salt="initiatives.verify", compress=True)
    assert client.get(f"/initiatieven/knelpunten/melden/{other_salt}/").status_code == 404
    pending = make_initiative("Wacht", publication=Initiative.Publication.PENDING)
    token = signing.dumps(pending.pk, salt=REPORT_SALT, compress=True)
    assert client.get(f"/initiatieven/knelpunten/melden/{token}/").status_code == 404


def test_coordinator_page_needs_login_and_role(
    client, django_user_model, coordinator, make_initiative
):
    initiative = make_initiative()
    url = f"/initiatieven/moderatie/{initiative.pk}/knelpunten/"
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(django_user_model.objects.create_user("els", "els@example.org", "x"))
    assert client.get(url).status_code == 403
    assert client.post(url, {"severity_financien": "groot"}).status_code == 403
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200 and "/initiatieven/knelpunten/melden/" in response.text
    assert client.post(url, {"severity_financien": "groot"}).status_code == 302
    saved = BottleneckReport.objects.get(initiative=initiative)
    assert saved.source == "coordinator" and saved.user == coordinator


def test_generate_initiatives_adds_reports(db, settings):
    settings.DEBUG = True
    call_command("generate_initiatives", count=40, seed=1)
    assert BottleneckReport.objects.count() >= 20
    assert ReportItem.objects.filter(kind="knelpunt", severity__in=["groot", "zeer_groot"]).exists()
    assert ReportItem.objects.filter(kind="behoefte").exists()
    assert ReportItem.objects.filter(kind="succes").exists()
    result = monitor.bottleneck_monitor(filters={})
    assert result.overall.base >= 20 and 0 < result.overall.percent < 100
