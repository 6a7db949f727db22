"""Checks on free text shared by every domain."""

from __future__ import annotations

import re
import unicodedata

from course.errors import N_

# C0 controls (but tab, newline, carriage return) and DEL: never meaningful in
# names or addresses, and PostgreSQL refuses NUL in text outright.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

MAX_ID = 2**31 - 1  # ids are 32-bit on PostgreSQL

# The years a date given in a form or to the API may fall in: far from any cohort,
# report or record's day, and far enough from ``date``'s own limits (years 1 and 9999)
# that weeks, months or a term counted from such a day never run past them.
FIRST_YEAR, LAST_YEAR = 2000, 2100
OUT_OF_RANGE_DATE = N_("Give a date between the years 2000 and 2100.")
OUT_OF_RANGE_QUARTER = N_("Give a quarter between the years 2000 and 2100.")


def year_in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def has_control_chars(value: str) -> bool:
    return bool(CONTROL.search(value))


def without_control_chars(value: str) -> str:
    return CONTROL.sub("", value)


DIGITS = re.compile(r"[0-9]{1,9}")


def whole_number(text: str) -> int | None:
    """The number a form field's ASCII digits spell (at most nine); None for anything
    else, such as "²", "-1" or "١٢", which ``str.isdigit`` would let through."""
    return int(text) if isinstance(text, str) and DIGITS.fullmatch(text) else None


def valid_id(value: int | None) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def as_id(value) -> int:
    """A record id given as a whole number or as its digits (a form field); 0 when it is neither."""
    if isinstance(value, str):
        value = whole_number(value)
    return value if valid_id(value) else 0


_NB_ORDER = str.maketrans({"æ": "{", "ø": "|", "å": "}", "ä": "{", "ö": "|", "ü": "y"})


def nb_sort_key(text: str) -> str:
    """Sort key for Norwegian names: æ, ø, å come after z, in that order."""
    return text.casefold().translate(_NB_ORDER)


def check_line(
    value, field: str, errors: dict[str, str], bad: str, empty: str, too_long: str, max_length: int = 200
) -> str:
    """One line of text with its spaces tidied; a message in ``errors`` if it is
    empty, too long or holds control characters."""
    # NFC, so a name pasted with decomposed letters (a + ring) matches one typed as å.
    text = unicodedata.normalize("NFC", " ".join(str(value).split()))
    if has_control_chars(text):
        errors[field] = bad
    elif not text:
        errors[field] = empty
    elif len(text) > max_length:
        errors[field] = too_long
    return text


# An empty required date says which date to fill in. The key is the field's name (its
# last part: "intake.date" is a date); the words fit every form that uses the name.
EMPTY_DATE = {
    "start_date": N_("Fill in the start date."),
    "start_dates": N_("Fill in the start date."),
    "end_date": N_("Fill in the end date."),
    "from": N_("Fill in the first day of the period."),
    "to": N_("Fill in the last day of the period."),
    "closes_on": N_("Fill in the last day to answer."),
    "effective_from": N_("Fill in the day the text is in force from."),
    "until": N_("Fill in the day to keep the data until."),
    "referral_date": N_("Fill in the date of the referral committee."),
    "consent_date": N_("Fill in the day the consent was given."),
}
EMPTY_DATE_OTHER = N_("Fill in the date.")


def empty_date_message(key: str) -> str:
    """The message for a required date left empty, naming the date by the field's name."""
    return EMPTY_DATE.get(key.rsplit(".", 1)[-1], EMPTY_DATE_OTHER)
