from django.middleware.locale import LocaleMiddleware


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the visitor chose another language with the switch (a cookie).

    The browser's Accept-Language is ignored on purpose: flyers, meetings and most
    residents are Dutch, and a phone set to English should not turn a Dutch flyer's page
    English. English is one tap away on every page, and remembered.
    """

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)


class RejectNullCharactersMiddleware:
    """A NUL character is never part of a real query or form: answer 400 at once.

    PostgreSQL refuses NUL in text, so letting one through would turn garbage input into
    a server error deep inside a search or filter.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or _has_null(request.GET)
            or (
                request.method == "POST"
                and request.content_type == "application/x-www-form-urlencoded"
                and _has_null(request.POST)
            )
        ):
            from django.http import JsonResponse
            from django.shortcuts import render

            if request.path.startswith("/api/"):
                return JsonResponse({"error": "NUL characters are not allowed."}, status=400)
            return render(request, "400.html", status=400)
        return self.get_response(request)


def _has_null(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)
