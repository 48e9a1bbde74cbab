"""Text cells of the spreadsheets (CSV, XLSX) as text that no spreadsheet runs.

A title such as `=HYPERLINK("https://…","Ver evidencia")` is data, not a formula. As OWASP
recommends against CSV injection, a text starting with `=`, `+`, `-`, `@`, a tab or a carriage
return gets a leading single quote, so Excel, LibreOffice and Google Sheets show it as text.
Numbers, dates and times are not texts and are written as they are (a negative baseline stays a
number).
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: Any) -> Any:
    """A text that a spreadsheet would read as a formula, quoted; any other value unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
