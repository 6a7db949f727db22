from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Role(str, Enum):  # noqa: UP042 (a StrEnum would change what str() of a role gives)
    leader = "leader"
    manager = "manager"
    admin = "admin"


@dataclass(frozen=True)
class Staff:
    """The signed-in staff user, as every policy and service sees them."""

    id: int
    email: str
    name: str
    role: Role
    office_id: int
    office_code: str
    office_name: str

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin


@dataclass(frozen=True)
class OfficeOut:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class UserOut:
    id: int
    email: str
    name: str
    role: Role
    office: OfficeOut
    active: bool
