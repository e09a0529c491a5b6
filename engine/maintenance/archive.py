"""The backup format: a gzip'd tar holding a manifest, the database as JSON lines, and the attachments.

    manifest.json              format, Alembic revision, tables (columns, rows, SHA-256), attachments, audit head
    database/<table>.jsonl     one JSON object per row, tables in foreign-key order
    attachments/<sha256>       every file a row of the database names (columns `sha256`, `*_sha256`)

The dump is logical, through SQLAlchemy, so it is the same on SQLite and PostgreSQL and a backup of one
restores into the other. Values are plain JSON; the manifest says how to read the columns that are not
(datetimes in UTC ISO 8601, dates, binary as base64, decimals as strings).
"""
from __future__ import annotations

import base64
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, types

FORMAT = "khenthuong-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLE_DIR = "database"
FILE_DIR = "attachments"
_TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class ArchiveError(Exception):
    """A backup cannot be made or restored; the message says why, in Vietnamese."""


def column_kind(column: Column[Any]) -> str:
    kind = column.type
    if isinstance(kind, types.DateTime):
        return "datetime"
    if isinstance(kind, types.Date):
        return "date"
    if isinstance(kind, types.JSON):
        return "json"
    if isinstance(kind, types._Binary):
        return "binary"
    if isinstance(kind, types.Numeric) and not isinstance(kind, types.Float):
        return "decimal"
    return "plain"


def encode(kind: str, value: Any) -> Any:
    if value is None or kind in ("plain", "json"):
        return value
    if kind == "datetime":
        # Naive values are UTC: that is how UTCDateTime stores them on SQLite.
        aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return aware.isoformat()
    if kind == "date":
        return value.isoformat()
    if kind == "binary":
        return base64.b64encode(value).decode("ascii")
    return str(value)  # decimal


def decode(kind: str, value: Any, keep_offset: bool) -> Any:
    """The Python value to bind; `keep_offset` for a column that stores the UTC offset (PostgreSQL)."""
    if value is None or kind in ("plain", "json"):
        return value
    if kind == "datetime":
        moment = datetime.fromisoformat(value).astimezone(UTC)
        return moment if keep_offset else moment.replace(tzinfo=None)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "binary":
        return base64.b64decode(value)
    return Decimal(value)


def row_line(row: dict[str, Any]) -> bytes:
    return (json.dumps(row, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n").encode("utf-8")


@dataclass
class TableEntry:
    name: str
    columns: dict[str, str]  # column name -> kind, in table order
    rows: int = 0
    sha256: str = ""

    @property
    def member(self) -> str:
        return f"{TABLE_DIR}/{self.name}.jsonl"


@dataclass
class FileEntry:
    sha256: str
    size: int

    @property
    def member(self) -> str:
        return f"{FILE_DIR}/{self.sha256}"


@dataclass
class Manifest:
    created_at: str
    revision: str
    source_dialect: str
    tables: list[TableEntry] = field(default_factory=list)
    files: list[FileEntry] = field(default_factory=list)
    audit_events: int = 0
    audit_head: str = ""

    def to_json(self) -> bytes:
        body = {"format": FORMAT, "format_version": FORMAT_VERSION, **asdict(self)}
        return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            body = json.loads(raw)
            if body.pop("format") != FORMAT:
                raise ValueError
            version = body.pop("format_version")
            if version != FORMAT_VERSION:
                raise ArchiveError(f"Bản sao lưu theo định dạng phiên bản {version}; phiên bản này đọc "
                                   f"định dạng {FORMAT_VERSION}.")
            tables = [TableEntry(**entry) for entry in body.pop("tables")]
            files = [FileEntry(**entry) for entry in body.pop("files")]
            if any(not _TABLE_NAME.fullmatch(t.name) for t in tables) or \
                    any(not _SHA256.fullmatch(f.sha256) for f in files):
                raise ValueError  # member names come from these: nothing may point outside the archive
            return cls(tables=tables, files=files, **body)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise ArchiveError("Tệp không phải bản sao lưu khenthuong (manifest.json không hợp lệ).") from None
