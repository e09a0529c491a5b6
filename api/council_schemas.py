"""Schemas of council sessions and ballot receipts (OpenAPI from marshmallow)."""
from __future__ import annotations

from api.fields import Bool, DateTime, Id, Int, List, Nested, Str
from api.schemas import BaseSchema


class ResultsSchema(BaseSchema):
    yes = Int(required=True)
    no = Int(required=True)
    abstain = Int(required=True)
    total_members = Int(required=True)
    base = Int(required=True, metadata={"description": "Mẫu số dùng để tính tỷ lệ (theo quy tắc miễn trừ)."})
    percent = Str(required=True)
    passed = Bool(required=True)


class NamedVoteSchema(BaseSchema):
    member = Str(required=True)
    choice = Str(required=True)


class AgendaItemSchema(BaseSchema):
    nomination_id = Int(required=True)
    nominee = Str(required=True)
    award_type = Str(required=True)
    secret = Bool(required=True)
    threshold = Str(required=True)
    recused = List(Str(), required=True)
    results = Nested(ResultsSchema, allow_none=True, required=True)
    named_votes = List(Nested(NamedVoteSchema), allow_none=True, required=True,
                       metadata={"description": "Chỉ với đề nghị biểu quyết công khai; phiếu kín không bao giờ có."})


class SessionMemberSchema(BaseSchema):
    name = Str(required=True)
    position = Str(required=True)
    present = Bool(allow_none=True, required=True)


class CouncilSessionSchema(BaseSchema):
    id = Int(required=True)
    dossier_id = Int(required=True)
    unit_id = Int(required=True)
    status = Str(required=True)
    opened_at = DateTime(required=True)
    closed_at = DateTime(allow_none=True, required=True)
    closed_how = Str(allow_none=True, required=True)
    members_total = Int(required=True)
    quorum = Str(required=True)
    present = Int(allow_none=True, required=True)
    written_votes = Int(allow_none=True, required=True)
    members = List(Nested(SessionMemberSchema), required=True)
    agenda = List(Nested(AgendaItemSchema), required=True)
    has_minutes = Bool(required=True)


class BallotChoiceSchema(BaseSchema):
    nomination_id = Int(required=True)
    nominee = Str(required=True)
    award_type = Str(required=True)
    choice = Str(required=True)


class BallotSchema(BaseSchema):
    receipt = Str(required=True)
    session_id = Int(required=True)
    counted = Bool(required=True)
    choices = List(Nested(BallotChoiceSchema), required=True)


class SessionListArgsSchema(BaseSchema):
    dossier = Id(required=True)


class PaperVoteSchema(BaseSchema):
    nomination_id = Id(required=True)
    choice = Str(required=True, metadata={"description": "`yes` (đồng ý), `no` (không đồng ý), `abstain`."})


class PaperBallotSchema(BaseSchema):
    """The written ballot of an absent member, as the vote-counting board enters it."""

    member_id = Id(required=True, metadata={"description": "Thành viên vắng mặt gửi phiếu bằng văn bản."})
    votes = List(Nested(PaperVoteSchema), required=True,
                 metadata={"description": "Ý kiến cho từng đề nghị thành viên được biểu quyết."})


class PaperBallotEnteredSchema(BaseSchema):
    session_id = Int(required=True)
    member_id = Int(required=True)
    receipt = Str(allow_none=True, metadata={"description": "Biên nhận phần bỏ phiếu kín, để chuyển cho thành viên."})


class SittingBallotSchema(BaseSchema):
    """A member's ONE ballot over the whole agenda of a round's sitting."""

    votes = List(Nested(PaperVoteSchema), required=True,
                 metadata={"description": "Ý kiến cho mọi đề nghị trong phần thành viên được biểu quyết."})


class SittingCloseSchema(BaseSchema):
    held_at = Str(required=True, metadata={"description": "Thời gian họp thực tế, ISO 8601 (giờ Việt Nam nếu không "
                                                          "ghi múi giờ), ví dụ 2026-12-20T08:30."})
    place = Str(required=True, metadata={"description": "Địa điểm họp."})
    present = Int(required=True)
    written_votes = Int(required=True)
    absent_members = List(Id(), metadata={"description": "Mặc định: thành viên không bỏ phiếu."})
    written_vote_members = List(Id())


class SittingItemSchema(BaseSchema):
    nomination_id = Int(required=True)
    nominee = Str(required=True)
    nominee_unit = Str(allow_none=True, required=True)
    dossier_id = Int(required=True)
    secret = Bool(required=True)


class SittingGroupSchema(BaseSchema):
    award_type = Str(required=True)
    items = List(Nested(SittingItemSchema), required=True)


class SittingBallotPageSchema(BaseSchema):
    sitting_id = Int(required=True)
    round_id = Int(required=True)
    status = Str(required=True)
    groups = List(Nested(SittingGroupSchema), required=True,
                  metadata={"description": "Theo loại hình khen thưởng; rỗng khi đã bỏ phiếu hoặc phiên đã kết thúc."})


class SittingBallotCastSchema(BaseSchema):
    sitting_id = Int(required=True)
    receipt = Str(allow_none=True, required=True,
                  metadata={"description": "MỘT biên nhận cho cả phiếu kín (GET /ballots/{receipt}); null nếu "
                                           "không có đề nghị nào bỏ phiếu kín."})


class OpenSittingSchema(BaseSchema):
    counting_board = List(Id(), metadata={"description": "Ban kiểm phiếu (mã thành viên Hội đồng), người đầu tiên "
                                                         "là Trưởng ban; mặc định Chủ tịch và Thư ký Hội đồng."})


class SittingPaperBallotEnteredSchema(BaseSchema):
    sitting_id = Int(required=True)
    member_id = Int(required=True)
    receipt = Str(allow_none=True, metadata={"description": "Biên nhận phần bỏ phiếu kín, để chuyển cho thành viên."})


class SittingResultSchema(BaseSchema):
    nomination_id = Int(required=True)
    yes = Int(allow_none=True, required=True)
    no = Int(allow_none=True, required=True)
    abstain = Int(allow_none=True, required=True)
    base = Int(allow_none=True, required=True)
    passed = Bool(allow_none=True, required=True)


class SittingSessionSchema(BaseSchema):
    id = Int(required=True)
    dossier_id = Int(required=True)
    status = Str(required=True)
    agenda = List(Nested(SittingResultSchema), required=True)


class CouncilSittingSchema(BaseSchema):
    id = Int(required=True)
    round_id = Int(required=True)
    unit_id = Int(required=True)
    status = Str(required=True)
    opened_at = DateTime(required=True)
    held_at = DateTime(allow_none=True, required=True)
    place = Str(allow_none=True, required=True)
    closed_at = DateTime(allow_none=True, required=True)
    present = Int(allow_none=True, required=True)
    written_votes = Int(allow_none=True, required=True, metadata={"description": "Số phiếu bằng văn bản."})
    counting_board = List(Int(), required=True, metadata={"description": "Ban kiểm phiếu, Trưởng ban trước."})
    has_minutes = Bool(required=True)
    sessions = List(Nested(SittingSessionSchema), required=True)
