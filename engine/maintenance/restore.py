"""`khenthuong restore FILE`: a backup into an empty database and its attachment store, then checked.

Every member is checked against the manifest (names, SHA-256 of each table and file) before the target
is touched. The target gets the schema of the backup's Alembic revision, the rows in one transaction,
then this release's migrations, so yesterday's backup restores into today's release; last, the audit
chain is verified and must end where the backup's did. A target holding any row is refused unless
forced, and then emptied by undoing its migrations.
"""
from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Integer, MetaData, Table, func, inspect, select, text
from sqlalchemy.orm import Session

from engine.audit import GENESIS_HASH, ChainReport, verify_chain
from engine.clock import Clock
from engine.config import Settings
from engine.context import Context
from engine.db import make_engine
from engine.maintenance.archive import MANIFEST, ArchiveError, FileEntry, Manifest, TableEntry, decode
from engine.maintenance.backup import is_archived
from engine.migrate import current_revision, downgrade_to_nothing, head_revision, is_known_revision, upgrade
from engine.storage import CHUNK_BYTES, attachment_store

ROWS_PER_INSERT = 500


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    revision: str  # the target's revision at the end (the head, unless asked not to upgrade)
    chain: ChainReport | None  # None when left below the head: this release cannot read it yet


def restore_backup(settings: Settings, source: Path, clock: Clock, *, force: bool = False,
                   upgrade_to_head: bool = True) -> RestoreResult:
    store = attachment_store(settings)
    store.root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=store.root, prefix=".restore-") as staging:
        manifest = unpack(Path(source), Path(staging))
        if not is_known_revision(manifest.revision):
            raise ArchiveError(f"Bản sao lưu có lược đồ {manifest.revision}, mới hơn phiên bản đang chạy "
                               f"(lược đồ {head_revision()}): hãy cài phiên bản mới hơn trước khi khôi phục.")
        engine = make_engine(settings.database_url)
        try:
            _prepare_target(engine, settings.database_url, manifest.revision, force)
            for entry in manifest.files:  # content-addressed: a file already there is the same file
                if not store.exists(entry.sha256):
                    store.path(entry.sha256).parent.mkdir(parents=True, exist_ok=True)
                    os.replace(Path(staging) / entry.member, store.path(entry.sha256))
            with engine.begin() as connection:
                _load(connection, manifest, Path(staging))
        finally:
            engine.dispose()
    if upgrade_to_head:
        upgrade(settings.database_url)
    elif manifest.revision != head_revision():
        return RestoreResult(manifest, manifest.revision, None)
    return RestoreResult(manifest, head_revision(), check_chain(settings, clock, manifest))


# -- reading the archive ---------------------------------------------------------------------------

def unpack(source: Path, staging: Path) -> Manifest:
    """Extract every member into `staging`, checking each against the manifest; ArchiveError otherwise."""
    try:
        with tarfile.open(source, "r:gz") as archive:
            first = archive.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise ArchiveError("Tệp không phải bản sao lưu khenthuong (thiếu manifest.json ở đầu).")
            manifest = Manifest.from_json(_read(archive, first))
            entries: list[TableEntry | FileEntry] = [*manifest.tables, *manifest.files]
            expected = {entry.member: entry for entry in entries}
            seen = set()
            while (member := archive.next()) is not None:
                entry = expected.get(member.name)
                if entry is None or member.name in seen or not member.isfile():
                    raise ArchiveError(f"Bản sao lưu chứa mục lạ hoặc trùng: {member.name}.")
                seen.add(member.name)
                _extract_checked(archive, member, staging / member.name, entry)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ArchiveError(f"Không đọc được bản sao lưu {source}: {exc}") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise ArchiveError(f"Bản sao lưu thiếu {len(missing)} mục, ví dụ {missing[0]}.")
    return manifest


