"""The catalogue's pages, one module per sub-domain."""

from .knelpunten import REPORT_SALT, report_token

__all__ = ["REPORT_SALT", "report_token"]
