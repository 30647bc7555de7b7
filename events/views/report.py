"""The report of a meeting: the public page, the organisers' page, and stopping report emails.

The public page exists once the organisers publish it (404 before). The summary is plain
text: escaped, then paragraphs and links. A video is a link that becomes an embedded
player only when the visitor asks for it, so no third party is contacted before.
"""

import re
from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .. import services
from ..models import Event, LiveQuestion, LiveRound, Report, ReportAgreement
from ..report_forms import AgreementForm, ReportPhotoForm, ReportTextForm
from ..services import report as report_reads
from .decorators import manages_event

REPORT_ERRORS = {
    "too_long": gettext_lazy("That text is too long."),
    "alt_required": gettext_lazy("Describe what is on the photo."),
    "too_many_photos": gettext_lazy("A report has room for 30 photos at most."),
    "unknown_round": gettext_lazy("That round does not exist."),
    "round_not_closed": gettext_lazy("Close the round first; then its results can be added."),
    "nothing_chosen": gettext_lazy("Choose at least one question or answer to add."),
    "too_many_items": gettext_lazy("Choose 20 at most."),
    "what_required": gettext_lazy("Say what was agreed."),
    "who_required": gettext_lazy("Say who does it, or choose an initiative."),
    "too_many_agreements": gettext_lazy("A report has room for 50 agreements at most."),
    "invalid_state": gettext_lazy("Unknown state."),
    "event_not_published": gettext_lazy("Only the report of a published meeting can go online."),
    "not_started": gettext_lazy("The report can go online once the meeting has begun."),
    "empty_report": gettext_lazy("Write a summary, add a video link or an outcome first."),
    "invalid_action": gettext_lazy("Unknown action."),
    "unknown_item": gettext_lazy("That is not part of this report (any more)."),
}


def report_error_message(error: services.ReportError) -> str:
    return str(REPORT_ERRORS.get(error.code, _("That did not work. Please try again.")))


# Video: a link, and an embed only on request

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")


def video_embed(url: str) -> dict | None:
    """{"src", "provider"} for YouTube and Vimeo links (privacy-enhanced players), else None."""
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    video_id = ""
    if host == "youtu.be":
        video_id = parts.path.strip("/")
    elif host in ("youtube.com", "youtube-nocookie.com"):
        if parts.path == "/watch":
            video_id = parse_qs(parts.query).get("v", [""])[0]
        elif parts.path.startswith(("/embed/", "/live/", "/shorts/")):
            video_id = parts.path.split("/")[2]
    if _YOUTUBE_ID.fullmatch(video_id):
        return {"src": f"https://www.youtube-nocookie.com/embed/{video_id}", "provider": "YouTube"}
    if host == "vimeo.com":
        number = parts.path.strip("/").split("/")[0]
        if number.isdigit() and len(number) < 15:
            return {"src": f"https://player.vimeo.com/video/{number}?dnt=1", "provider": "Vimeo"}
    return None


# The public page


def _published_report(slug: str) -> Report:
    report = (
        Report.objects.select_related("event__organisation", "event__series")
        .filter(
            event__slug=slug,
            event__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED],
            published_at__isnull=False,
        )
        .first()
    )
    if report is None:
        raise Http404
    return report


@require_http_methods(["GET", "HEAD"])
def report_detail(request, slug):
    report = _published_report(slug)
    context = {
        "report": report,
        "event": report.event,
        "photos": report.photos.all(),
        "outcomes": report.outcomes.all(),
        "agreements": report.agreements.select_related("initiative"),
        "video": video_embed(report.video_url),
        "attended": report.event.registrations.filter(checked_in_at__isnull=False).count(),
    }
    return render(request, "events/report/report_detail.html", context)


# The organisers' page


_ID = re.compile(r"[0-9]{1,9}")


def _id(value) -> int | None:
    """A posted id, or None. ASCII digits only: str.isdigit() also takes "²" (which int()
    refuses) and "١" (which int() reads as 1)."""
    return int(value) if isinstance(value, str) and _ID.fullmatch(value) else None


def _item(queryset, value):
    pk = _id(value)
    item = queryset.filter(pk=pk).first() if pk else None
    if item is None:
        raise services.ReportError("unknown_item")
    return item


def _ids(values) -> list[int]:
    return [pk for pk in map(_id, values) if pk is not None]


