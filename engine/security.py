"""Password hashing (argon2id, memory-hard) with parameters from settings, the audit chain's signing
key (Ed25519, read from configuration: never stored in the database), and the sealing of secret
ballots' choices at rest (AES-GCM under a key derived from configuration); the keyed hash of national
ID numbers."""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from engine.config import Settings


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_cost_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost_kib)


def hasher_for(settings: Settings) -> PasswordHasher:
    return _hasher(settings.argon2_time_cost, settings.argon2_memory_cost_kib)


def hash_password(settings: Settings, password: str) -> str:
    return hasher_for(settings).hash(password)


def verify_password(settings: Settings, password_hash: str, password: str) -> bool:
    try:
        return hasher_for(settings).verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verified against when the username does not exist, so timing does not reveal which names exist.
def dummy_verify(settings: Settings, password: str) -> None:
    verify_password(settings, _dummy_hash(settings.argon2_time_cost, settings.argon2_memory_cost_kib), password)


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_cost_kib: int) -> str:
    return _hasher(time_cost, memory_cost_kib).hash("khenthuong-dummy-password")


class SigningKeyError(ValueError):
    """The configured audit signing key cannot be read."""


@dataclass(frozen=True)
class VerifyKey:
    """The public half: enough to check a checkpoint's signature, not to make one."""

    public: Ed25519PublicKey
    key_id: str  # the first 16 hex digits of SHA-256 over the raw public key

    @classmethod
    def from_public(cls, public: Ed25519PublicKey) -> VerifyKey:
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return cls(public, hashlib.sha256(raw).hexdigest()[:16])

    @classmethod
    def from_text(cls, text: str) -> VerifyKey:
        """A public key as printed by `khenthuong audit keygen` (base64 of 32 bytes) or as PEM."""
        text = text.strip()
        try:
            if text.startswith("-----BEGIN"):
                public = serialization.load_pem_public_key(text.encode())
                if not isinstance(public, Ed25519PublicKey):
                    raise SigningKeyError("khóa công khai không phải Ed25519")
                return cls.from_public(public)
            return cls.from_public(Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True)))
        except (ValueError, binascii.Error) as exc:
            raise SigningKeyError(f"khóa công khai không đọc được: {exc}") from exc

    @property
    def printable(self) -> str:
        raw = self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return base64.b64encode(raw).decode()

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            self.public.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    verify_key: VerifyKey
    seal_key: bytes  # HMAC key for each event's seal, derived from the private key

    @classmethod
    def from_private(cls, private: Ed25519PrivateKey) -> SigningKey:
        seed = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                     serialization.NoEncryption())
        return cls(private, VerifyKey.from_public(private.public_key()),
                   hashlib.sha256(b"khenthuong-audit-seal:" + seed).digest())

    @property
    def key_id(self) -> str:
        return self.verify_key.key_id

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)

    def seal(self, event_hash: str) -> str:
        return hmac.new(self.seal_key, event_hash.encode(), hashlib.sha256).hexdigest()


def new_signing_key_pem() -> bytes:
    """A fresh Ed25519 private key as unencrypted PKCS#8 PEM (what `khenthuong audit keygen` writes)."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def write_signing_key(path: Path) -> SigningKey:
    """Write a new key to `path` (readable by its owner only); refuse to overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as out:  # "x": an existing key is never replaced by accident
        out.write(new_signing_key_pem())
    path.chmod(0o600)
    return _load(str(path), "")


def signing_key(settings: Settings) -> SigningKey | None:
    """The configured audit signing key, or None when none is configured."""
    if not settings.audit_signing_key and settings.audit_signing_key_file is None:
        return None
    return _load(str(settings.audit_signing_key_file or ""), settings.audit_signing_key)


@lru_cache(maxsize=8)
def _load(path: str, value: str) -> SigningKey:
    try:
        if value:
            seed = base64.b64decode(value.strip(), validate=True)
            return SigningKey.from_private(Ed25519PrivateKey.from_private_bytes(seed))
        private = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError, binascii.Error) as exc:
        raise SigningKeyError(f"không đọc được khóa ký nhật ký: {exc}") from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise SigningKeyError("khóa ký nhật ký phải là khóa Ed25519")
    return SigningKey.from_private(private)


# A secret ballot's choice is sealed (AES-GCM) while it rests in the database, so that whoever holds
# only the database cannot read how a member voted, even through rows that share a transaction with
# the member's participation. Every plaintext is padded to one width: the sealed form of "yes", "no"
# and "abstain" has one length. The associated data binds a sealed choice to its ballot and agenda
# item, so it cannot be moved to another row. Format: `b1.<key tag>.<base64(nonce + ciphertext)>`.
_BALLOT_FORMAT = "b1"
_CHOICE_WIDTH = 16


class BallotSealError(ValueError):
    """A sealed choice that the configured keys cannot open (another key, or a changed row)."""


def _ballot_keys(settings: Settings) -> list[tuple[str, AESGCM]]:
    """The keys a choice may be sealed under, the one to seal with first: derived from the audit
    signing key when one is configured, else from the secret key."""
    materials = []
    audit_key = signing_key(settings)
    if audit_key is not None:
        materials.append(b"audit:" + audit_key.seal_key)
    materials.append(b"secret:" + settings.secret_key.encode())
    keys = []
    for material in materials:
        key = hashlib.sha256(b"khenthuong-ballot:" + material).digest()
        keys.append((hashlib.sha256(key).hexdigest()[:8], AESGCM(key)))
    return keys


def seal_choice(settings: Settings, binding: str, choice: str) -> str:
    if len(choice.encode()) > _CHOICE_WIDTH:
        raise ValueError(f"choice longer than {_CHOICE_WIDTH} bytes: {choice!r}")
    tag, aead = _ballot_keys(settings)[0]
    nonce = os.urandom(12)
    sealed = aead.encrypt(nonce, choice.encode().ljust(_CHOICE_WIDTH), binding.encode())
    return f"{_BALLOT_FORMAT}.{tag}.{base64.b64encode(nonce + sealed).decode()}"


def open_choice(settings: Settings, binding: str, stored: str) -> str:
    """The choice a sealed value holds; a value stored before sealing existed is returned as it is."""
    fmt, _, rest = stored.partition(".")
    if fmt != _BALLOT_FORMAT:
        return stored
    tag, _, body = rest.partition(".")
    for key_tag, aead in _ballot_keys(settings):
        if key_tag == tag:
            raw = base64.b64decode(body)
            try:
                return aead.decrypt(raw[:12], raw[12:], binding.encode()).decode().rstrip()
            except InvalidTag as exc:
                raise BallotSealError("phiếu bầu đã niêm phong không mở được: dữ liệu đã bị thay đổi") from exc
    raise BallotSealError("phiếu bầu được niêm phong bằng một khóa không còn trong cấu hình")


def identity_hash(settings: Settings, national_id: str) -> str:
    """HMAC-SHA256 (hex) of a national ID number's digits under `identity_key`: equal numbers give
    equal hashes, and without the key a hash cannot be turned back into the number by trying all
    twelve-digit numbers. The number itself is never stored."""
    if not settings.identity_key:
        raise ValueError("identity_key is not configured")
    digits = "".join(ch for ch in national_id if ch.isdigit())
    return hmac.new(settings.identity_key.encode(), digits.encode(), hashlib.sha256).hexdigest()
