"""Secret tokens and personal data never reach the server's log."""

from __future__ import annotations

import logging
import string
import sys
from urllib.parse import quote, unquote

from hypothesis import given
from hypothesis import strategies as st
from uvicorn.logging import AccessFormatter, DefaultFormatter

from course.web.access_log import REDACTED, AccessLogFilter, RedactFilter, log_config, redact

URLSAFE = string.ascii_letters + string.digits + "-_"
tokens = st.text(alphabet=URLSAFE, min_size=20, max_size=100)  # like secrets.token_urlsafe()
ids = st.integers(min_value=1, max_value=2**31 - 1)

# (before the token, after it) on every route whose path holds one; {n} is a record id.
TOKEN_ROUTES = [
    ("/p/", ""),
    ("/p/", "/calendar.ics"),
    ("/p/", "/evaluation/{n}"),
    ("/p/", "/documents/{n}/cv"),
    ("/p/", "/documents/{n}/plan.pdf"),
    ("/e/", ""),
    ("/api/v1/evaluations/", ""),
    ("/calendar/", ""),
    ("/documents/zip/", ""),
    ("/documents/zip/", "/download"),
]


@st.composite
def queries(draw, token: str) -> str:
    """Nothing, or a query string that may itself carry the token or a name."""
    value = draw(st.sampled_from(["", token, "Sølvi Åkerø", "a b"]))
    return draw(st.sampled_from(["", f"?q={quote(value)}", f"?next=/p/{value}&x=1", "?"]))


@given(st.data(), tokens, st.sampled_from(TOKEN_ROUTES), ids)
def test_the_token_is_cut_and_the_rest_survives(data, token, route, n):
    before, after = route[0], route[1].format(n=n)
    query = data.draw(queries(token))
    redacted = redact(before + token + after + query)
    assert token not in redacted
    assert redacted == before + REDACTED + after


@given(tokens, st.booleans())
def test_a_calendar_feed_loses_its_suffix_with_the_token(token, ics):
    assert redact(f"/calendar/{token}{'.ics' if ics else ''}") == "/calendar/…"


@st.composite
def odd_shapes(draw, token: str) -> str:
    """A token route written strangely: percent-encoding, doubled or trailing slashes,
    capitals, a stray '.' or '%2F' segment before the token."""
    before, after = draw(st.sampled_from(TOKEN_ROUTES))
    words = [w for w in before.split("/") if w]
    if draw(st.booleans()):
        words = [w.upper() if draw(st.booleans()) else w for w in words]
    if draw(st.booleans()):
        words = ["".join(f"%{ord(c):02X}" if draw(st.booleans()) else c for c in w) for w in words]
    secret = "".join(f"%{ord(c):02X}" if draw(st.booleans()) else c for c in token)
    stray = draw(st.sampled_from(["", ".", "%20", "%2F", "%252F"]))
    slash = draw(st.sampled_from(["/", "//", "///"]))
    parts = [*words, *([stray] if stray else []), secret]
    path = slash + slash.join(parts) + after.format(n=draw(ids))
    return path + draw(st.sampled_from(["", "/", "//"])) + draw(queries(token))


@given(st.data(), tokens)
def test_odd_shapes_never_let_the_token_through(data, token):
    redacted = redact(data.draw(odd_shapes(token)))
    assert token not in redacted and token not in unquote(redacted)
    assert REDACTED in redacted


@given(st.data(), st.text(alphabet=URLSAFE, min_size=26, max_size=100))
def test_a_token_pasted_in_two_halves_is_cut_whole(data, token):
    # '%2F' splits one segment in two after decoding; a long second half is no route word.
    cut = data.draw(st.integers(min_value=13, max_value=len(token) - 13))
    redacted = redact(f"/p/{token[:cut]}%2F{token[cut:]}/calendar.ics")
    assert token[:cut] not in redacted and token[cut:] not in redacted


# Non-token paths: the app's own, and random ones whose segments are no route marker.
PLAIN_PATHS = [
    "/",
    "/p",
    "/p/",
    "/e",
    "/e/",
    "/calendar",
    "/calendar/",
    "/api/v1/evaluations",
    "/api/v1/evaluations/",
    "/cohorts/3/calendar.ics",
    "/api/v1/cohorts/7/evaluation",
    "/api/v1/evaluation-comments/Ab12",
    "/reports/evaluations.csv",
    "/participants",
    "/static/css/app.css",
    "/login",
    "/pe/x",
    "/ep/x",
    "/calendars/x",
    "/api/v2/evaluations/x",
]
segments = st.text(alphabet=string.ascii_letters + string.digits + "-_.~", min_size=1, max_size=20).filter(
    lambda s: s.lower() not in {"p", "e", "calendar"}
)


@given(
    st.one_of(st.sampled_from(PLAIN_PATHS), st.lists(segments, max_size=6).map(lambda s: "/" + "/".join(s))),
    st.sampled_from(["", "?", "?q=S%C3%B8lvi", "?next=/p/abc&y=2"]),
)
def test_other_paths_lose_only_their_query(path, query):
    assert redact(path + query) == path


def _access_record(path: str) -> logging.LogRecord:
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("203.0.113.7:51234", "GET", path, "1.1", 200),
        None,
    )


def test_the_access_filter_hides_the_address_and_the_token():
    record = _access_record("/p/s3cr3t-t0ken-that-is-long/calendar.ics?q=Ola")
    assert AccessLogFilter().filter(record)
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False).format(record)
    assert line == '- - "GET /p/…/calendar.ics HTTP/1.1" 200 OK'


def test_other_loggers_redact_paths_in_messages_and_tracebacks():
    try:
        raise ValueError("could not load http://x/p/s3cr3t-in-traceback/evaluation/3?q=Ola")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "course", logging.ERROR, __file__, 1, "unhandled error on %s %s", ("GET", "/e/s3cr3t-in-message"), exc_info
    )
    assert RedactFilter().filter(record)
    text = DefaultFormatter("%(message)s", use_colors=False).format(record)
    assert "s3cr3t" not in text and "Ola" not in text
    assert "unhandled error on GET /e/…" in text and "http://x/p/…/evaluation/3" in text


def test_a_websocket_line_loses_its_address():
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket %s" %d',
        ("203.0.113.7:51234", "/p/s3cr3t?x=1", 403),
        None,
    )
    RedactFilter().filter(record)
    assert record.getMessage() == '- - "WebSocket /p/…" 403'


def test_log_config_puts_the_filters_on_uvicorns_handlers():
    config = log_config()
    assert config["filters"]["access"]["()"] is AccessLogFilter
    assert config["handlers"]["access"]["filters"] == ["access"]
    assert config["handlers"]["default"]["filters"] == ["redact"]
    assert config["root"]["handlers"] == ["default"] and config["loggers"]["litestar"]["handlers"] == ["default"]
    from uvicorn.config import LOGGING_CONFIG

    assert "filters" not in LOGGING_CONFIG["handlers"]["access"]  # a copy, not uvicorn's own
