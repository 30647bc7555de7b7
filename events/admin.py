from django.contrib import admin

from zorgzaam.admin import SuperuserOnlyAdmin

from .models import (
    AccessLog,
    Answer,
    DoorLink,
    Event,
    Follower,
    LiveAnswer,
    LiveOption,
    LiveQuestion,
    LiveRound,
    LiveUpvote,
    LiveVote,
    OrganiserMessage,
    OutgoingEmail,
    ProgrammeItem,
    Question,
    QuestionChoice,
    Registration,
    Report,
    ReportAgreement,
    ReportOptOut,
    ReportOutcome,
    ReportPhoto,
    Series,
)


class ProgrammeItemInline(admin.TabularInline):
    model = ProgrammeItem
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "venue_name", "venue_city", "capacity", "status"]
    search_fields = ["title", "slug", "venue_name", "venue_city"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "starts_at"
    list_select_related = ["organisation"]
    list_filter = ["status", "organisation", "series", "venue_city", "free_entry"]
    filter_horizontal = ["organisers", "hosts"]
    inlines = [ProgrammeItemInline]


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Follower)
class FollowerAdmin(SuperuserOnlyAdmin):
    list_display = ["email", "organisation", "series", "created_at", "confirmed_at"]
    list_filter = ["organisation"]
    search_fields = ["email"]
    # The token confirms and ends the following: never shown.
    exclude = ["token"]
    readonly_fields = ["created_at", "confirmation_sent_at", "confirmed_at"]


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "start_time", "kind", "capacity"]
    list_filter = ["kind", "event"]
    search_fields = ["title", "host", "event__title"]


@admin.register(Registration)
class RegistrationAdmin(SuperuserOnlyAdmin):
    list_display = ["name", "email", "event", "party_size", "status", "background", "created_at"]
    list_filter = ["status", "background", "event"]
    search_fields = ["name", "email", "organisation"]
    # The management token and the ticket code are an attendee's secrets: never shown, not
    # even read-only, and no "view on site" link (the attendee's page is the token's URL).
    exclude = ["management_token", "ticket_code"]
    view_on_site = False
    readonly_fields = ["created_at", "updated_at"]
    raw_id_fields = ["event"]
    filter_horizontal = ["sessions"]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(SuperuserOnlyAdmin):
    list_display = ["registration", "kind", "status", "attempts", "last_error", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["registration__email", "registration__name"]
    raw_id_fields = ["registration"]


@admin.register(OrganiserMessage)
class OrganiserMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "event", "audience", "recipients", "author", "created_at"]
    list_filter = ["audience", "event"]
    search_fields = ["subject", "body", "event__title"]
    readonly_fields = ["recipients", "created_at"]


@admin.register(AccessLog)
class AccessLogAdmin(SuperuserOnlyAdmin):
    """Who exported attendee lists or saw special-category data: superusers only, read-only."""

    list_display = ["created_at", "user", "event", "action"]
    list_filter = ["action", "event"]
    search_fields = ["user__username", "event__title"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DoorLink)
