"""Translation: English message ids in the code and templates, catalogues per
locale in ``locale/<lang>/LC_MESSAGES/messages.po``. Norwegian bokmål is the
default; a locale without a catalogue shows the English ids."""

from __future__ import annotations

from contextvars import ContextVar
from functools import cache
from gettext import c2py
from pathlib import Path

from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT_LOCALE = "nb"
LOCALES = ("nb", "en")

current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)


@cache
def translations(locale: str) -> NullTranslations:
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    result = Translations()
    # Fuzzy entries are drafts; like msgfmt, leave them out.
    entries: dict = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            for index, text in enumerate(message.string or ()):
                if text:
                    entries[(message.id[0], index)] = text
        elif message.string:
            entries[message.id] = message.string
    result._catalog = entries
    result.plural = c2py(catalog.plural_expr)  # type: ignore[assignment]  # babel's own plural function
    return result


def gettext(message: str, **params) -> str:
    text = translations(current_locale.get()).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params) -> str:
    text = translations(current_locale.get()).ngettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


def translator(locale: str):
    """gettext for one locale, whatever the current one."""
    return translations(locale).gettext


def negotiate(accept_language: str | None, default: str = "en") -> str:
    """The locale for an API answer from an Accept-Language header: nb (also for
    no, nn and nb-NO) or en, by the client's weights; ``default`` when it names
    neither."""
    best, best_q = default, -1.0
    for part in (accept_language or "").split(","):
        tag, _sep, rest = part.strip().partition(";")
        try:
            q = float(rest.strip()[2:]) if rest.strip().startswith("q=") else 1.0
        except ValueError:
            continue
        language = tag.strip().lower().split("-")[0]
        locale = "nb" if language in ("nb", "no", "nn") else "en" if language == "en" else None
        if locale and q > best_q:
            best, best_q = locale, q
    return best


_ = gettext
