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