class DoorLinkAdmin(SuperuserOnlyAdmin):
    list_display = ["label", "event", "created_by", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["event"]
    search_fields = ["label", "event__title"]
    # The token is the link itself: whoever sees it can check people in.
    exclude = ["token"]
    view_on_site = False
    raw_id_fields = ["event", "created_by"]


class QuestionChoiceInline(admin.TabularInline):
    model = QuestionChoice
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["label", "event", "kind", "required", "sensitive", "position"]
    list_filter = ["kind", "required", "sensitive"]
    search_fields = ["label", "event__title"]
    raw_id_fields = ["event", "show_if"]
    inlines = [QuestionChoiceInline]


@admin.register(QuestionChoice)
class QuestionChoiceAdmin(admin.ModelAdmin):
    list_display = ["label", "question", "capacity", "position"]
    search_fields = ["label", "question__label"]
    raw_id_fields = ["question"]


@admin.register(Answer)
class AnswerAdmin(SuperuserOnlyAdmin):
    """Attendees' answers (some about health): superusers only."""

    list_display = ["question", "registration", "choice", "text", "number"]
    search_fields = ["question__label"]
    raw_id_fields = ["registration", "question", "choice"]


class LiveOptionInline(admin.TabularInline):
    model = LiveOption
    extra = 0


@admin.register(LiveRound)
class LiveRoundAdmin(admin.ModelAdmin):
    """Rounds are run from the organisers' live page; here to look up and mend."""

    list_display = ["title", "event", "kind", "state", "position"]
    list_filter = ["kind", "state"]
    search_fields = ["title", "event__title"]
    raw_id_fields = ["event"]
    inlines = [LiveOptionInline]


@admin.register(LiveOption)
class LiveOptionAdmin(admin.ModelAdmin):
    list_display = ["label", "round", "position"]
    search_fields = ["label", "round__title"]
    raw_id_fields = ["round"]


@admin.register(LiveQuestion)
class LiveQuestionAdmin(SuperuserOnlyAdmin):
    """What participants typed in the room (anonymous, but their own words)."""

    list_display = ["text", "round", "state", "created_at"]
    list_filter = ["state"]
    search_fields = ["text"]
    raw_id_fields = ["round", "merged_into"]


@admin.register(LiveAnswer)
class LiveAnswerAdmin(SuperuserOnlyAdmin):
    list_display = ["text", "round"]
    search_fields = ["text"]
    raw_id_fields = ["round"]


@admin.register(LiveVote)
class LiveVoteAdmin(SuperuserOnlyAdmin):
    list_display = ["round", "option", "points"]
    raw_id_fields = ["round", "option"]


@admin.register(LiveUpvote)
class LiveUpvoteAdmin(SuperuserOnlyAdmin):
    list_display = ["question"]
    raw_id_fields = ["question"]


class ReportPhotoInline(admin.TabularInline):
    model = ReportPhoto
    extra = 0
    fields = ["image", "alt_text", "position"]
    readonly_fields = ["image"]  # uploads go through the organisers' page, re-encoded

    def has_add_permission(self, request, obj=None):
        return False


class ReportOutcomeInline(admin.TabularInline):
    model = ReportOutcome
    extra = 0
    fields = ["title", "kind", "participants", "position", "frozen_at"]
    readonly_fields = ["kind", "participants", "frozen_at"]


class ReportAgreementInline(admin.TabularInline):
    model = ReportAgreement
    extra = 0
    fields = ["what", "who", "initiative", "due_on", "state", "position"]
    raw_id_fields = ["initiative"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports are written on the organisers' report page; here to look up and mend."""

    list_display = ["event", "published_at", "attendees_notified_at"]
    search_fields = ["event__title"]
    raw_id_fields = ["event"]
    readonly_fields = ["attendees_notified_at"]
    inlines = [ReportOutcomeInline, ReportAgreementInline, ReportPhotoInline]


@admin.register(ReportAgreement)
class ReportAgreementAdmin(admin.ModelAdmin):
    list_display = ["what", "report", "who", "initiative", "due_on", "state"]
    list_filter = ["state"]
    search_fields = ["what", "who", "report__event__title"]
    raw_id_fields = ["report", "initiative"]


@admin.register(ReportOptOut)
class ReportOptOutAdmin(SuperuserOnlyAdmin):
    """Addresses (as keyed hashes) that asked an organisation for no more reports."""

    list_display = ["organisation", "created_at"]
    readonly_fields = ["organisation", "email_hash", "created_at"]


@admin.register(ReportOutcome)
class ReportOutcomeAdmin(admin.ModelAdmin):
    list_display = ["title", "report", "kind", "participants", "frozen_at"]
    search_fields = ["title", "report__event__title"]
    raw_id_fields = ["report", "round"]


@admin.register(ReportPhoto)
class ReportPhotoAdmin(admin.ModelAdmin):
    """Photos are added on the organisers' report page (re-encoded there)."""

    list_display = ["alt_text", "report", "position"]
    search_fields = ["alt_text", "report__event__title"]
    raw_id_fields = ["report"]
    readonly_fields = ["image"]

    def has_add_permission(self, request):
        return False
