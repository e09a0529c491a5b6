"""PAdES signatures on issued PDFs with pyHanko, with the unit's certificate and key from a PKCS#12
file named in the configuration (KHENTHUONG_SIGNING_PKCS12, KHENTHUONG_SIGNING_PASSPHRASE)."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter

from engine.errors import DefinitionError

SIGNATURE_FIELD = "ChuKySo"


def sign_pdf(pdf: bytes, pkcs12: Path, passphrase: str, *, reason: str, location: str) -> bytes:
    """`pdf` with a PAdES baseline signature (SHA-256) appended as an incremental update: the signed
    bytes stay exactly the issued ones."""
    signer = _signer(pkcs12, passphrase)
    metadata = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, reason=reason, location=location,
                                            subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256")
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), metadata, signer=signer)
    return out.getvalue()


def _signer(pkcs12: Path, passphrase: str) -> signers.SimpleSigner:
    if not Path(pkcs12).is_file():
        raise DefinitionError(f"Không tìm thấy tệp chứng thư số PKCS#12: {pkcs12}.")
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(pkcs12), passphrase=passphrase.encode() or None)
    if signer is None:
        raise DefinitionError(f"Không mở được tệp chứng thư số {pkcs12} (sai mật khẩu hoặc tệp hỏng).")
    return signer


def check_document_settings(decision_pdf: bool, pkcs12: Path | None, passphrase: str) -> None:
    """At start-up, not at the first decision: PDF output needs LibreOffice, and a named certificate
    must open with its passphrase. A DefinitionError stops the start with what is wrong."""
    if decision_pdf and shutil.which("soffice") is None:
        raise DefinitionError("KHENTHUONG_DECISION_PDF đang bật nhưng máy chủ không có LibreOffice (lệnh soffice).")
    if pkcs12 is not None:
        _signer(pkcs12, passphrase)
