"""Offices, staff users, login, web sessions and API tokens: the names the doors, the
CLI and other domains call, gathered from the modules that hold them.

- ``offices``: offices, read through the caller's office scope;
- ``users``: staff users, read through the caller's staff scope, and ending their logins;
- ``login``: logging in with throttling, and setting a password;
- ``sessions``: web sessions; ``api_tokens``: bearer tokens for the API;
- ``checks``: the field checks they share; ``policies``: who may see what.
"""

from __future__ import annotations

from course.accounts import passwords
from course.accounts.api_tokens import (
    TOKEN_PREFIX,
    TokenInfo,
    create_token,
    list_tokens,
    resolve_token,
    revoke_token,
)
from course.accounts.checks import EMAIL_RE, normalize_email
from course.accounts.login import (
    THROTTLE_PER_ACCOUNT,
    THROTTLE_PER_ADDRESS,
    THROTTLE_WINDOW,
    authenticate,
    set_password,
    throttle_wait,
)
from course.accounts.offices import (
    OFFICE_CODE_RE,
    create_office,
    get_office,
    list_offices,
    office_by_code,
    update_office,
)
from course.accounts.sessions import (
    SESSION_ABSOLUTE,
    SESSION_IDLE,
    SESSION_TOUCH,
    end_session,
    resolve_session,
    start_session,
)
from course.accounts.users import (
    UserChanges,
    create_user,
    end_all_logins,
    get_user,
    list_users,
    update_user,
)

__all__ = [
    "EMAIL_RE",
    "OFFICE_CODE_RE",
    "SESSION_ABSOLUTE",
    "SESSION_IDLE",
    "SESSION_TOUCH",
    "THROTTLE_PER_ACCOUNT",
    "THROTTLE_PER_ADDRESS",
    "THROTTLE_WINDOW",
    "TOKEN_PREFIX",
    "TokenInfo",
    "UserChanges",
    "authenticate",
    "create_office",
    "create_token",
    "create_user",
    "end_all_logins",
    "end_session",
    "get_office",
    "get_user",
    "list_offices",
    "list_tokens",
    "list_users",
    "normalize_email",
    "office_by_code",
    "passwords",
    "resolve_session",
    "resolve_token",
    "revoke_token",
    "set_password",
    "start_session",
    "throttle_wait",
    "update_office",
    "update_user",
]