def _read(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    stream = archive.extractfile(member)
    assert stream is not None
    return stream.read()


def _extract_checked(archive: tarfile.TarFile, member: tarfile.TarInfo, path: Path,
                     entry: TableEntry | FileEntry) -> None:
    stream = archive.extractfile(member)
    assert stream is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with path.open("wb") as out:
        while chunk := stream.read(CHUNK_BYTES):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != entry.sha256:
        raise ArchiveError(f"Bản sao lưu bị hỏng: nội dung {member.name} không khớp mã băm trong manifest.")


# -- the target ------------------------------------------------------------------------------------

def _tables_with_rows(connection: Connection) -> list[str]:
    names = [name for name in inspect(connection).get_table_names() if is_archived(name)]
    return [name for name in sorted(names)
            if connection.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first() is not None]


def _prepare_target(engine: Engine, url: str, revision: str, force: bool) -> None:
    """Leave the target empty, at the backup's revision."""
    with engine.connect() as connection:
        tables = [name for name in inspect(connection).get_table_names() if is_archived(name)]
        filled = _tables_with_rows(connection)
        current = current_revision(connection)
    if filled and not force:
        raise ArchiveError(f"Cơ sở dữ liệu đích đã có dữ liệu (bảng {', '.join(filled[:3])}…): khôi phục "
                           "vào một cơ sở dữ liệu trống, hoặc dùng --force để xóa hết và khôi phục đè.")
    if tables and (filled or current != revision):
        if current is None or not is_known_revision(current):
            raise ArchiveError("Cơ sở dữ liệu đích có bảng không do phiên bản này tạo ra: không xóa được, "
                               "hãy dùng một cơ sở dữ liệu trống.")
        downgrade_to_nothing(url)
    upgrade(url, revision)


def _load(connection: Connection, manifest: Manifest, staging: Path) -> None:
    metadata = MetaData()
    metadata.reflect(bind=connection)
    postgres = connection.dialect.name == "postgresql"
    for entry in manifest.tables:
        table = metadata.tables.get(entry.name)
        if table is None or set(table.columns.keys()) != set(entry.columns):
            raise ArchiveError(f"Bảng {entry.name} của bản sao lưu không khớp lược đồ {manifest.revision}.")
        rows = _rows(table, entry, staging, postgres)
        if _self_references(table):
            rows = iter(_parents_first(table, list(rows)))
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == ROWS_PER_INSERT:
                connection.execute(table.insert(), batch)
                batch = []
        if batch:
            connection.execute(table.insert(), batch)
        if postgres:
            _reset_sequences(connection, table)


def _rows(table: Table, entry: TableEntry, staging: Path, postgres: bool) -> Iterator[dict[str, Any]]:
    keep_offset = {name: postgres and bool(getattr(table.c[name].type, "timezone", False))
                   for name in entry.columns}
    with (staging / entry.member).open("rb") as lines:
        for line in lines:
            raw = json.loads(line)
            yield {name: decode(kind, raw[name], keep_offset[name]) for name, kind in entry.columns.items()}


def _self_references(table: Table) -> list[tuple[str, str]]:
    return [(fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table]


def _parents_first(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a table that points at itself (a unit's parent), each after the rows it points at."""
    links = _self_references(table)
    placed: set[tuple[str, Any]] = set()
    ordered: list[dict[str, Any]] = []
    waiting = rows
    while waiting:
        ready = [row for row in waiting
                 if all(row[child] is None or (parent, row[child]) in placed for child, parent in links)]
        if not ready:
            raise ArchiveError(f"Bảng {table.name} có vòng tham chiếu đến chính nó: không khôi phục được.")
        for row in ready:
            ordered.append(row)
            placed.update((parent, row[parent]) for _, parent in links)
        done = {id(row) for row in ready}
        waiting = [row for row in waiting if id(row) not in done]
    return ordered


def _reset_sequences(connection: Connection, table: Table) -> None:
    """Rows came with their ids: the next id PostgreSQL hands out must follow them."""
    for column in table.primary_key.columns:
        if isinstance(column.type, Integer):
            connection.execute(
                select(func.setval(func.pg_get_serial_sequence(table.name, column.name),
                                   func.coalesce(func.max(column), 1), func.max(column).isnot(None)))
            )


# -- the check -------------------------------------------------------------------------------------

def check_chain(settings: Settings, clock: Clock, manifest: Manifest) -> ChainReport:
    """The restored chain must hold and end on the backup's last event."""
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            report = verify_chain(Context(session=session, settings=settings, clock=clock))
    finally:
        engine.dispose()
    if report.ok and (report.events, report.head_hash) != (manifest.audit_events,
                                                           manifest.audit_head or GENESIS_HASH):
        return ChainReport(False, report.events, report.head_hash, None,
                           f"chuỗi dừng ở sự kiện {report.events}, bản sao lưu có {manifest.audit_events}")
    return report

