"""PAdES signatures on issued PDFs with pyHanko, with the unit's certificate and key from a PKCS#12
file named in the configuration (KHENTHUONG_SIGNING_PKCS12, KHENTHUONG_SIGNING_PASSPHRASE)."""
from __future__ import annotations

import io
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter

from engine.errors import DefinitionError

SIGNATURE_FIELD = "ChuKySo"


def sign_pdf(pdf: bytes, pkcs12: Path, passphrase: str, *, reason: str, location: str) -> bytes:
    """`pdf` with a PAdES baseline signature (SHA-256) appended as an incremental update: the signed
    bytes stay exactly the issued ones."""
    if not Path(pkcs12).is_file():
        raise DefinitionError(f"Không tìm thấy tệp chứng thư số PKCS#12: {pkcs12}.")
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(pkcs12), passphrase=passphrase.encode() or None)
    if signer is None:
        raise DefinitionError(f"Không mở được tệp chứng thư số {pkcs12} (sai mật khẩu hoặc tệp hỏng).")
    metadata = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, reason=reason, location=location,
                                            subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256")
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), metadata, signer=signer)
    return out.getvalue()