def _report_act(request, report, action):
    """Run one action; returns ({form name: form with errors}, message)."""
    post = request.POST
    if action == "text":
        form = ReportTextForm(post)
        if not form.is_valid():
            return {"text_form": form}, ""
        services.report_update(
            report=report,
            summary=form.cleaned_data["summary"],
            video_url=form.cleaned_data["video_url"],
        )
        return {}, _("The report was saved.")
    if action == "photo":
        form = ReportPhotoForm(post, request.FILES)
        if not form.is_valid():
            return {"photo_form": form}, ""
        services.report_photo_add(
            report=report, image=form.cleaned_data["image"], alt_text=form.cleaned_data["alt_text"]
        )
        return {}, _("The photo was added.")
    if action == "photo_delete":
        services.report_photo_delete(photo=_item(report.photos, post.get("photo")))
        return {}, _("The photo was removed.")
    if action == "freeze":
        round_ = _item(report.event.live_rounds, post.get("round"))
        services.report_outcome_freeze(
            report=report, round=round_, chosen=_ids(post.getlist("chosen"))
        )
        return {}, _("The results were added to the report as they are now.")
    if action == "outcome_delete":
        services.report_outcome_delete(outcome=_item(report.outcomes, post.get("outcome")))
        return {}, _("The outcome was removed from the report.")
    if action == "agreement":
        form = AgreementForm(post, prefix="new")
        if not form.is_valid():
            return {"agreement_form": form}, ""
        data = form.cleaned_data
        services.agreement_create(
            report=report,
            what=data["what"],
            who=data["who"],
            initiative=data["initiative"],
            due_on=data["due_on"],
        )
        return {}, _("The agreement was added.")
    if action in ("agreement_update", "agreement_delete"):
        agreement = _item(report.agreements, post.get("agreement"))
        if action == "agreement_delete":
            services.agreement_delete(agreement=agreement)
            return {}, _("The agreement was removed.")
        form = AgreementForm(post, prefix=f"a{agreement.pk}", agreement=agreement)
        if not form.is_valid():
            return {f"a{agreement.pk}": form}, ""
        data = form.cleaned_data
        services.agreement_update(
            agreement=agreement,
            what=data["what"],
            who=data["who"],
            initiative=data["initiative"],
            due_on=data["due_on"],
            state=data["state"],
        )
        return {}, _("The agreement was saved.")
    if action == "publish":
        queued = services.report_publish(report=report)
        if queued:
            return {}, ngettext(
                "The report is online. %(count)d attendee gets an email about it.",
                "The report is online. %(count)d attendees get an email about it.",
                queued,
            ) % {"count": queued}
        return {}, _("The report is online.")
    if action == "unpublish":
        services.report_unpublish(report=report)
        return {}, _("The report is offline again.")
    raise services.ReportError("invalid_action")


def _closed_rounds(event):
    """Closed rounds with what can be chosen from them: questions (not waiting) or answers."""
    rounds = list(event.live_rounds.filter(state=LiveRound.State.CLOSED))
    for round_ in rounds:
        if round_.kind == LiveRound.Kind.QUESTIONS:
            round_.choosable = [
                (q.pk, q.text, q.upvote_count)
                for q in round_.questions.filter(merged_into__isnull=True)
                .exclude(state__in=[LiveQuestion.State.PENDING, LiveQuestion.State.HIDDEN])
                .annotate(upvote_count=Count("upvotes", distinct=True))
                .order_by("-upvote_count", "created_at")
            ]
        elif round_.kind == LiveRound.Kind.OPEN:
            round_.choosable = [(a.pk, a.text, None) for a in round_.answers.all()[:200]]
    return rounds


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@manages_event
def report_manage(request, event):
    """Write the report, add photos, outcomes and agreements, and publish it."""
    report = services.report_for(event=event)
    invalid, status = {}, 200
    if request.method == "POST":
        try:
            invalid, done = _report_act(request, report, request.POST.get("action", ""))
        except services.ReportError as error:
            messages.error(request, report_error_message(error))
            status = 400
        else:
            if not invalid:
                messages.success(request, done)
                return redirect(reverse("events:report_manage", kwargs={"slug": event.slug}))
            status = 400
    agreements = list(report.agreements.select_related("initiative"))
    for agreement in agreements:
        agreement.form = invalid.get(f"a{agreement.pk}") or AgreementForm(
            prefix=f"a{agreement.pk}",
            agreement=agreement,
            initial={
                "what": agreement.what,
                "who": agreement.who,
                "initiative": agreement.initiative_id,
                "due_on": agreement.due_on,
                "state": agreement.state,
            },
        )
    context = {
        "event": event,
        "report": report,
        "text_form": invalid.get("text_form")
        or ReportTextForm(initial={"summary": report.summary, "video_url": report.video_url}),
        "photo_form": invalid.get("photo_form") or ReportPhotoForm(),
        "agreement_form": invalid.get("agreement_form") or AgreementForm(prefix="new"),
        "photos": report.photos.all(),
        "outcomes": report.outcomes.all(),
        "frozen_rounds": set(report.outcomes.values_list("round_id", flat=True)),
        "agreements": agreements,
        "rounds": _closed_rounds(event),
        "recipients": len(report_reads.report_recipients(report)),
        "can_publish": event.status == Event.Status.PUBLISHED,
        "states": ReportAgreement.State,
    }
    return render(request, "events/report/report_manage.html", context, status=status)


# No more reports (the link in the email, and the one click of RFC 8058)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_opt_out(request, token):
    try:
        organisation_id, email_hash = report_reads.opt_out_from_token(token)
    except services.ReportError:
        raise Http404 from None
    from organisations.models import Organisation

    organisation = get_object_or_404(Organisation, pk=organisation_id)
    done = False
    if request.method == "POST":
        services.report_opt_out(organisation_id=organisation.pk, email_hash=email_hash)
        done = True
    return render(
        request,
        "events/report/report_opt_out.html",
        {"organisation": organisation, "done": done, "token": token},
    )
