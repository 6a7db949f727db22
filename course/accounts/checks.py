"""The checks every accounts form shares: e-mail, name, password and role."""

from __future__ import annotations

import re

from course.accounts import passwords
from course.accounts.schemas import Role
from course.errors import N_
from course.validation import has_control_chars

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str, errors: dict[str, str]) -> str:
    email = normalize_email(email)
    if not email:
        errors["email"] = N_("Enter an e-mail address.")
    elif len(email) > 254 or not EMAIL_RE.match(email) or has_control_chars(email):
        errors["email"] = N_("Enter a valid e-mail address.")
    return email


def check_name(name: str, errors: dict[str, str], field: str = "name") -> str:
    name = " ".join(name.split())
    if has_control_chars(name):
        errors[field] = N_("The name contains characters that are not allowed.")
    elif not name:
        errors[field] = N_("Enter a name.")
    elif len(name) > 200:
        errors[field] = N_("The name can be at most 200 characters.")
    return name


def check_password(password: str, errors: dict[str, str], field: str = "password") -> None:
    if len(password) < passwords.MIN_LENGTH:
        errors[field] = N_("The password must be at least 12 characters.")
    elif len(password) > passwords.MAX_LENGTH:
        errors[field] = N_("The password can be at most 1024 characters.")


def check_role(role: str, errors: dict[str, str]) -> Role | None:
    try:
        return Role(role)
    except ValueError:
        errors["role"] = N_("Choose leader, manager or admin.")
        return None
