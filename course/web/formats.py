"""Numbers as Norwegian readers write them, with one rounding rule for every page,
PDF, chart and export: half up (7,25 → 7,3; 2 of 3 → 67 %).

Pure functions, no request or database: the templates use them as filters
(``decimal``, ``number``, ``percent``, ``phone``, and ``day_month``, ``month`` and
``moment`` for dates said in words), the reports round what they store with
``rounded`` and ``rate``.

- A decimal has a comma, a minus sign and no negative zero: 7,0 · −0,5 · 0,0.
- A whole number of five digits or more is grouped in threes with a no-break
  space: 12 345 (four digits stay together: 2026).
- A percentage is a whole number, a no-break space and %: 67 %. A rate (a share
  from 0 to 1) is kept to three decimals, a tenth of a percent; the percentage is
  rounded from that, so a rate stored by a report and one worked out on the spot
  always show the same percentage.
- A phone number is written as Norwegians group it: a mobile number 912 34 567, others
  as the numbering plan has them (22 12 34 56, 800 12 345); a foreign one with its
  country code (+46 70 123 45 67); anything that is not a valid number is shown as
  it was typed.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import phonenumbers
from babel.dates import format_date

from course.web import i18n

OSLO = ZoneInfo("Europe/Oslo")
NBSP = "\u00a0"
MINUS = "\u2212"
DASH = "–"  # no figure
RATE_PLACES = 3  # a rate from 0 to 1 is kept to a tenth of a percent
GROUP_FROM = 10_000  # whole numbers from here are grouped in threes

Number = int | float | Decimal | Fraction


def _exact(value: Number) -> Fraction:
    """The value as a fraction; a float as its shortest decimal form (0.665 is 0.665,
    not the binary number just below it), which is what its reader sees."""
    if isinstance(value, bool):
        raise TypeError("a truth value is not a number")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return Fraction(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("not a finite number")
        return Fraction(value)
    return Fraction(value)


def round_half_up(value: Number, places: int = 0) -> Decimal:
    """The one rounding rule: to ``places`` decimals, a half away from zero."""
    exact = _exact(value)
    scaled = abs(exact) * 10**places
    whole = math.floor(scaled + Fraction(1, 2))
    sign = -1 if exact < 0 and whole else 1
    return Decimal(sign * whole).scaleb(-places)


def rounded(value: Number, places: int) -> float:
    """A figure rounded by the one rule, as a float for JSON, CSV and XLSX."""
    return float(round_half_up(value, places))


def rate(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` as a share from 0 to 1 to three decimals; None when ``whole`` is 0."""
    if not whole:
        return None
    return rounded(Fraction(part, whole), RATE_PLACES)


def _grouped(digits: str) -> str:
    if int(digits) < GROUP_FROM:
        return digits
    head = len(digits) % 3 or 3
    return NBSP.join([digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))])


def _written(value: Decimal) -> str:
    sign = MINUS if value < 0 else ""
    text = f"{abs(value):f}"
    whole, _, fraction = text.partition(".")
    return sign + _grouped(whole) + ("," + fraction if fraction else "")


def decimal(value: Number | None, places: int = 1) -> str:
    """A figure with ``places`` decimals and a comma: 7,0 · 8,25 · −0,5; – for none."""
    if value is None:
        return DASH
    try:
        return _written(round_half_up(value, places))
    except (TypeError, ValueError):
        return DASH


def number(value: Number | None, places: int = 1) -> str:
    """A count or an average without needless decimals: 0 · 2 · 1,5 · 12 345; – for none."""
    if value is None:
        return DASH
    try:
        shown = round_half_up(value, places)
    except (TypeError, ValueError):
        return DASH
    if shown == shown.to_integral_value():
        shown = shown.quantize(Decimal(1))
    else:
        shown = shown.normalize()
    return _written(shown)


def percentage(share: Number) -> int:
    """A share from 0 to 1 as a whole percentage: kept to three decimals, then rounded."""
    return int(round_half_up(round_half_up(share, RATE_PLACES) * 100))


def percent(share: Number | None) -> str:
    """A share from 0 to 1 as a percentage: 0.667 → 67 %; – for none."""
    if share is None:
        return DASH
    try:
        whole = percentage(share)
    except (TypeError, ValueError):
        return DASH
    return f"{_written(Decimal(whole))}{NBSP}%"


def percent_of(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a percentage: 2 of 3 → 67 %; – when ``whole`` is 0."""
    return percent(Fraction(part, whole)) if whole else DASH


def phone(value: str | None) -> str:
    """A phone number as it is written: 912 34 567, or +46 70 123 45 67 from abroad;
    as it was typed when it is no valid number; empty for none."""
    text = " ".join(str(value or "").split())
    if not text:
        return ""
    try:
        parsed = phonenumbers.parse(text, "NO")
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_valid_number(parsed):
        return text
    if parsed.country_code != 47:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL).replace(" ", NBSP)
    digits = phonenumbers.national_significant_number(parsed)
    if len(digits) == 8 and phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE:
        # Mobile numbers in threes, twos and threes, as Norwegians write them.
        return NBSP.join((digits[:3], digits[3:5], digits[5:]))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL).replace(" ", NBSP)


def day_month(value: date | None, locale: str | None = None) -> str:
    """A day as it is said when the year goes without saying: fredag 1. mai."""
    if value is None:
        return ""
    locale = locale or i18n.current_locale.get()
    return format_date(value, "EEEE d. MMMM" if locale == "nb" else "EEEE d MMMM", locale=locale)


def month(value: date | None, locale: str | None = None) -> str:
    """A month and its year: juli 2027."""
    if value is None:
        return ""
    return format_date(value, "LLLL y", locale=locale or i18n.current_locale.get())


def moment(value: datetime | None, locale: str | None = None) -> str:
    """A moment in Oslo time, the day written out: 12. januar 2027 kl. 14:30."""
    if value is None:
        return ""
    locale = locale or i18n.current_locale.get()
    here = value.astimezone(OSLO)
    day = format_date(here.date(), format="long", locale=locale)
    return f"{day} kl. {here:%H:%M}" if locale == "nb" else f"{day} {here:%H:%M}"


FILTERS = {
    "decimal": decimal,
    "number": number,
    "percent": percent,
    "phone": phone,
    "day_month": day_month,
    "month": month,
    "moment": moment,
}
