"""Pages of a list over HTTP: one contract for the whole API and the pages.

The API's lists stay JSON arrays; the way on is in the ``Link`` header (RFC 8288):
``<…?cursor=…>; rel="next"`` and ``rel="prev"``, each the request's own URL with the
cursor replaced, and ``X-Total-Count`` says how many the list holds (``1000+`` past
paging.COUNT_CAP). A page shows "Forrige side" and "Neste side" with the same cursors.
"""

from __future__ import annotations

from typing import Annotated, Any, Protocol
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.datastructures import ResponseHeader
from litestar.params import QueryParameter

from course import paging

Limit = Annotated[
    int | None,
    QueryParameter(
        ge=1,
        le=paging.MAX_LIMIT,
        description=f"At most this many (1–{paging.MAX_LIMIT}, {paging.DEFAULT_LIMIT} when left out)",
    ),
]
Cursor = Annotated[
    str | None,
    QueryParameter(
        max_length=2000, description="Where to go on from: a cursor from the Link header of the page before (opaque)"
    ),
]


def paged_headers() -> list[ResponseHeader]:
    """The headers of a paged list, for the OpenAPI document."""
    return [
        ResponseHeader(
            name="Link",
            description='The next and previous pages: `<url>; rel="next"`, `<url>; rel="prev"`; '
            "absent on the last and the first page",
            documentation_only=True,
        ),
        ResponseHeader(
            name="X-Total-Count",
            description=f"How many the whole list holds; `{paging.COUNT_CAP}+` past {paging.COUNT_CAP}",
            documentation_only=True,
        ),
    ]


class Paged(Protocol):
    next: str | None
    previous: str | None


def url_with(request: Request, **params: Any) -> str:
    """The request's path and query with ``params`` replaced (None drops one)."""
    query = {k: v for k, v in request.query_params.items() if k not in params}
    query.update({k: v for k, v in params.items() if v is not None})
    return request.url.path + ("?" + urlencode(query) if query else "")


def total_text(total: int, more_than: bool) -> str:
    return f"{total}+" if more_than else str(total)


def link_header(request: Request, page: Paged) -> str | None:
    links = []
    if page.next:
        links.append(f'<{url_with(request, cursor=page.next)}>; rel="next"')
    if page.previous:
        links.append(f'<{url_with(request, cursor=page.previous)}>; rel="prev"')
    return ", ".join(links) or None


def paged_response(
    request: Request, items: list, page: Paged, total: int | None = None, more_than: bool = False
) -> Response:
    """A JSON array of one page, with the way on in the headers."""
    headers = {}
    if link := link_header(request, page):
        headers["Link"] = link
    if total is not None:
        headers["X-Total-Count"] = total_text(total, more_than)
    return Response(items, headers=headers)


def pager(
    request: Request, page: Paged, total: int | None = None, more_than: bool = False, param: str = "cursor"
) -> dict:
    """What the pager macro (templates/_macros.html) shows: links and the count. A page
    with two lists gives each its own ``param``."""
    return {
        "next": url_with(request, **{param: page.next}) if page.next else None,
        "previous": url_with(request, **{param: page.previous}) if page.previous else None,
        "total": total,
        "more_than": more_than,
    }
