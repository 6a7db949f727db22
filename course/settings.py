"""Settings read from KJK_* environment variables, never at import time."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(Exception):
    """A configuration problem, told to the operator in one line."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    # The public address for absolute links; None: taken from each request (course/web/links.py).
    base_url: str | None
    var_dir: Path
    # Addresses whose X-Forwarded-For and X-Forwarded-Proto are believed: the reverse proxy's.
    # None by default: not even loopback, where anyone on the machine could claim any address.
    trusted_proxies: tuple[str, ...] = ()

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @property
    def secure_cookies(self) -> bool:
        """Cookies are always Secure when the public address is https; without one,
        a request that came over https gets them Secure (course/web/links.py)."""
        return self.base_url is not None and self.base_url.startswith("https://")


# Set by ``kjk serve`` for its server processes: how many share the machine's cores.
WEB_WORKERS_ENV = "KJK_WEB_WORKERS"
# Set by ``kjk serve`` for its processes: the address it serves on, for the links in
# messages when KJK_BASE_URL is not set.
SERVE_URL_ENV = "KJK_SERVE_URL"


def cpu_cores() -> int:
    """The cores this process may run on: those the system lets it use (a container's or
    taskset's limit), else every core of the machine."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def web_workers() -> int:
    """How many server processes share this machine (``kjk serve --workers``); 1 when not
    told or told something that is not a whole number from 1."""
    value = os.environ.get(WEB_WORKERS_ENV, "")
    return int(value) if value.isdigit() and int(value) >= 1 else 1


def _default_var_dir() -> Path:
    return Path(os.environ.get("KJK_VAR_DIR") or ROOT / "var")


def erasure_list_path() -> Path:
    """The erasure list: erased participants, one a line with their id and when they
    were registered (no names), so that a restored backup can be erased again.
    ``KJK_ERASURE_LIST``, or ``erasures.txt`` in the var folder; read when asked,
    never at import time."""
    return Path(os.environ.get("KJK_ERASURE_LIST") or _default_var_dir() / "erasures.txt")


def _check_database_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme in ("postgresql", "postgres"):
        if not parts.hostname and not parts.path.strip("/"):
            raise ConfigError(f"KJK_DATABASE_URL mangler vert eller database: {url!r}")
        return url
    if parts.scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        if not url.startswith("sqlite:///") or len(url) <= len("sqlite:///"):
            raise ConfigError(f"KJK_DATABASE_URL for SQLite må se ut som sqlite:///sti/til/fil.sqlite, ikke {url!r}")
        return url
    raise ConfigError(f"KJK_DATABASE_URL må begynne med sqlite:/// eller postgresql://, ikke {url!r}")


def _secret_key(var_dir: Path) -> str:
    key = os.environ.get("KJK_SECRET_KEY")
    if key is not None:
        if len(key) < 32:
            raise ConfigError("KJK_SECRET_KEY må være minst 32 tegn lang")
        return key
    path = var_dir / "secret_key"
    if path.exists():
        key = path.read_text().strip()
        if len(key) < 32:
            raise ConfigError(f"{path} inneholder en for kort nøkkel (minst 32 tegn)")
        return key
    key = secrets.token_urlsafe(48)
    try:
        var_dir.mkdir(parents=True, exist_ok=True)
        # Created with owner-only permissions: the key signs every CSRF token.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    except OSError as exc:
        raise ConfigError(f"kan ikke skrive hemmelig nøkkel til {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


def _trusted_proxies(value: str | None) -> tuple[str, ...]:
    """``KJK_TRUSTED_PROXIES``: addresses or networks (CIDR) separated by commas, or ``*``
    for any (only when nothing but the proxy can reach the server's port)."""
    if value is None:
        return Settings.trusted_proxies
    entries = tuple(part.strip() for part in value.split(",") if part.strip())
    for entry in entries:
        if entry == "*":
            continue
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ConfigError(
                f"KJK_TRUSTED_PROXIES må være IP-adresser eller nett (CIDR) skilt med komma, eller *; ikke {entry!r}"
            ) from None
    return entries


def get_settings() -> Settings:
    var_dir = _default_var_dir()
    url = os.environ.get("KJK_DATABASE_URL") or f"sqlite:///{var_dir / 'kjk.sqlite'}"
    base_url = os.environ.get("KJK_BASE_URL", "").strip().rstrip("/") or None
    if base_url and (urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc):
        raise ConfigError(f"KJK_BASE_URL må være en http- eller https-adresse, ikke {base_url!r}")
    return Settings(
        database_url=_check_database_url(url),
        secret_key=_secret_key(var_dir),
        base_url=base_url,
        var_dir=var_dir,
        trusted_proxies=_trusted_proxies(os.environ.get("KJK_TRUSTED_PROXIES")),
    )
