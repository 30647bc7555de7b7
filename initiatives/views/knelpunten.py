"""The bottleneck (knelpunten) monitor and the reports initiatives send in."""

from django.contrib import messages
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zorgzaam import charts
from zorgzaam.ratelimit import limit_posts
from zorgzaam.roles import coordinator_required

from .. import monitor, services
from ..forms import BottleneckReportForm, MonitorFilterForm
from ..models import Initiative

REPORT_SALT = "initiatives.knelpunten"
REPORT_MAX_AGE = 400 * 24 * 60 * 60  # a link sent once a year keeps working a little longer


def report_token(initiative: Initiative) -> str:
    return signing.dumps(initiative.pk, salt=REPORT_SALT, compress=True)


def report_url(request, initiative: Initiative) -> str:
    return request.build_absolute_uri(
        reverse("initiatives:report_by_link", kwargs={"token": report_token(initiative)})
    )


@require_http_methods(["GET", "HEAD"])
def bottleneck_monitor(request):
    filter_form = MonitorFilterForm(request.GET or None)
    monitor_data = monitor.bottleneck_monitor(filters=filter_form.filters())
    params = request.GET.urlencode()
    return render(
        request,
        "initiatives/bottleneck_monitor.html",
        {
            "filter_form": filter_form,
            "monitor": monitor_data,
            "min_group": monitor.MIN_GROUP,
            "csv_url": reverse("initiatives:monitor_csv") + (f"?{params}" if params else ""),
            "charts": {
                "categories": _share_chart(
                    monitor_data.categories,
                    id="chart-per-category",
                    title=_("Share of initiatives with a big or very big knelpunt, per category"),
                ),
                "by_province": _share_chart(
                    monitor_data.by_province,
                    id="chart-per-province",
                    title=_("Share of initiatives with a big or very big knelpunt, per province"),
                ),
                "by_type": _share_chart(
                    monitor_data.by_type,
                    id="chart-per-type",
                    title=_("Share of initiatives with a big or very big knelpunt, per type"),
                ),
            },
        },
    )


def _share_chart(shares: list[monitor.Share], *, id: str, title: str) -> charts.Chart:
    """Bars of the shares against the national range; hidden groups say so."""
    low, high = monitor.NATIONAL_2018
    national = {"low": low, "high": high}
    shown = [share for share in shares if not share.suppressed]
    if shown:
        top = max(shown, key=lambda share: share.percent or 0)
        description = _(
            "Highest: %(label)s, %(percent)s%%. Nationally (2018) %(low)s–%(high)s%% of "
            "initiatives have at least one big or very big knelpunt."
        ) % {"label": capfirst(top.label), "percent": formats.localize(top.percent), **national}
    else:
        description = _("Too little data to show these figures.")
    return charts.bar_chart(
        id=id,
        title=title,
        description=description,
        rows=[
            charts.BarRow(
                capfirst(share.label),
                share.percent,
                text=_("too little data")
                if share.percent is None
                else f"{formats.localize(share.percent)}%",
            )
            for share in shares
        ],
        maximum=100,
        axis=[(value, f"{value}%") for value in (0, 50, 100)],
        band=(low, high),
        band_label=_("National figure (2018): %(low)s–%(high)s%%") % national,
    )


@require_http_methods(["GET", "HEAD"])
def bottleneck_monitor_csv(request):
    filter_form = MonitorFilterForm(request.GET or None)
    monitor_data = monitor.bottleneck_monitor(filters=filter_form.filters())
    response = HttpResponse(
        monitor.monitor_csv(monitor_data).encode("utf-8-sig"), content_type="text/csv"
    )
    response["Content-Disposition"] = 'attachment; filename="knelpunten-monitor.csv"'
    return response


def _report_page(request, initiative: Initiative, *, source: str, user=None, link: str = ""):
    if request.method == "POST":
        form = BottleneckReportForm(request.POST)
        if form.is_valid():
            services.bottleneck_report_create(
                initiative=initiative,
                bottlenecks=form.cleaned_data["bottlenecks"],
                needs=form.cleaned_data["need_list"],
                successes=form.cleaned_data["success_list"],
                source=source,
                user=user,
            )
            messages.success(request, _("Thank you. The knelpunten have been saved."))
            return redirect(request.path)
    else:
        form = BottleneckReportForm()
    reports = initiative.bottleneck_reports.prefetch_related("items")[:10]
    return render(
        request,
        "initiatives/bottleneck_report_form.html",
        {
            "initiative": initiative,
            "form": form,
            "reports": reports,
            "secret_link": link,
            "by_coordinator": source == "coordinator",
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts("RATELIMIT_FORM_PER_IP")
def report_by_link(request, token):
    """The initiative's own secret link: signed, no account needed."""
    try:
        pk = signing.loads(token, salt=REPORT_SALT, max_age=REPORT_MAX_AGE)
    except signing.BadSignature:
        return render(
            request, "initiatives/bottleneck_report_form.html", {"invalid": True}, status=404
        )
    initiative = get_object_or_404(Initiative, pk=pk, publication=Initiative.Publication.PUBLISHED)
    return _report_page(request, initiative, source="initiative")


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_by_coordinator(request, pk):
    initiative = get_object_or_404(Initiative, pk=pk)
    return _report_page(
        request,
        initiative,
        source="coordinator",
        user=request.user,
        link=report_url(request, initiative),
    )
