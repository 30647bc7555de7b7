from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView

from . import views
from .forms import AdminLoginForm, LoginForm
from .health import healthz

# The read-only JSON API: one namespace, one document describing every app's part.
api_urlpatterns = [
    path("openapi.json", views.openapi, name="openapi"),
    path("", include("initiatives.api_urls")),
    path("", include("events.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("events.urls")),
    path("", include("organisations.urls")),
    path("initiatieven/", include("initiatives.urls")),
    path("api/", include((api_urlpatterns, "api"))),
    path(
        "privacy/",
        TemplateView.as_view(template_name="pages/privacy.html"),
        name="privacy",
    ),
    path(
        "toegankelijkheid/",
        TemplateView.as_view(template_name="pages/accessibility.html"),
        name="accessibility",
    ),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The login form refuses a username longer than a username can be (before django-axes
    # records the attempt in a 255-character column).
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    # The reset link in the email points at SITE_URL, whatever Host the request came with.
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(extra_email_context={"site_url": settings.SITE_URL}),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

# Uploaded images (organisation logos), re-encoded on upload, served by the app itself so
# a single server needs nothing else; behind a proxy, let it serve MEDIA_ROOT at /media/.
urlpatterns += [path("media/<path:path>", views.media, name="media")]

# JSON for /api/ URLs, the friendly templates (400.html, 403.html …) for the rest.
handler400 = "zorgzaam.errors.bad_request"
handler403 = "zorgzaam.errors.permission_denied"
handler404 = "zorgzaam.errors.page_not_found"
handler500 = "zorgzaam.errors.server_error"

admin.site.login_form = AdminLoginForm
admin.site.site_header = "Zorgzaam"
admin.site.site_title = "Zorgzaam"
