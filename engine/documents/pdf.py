"""A generated .docx as PDF, converted by LibreOffice headless (`soffice`), the same program the
tests open documents with: what the PDF shows is what a word processor shows."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from engine.errors import DefinitionError

CONVERT_TIMEOUT_SECONDS = 180


def docx_to_pdf(data: bytes) -> bytes:
    """The PDF of a .docx. Each call uses its own LibreOffice profile, so that conversions running at
    the same time (two web processes, a worker) never share one."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise DefinitionError("Cần LibreOffice (lệnh soffice) để xuất quyết định dạng PDF "
                              "(KHENTHUONG_DECISION_PDF).")
    with tempfile.TemporaryDirectory(prefix="khenthuong-pdf-") as folder:
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(data)
        done = subprocess.run(  # noqa: S603 - a fixed program on files we wrote
            [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(work), str(source)],
            capture_output=True, timeout=CONVERT_TIMEOUT_SECONDS, check=False)
        target = work / "document.pdf"
        if done.returncode != 0 or not target.exists():
            raise DefinitionError("LibreOffice không chuyển được quyết định sang PDF: "
                                  + done.stderr.decode("utf-8", "replace")[-500:])
        return target.read_bytes()
