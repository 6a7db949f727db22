"""Who may reach a route: the guards every door states on its handlers, and the
signed-in staff user as a dependency (``staff: Staff``) for handlers that need them.

The middleware in ``course.accounts.auth`` only identifies the caller; these decide.
What a caller may see inside a route is the domains' policies, applied in the queries.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler

from course.accounts.schemas import Role, Staff


def current_staff(connection: ASGIConnection) -> Staff:
    staff = connection.scope.get("user")
    if staff is None:
        raise NotAuthorizedException()
    return staff


def login_required(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    current_staff(connection)


def roles(*allowed: Role):
    """Guard: signed in, with one of the given roles."""

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if current_staff(connection).role not in allowed:
            raise PermissionDeniedException()

    guard.__name__ = "roles_" + "_".join(r.value for r in allowed)
    return guard


admin_only = roles(Role.admin)
# Leaders and admins see people and change cohorts; managers see numbers only.
see_people = roles(Role.leader, Role.admin)
change_cohorts = roles(Role.leader, Role.admin)


def _staff(request: ASGIConnection) -> Staff:
    return current_staff(request)


# The API router's dependency: a handler that takes ``staff: NamedDependency[Staff]`` gets the caller.
STAFF = {"staff": Provide(_staff, sync_to_thread=False)}
