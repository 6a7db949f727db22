"""Keep secret tokens and personal data out of the server's log.

uvicorn logs each request's client address and full path. Several paths carry a secret
(a participant's personal link, an evaluation link, a staff calendar feed), a query string
may carry a name (`/participants?q=…`), and an IP address is personal data. `redact()`
cuts the secret and the query from a path; the filters apply it to every log record, and
`log_config()` hands them to uvicorn."""

from __future__ import annotations

import copy
import logging
import re
from typing import Any
from urllib.parse import quote, unquote

REDACTED = "…"

# The segment after one of these is a secret: /p/{token}…, /e/{token},
# /api/v1/evaluations/{token}, /calendar/{token}[.ics], /documents/zip/{key}[/download].
_MARKERS: tuple[tuple[str, ...], ...] = (
    ("p",),
    ("e",),
    ("calendar",),
    ("api", "v1", "evaluations"),
    ("documents", "zip"),
)

# What may follow the token on those routes: a word, a file name, a record id. Anything else
# (say a second half of the token after an odd '/./' or '%2F') is cut as well.
_PLAIN = re.compile(r"[a-z]{1,12}(\.[a-z]{2,4})?|\d{1,10}", re.ASCII)

# A path inside free text (a message, a traceback): from a slash to a quote or whitespace.
_PATH_IN_TEXT = re.compile(r"/[^\s\"'<>]*")


def _unquote_fully(text: str) -> str:
    # Routing sees the decoded path, and '%2570' may come from a client that encoded twice.
    for _ in range(4):
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    return text


def redact(path: str) -> str:
    """The path without its query string, with any secret token segment replaced by '…'."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    segments = _unquote_fully(path).split("/")
    words = [i for i, s in enumerate(segments) if s.strip()]  # blank segments ('//') do not count
    names = [segments[i].strip().lower() for i in words]
    cut: set[int] = set()
    for k in range(len(words)):
        if any(k >= len(m) and tuple(names[k - len(m) : k]) == m for m in _MARKERS):
            cut.add(words[k])  # the token itself
            cut.update(words[j] for j in range(k + 1, len(words)) if not _PLAIN.fullmatch(segments[words[j]]))
    if not cut:
        return path
    # Rebuilt from decoded segments, so quote what is kept to keep the log line one line.
    return "/".join(REDACTED if i in cut else quote(s, safe="!$&'()*+,;=:@") for i, s in enumerate(segments))


def redact_text(text: str) -> str:
    """Every path in a message or traceback redacted; the rest untouched."""
    return _PATH_IN_TEXT.sub(lambda m: redact(m.group(0)), text)


class AccessLogFilter(logging.Filter):
    """For uvicorn.access, whose args are (client_addr, method, full_path, http_version, status_code):
    the address becomes '-' and the path is redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            _client, method, path, version, status = record.args
            record.args = ("-", method, redact(str(path)), version, status)
        else:  # not uvicorn's usual shape: fail closed on the text
            _scrub(record)
        return True


class RedactFilter(logging.Filter):
    """For every other logger (uvicorn.error, litestar, course, the root): paths in the
    message and in a traceback are redacted, and a WebSocket line loses its client address."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(record.msg, str) and record.msg.startswith('%s - "WebSocket %s"') and isinstance(args, tuple):
            record.args = ("-", redact(str(args[1])), *args[2:])
        _scrub(record)
        return True


_TRACEBACKS = logging.Formatter()


def _scrub(record: logging.LogRecord) -> None:
    try:
        message, broken = record.getMessage(), False
    except Exception:  # args that do not fit: logging's error report would print them raw
        message, broken = f"{record.msg} {record.args}", True
    if (clean := redact_text(message)) != message or broken:
        record.msg, record.args = clean, None
        record.__dict__.pop("color_message", None)  # uvicorn's coloured copy of the raw message
    if record.exc_info and not record.exc_text:
        # Formatted once here; the handler's formatter then uses exc_text as it is.
        record.exc_text = _TRACEBACKS.formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact_text(record.exc_text)
    if record.stack_info:
        record.stack_info = redact_text(record.stack_info)


def log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with the filters on its handlers, and Litestar's,
    ours and the root logger sent through the same (filtered) handler."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"access": {"()": AccessLogFilter}, "redact": {"()": RedactFilter}}
    config["handlers"]["access"]["filters"] = ["access"]
    config["handlers"]["default"]["filters"] = ["redact"]
    # Litestar sets up its own (unfiltered) handlers on the root and 'litestar' loggers when
    # the app is made; these entries replace them. The 'course' logger reaches the root.
    config["loggers"]["litestar"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    # The job queue's own lines (every job started and ended) stay out; its warnings
    # and errors (a job that failed) go through the same filter.
    config["loggers"]["procrastinate"] = {"handlers": ["default"], "level": "WARNING", "propagate": False}
    config["root"] = {"handlers": ["default"], "level": "INFO"}
    return config
