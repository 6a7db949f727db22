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
    FREE_TRIES,
    LONGEST_DELAY,
    PAIR_MEMORY,
    THROTTLE_PER_ADDRESS,
    THROTTLE_WINDOW,
    authenticate,
    login_wait,
    pair_delay,
    pair_wait,
    set_password,
    throttle_wait,
)
from course.accounts.offices import (
    OFFICE_CODE_RE,
    OFFICE_ORDER,
    create_office,
    get_office,
    list_offices,
    office_by_code,
    offices_page,
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
    USER_ORDER,
    UserChanges,
    create_user,
    end_all_logins,
    get_user,
    list_users,
    update_user,
    users_page,
)

__all__ = [
    "EMAIL_RE",
    "FREE_TRIES",
    "LONGEST_DELAY",
    "OFFICE_CODE_RE",
    "OFFICE_ORDER",
    "PAIR_MEMORY",
    "SESSION_ABSOLUTE",
    "SESSION_IDLE",
    "SESSION_TOUCH",
    "THROTTLE_PER_ADDRESS",
    "THROTTLE_WINDOW",
    "TOKEN_PREFIX",
    "USER_ORDER",
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
    "login_wait",
    "normalize_email",
    "office_by_code",
    "offices_page",
    "pair_delay",
    "pair_wait",
    "passwords",
    "resolve_session",
    "resolve_token",
    "revoke_token",
    "set_password",
    "start_session",
    "throttle_wait",
    "update_office",
    "update_user",
    "users_page",
]
