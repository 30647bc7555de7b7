"""Rate limits on public POSTs: one line per view, the rate named by a setting.

Counted in the cache (Redis when REDIS_URL is set, so every app process shares the
counts); RATELIMIT_ENABLE=0 switches them off. A refused request gets `errors.rate_limited`.
"""

from django.conf import settings
from django_ratelimit.decorators import ratelimit


def limit_posts(rate_setting: str, *, key="ip", group: str | None = None):
    """At most `settings.<rate_setting>` (e.g. "10/m") POSTs per `key` (an address by default).

    Each view counts on its own, unless views that do the same name one `group` to share.
    """
    return ratelimit(
        group=group,
        key=key,
        rate=lambda group, request: getattr(settings, rate_setting),
        method="POST",
    )
