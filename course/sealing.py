"""Encryption for evaluation anonymity (see docs/anonymity.md).

- A participant's personal link doubles as a private key: the link token derives an
  X25519 key pair, and only the public half is stored (``participant_link.seal_key``).
  An evaluation link *sealed* to that public key can be opened only by whoever holds
  the personal link; the sealed box names no one and looks like random bytes.
- Answers to an evaluation that is still open are kept encrypted under a key derived
  from the server's secret (``KJK_SECRET_KEY``), which is not in the database, so a
  database reader learns neither the scores nor their order until the evaluation
  closes and they are written out in shuffled order.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


def _derive(material: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(material)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode())


def _private_key(link_token: str) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(_derive(link_token.encode(), b"kjk personal link seal key"))


def link_key(link_token: str) -> str:
    """The public key of a personal link, to store beside the link's digest."""
    return _b64(_private_key(link_token).public_key().public_bytes(*_RAW))


def seal(public_key: str, message: str, context: str) -> str:
    """Encrypt ``message`` for the holder of the personal link behind ``public_key``
    (an ephemeral X25519 key, HKDF and ChaCha20-Poly1305; ``context`` is bound in)."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(*_RAW)
    recipient = _unb64(public_key)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    key = _derive(shared + ephemeral_public + recipient, b"kjk seal")
    box = ChaCha20Poly1305(key).encrypt(bytes(12), message.encode(), context.encode())
    return _b64(ephemeral_public + box)


def opener(link_token: str):
    """``open(sealed, context)``: the message if this personal link opens the box,
    else None. The key is derived once, for trying many boxes."""
    private = _private_key(link_token)
    recipient = private.public_key().public_bytes(*_RAW)

    def open_box(sealed: str, context: str) -> str | None:
        try:
            raw = _unb64(sealed)
            shared = private.exchange(X25519PublicKey.from_public_bytes(raw[:32]))
            key = _derive(shared + raw[:32] + recipient, b"kjk seal")
            return ChaCha20Poly1305(key).decrypt(bytes(12), raw[32:], context.encode()).decode()
        except (InvalidTag, ValueError):
            return None

    return open_box


def box_key(secret: str, context: str) -> bytes:
    """A symmetric key for one purpose, derived from the server's secret."""
    return _derive(secret.encode(), b"kjk box " + context.encode())


def encrypt(key: bytes, message: bytes, context: str) -> str:
    nonce = os.urandom(12)
    return _b64(nonce + ChaCha20Poly1305(key).encrypt(nonce, message, context.encode()))


def decrypt(key: bytes, blob: str, context: str) -> bytes | None:
    try:
        raw = _unb64(blob)
        return ChaCha20Poly1305(key).decrypt(raw[:12], raw[12:], context.encode())
    except (InvalidTag, ValueError):
        return None
