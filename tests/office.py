"""Open a generated .docx in LibreOffice (headless) and read back its text, as a person would see it.
Required on CI (.ci/run installs LibreOffice and poppler-utils); skipped with a reason elsewhere."""
from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest


def docx_text_in_libreoffice(data: bytes, workdir: Path, name: str = "document") -> str:
    soffice, pdftotext = shutil.which("soffice"), shutil.which("pdftotext")
    if not (soffice and pdftotext):
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) and pdftotext are required on CI to open generated documents")
        pytest.skip("LibreOffice or pdftotext not installed")
    source = workdir / f"{name}.docx"
    source.write_bytes(data)
    subprocess.run([soffice, f"-env:UserInstallation={(workdir / 'lo-profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(workdir), str(source)],
                   check=True, capture_output=True, timeout=180)
    text = subprocess.run([pdftotext, "-layout", str(workdir / f"{name}.pdf"), "-"], check=True,
                          capture_output=True, timeout=60).stdout
    return " ".join(unicodedata.normalize("NFC", text.decode("utf-8")).split())


def pages_in_libreoffice(documents: dict[str, bytes], workdir: Path) -> dict[str, list[str]]:
    """Several .docx converted in one LibreOffice run; each read back page by page (pdftotext -layout)."""
    soffice, pdftotext = shutil.which("soffice"), shutil.which("pdftotext")
    if not (soffice and pdftotext):
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) and pdftotext are required on CI to open generated documents")
        pytest.skip("LibreOffice or pdftotext not installed")
    sources = []
    for name, data in documents.items():
        (workdir / f"{name}.docx").write_bytes(data)
        sources.append(str(workdir / f"{name}.docx"))
    subprocess.run([soffice, f"-env:UserInstallation={(workdir / 'lo-profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(workdir), *sources],
                   check=True, capture_output=True, timeout=600)
    pages = {}
    for name in documents:
        text = subprocess.run([pdftotext, "-layout", str(workdir / f"{name}.pdf"), "-"], check=True,
                              capture_output=True, timeout=60).stdout
        pages[name] = [unicodedata.normalize("NFC", page) for page in text.decode("utf-8").split("\f") if page.strip()]
    return pages
