"""Live input during a meeting: the participants' page, the projector, the organisers' page.

Participants have no account: a signed cookie holds a random id, and only its SHA-256 is
stored with what they send. Every form works without JavaScript (POST, then redirect);
the projector polls a small partial with htmx, served from the cache until a live write
bumps the meeting's screen version. Phones find a meeting by the page's address, its QR
code, or its six-digit code typed at /live/.
"""

import hashlib
import re
import secrets
import unicodedata

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from zorgzaam.ratelimit import limit_posts

from .. import services
from ..live_forms import (
    LiveAnswerForm,
    LiveModerateForm,
    LiveQuestionForm,
    LiveQuestionPickForm,
    LiveRoundForm,
    LiveVoteForm,
)
from ..models import LIVE_CODE_LENGTH, Event, LiveQuestion, LiveRound, ProgrammeItem
from ..qr import qr_svg
from ..services import live as live_reads
from .decorators import manages_event

COOKIE = "zorgzaam_live"
COOKIE_SALT = "events.live.participant"
COOKIE_MAX_AGE = 7 * 24 * 3600
_COOKIE_VALUE = re.compile(r"[A-Za-z0-9_-]{43}")

LIVE_ERRORS = {
    "round_closed": gettext_lazy("This round is closed. Look at the screen for the next one."),
    "wrong_kind": gettext_lazy("That does not fit the open round."),
    "unknown_option": gettext_lazy("That option is not part of this poll."),
    "one_choice_only": gettext_lazy("Choose one option."),
    "empty_vote": gettext_lazy("Choose at least one option."),
    "over_budget": gettext_lazy("You gave away more points than you have."),
    "invalid_vote": gettext_lazy("That vote could not be read. Please try again."),
    "too_long": gettext_lazy("That text is too long."),
    "empty_text": gettext_lazy("Please write something first."),
    "invalid_text": gettext_lazy("That text contains characters that cannot be used."),
    "not_yours": gettext_lazy("You can only delete your own question."),
    "unknown_question": gettext_lazy("That question is not on the wall (any more)."),
    "too_few_options": gettext_lazy("A poll needs at least two options."),
    "too_many_options": gettext_lazy("That poll has too many options."),
    "not_draft": gettext_lazy("The options of a round that has been opened cannot change."),
    "invalid_budget": gettext_lazy("The points per participant must be between 1 and 1000."),
    "other_round_open": gettext_lazy("Another round was opened at the same moment; try again."),
    "invalid_merge": gettext_lazy("Choose another question of the same round to merge into."),
    "invalid_action": gettext_lazy("Unknown action."),
    "unknown_round": gettext_lazy("That round does not exist."),
}


def live_error_message(error: services.LiveError) -> str:
    if error.code == "invalid_round":
        return str(error)
    return str(LIVE_ERRORS.get(error.code, _("That did not work. Please try again.")))


# The participant behind a phone


def _cookie_id(request) -> str | None:
    value = request.get_signed_cookie(COOKIE, default=None, salt=COOKIE_SALT)
    return value if value and _COOKIE_VALUE.fullmatch(value) else None


def _participant_key(group, request) -> str:
    """The rate-limit key: the phone when it has its cookie, else its address."""
    cookie = _cookie_id(request)
    return f"live:{cookie}" if cookie else f"ip:{request.META.get('REMOTE_ADDR', '')}"


def _participant(request) -> tuple[str, str | None]:
    """(stored hash, new cookie id to set or None)."""
    cookie = _cookie_id(request)
    new = None
    if cookie is None:
        cookie = new = secrets.token_urlsafe(32)
    return hashlib.sha256(cookie.encode()).hexdigest(), new


