"""Settings of the engine, read once from `KHENTHUONG_*` environment variables and passed in."""
from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PREFIX = "KHENTHUONG_"


@dataclass(frozen=True)
class Settings:
    database_url: str
    instance_dir: Path
    workflows_dir: Path = PROJECT_ROOT / "workflows"
    forms_dir: Path = PROJECT_ROOT / "forms"
    secret_key: str = field(default="", repr=False)
    token_ttl_seconds: int = 8 * 3600
    login_max_failures: int = 5  # per (account, address): engine/operations/login_throttle.py
    login_account_max_failures: int = 20  # per account, from addresses that failed on it
    login_address_max_failures: int = 100  # per address, on every account
    login_window_seconds: int = 15 * 60
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For/-Proto are believed
    script_time_limit_seconds: float = 1.0
    argon2_time_cost: int = 3
    argon2_memory_cost_kib: int = 65536
    worker_poll_seconds: float = 5.0
    workflow_cache_size: int = 2000  # deserialized running workflows kept per process (≈ 40 KB each)
    rules_dir: Path = PROJECT_ROOT / "workflows" / "rules"
    attachments_dir: Path | None = None  # default: <instance_dir>/attachments (never a served folder)
    max_upload_bytes: int = 20 * 1024 * 1024
    # The audit chain's anchor (engine/anchor.py, docs/security.md): an Ed25519 key the database does not
    # hold, as a PEM file or as the base64 of its 32-byte seed; default <instance_dir>/audit_signing_key.pem
    # when that file exists (`khenthuong audit keygen` writes it).
    audit_signing_key_file: Path | None = None
    audit_signing_key: str = field(default="", repr=False)
    audit_checkpoint_seconds: float = 3600.0  # the worker signs the head at least this often
    audit_verify_tail_limit: int = 200_000  # events past the last checkpoint a request may walk
    # Issued decisions as PDF too (LibreOffice headless, `soffice` on the PATH), signed (PAdES) with
    # the unit's certificate when a PKCS#12 file is named: docs/decisions.md.
    decision_pdf: bool = False
    signing_pkcs12: Path | None = None
    signing_passphrase: str = field(default="", repr=False)
    # The key of the national ID numbers' keyed hashes (docs/registry.md); an instance file by default.
    identity_key: str = field(default="", repr=False)
    # Mail (engine/operations/mail.py, docs/mail.md): off while smtp_host is empty.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = False
    mail_from: str = "khenthuong@localhost"
    public_url: str = "http://127.0.0.1:5000"  # the site's address, for the links a mail carries
    digest_hour: int = 7  # local hour from which the worker sends the day's digest

    @property
    def attachment_root(self) -> Path:
        return self.attachments_dir or self.instance_dir / "attachments"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> Settings:
        env = dict(os.environ if env is None else env)
        instance_dir = Path(env.get(PREFIX + "INSTANCE_DIR", PROJECT_ROOT / "instance"))
        values: dict[str, object] = {
            "instance_dir": instance_dir,
            "database_url": env.get(PREFIX + "DATABASE_URL", f"sqlite:///{instance_dir / 'khenthuong.sqlite'}"),
        }
        for name, kind in (
            ("workflows_dir", Path),
            ("forms_dir", Path),
            ("secret_key", str),
            ("token_ttl_seconds", int),
            ("login_max_failures", int),
            ("login_account_max_failures", int),
            ("login_address_max_failures", int),
            ("login_window_seconds", int),
            ("trusted_proxies", int),
            ("script_time_limit_seconds", float),
            ("argon2_time_cost", int),
            ("argon2_memory_cost_kib", int),
            ("worker_poll_seconds", float),
            ("workflow_cache_size", int),
            ("rules_dir", Path),
            ("attachments_dir", Path),
            ("max_upload_bytes", int),
            ("audit_signing_key_file", Path),
            ("audit_signing_key", str),
            ("audit_checkpoint_seconds", float),
            ("audit_verify_tail_limit", int),
            ("decision_pdf", _flag),
            ("signing_pkcs12", Path),
            ("signing_passphrase", str),
            ("identity_key", str),
            ("smtp_host", str),
            ("smtp_port", int),
            ("smtp_user", str),
            ("smtp_password", str),
            ("smtp_starttls", _flag),
            ("mail_from", str),
            ("public_url", str),
            ("digest_hour", int),
        ):
            raw = env.get(PREFIX + name.upper())
            if raw is not None:
                values[name] = kind(raw)
        settings = replace(cls(**values), **overrides)  # type: ignore[arg-type]
        if not settings.secret_key:
            settings = replace(settings, secret_key=_instance_secret(settings.instance_dir))
        default_key = settings.instance_dir / "audit_signing_key.pem"
        if not settings.audit_signing_key and settings.audit_signing_key_file is None and default_key.exists():
            settings = replace(settings, audit_signing_key_file=default_key)
        if not settings.identity_key:
            settings = replace(settings, identity_key=_instance_secret(settings.instance_dir, "identity_key"))
        return settings


def _flag(raw: str) -> bool:
    """`1`, `true`, `yes`, `on` (any case) turn a setting on; anything else leaves it off."""
    return raw.strip().lower() in ("1", "true", "yes", "on")


def _instance_secret(instance_dir: Path, name: str = "secret_key") -> str:
    """A secret kept in the instance folder, so tokens survive restarts and hashes stay comparable."""
    path = instance_dir / name
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


# Libraries that log every step at INFO (SpiffWorkflow: each task's state change, with task data;
# Alembic: each migration): quiet unless the operator configured them. The one place for the app, the
# CLI and the production server.
QUIET_LIBRARIES = ("spiff", "alembic")


def quiet_library_logs() -> None:
    """Libraries' INFO logs off: their loggers at WARNING, unless a level was set for them already."""
    for name in QUIET_LIBRARIES:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.WARNING)
