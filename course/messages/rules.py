"""The rules about messages that need no database: when one may be sent, which
channel it goes by, and how many SMS segments a text costs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from course.clock import OSLO

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)
REMINDERS_FROM = time(15, 0)  # reminders for tomorrow go out from this time today
KEEP_TEXT_DAYS = 30  # the address and the text of a message, after it was sent or gave up
MAX_SMS_SEGMENTS = 2


def not_before(at: datetime) -> datetime:
    """The first moment at or after ``at`` outside the quiet hours (21:00–08:00 Oslo)."""
    local = at.astimezone(OSLO)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return at
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, OSLO).astimezone(at.tzinfo)


def is_quiet(at: datetime) -> bool:
    return not_before(at) != at


def reminder_day(at: datetime) -> date | None:
    """The day whose sessions and talks are reminded of at ``at``: tomorrow, from 15:00
    until the quiet hours begin; None outside that window (a reminder first seen in the
    evening, after the app was down, still goes out before 21:00 or not at all)."""
    local = at.astimezone(OSLO)
    if REMINDERS_FROM <= local.time() < QUIET_FROM:
        return local.date() + timedelta(days=1)
    return None


def channel_for(preferred: str, *, phone: str, email: str, sms_consent: bool, email_consent: bool) -> str | None:
    """SMS by default, e-mail where the participant prefers it; the other channel when
    the preferred one has no consent or no address; None when neither may be used."""
    usable = {"sms": bool(phone) and sms_consent, "email": bool(email) and email_consent}
    first = "email" if preferred == "email" else "sms"
    second = "sms" if first == "email" else "email"
    for channel in (first, second):
        if usable[channel]:
            return channel
    return None


# GSM 03.38: the basic set, and the extension set whose characters take two septets.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")


@dataclass(frozen=True)
class Segments:
    encoding: str  # gsm7 | ucs2
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    count: int


def sms_segments(text: str) -> Segments:
    """How a text is sent: GSM-7 when every character is in the GSM sets (æ, ø and å
    are), else UCS-2; 160 septets or 70 units fit one SMS, 153 or 67 each of several."""
    if all(c in GSM_BASIC or c in GSM_EXTENDED for c in text):
        units = sum(2 if c in GSM_EXTENDED else 1 for c in text)
        single, part, encoding = 160, 153, "gsm7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "ucs2"
    count = 1 if units <= single else -(-units // part)
    return Segments(encoding, units, count)


# Characters a template or a name may bring that have a GSM-7 twin: typographic quotes
# and dashes would otherwise turn the whole text into UCS-2 and halve what fits.
_PLAIN = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "\u00a0": " "})


def plain_sms(text: str) -> str:
    return text.translate(_PLAIN).strip()
