"""The domain errors of events; `code` is machine-readable, the views word it."""


class RegistrationError(Exception):
    """A sign-up or change that the rules do not allow; `code` is machine-readable."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code


class EventError(Exception):
    """A change to a meeting that the rules do not allow; `code` is machine-readable."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code


class FollowError(Exception):
    """A follow link that does not (or no longer) work; `code` is machine-readable."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code


class LiveError(Exception):
    """Live input (a question, a vote, a round change) the rules do not allow; see `code`."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code


class ReportError(Exception):
    """A change to a meeting's report that the rules do not allow; see `code`."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code
