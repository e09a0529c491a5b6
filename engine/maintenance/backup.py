"""`khenthuong backup FILE`: the database and every attachment it names, from one snapshot, in one archive.

The database is read in one read-only snapshot (REPEATABLE READ on PostgreSQL, a WAL read transaction on
SQLite) while the server keeps running. A file is stored before the row naming it commits and is never
deleted, so every file the snapshot names is in the store; each is hashed on its way into the archive and
a file whose content no longer matches its name stops the backup. The archive is written beside FILE and
renamed into place only once complete.
"""
from __future__ import annotations

import hashlib
import io
import os
import tarfile
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, MetaData, Table, select

from engine.clock import Clock
from engine.config import Settings
from engine.db import make_engine, snapshot
from engine.maintenance.archive import (
    MANIFEST,
    ArchiveError,
    FileEntry,
    Manifest,
    TableEntry,
    column_kind,
    encode,
    row_line,
)
from engine.migrate import current_revision
from engine.models import AuditEvent
from engine.storage import AttachmentStore, attachment_store

ALEMBIC_TABLE = "alembic_version"
# SQLite's FTS5 indexes of the folded nominee names (migration 0039) and dossier titles (0049) and their
# shadow tables: derived from `nomination` and `dossier`, filled by their triggers as a restore inserts the
# rows; never archived.
DERIVED_PREFIX = ("nomination_name_fts", "dossier_title_fts")
ROWS_PER_FETCH = 1000


def is_archived(table_name: str) -> bool:
    """Whether a table of the database goes into a backup (and must be empty in a restore's target)."""
    return table_name != ALEMBIC_TABLE and not table_name.startswith(DERIVED_PREFIX)


def is_store_key(column_name: str) -> bool:
    """The columns holding the name (SHA-256) of a file in the attachment store."""
    return column_name == "sha256" or column_name.endswith("_sha256")


def write_backup(settings: Settings, target: Path, clock: Clock) -> Manifest:
    """Write the archive to `target` (which must not exist yet); returns its manifest."""
    target = Path(target)
    if target.exists():
        raise ArchiveError(f"Tệp {target} đã tồn tại: chọn tên khác cho bản sao lưu.")
    if not target.parent.is_dir():
        raise ArchiveError(f"Thư mục {target.parent} không tồn tại.")
    engine = make_engine(settings.database_url)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as staging, \
                snapshot(engine) as connection:
            manifest, keys = _dump_database(connection, Path(staging), clock)
            store = attachment_store(settings)
            manifest.files = [FileEntry(key, _stored_size(store, key)) for key in sorted(keys)]
            _write_archive(partial, manifest, Path(staging), store)
        os.replace(partial, target)
        return manifest
    finally:
        partial.unlink(missing_ok=True)
        engine.dispose()


def _dump_database(connection: Connection, staging: Path, clock: Clock) -> tuple[Manifest, set[str]]:
    revision = current_revision(connection)
    if revision is None:
        raise ArchiveError("Cơ sở dữ liệu chưa có lược đồ: chạy `khenthuong db upgrade` trước.")
    manifest = Manifest(created_at=clock.now().isoformat(), revision=revision,
                        source_dialect=connection.dialect.name)
    metadata = MetaData()
    metadata.reflect(bind=connection)
    keys: set[str] = set()
    for table in metadata.sorted_tables:
        if is_archived(table.name):
            manifest.tables.append(_dump_table(connection, table, staging, keys))
    audit = metadata.tables.get(AuditEvent.__tablename__)
    if audit is not None:
        head = connection.execute(select(audit.c.seq, audit.c.hash).order_by(audit.c.seq.desc()).limit(1)).first()
        manifest.audit_events, manifest.audit_head = (head.seq, head.hash) if head else (0, "")
    return manifest, keys


def _dump_table(connection: Connection, table: Table, staging: Path, keys: set[str]) -> TableEntry:
    entry = TableEntry(table.name, {column.name: column_kind(column) for column in table.columns})
    key_columns = [name for name in entry.columns if is_store_key(name)]
    digest = hashlib.sha256()
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execution_options(yield_per=ROWS_PER_FETCH).execute(select(table).order_by(*order))
    with (staging / f"{table.name}.jsonl").open("wb") as out:
        for row in result.mappings():
            line = row_line({name: encode(kind, row[name]) for name, kind in entry.columns.items()})
            digest.update(line)
            out.write(line)
            entry.rows += 1
            keys.update(row[name] for name in key_columns if row[name])
    entry.sha256 = digest.hexdigest()
    return entry


def _stored_size(store: AttachmentStore, key: str) -> int:
    try:
        return store.path(key).stat().st_size
    except (OSError, ValueError, LookupError):
        raise ArchiveError(f"Tệp {key} mà cơ sở dữ liệu nhắc đến không có trong kho {store.root}: "
                           "bản sao lưu sẽ không đầy đủ.") from None


class _Hashing(io.RawIOBase):
    """Reads a file while hashing it, so a file is checked on its one trip into the archive."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.digest = stream, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        return chunk


def _member(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(time.time()), 0o640
    return info


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    archive.addfile(_member(name, len(data)), io.BytesIO(data))


def _write_archive(path: Path, manifest: Manifest, staging: Path, store: AttachmentStore) -> None:
    with tarfile.open(path, "w:gz", compresslevel=6) as archive:
        _add_bytes(archive, MANIFEST, manifest.to_json())  # first: a restore reads it before anything else
        for table in manifest.tables:
            archive.add(staging / f"{table.name}.jsonl", arcname=table.member, recursive=False)
        for entry in manifest.files:
            with store.path(entry.sha256).open("rb") as stream:
                reader = _Hashing(stream)
                archive.addfile(_member(entry.member, entry.size), reader)
            if reader.digest.hexdigest() != entry.sha256:
                raise ArchiveError(f"Tệp {entry.sha256} trong kho đã bị thay đổi (nội dung không khớp tên).")


def describe(manifest: Manifest) -> dict[str, Any]:
    """The numbers an operator reads after a backup or a restore."""
    return {
        "tables": len(manifest.tables),
        "rows": sum(table.rows for table in manifest.tables),
        "files": len(manifest.files),
        "file_bytes": sum(entry.size for entry in manifest.files),
        "revision": manifest.revision,
        "audit_events": manifest.audit_events,
        "audit_head": manifest.audit_head,
    }
