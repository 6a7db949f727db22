"""Delivery over the wire: e-mail through SMTP (aiosmtplib, ``KJK_SMTP_URL``) and SMS
through an HTTP gateway (``KJK_SMS_URL``, ``KJK_SMS_TOKEN``), behind one small
interface. Errors name the peer's answer, never the address or the text."""

from __future__ import annotations

import base64
import ipaddress
import os
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from typing import Protocol
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

import aiosmtplib
import httpx
import phonenumbers

TIMEOUT = 20.0


class DeliveryError(Exception):
    """The peer refused or could not be reached; ``reason`` is safe to store and show."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason[:200]
        self.permanent = permanent  # retrying cannot help (a bad address, nothing set up)


@dataclass(frozen=True)
class Outgoing:
    key: str  # the de-duplication key: the e-mail's Message-ID, the gateway's reference
    address: str
    subject: str
    body: str


class Channel(Protocol):
    async def send(self, message: Outgoing) -> None: ...


class ConfigError(ValueError):
    pass


# --- e-mail ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Smtp:
    """``smtps://user:password@host:465`` (TLS from the start) or ``smtp://…:587``
    (STARTTLS, required); ``?starttls=off`` sends in the clear, for a relay on the same
    machine or a test. ``KJK_MAIL_FROM`` is the sender."""

    host: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool
    starttls: bool
    sender: str

    @classmethod
    def from_url(cls, url: str, sender: str) -> Smtp:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ConfigError("KJK_SMTP_URL må se ut som smtp://vert:587 eller smtps://vert:465")
        options = dict(parse_qsl(parts.query))
        implicit = parts.scheme == "smtps"
        starttls = not implicit and options.get("starttls", "on") != "off"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit else 587),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            implicit_tls=implicit,
            starttls=starttls,
            sender=sender,
        )

    async def send(self, message: Outgoing) -> None:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.address
        mail["Subject"] = message.subject
        # The same key gives the same Message-ID, so a resend after a crash can be
        # recognised by the receiving side (make_msgid would add the time and a random
        # number, a new id on every try).
        mail["Message-ID"] = message_id(message.key)
        mail.set_content(message.body)
        try:
            await aiosmtplib.send(
                mail,
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self.password,
                use_tls=self.implicit_tls,
                start_tls=self.starttls if not self.implicit_tls else False,
                timeout=TIMEOUT,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            code = exc.recipients[0].code if exc.recipients else "no code"
            raise DeliveryError(f"SMTP refused the address ({code})", permanent=True) from None
        except aiosmtplib.SMTPResponseException as exc:
            raise DeliveryError(f"SMTP {exc.code}") from None
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP: {type(exc).__name__}") from None


def message_id(key: str) -> str:
    """``<session_reminder.session.12…p3@klartjegkan>``: the key with what a Message-ID
    may not hold (RFC 5322's dot-atom) as dots."""
    return f"<{re.sub(r'[^A-Za-z0-9!#$%&*+/=?^_`{|}~-]+', '.', key).strip('.')}@klartjegkan>"


# --- SMS -------------------------------------------------------------------------------


def e164(phone: str) -> str:
    """A Norwegian or international number as the gateways want it (+4791234567)."""
    try:
        number = phonenumbers.parse(phone, "NO")
    except phonenumbers.NumberParseException:
        raise DeliveryError("not a phone number", permanent=True) from None
    if not phonenumbers.is_valid_number(number):
        raise DeliveryError("not a valid phone number", permanent=True)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True)
class JsonGateway:
    """A plain JSON gateway: POST ``{"to", "from", "text", "reference"}`` with a bearer
    token; any 2xx answer is a delivery. ``reference`` is the de-duplication key."""

    url: str
    token: str
    sender: str

    def request(self, message: Outgoing) -> tuple[dict, dict]:
        body = {"to": e164(message.address), "from": self.sender, "text": message.body, "reference": message.key}
        return body, {"Authorization": f"Bearer {self.token}"}

    async def send(self, message: Outgoing) -> None:
        await _post(self.url, *self.request(message))


@dataclass(frozen=True)
class LinkMobility:
    """LINK Mobility's SMS REST API (``…/sms/send``): the token is ``user:password``
    (basic auth), and the platform ids come from the address's query string
    (``?platformId=COMMON_API&platformPartnerId=1234``)."""

    url: str
    token: str
    sender: str

    def request(self, message: Outgoing) -> tuple[dict, dict]:
        parts = urlsplit(self.url)
        platform = dict(parse_qsl(parts.query))
        body: dict[str, str] = {
            "source": self.sender,
            "destination": e164(message.address),
            "userData": message.body,
            "refId": message.key,
            **{k: platform[k] for k in ("platformId", "platformPartnerId") if k in platform},
        }
        auth = base64.b64encode(self.token.encode()).decode()
        return body, {"Authorization": f"Basic {auth}"}

    async def send(self, message: Outgoing) -> None:
        parts = urlsplit(self.url)
        await _post(urlunsplit(parts._replace(query="")), *self.request(message))


async def _post(url: str, body: dict, headers: dict) -> None:
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            answer = await client.post(url, json=body, headers=headers)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"SMS gateway: {type(exc).__name__}") from None
    if not 200 <= answer.status_code < 300:
        raise DeliveryError(
            f"SMS gateway answered {answer.status_code}", permanent=answer.status_code in (400, 404, 422)
        )


GATEWAYS: dict[str, type[JsonGateway] | type[LinkMobility]] = {"json": JsonGateway, "linkmobility": LinkMobility}


# --- configuration -----------------------------------------------------------------------


@dataclass(frozen=True)
class Channels:
    email: Channel | None
    sms: Channel | None

    def get(self, channel: str) -> Channel | None:
        return self.email if channel == "email" else self.sms


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def from_environment() -> Channels:
    """The channels set up by environment variables; one not set up is None, and its
    messages fail at once with a reason the admin can act on."""
    email: Channel | None = None
    if url := os.environ.get("KJK_SMTP_URL", "").strip():
        sender = os.environ.get("KJK_MAIL_FROM", "").strip() or formataddr(("Klart jeg kan", "ikke-svar@nav.no"))
        email = Smtp.from_url(url, sender)
    sms: Channel | None = None
    if url := os.environ.get("KJK_SMS_URL", "").strip():
        parts = urlsplit(url)
        if parts.scheme != "https" and not (parts.scheme == "http" and _is_loopback(parts.hostname or "")):
            raise ConfigError("KJK_SMS_URL må være en https-adresse")
        api = os.environ.get("KJK_SMS_API", "json").strip() or "json"
        if api not in GATEWAYS:
            raise ConfigError(f"KJK_SMS_API må være en av {', '.join(GATEWAYS)}, ikke {api!r}")
        sender = os.environ.get("KJK_SMS_SENDER", "").strip() or "NAV"
        sms = GATEWAYS[api](url, os.environ.get("KJK_SMS_TOKEN", ""), sender)
    return Channels(email, sms)
