"""Issued decisions as PDF: converted by LibreOffice when the decision is issued, signed (PAdES) with
the certificate of a PKCS#12 file named in the configuration, and kept: the signature validates
against that certificate, and the stored bytes are the ones their SHA-256 names."""
from __future__ import annotations

import hashlib
import io
import os
import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from engine.context import Context
from engine.documents.signing import check_document_settings
from engine.errors import DefinitionError
from engine.models import Decision
from engine.operations.award.queries import certificates_file, decision_pdf_file
from engine.storage import AttachmentStore

PASSPHRASE = "mật-khẩu-thử"


def _certificate(folder) -> tuple[object, bytes]:
    """A self-signed certificate of a commune's People's Committee, and its PKCS#12 file."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ủy ban nhân dân xã Bình Minh"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "Ủy ban nhân dân xã Bình Minh")])
    now = datetime.now(UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                                key_encipherment=False, data_encipherment=False,
                                                key_agreement=False, key_cert_sign=True, crl_sign=False,
                                                encipher_only=False, decipher_only=False), critical=True)
                   .sign(key, hashes.SHA256()))
    path = folder / "ubnd-xa-binh-minh.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"ubnd-xa-binh-minh", key, certificate, None,
        serialization.BestAvailableEncryption(PASSPHRASE.encode())))
    return path, certificate.public_bytes(serialization.Encoding.DER)


@pytest.fixture
def certificate(tmp_path):
    if shutil.which("soffice") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is required on CI")
        pytest.skip("LibreOffice not installed")
    return _certificate(tmp_path)


@pytest.fixture
def ctx(session, settings, clock, runtime, certificate):
    """The configuration of a unit that issues signed PDFs."""
    path, _ = certificate
    signing = replace(settings, decision_pdf=True, signing_pkcs12=path, signing_passphrase=PASSPHRASE)
    return Context(session=session, settings=signing, clock=clock, runtime=runtime)


def test_an_issued_decision_is_a_signed_pdf_that_validates_and_is_kept(one_process_journey, tree, ctx, certificate):
    journey = one_process_journey
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve")
    decision = journey.session.scalars(select(Decision)).one()
    assert decision.pdf_sha256 and decision.document_sha256
    pdf = AttachmentStore(ctx.settings.attachment_root).read(decision.pdf_sha256)
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == decision.pdf_sha256

    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    trusted = ValidationContext(trust_roots=[asn1_x509.Certificate.load(certificate[1])], allow_fetching=False)
    status = validate_pdf_signature(signature, trusted)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.signing_cert.subject.native["common_name"] == "Ủy ban nhân dân xã Bình Minh"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES

    # What is handed out is what was issued, byte for byte (GET /decisions/{id}/document.pdf).
    handed = decision_pdf_file(ctx.as_actor(tree.commune_head), decision.id)
    assert (handed.content, handed.content_type) == (pdf, "application/pdf")
    assert handed.filename.endswith(".pdf") and "01-QĐ-UBND-2026" in handed.filename


def test_the_signature_does_not_validate_against_another_certificate(one_process_journey, tree, ctx, tmp_path):
    journey = one_process_journey
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve")
    decision = journey.session.scalars(select(Decision)).one()
    pdf = AttachmentStore(ctx.settings.attachment_root).read(decision.pdf_sha256)
    other = tmp_path / "other"
    other.mkdir()
    _, stranger = _certificate(other)
    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(stranger)], allow_fetching=False))
    assert status.intact and not status.trusted


def test_the_certificates_of_a_decision_print_one_page_per_awardee(one_process_journey, tree, ctx, tmp_path):
    """Phôi: the award as its issuer prints it, the name, the achievement, the decision's number and date."""
    import subprocess

    journey = one_process_journey
    journey.submit(("LDTT", "Nguyễn Thị Tươi"), ("GIAY_KHEN", "Trần Văn Đức"))
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve", Trần_Văn_Đức="approve")
    decision = journey.session.scalars(select(Decision)).one()
    named = certificates_file(ctx.as_actor(tree.commune_head), decision.id)
    assert named.content_type == "application/pdf" and named.filename.endswith(".pdf")
    (tmp_path / "phoi.pdf").write_bytes(named.content)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "phoi.pdf"), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")
    pages = [" ".join(page.split()) for page in text.split("\f") if page.strip()]
    assert len(pages) == 2
    assert "CÔNG NHẬN DANH HIỆU LAO ĐỘNG TIÊN TIẾN NĂM 2026 Nguyễn Thị Tươi" in pages[0]
    assert "TẶNG GIẤY KHEN CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ Trần Văn Đức" in pages[1]
    for page in pages:
        assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ BÌNH MINH" in page and "Nguyễn Văn Bình" in page
        assert f"Quyết định số 01/QĐ-UBND ngày {decision.signed_on:%d/%m/%Y}" in page
        assert "Đã có thành tích: Hoàn thành xuất sắc" in page


def test_a_server_configured_for_pdfs_it_cannot_make_or_sign_refuses_to_start(tmp_path, monkeypatch):
    """Found at start-up with what is wrong, not as a failed step at a head's first decision."""
    path, _ = _certificate(tmp_path)
    check_document_settings(False, path, PASSPHRASE)  # the certificate opens with its passphrase
    with pytest.raises(DefinitionError, match="mật khẩu"):
        check_document_settings(False, path, "not-the-passphrase")
    with pytest.raises(DefinitionError, match="Không tìm thấy"):
        check_document_settings(False, tmp_path / "missing.p12", PASSPHRASE)
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice here
    with pytest.raises(DefinitionError, match="soffice"):
        check_document_settings(True, None, "")
