"""The one way a file leaves the application, for the API and the pages alike: saved, never shown
inline, never kept by any cache, never sniffed into another type, under the name the engine gave it.

The name travels twice in `Content-Disposition` (RFC 6266): `filename*` in UTF-8 (RFC 5987) for
the browsers that read it, and `filename` with the diacritics taken off for those that do not
("QĐ-05-…-xã-Bình-Minh.docx" and "QD-05-…-xa-Binh-Minh.docx").
"""
from __future__ import annotations

import io
from urllib.parse import quote

from flask import Response, send_file

from engine.storage import EXTENSIONS, NamedFile
from engine.text import bare

# Inside a quoted-string these would need escapes some clients get wrong; the UTF-8 name keeps them.
_NOT_QUOTABLE = str.maketrans({'"': None, "\\": None})


def content_disposition(filename: str, content_type: str) -> str:
    fallback = bare(filename).translate(_NOT_QUOTABLE).strip()
    if not fallback.rpartition(".")[0].strip(". "):  # nothing of the name is left but its extension
        fallback = f"tep-tai-ve.{EXTENSIONS.get(content_type, 'bin')}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def send_document(document: NamedFile) -> Response:
    """The file as an attachment: `Cache-Control: no-store`, `X-Content-Type-Options: nosniff`."""
    content = document.content
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    response = send_file(stream, mimetype=document.content_type, as_attachment=True, download_name="download",
                         max_age=0)
    response.headers["Content-Disposition"] = content_disposition(document.filename, document.content_type)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
