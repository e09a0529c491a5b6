"""The attachment store: files named by their SHA-256 under a folder no web server serves.

A file is streamed to a temporary file beside its final place, hashed on the way, and renamed
into `root/ab/cd/<sha256>` only once it is complete and accepted, so a refused or interrupted
upload never leaves a file behind and two uploads of the same content share one file.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from engine.config import Settings
from engine.errors import NotFound, TooLarge, UnsupportedType

CHUNK_BYTES = 64 * 1024
HEAD_BYTES = 16
_SHA256 = re.compile(r"[0-9a-f]{64}")

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPTED_TYPES = (PDF, DOCX, XLSX, JPEG, PNG)
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", DOCX: "docx", XLSX: "xlsx"}
_RIGHT_EXTENSIONS = {PDF: {"pdf"}, PNG: {"png"}, JPEG: {"jpg", "jpeg"}, DOCX: {"docx"}, XLSX: {"xlsx"}}
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,10}")

_MAGIC = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class NamedFile:
    """A file handed to a person: its content, the name to save it under, and its type."""

    content: bytes | BinaryIO
    filename: str
    content_type: str


@dataclass(frozen=True)
class StoredUpload:
    sha256: str
    size: int
    content_type: str


def sniff(head: bytes, path: Path) -> str | None:
    """The document type by content, never by name; None for anything not accepted.

    DOCX and XLSX are zip packages: only their table of contents is read, nothing is inflated.
    """
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    if not head.startswith(_ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(path) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def with_type_extension(filename: str, content_type: str) -> str:
    """The name ending in the extension of its type (sniffed from the content): a PDF uploaded as
    `virus.bat` or `trang.html` is kept and served as `virus.pdf`, `trang.pdf`, so that no program
    opens it for its name; a right extension, in any case, stays."""
    stem, dot, extension = filename.rpartition(".")
    if dot and extension.lower() in _RIGHT_EXTENSIONS.get(content_type, set()):
        return filename
    base = stem if dot and stem and _EXTENSION.fullmatch(extension) else filename
    return f"{base}.{EXTENSIONS.get(content_type, 'bin')}"


def human_size(size: int) -> str:
    """`20 MB`, `512 KB`, `900 byte`: how a limit is told to a user."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB" if size >= 1024 else f"{size} byte"


def clean_upload_name(filename: str | None, content_type: str, fallback: str = "tep-dinh-kem") -> str:
    """An uploaded name without folders or unprintable characters, at most 255 characters, ending in
    its type's extension."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".") or fallback
    stem, dot, extension = with_type_extension(base, content_type).rpartition(".")
    return stem[:250 - len(extension)] + dot + extension


class AttachmentStore:
    sniff = staticmethod(sniff)

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if not _SHA256.fullmatch(sha256):
            raise NotFound("Không tìm thấy tệp.")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        """The stored bytes; NotFound when the store does not hold them."""
        try:
            return self.path(sha256).open("rb")
        except FileNotFoundError:
            raise NotFound("Không tìm thấy tệp trong kho lưu trữ.") from None

    def read(self, sha256: str) -> bytes:
        with self.open(sha256) as stream:
            return stream.read()

    def put(self, stream: BinaryIO, max_bytes: int) -> tuple[str, int]:
        """Store a stream (e.g. a generated document); TooLarge beyond `max_bytes`."""
        sha256, size, _ = self._store(stream, max_bytes, None)
        return sha256, size

    def put_bytes(self, data: bytes) -> str:
        """Store bytes made here (a generated decision); returns their SHA-256."""
        sha256, _ = self.put(io.BytesIO(data), len(data))
        return sha256

    def put_upload(self, stream: BinaryIO, max_bytes: int) -> StoredUpload:
        """Store a user's upload: TooLarge beyond `max_bytes`, UnsupportedType unless the content
        is PDF, DOCX, XLSX, JPEG or PNG. Refused uploads leave nothing in the store."""
        def accept(head: bytes, path: Path) -> str:
            content_type = sniff(head, path)
            if content_type is None:
                raise UnsupportedType(
                    "Chỉ chấp nhận tệp PDF, DOCX, XLSX, JPEG hoặc PNG; nội dung tệp này không thuộc các kiểu đó.",
                    {"file": "Kiểu tệp không được chấp nhận."})
            return content_type

        sha256, size, content_type = self._store(stream, max_bytes, accept)
        assert content_type is not None
        return StoredUpload(sha256, size, content_type)

    def _store(self, stream: BinaryIO, max_bytes: int,
               accept: Callable[[bytes, Path], str] | None) -> tuple[str, int, str | None]:
        self.root.mkdir(parents=True, exist_ok=True)
        digest, size, head = hashlib.sha256(), 0, b""
        fd, temp_name = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK_BYTES):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(f"Tệp vượt quá dung lượng cho phép ({human_size(max_bytes)}).",
                                       {"file": f"Tối đa {human_size(max_bytes)}."})
                    if len(head) < HEAD_BYTES:
                        head += chunk[:HEAD_BYTES - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
            content_type = accept(head, temp) if accept is not None else None
            sha256 = digest.hexdigest()
            final = self.path(sha256)
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.exists():
                temp.unlink()
            else:
                os.chmod(temp, 0o640)
                os.replace(temp, final)
            return sha256, size, content_type
        finally:
            temp.unlink(missing_ok=True)


def attachment_store(settings: Settings) -> AttachmentStore:
    return AttachmentStore(settings.attachment_root)