def _with_cookie(request, response, new: str | None):
    if new:
        response.set_signed_cookie(
            COOKIE,
            new,
            salt=COOKIE_SALT,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def _live_event(slug: str) -> Event:
    return get_object_or_404(Event.objects.filter(status=Event.Status.PUBLISHED), slug=slug)


def _join_context(event: Event) -> dict:
    """The ways in a projector and the organisers show: the page's address, the QR code,
    and the short code with the address to type it at."""
    code = event.live_code
    return {
        "join_url": settings.SITE_URL + reverse("events:live", kwargs={"slug": event.slug}),
        "join_short_url": (settings.SITE_URL + reverse("events:live_join"))
        .split("://", 1)[-1]
        .rstrip("/"),
        # Grouped 3 + 3 for reading from the back of the hall; never broken across lines.
        "live_code": f"{code[:3]}\u00a0{code[3:]}",
    }


# The short way in: the six-digit code

# What a phone keyboard may put between the digits: spaces of any kind and dashes.
_CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_CODE_TYPED_MAX = 40

JOIN_ERRORS = {
    "empty": gettext_lazy("Type the six digits shown on the screen."),
    "malformed": gettext_lazy("A code is six digits, for example 123 456."),
    "unknown": gettext_lazy(
        "No meeting has that code. Check the six digits on the screen and try again."
    ),
}


def _typed_code(value) -> str | None:
    """The six ASCII digits of a typed code, or None when it cannot be one.

    Spaces and dashes are ignored; digits of another script (١٢٣ on an Arabic keyboard)
    count as the digits they are.
    """
    if not isinstance(value, str) or len(value) > _CODE_TYPED_MAX:
        return None
    digits = _CODE_SEPARATORS.sub("", value)
    if len(digits) != LIVE_CODE_LENGTH or not digits.isdecimal():
        return None
    return "".join(str(unicodedata.decimal(digit)) for digit in digits)


def _join_answer(request, typed):
    """Redirect to the meeting whose code was typed, or the form again saying why not."""
    code = _typed_code(typed)
    if code is None:
        empty = isinstance(typed, str) and not typed.strip()
        error, status = ("empty" if empty else "malformed"), 400
    else:
        event = live_reads.live_event_by_code(code=code)
        if event is not None:
            return redirect(reverse("events:live", kwargs={"slug": event.slug}))
        error, status = "unknown", 404
    context = {
        "typed": typed if isinstance(typed, str) and len(typed) <= _CODE_TYPED_MAX else "",
        "error": JOIN_ERRORS[error],
    }
    return render(request, "events/live/live_join.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def live_join(request):
    """/live/: type the meeting's code (a GET form, so it works without JavaScript)."""
    if "code" not in request.GET:
        return render(request, "events/live/live_join.html", {"typed": ""})
    typed = request.GET.getlist("code")
    return _join_answer(request, typed[0] if len(typed) == 1 else None)


@never_cache
@require_http_methods(["GET", "HEAD"])
def live_join_code(request, code):
    """/live/123456/: the code in the address, for a link or a QR code."""
    return _join_answer(request, code)


# Participants


def _participant_context(event, round_, participant, forms):
    context = {"event": event, "round": round_, **forms}
    if round_ is None:
        return context
    if round_.kind == LiveRound.Kind.QUESTIONS:
        context["questions"] = live_reads.live_questions_on_screen(round=round_)
        context["my_upvotes"] = live_reads.live_my_upvotes(round=round_, participant=participant)
        context["my_questions"] = round_.questions.filter(participant=participant)
    elif round_.kind == LiveRound.Kind.OPEN:
        context["answers"] = round_.answers.all()[:200]
    else:
        context["my_votes"] = live_reads.live_my_votes(round=round_, participant=participant)
        if round_.shows_results:
            context["results"] = live_reads.live_results(round=round_)
    return context


POST_ACTIONS = {"ask", "upvote", "delete", "vote", "answer"}


def _act(request, round_, participant, action):
    """Run one participant action; returns (form with errors or None, error message or None)."""
    post = request.POST
    if action == "ask":
        form = LiveQuestionForm(post)
        if not form.is_valid():
            return {"question_form": form}, None
        services.live_question_ask(
            round=round_,
            participant=participant,
            text=form.cleaned_data["text"],
            first_name=form.cleaned_data["first_name"],
        )
        return None, _("Thank you, your question was sent.")
    if action == "answer":
        form = LiveAnswerForm(post)
        if not form.is_valid():
            return {"answer_form": form}, None
        services.live_answer(round=round_, participant=participant, text=form.cleaned_data["text"])
        return None, _("Thank you for your answer.")
    if action == "vote":
        form = LiveVoteForm(post, round=round_)
        if not form.is_valid():
            return {"vote_form": form}, None
        services.live_vote(round=round_, participant=participant, choices=form.ballot)
        return None, _("Thank you, your vote counts. You can change it while the poll is open.")
    pick = LiveQuestionPickForm(post)
    if not pick.is_valid():
        raise services.LiveError("unknown_question")
    question = LiveQuestion.objects.filter(round=round_, pk=pick.cleaned_data["question"]).first()
    if question is None:
        raise services.LiveError("unknown_question")
    if action == "upvote":
        services.live_upvote(question=question, participant=participant)
        return None, None
    services.live_question_delete(question=question, participant=participant)
    return None, _("Your question was deleted.")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts("RATELIMIT_LIVE_PER_IP")
@limit_posts("RATELIMIT_LIVE_PER_PARTICIPANT", key=_participant_key)
def live_participant(request, slug):
    """Ask, upvote, vote, answer: plain forms that POST here and are redirected back."""
    event = _live_event(slug)
    participant, new_cookie = _participant(request)
    round_ = live_reads.live_open_round(event=event)
    forms = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        round_pk = request.POST.get("round", "")
        try:
            if action not in POST_ACTIONS:
                raise services.LiveError("invalid_action")
            if round_ is None or round_pk != str(round_.pk):
                raise services.LiveError("round_closed")
            forms, thanks = _act(request, round_, participant, action)
        except services.LiveError as error:
            forms, thanks = {}, None
            forms["error"] = live_error_message(error)
            status = 409 if error.code == "round_closed" else 400
        if forms:
            status = max(status, 400)
        else:
            if thanks:
                messages.success(request, thanks)
            response = redirect(reverse("events:live", kwargs={"slug": event.slug}))
            return _with_cookie(request, response, new_cookie)
    if round_ is not None:
        forms.setdefault("question_form", LiveQuestionForm())
        forms.setdefault("answer_form", LiveAnswerForm())
        if round_.is_poll:
            my_votes = live_reads.live_my_votes(round=round_, participant=participant)
            initial = (
                {"option": list(my_votes)[0] if my_votes else None}
                if round_.kind == LiveRound.Kind.ONE_CHOICE
                else {"option": list(my_votes)}
                if round_.kind == LiveRound.Kind.CHOICES
                else {f"points_{pk}": points for pk, points in my_votes.items()}
            )
            forms.setdefault("vote_form", LiveVoteForm(initial=initial, round=round_))
    context = _participant_context(event, round_, participant, forms)
    response = render(request, "events/live/live_participant.html", context, status=status)
    return _with_cookie(request, response, new_cookie)


# Organisers


def _round_of(event, pk) -> LiveRound:
    round_ = LiveRound.objects.filter(event=event, pk=pk).first() if pk else None
    if round_ is None:
        raise services.LiveError("unknown_round")
    return round_


def _pk(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else None


def _organiser_act(request, event, action) -> tuple[LiveRoundForm | None, str]:
    """Run one organiser action; returns (a form with errors or None, the message)."""
    post = request.POST
    if action == "create":
        form = LiveRoundForm(post)
        if not form.is_valid():
            return form, ""
        data = form.cleaned_data
        services.live_round_create(
            event=event,
            kind=data["kind"],
            title=data["title"],
            options=data["options"],
            moderated=data["moderated"],
            results_hidden=data["results_hidden"],
            points_budget=data["points_budget"],
        )
        return None, _("The round was added.")
    if action == "from_programme":
        services.live_round_from_programme(
            event=event, title=_("Which session do we take up first?")
        )
        return None, _("A poll over the programme's sessions and pitches was added.")
    if action == "moderate":
        form = LiveModerateForm(post)
        if not form.is_valid():
            raise services.LiveError("invalid_action")
        data = form.cleaned_data
        question = LiveQuestion.objects.filter(round__event=event, pk=data["question"]).first()
        into = LiveQuestion.objects.filter(round__event=event, pk=data["into"] or 0).first()
        if question is None:
            raise services.LiveError("unknown_question")
        services.live_question_moderate(question=question, action=data["do"], into=into)
        return None, _("The question was updated.")
    round_ = _round_of(event, _pk(post.get("round")))
    if action == "open":
        services.live_round_open(round=round_)
        return None, _("The round is open; participants see it now.")
    if action == "close":
        services.live_round_close(round=round_)
        return None, _("The round is closed.")
    if action == "delete":
        services.live_round_delete(round=round_)
        return None, _("The round was deleted.")
    if action in ("show_results", "hide_results"):
        services.live_round_update(
            round=round_, title=round_.title, results_hidden=action == "hide_results"
        )
        return None, _("The round was updated.")
    if action == "update":
        form = LiveRoundForm(
            post, prefix=f"r{round_.pk}", options_fixed=round_.state != LiveRound.State.DRAFT
        )
        if not form.is_valid():
            errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
            raise services.LiveError("invalid_round", " ".join(errors))
        data = form.cleaned_data
        services.live_round_update(
            round=round_,
            title=data["title"],
            options=data["options"] if round_.state == LiveRound.State.DRAFT else None,
            moderated=data["moderated"],
            results_hidden=data["results_hidden"],
            points_budget=data["points_budget"] if round_.state == LiveRound.State.DRAFT else None,
        )
        return None, _("The round was updated.")
    raise services.LiveError("invalid_action")


def _organiser_rounds(event):
    rounds = list(event.live_rounds.prefetch_related("options"))
    for round_ in rounds:
        if round_.is_poll:
            round_.results = live_reads.live_results(round=round_)
            round_.voters = live_reads.live_voters(round=round_)
        elif round_.kind == LiveRound.Kind.QUESTIONS:
            round_.all_questions = (
                round_.questions.select_related("merged_into")
                .annotate(upvote_count=Count("upvotes", distinct=True))
                .order_by("-upvote_count", "created_at")
            )
        else:
            round_.all_answers = round_.answers.all()
        round_.edit_form = LiveRoundForm(
            initial={
                "kind": round_.kind,
                "title": round_.title,
                "options": "\n".join(o.label for o in round_.options.all()),
                "moderated": round_.moderated,
                "results_hidden": round_.results_hidden,
                "points_budget": round_.points_budget,
            },
            prefix=f"r{round_.pk}",
        )
    return rounds


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@manages_event
def live_manage(request, event):
    """Prepare rounds, open and close them, moderate questions; QR and join link."""
    form = LiveRoundForm(initial={"points_budget": 10})
    status = 200
    if request.method == "POST":
        try:
            invalid, done = _organiser_act(request, event, request.POST.get("action", ""))
        except services.LiveError as error:
            messages.error(request, live_error_message(error))
            status = 409 if error.code == "other_round_open" else 400
        else:
            if invalid is None:
                messages.success(request, done)
                return redirect(reverse("events:live_manage", kwargs={"slug": event.slug}))
            form, status = invalid, 400
    context = {
        "event": event,
        "form": form,
        "rounds": _organiser_rounds(event),
        **_join_context(event),
        "has_programme_choices": event.programme.filter(kind__in=ProgrammeItem.CHOOSABLE).count()
        >= 2,
    }
    return render(request, "events/live/live_manage.html", context, status=status)


# The projector


def _screen_context(event):
    round_ = live_reads.live_open_round(event=event)
    context = {"event": event, "round": round_}
    if round_ is None:
        return context
    if round_.kind == LiveRound.Kind.QUESTIONS:
        questions = list(live_reads.live_questions_on_screen(round=round_)[:8])
        for question in questions:
            question.text = live_reads.without_emails(question.text)
            question.first_name = live_reads.without_emails(question.first_name)
        context["questions"] = questions
    elif round_.kind == LiveRound.Kind.OPEN:
        answers = list(round_.answers.order_by("-created_at", "-pk")[:12])
        for answer in answers:
            answer.text = live_reads.without_emails(answer.text)
        context["answers"] = answers
    else:
        context["voters"] = live_reads.live_voters(round=round_)
        if round_.shows_results:
            context["results"] = live_reads.live_results(round=round_)
    return context


# The partial every projector, and every phone watching along, polls every 2 seconds:
# cached per meeting and language under the meeting's screen version, which every live
# write bumps once it commits, so the next poll after a change is rendered afresh and every
# other poll costs one query (the meeting). The lifetime only bounds what bypasses the
# services (an edit in the admin); a cache of one process (no REDIS_URL) never hears of a
# bump in another worker, so there a partial lives a second.
SCREEN_CACHE_SECONDS = 60
SCREEN_CACHE_SECONDS_LOCAL = 1


def _screen_cache_seconds() -> int:
    local = settings.CACHES["default"]["BACKEND"].endswith(".LocMemCache")
    return SCREEN_CACHE_SECONDS_LOCAL if local else SCREEN_CACHE_SECONDS


def _screen_round_html(event) -> str:
    # The version is read before the rows: a partial stored under it is never older.
    version = live_reads.live_screen_version(event_id=event.pk)
    key = f"live:screen:{event.pk}:{version}:{event.updated_at.timestamp()}:{get_language()}"
    html = cache.get(key)
    if html is None:
        # Rendered without the request: nothing of one visitor may end up in the cache.
        html = render_to_string("events/live/_screen_round.html", _screen_context(event))
        cache.set(key, html, _screen_cache_seconds())
    return html  # a SafeString, as rendered (the cache keeps its type)


@never_cache
@require_http_methods(["GET", "HEAD"])
def live_screen(request, slug):
    """The projector: the open round, big; the partial below refreshes it every 2 seconds."""
    event = _live_event(slug)
    context = {"event": event, "screen_round": _screen_round_html(event), **_join_context(event)}
    return render(request, "events/live/live_screen.html", context)


@never_cache
@require_http_methods(["GET", "HEAD"])
def live_screen_part(request, slug):
    event = _live_event(slug)
    return HttpResponse(_screen_round_html(event))


@require_http_methods(["GET", "HEAD"])
def live_qr(request, slug):
    """The QR code of the participants' page, as SVG."""
    event = _live_event(slug)
    url = settings.SITE_URL + reverse("events:live", kwargs={"slug": event.slug})
    content = cache.get_or_set(f"qr:live:svg:{url}", lambda: qr_svg(url), 3600)
    return HttpResponse(content, content_type="image/svg+xml")
