"""create_app(settings) → the Litestar application."""

from __future__ import annotations

import contextlib
import os
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components
from litestar.static_files import create_static_files_router

from course import __version__, db, pdf, wiring  # noqa: F401 (wiring connects the domains' hooks)
from course.accounts import pages as account_pages
from course.accounts.admin_pages import admin_router
from course.accounts.api import accounts_api, create_token
from course.accounts.auth import CSRF_COOKIE, AuthMiddleware
from course.cohorts import pages as cohort_pages
from course.cohorts.api import cohorts_api
from course.documents import pages as document_pages
from course.documents.api import documents_api
from course.evaluations import outcome_pages
from course.evaluations import pages as evaluation_pages
from course.evaluations.api import answer, evaluations_api
from course.evaluations.outcome_api import outcome_api
from course.guidance import pages as guidance_pages
from course.guidance.api import guidance_api
from course.home import pages as home_pages
from course.messages import jobs as message_jobs
from course.messages import pages as message_pages
from course.messages.api import messages_api
from course.participants import admin_pages as participant_admin_pages
from course.participants import attendance_export_pages, follow_up_pages, path_pages, reflection_pages
from course.participants import pages as participant_pages
from course.participants.api import participants_api
from course.participants.attendance_export_api import attendance_export_api
from course.participants.follow_up_api import follow_up_api
from course.participants.path_api import path_api
from course.participants.reflection_api import reflection_api
from course.portal import pages as portal_pages
from course.portal import say_pages
from course.privacy import audit_pages, retention_pages
from course.privacy import pages as privacy_pages
from course.privacy.api import privacy_api
from course.privacy.audit_api import audit_api
from course.settings import SERVE_URL_ENV, Settings, get_settings
from course.web import health
from course.web.errors import handle_exception
from course.web.flash import clear_after_page
from course.web.guards import STAFF
from course.web.layout import template_config
from course.web.openapi import BEARER, SECURITY_SCHEMES, strict_body
from course.web.security import add_security_headers, forwarded_headers

STATIC_DIR = Path(__file__).resolve().parent / "web" / "static"


def create_app(settings: Settings | None = None, *, jobs: bool = False) -> Litestar:
    """The app. ``jobs``: also run the message queue's part that belongs in the web
    server (``kjk serve``; see course/messages/jobs.py); tests start it themselves."""
    settings = settings or get_settings()
    engine = db.engine_from_url(settings.database_url)
    db.use_engine(engine)

    @asynccontextmanager
    async def lifespan(app: Litestar):
        await db.prepare(engine)
        await db.refresh_statistics(engine)
        await db.open_pool(engine)
        async with contextlib.AsyncExitStack() as stack:
            if jobs:
                link_base = settings.base_url or os.environ.get(SERVE_URL_ENV)
                app.state.queue = await stack.enter_async_context(
                    message_jobs.in_web_process(settings.database_url, link_base)
                )
            try:
                yield
            finally:
                await stack.aclose()
                await db.close_pool(engine)
                pdf.shutdown()

    # Every operation needs a bearer token but the two that are open to anyone: logging in
    # for a token, and answering an evaluation with a link's token.
    with_token = Router(
        path="/",
        security=BEARER,
        route_handlers=[
            accounts_api,
            cohorts_api,
            participants_api,
            path_api,
            reflection_api,
            attendance_export_api,
            follow_up_api,
            guidance_api,
            messages_api,
            evaluations_api,
            outcome_api,
            documents_api,
            privacy_api,
            audit_api,
        ],
    )
    api = Router(
        path="/api/v1",
        route_handlers=[create_token, answer, with_token],
        dependencies=STAFF,
        before_request=strict_body,
    )
    app = Litestar(
        route_handlers=[
            api,
            *account_pages.route_handlers,
            admin_router,
            *home_pages.route_handlers,
            *cohort_pages.route_handlers,
            *participant_pages.route_handlers,
            *participant_admin_pages.route_handlers,
            *path_pages.route_handlers,
            *reflection_pages.route_handlers,
            *attendance_export_pages.route_handlers,
            *follow_up_pages.route_handlers,
            *guidance_pages.route_handlers,
            *message_pages.route_handlers,
            *evaluation_pages.route_handlers,
            *outcome_pages.route_handlers,
            *document_pages.route_handlers,
            *privacy_pages.route_handlers,
            *audit_pages.route_handlers,
            *retention_pages.route_handlers,
            *portal_pages.route_handlers,
            *say_pages.route_handlers,
            *health.route_handlers,
            create_static_files_router(
                path="/static",
                directories=[STATIC_DIR],
                cache_control=CacheControlHeader(max_age=3600, public=True),
                include_in_schema=False,
            ),
        ],
        middleware=[forwarded_headers(settings.trusted_proxies), AuthMiddleware()],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=CSRF_COOKIE,
            cookie_secure=settings.secure_cookies,
            cookie_httponly=True,
            # The API is authorised by bearer tokens only, never by cookies; health checks
            # take none either.
            exclude=["^/api/", "^/healthz$", "^/readyz$"],
        ),
        template_config=template_config(),
        openapi_config=OpenAPIConfig(
            title="Klart jeg kan",
            version=__version__,
            path="/schema",
            render_plugins=[JsonRenderPlugin()],
            components=Components(security_schemes=SECURITY_SCHEMES),
        ),
        exception_handlers={Exception: handle_exception},
        before_send=[add_security_headers, clear_after_page],
        lifespan=[lifespan],
        debug=False,
    )
    app.state.settings = settings
    return app


def from_environment() -> Litestar:
    """The app of each of ``kjk serve``'s processes (uvicorn's factory): made from the
    environment in the process itself, then the logging that keeps tokens, addresses
    and names out of the log put back, as Litestar sets up its own when an app is made."""
    import logging.config

    from course.web.access_log import log_config

    app = create_app(get_settings(), jobs=True)
    logging.config.dictConfig(log_config())
    return app
