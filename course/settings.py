"""Settings read from KJK_* environment variables, never at import time."""

from __future__ import annotations

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
    base_url: str
    var_dir: Path

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")


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


def get_settings() -> Settings:
    var_dir = _default_var_dir()
    url = os.environ.get("KJK_DATABASE_URL") or f"sqlite:///{var_dir / 'kjk.sqlite'}"
    base_url = os.environ.get("KJK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
        raise ConfigError(f"KJK_BASE_URL må være en http- eller https-adresse, ikke {base_url!r}")
    return Settings(
        database_url=_check_database_url(url),
        secret_key=_secret_key(var_dir),
        base_url=base_url,
        var_dir=var_dir,
    )
