"""The cancellation decision (Quyết định hủy bỏ quyết định khen thưởng) as DOCX."""
from __future__ import annotations

from engine.context import Context
from engine.models import Decision, Nomination, Revocation, Unit
from engine.operations.award_flow import rules_of
from engine.operations.award_routing import load_dossier
from engine.operations.decisions import place_of, spelled_name
from engine.storage import attachment_store


def store_cancellation(ctx: Context, revocation: Revocation, original: Decision, cancellation: Decision,
                       issuer: Unit, nominations: list[Nomination]) -> None:
    from engine.documents import CancellationDocument, RevokedAward, render_cancellation

    assert original.dossier_id is not None and revocation.ground is not None
    rules, _ = rules_of(ctx, load_dossier(ctx, original.dossier_id))
    name = spelled_name(issuer)
    title = cancellation.signer_title or "CHỦ TỊCH"
    document = render_cancellation(CancellationDocument(
        governing_body=None, issuer=name.upper(), issuer_short=issuer.abbreviation or "UBND",
        number=cancellation.number, year=cancellation.year, place=place_of(issuer),
        signed_on=cancellation.signed_on, authority=f"{title} {name.upper()}", legal_bases=list(rules.legal_bases),
        original_decision=(f"Quyết định số {original.label} ngày {original.signed_on:%d/%m/%Y} của "
                           f"{title.capitalize()} {name}"),
        ground=revocation.ground.label, finding=revocation.reason or revocation.ground.label,
        awards=[RevokedAward(name=n.nominee_name, position=n.nominee_position,
                             award_name=rules.award_type(n.award_type).name) for n in nominations],
        recovery=("Cơ quan thường trực Hội đồng Thi đua - Khen thưởng thu hồi bằng, giấy khen, hiện vật và tiền "
                  "thưởng đã nhận theo quy định."),
        executors=(f"Văn phòng {name}, thủ trưởng các cơ quan, đơn vị có liên quan và các cá nhân, tập thể có tên "
                   "tại Điều 1 chịu trách nhiệm thi hành Quyết định này."),
        signer_capacity=None, signer_title=title, signer_name=cancellation.signer_name or "",
        recipients=["Như Điều 3;", "Lưu: VT, TĐKT."]))
    cancellation.document_sha256 = attachment_store(ctx.settings).put_bytes(document)
