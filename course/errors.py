"""Errors raised by services and turned into responses by each door."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class InvalidInput(Exception):
    """Input that breaks a rule; ``errors`` maps each field to an English message
    id, translated where it is shown."""

    def __init__(self, errors: dict[str, str], params: dict[str, dict] | None = None) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
        self.params = params or {}

    def messages(self, translate=lambda message: message) -> dict[str, str]:
        """Each field's message, translated, with its parameters filled in."""
        return {key: translate(message) % self.params.get(key, {}) for key, message in self.errors.items()}


class NotFound(Exception):
    """The record does not exist, or is outside what the caller may see."""


class Forbidden(Exception):
    """The caller may see the record but not do this with it."""


@dataclass(frozen=True)
class Term:
    """Words inside a message that are translated too (a talk, a session): an
    English message id and its parameters."""

    message: str
    params: tuple[tuple[str, object], ...] = ()

    def text(self, translate: Callable[[str], str] = str) -> str:
        return translate(self.message) % dict(self.params) if self.params else translate(self.message)


def term(message: str, **params: object) -> Term:
    return Term(message, tuple(params.items()))


class Refusal(Exception):
    """A refusal with one message: an English message id with ``%(name)s``
    parameters, translated where it is shown."""

    def __init__(self, message: str, field: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params

    def text(self, translate: Callable[[str], str] = str) -> str:
        params = {k: v.text(translate) if isinstance(v, Term) else v for k, v in self.params.items()}
        return translate(self.message) % params if params else translate(self.message)


class Conflict(Refusal):
    """The change clashes with something that exists: 409."""


class Closed(Refusal):
    """The thing exists but is over for good (an evaluation that has closed): 410."""


class Throttled(Exception):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"retry after {retry_after_s} s")
        self.retry_after_s = retry_after_s


def N_(message: str) -> str:
    """Marks an English message id for the translation catalogue; it is
    translated where it is shown (web page, command line)."""
    return message
