"""The emulation year: annual plans and their tasks, movements and the units answering them,
registrations (typed or from Excel) and their consolidated lists, clusters with their scores and
ranking, yearly grades."""
from __future__ import annotations

from typing import Any

from flask import Response, request
from werkzeug.exceptions import UnsupportedMediaType

from api.blueprint import Blueprint, json_body, json_request_body, problems
from api.downloads import send_document
from api.emulation_schemas import (
    AdjustSchema,
    ClusterBallotSchema,
    ClusterCreateSchema,
    ClusterViewSchema,
    ClusterVoteSchema,
    ClusterYearSchema,
    ConsolidatedArgsSchema,
    ConsolidatedSchema,
    GradeOutSchema,
    GradeSchema,
    LinkNominationSchema,
    MovementCreateSchema,
    MovementSchema,
    MovementViewSchema,
    NominationRefSchema,
    PlanCreateSchema,
    PlanSchema,
    PlanTaskOutSchema,
    PlanViewSchema,
    RegistrationSchema,
    RegistrationsCreateSchema,
    ResponseOutSchema,
    ResponseSchema,
    ScoreSchema,
    SelfScoreSchema,
    TaskCreateSchema,
    TaskFollowSchema,
    YearArgsSchema,
)
from api.unit_of_work import current_ctx
from engine.errors import InvalidInput, NotFound
from engine.operations.emulation import cluster_vote, commands, inputs, queries, registration_sheet
from engine.operations.inputs import Faults, identifier, integer
from engine.operations.registry import history

blp = Blueprint("emulation", __name__, url_prefix="/api/v1",
                description="Năm thi đua: kế hoạch, phong trào, đăng ký thi đua, cụm/khối thi đua, xếp loại.")

_FILE_RESPONSE = {"200": {"description": "Nội dung tệp.",
                          "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}


def _upload() -> Any:
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType()
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("Yêu cầu không hợp lệ.", {"file": "Bắt buộc tải tệp lên."})
    return upload


# ---- plans ----------------------------------------------------------------------------------------

@blp.route("/emulation/plans")
@blp.arguments(YearArgsSchema, location="query")
@blp.response(200, PlanSchema(many=True))
def list_plans(args: dict[str, Any]) -> Any:
    """Kế hoạch thi đua của các đơn vị trong phạm vi và của cấp trên"""
    return queries.list_plans(current_ctx(), args.get("year"))


@blp.route("/emulation/plans", methods=["POST"])
@blp.doc(requestBody=json_request_body(PlanCreateSchema))
@blp.response(201, PlanSchema)
@problems(blp, 403, 404, 409, 422)
def create_plan() -> Any:
    """Ghi kế hoạch thi đua năm của một đơn vị

    Cơ quan thường trực của đơn vị hoặc cấp trên. Mỗi đơn vị một kế hoạch mỗi năm (409 nếu đã có).
    `registration_due_on`: hạn đăng ký thi đua của các đơn vị cấp dưới.
    """
    return commands.record_plan(current_ctx(), inputs.read_plan(json_body(PlanCreateSchema)))


@blp.route("/emulation/plans/<id:plan_id>")
@blp.response(200, PlanViewSchema)
@problems(blp, 404)
def get_plan(plan_id: int) -> Any:
    """Kế hoạch với các nhiệm vụ, tiến độ và các đơn vị chậm tiến độ"""
    return queries.get_plan(current_ctx(), plan_id)


@blp.route("/emulation/plans/<id:plan_id>/file", methods=["POST"])
@blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary", "description": "Văn bản kế hoạch."}}}}}})
@blp.response(200, PlanSchema)
@problems(blp, 403, 404, 413, 415, 422)
def attach_plan_file(plan_id: int) -> Any:
    """Tải lên văn bản kế hoạch (PDF, DOCX…)"""
    upload = _upload()
    return commands.attach_plan_file(current_ctx(), plan_id, upload.filename, upload.stream)


@blp.route("/emulation/plans/<id:plan_id>/file")
@blp.doc(responses=_FILE_RESPONSE)
@problems(blp, 404)
def plan_file(plan_id: int) -> Response:
    """Tải văn bản kế hoạch"""
    return send_document(queries.plan_file(current_ctx(), plan_id))


@blp.route("/emulation/plans/<id:plan_id>/tasks", methods=["POST"])
@blp.doc(requestBody=json_request_body(TaskCreateSchema))
@blp.response(201, PlanTaskOutSchema)
@problems(blp, 403, 404, 422)
def add_task(plan_id: int) -> Any:
    """Giao một nhiệm vụ của kế hoạch cho một đơn vị, có thời hạn"""
    return commands.add_task(current_ctx(), plan_id, inputs.read_task(json_body(TaskCreateSchema)))


@blp.route("/emulation/tasks/<id:task_id>", methods=["PUT"])
@blp.doc(requestBody=json_request_body(TaskFollowSchema))
@blp.response(200, PlanTaskOutSchema)
@problems(blp, 403, 404, 422)
def follow_task(task_id: int) -> Any:
    """Cập nhật tiến độ nhiệm vụ (ngày hoàn thành, ghi chú)"""
    return commands.follow_task(current_ctx(), task_id, inputs.read_follow(json_body(TaskFollowSchema)))


# ---- movements ------------------------------------------------------------------------------------

@blp.route("/emulation/movements")
@blp.arguments(YearArgsSchema, location="query")
@blp.response(200, MovementSchema(many=True))
def list_movements(args: dict[str, Any]) -> Any:
    """Phong trào thi đua do đơn vị mình, cấp trên và cấp dưới phát động"""
    return queries.list_movements(current_ctx(), args.get("year"))


@blp.route("/emulation/movements", methods=["POST"])
@blp.doc(requestBody=json_request_body(MovementCreateSchema))
@blp.response(201, MovementSchema)
@problems(blp, 403, 404, 422)
def launch_movement() -> Any:
    """Phát động phong trào thi đua

    `parent`: phong trào do cấp trên phát động mà phong trào này hưởng ứng.
    """
    return commands.launch_movement(current_ctx(), inputs.read_movement(json_body(MovementCreateSchema)))


@blp.route("/emulation/movements/<id:movement_id>")
@blp.response(200, MovementViewSchema)
@problems(blp, 404)
def get_movement(movement_id: int) -> Any:
    """Phong trào: đơn vị đã đăng ký, báo cáo; đăng ký thi đua, đề nghị và khen thưởng gắn với phong trào"""
    return queries.get_movement(current_ctx(), movement_id)


@blp.route("/emulation/movements/<id:movement_id>/responses", methods=["POST"])
@blp.doc(requestBody=json_request_body(ResponseSchema))
@blp.response(200, ResponseOutSchema)
@problems(blp, 403, 404, 422)
def respond(movement_id: int) -> Any:
    """Đơn vị cấp dưới đăng ký tham gia phong trào, rồi báo cáo kết quả"""
    return commands.respond(current_ctx(), movement_id, inputs.read_response(json_body(ResponseSchema)))


@blp.route("/emulation/movements/<id:movement_id>/nominations", methods=["POST"])
@blp.doc(requestBody=json_request_body(LinkNominationSchema))
@blp.response(200, NominationRefSchema)
@problems(blp, 404, 422)
def link_nomination(movement_id: int) -> Any:
    """Gắn một đề nghị khen thưởng với phong trào nó khen thưởng

    Khen thưởng chuyên đề của một phong trào do cấp phát động phong trào quyết định: việc kiểm tra
    tự động khi thẩm định nêu điều này.
    """
    faults = Faults(form_first=True)
    body = json_body(LinkNominationSchema)
    nomination = identifier(body.get("nomination") if isinstance(body, dict) else None, "nomination", faults,
                            required=True)
    faults.refuse(inputs.REFUSED)
    assert nomination is not None
    return commands.link_nomination(current_ctx(), movement_id, nomination)


# ---- registrations --------------------------------------------------------------------------------

@blp.route("/emulation/registrations")
@blp.arguments(ConsolidatedArgsSchema, location="query")
@blp.response(200, ConsolidatedSchema)
@problems(blp, 404)
def consolidated(args: dict[str, Any]) -> Any:
    """Danh sách đăng ký thi đua tổng hợp của một đơn vị và các đơn vị cấp dưới trong năm"""
    return queries.consolidated(current_ctx(), args["unit"], args["year"])


@blp.route("/emulation/registrations", methods=["POST"])
@blp.doc(requestBody=json_request_body(RegistrationsCreateSchema))
@blp.response(201, RegistrationSchema(many=True))
@problems(blp, 403, 404, 409, 422)
def register() -> Any:
    """Đăng ký thi đua: danh hiệu tập thể và cá nhân của đơn vị trong năm

    Trong hạn do cấp trên đặt trong kế hoạch năm (409 khi đã hết hạn). Trả về các đăng ký mới thêm
    (đăng ký trùng được giữ một lần).
    """
    return commands.register(current_ctx(), inputs.read_registrations(json_body(RegistrationsCreateSchema)))


@blp.route("/emulation/registrations/template")
@blp.doc(responses=_FILE_RESPONSE)
def registration_template() -> Response:
    """Tải tệp mẫu đăng ký thi đua (Excel)"""
    return send_document(registration_sheet.template_file())


@blp.route("/emulation/registrations/import", methods=["POST"])
@blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file", "unit", "year"],
    "properties": {"file": {"type": "string", "format": "binary", "description": "Tệp theo mẫu."},
                   "unit": {"type": "integer"}, "year": {"type": "integer"}}}}}})
@blp.response(201, RegistrationSchema(many=True))
@problems(blp, 403, 404, 409, 415, 422)
def import_registrations() -> Any:
    """Đăng ký thi đua từ tệp Excel

    Mọi dòng phải hợp lệ, nếu không thì không đăng ký gì: 422 nêu từng ô sai (`D5`: dòng 5, cột D).
    """
    upload = _upload()
    faults = Faults()
    unit = identifier(request.form.get("unit"), "unit", faults, required=True, digits=True)
    year = integer(request.form.get("year"), "year", faults, low=inputs.MIN_YEAR, high=inputs.MAX_YEAR, digits=True)
    faults.refuse(inputs.REFUSED)
    assert unit is not None and year is not None
    data = upload.stream.read(history.MAX_BYTES + 1)
    return registration_sheet.import_registrations(current_ctx(), unit, year, data)


# ---- clusters -------------------------------------------------------------------------------------

@blp.route("/emulation/clusters")
@blp.arguments(YearArgsSchema, location="query")
@blp.response(200, ClusterYearSchema(many=True))
def list_clusters(args: dict[str, Any]) -> Any:
    """Cụm, khối thi đua theo năm"""
    return queries.list_clusters(current_ctx(), args.get("year"))


@blp.route("/emulation/clusters", methods=["POST"])
@blp.doc(requestBody=json_request_body(ClusterCreateSchema))
@blp.response(201, ClusterYearSchema)
@problems(blp, 403, 404, 422)
def set_cluster() -> Any:
    """Lập (hoặc sửa) cụm, khối thi đua của một năm

    Thành viên, cụm trưởng, cụm phó, giao ước thi đua, bảng chấm điểm (tiêu chí theo nhóm, điểm tối
    đa, điểm cộng, điểm trừ, yêu cầu minh chứng). Bảng chấm điểm thay đổi: phiên bản mới.
    """
    return commands.set_cluster_year(current_ctx(), inputs.read_cluster(json_body(ClusterCreateSchema)))


@blp.route("/emulation/clusters/<id:cluster_year_id>")
@blp.response(200, ClusterViewSchema)
@problems(blp, 404)
def get_cluster(cluster_year_id: int) -> Any:
    """Cụm, khối thi đua của năm: điểm từng thành viên và xếp hạng"""
    return queries.get_cluster_year(current_ctx(), cluster_year_id)


@blp.route("/emulation/clusters/<id:cluster_year_id>/scores", methods=["POST"])
@blp.doc(requestBody=json_request_body(SelfScoreSchema))
@blp.response(200, ScoreSchema(many=True))
@problems(blp, 403, 404, 422)
def self_score(cluster_year_id: int) -> Any:
    """Thành viên tự chấm điểm, kèm minh chứng"""
    unit, lines = inputs.read_scores(json_body(SelfScoreSchema))
    return commands.self_score(current_ctx(), cluster_year_id, unit, lines)


@blp.route("/emulation/clusters/<id:cluster_year_id>/adjustments", methods=["POST"])
@blp.doc(requestBody=json_request_body(AdjustSchema))
@blp.response(200, ScoreSchema)
@problems(blp, 403, 404, 422)
def adjust_score(cluster_year_id: int) -> Any:
    """Cụm trưởng điều chỉnh điểm một tiêu chí của thành viên, nêu lý do"""
    return commands.adjust_score(current_ctx(), cluster_year_id, inputs.read_adjust(json_body(AdjustSchema)))


@blp.route("/emulation/clusters/<id:cluster_year_id>/vote", methods=["POST"])
@blp.response(201, ClusterVoteSchema)
@problems(blp, 403, 404, 409)
def open_cluster_vote(cluster_year_id: int) -> Any:
    """Cụm trưởng mở bỏ phiếu suy tôn (quy trình cluster_vote)

    Trên các thành viên đã chấm điểm, theo thứ tự xếp hạng; mỗi đơn vị thành viên (thủ trưởng) nhận một
    nhiệm vụ bỏ phiếu kín (`cast_cluster_ballot`, hoàn thành qua `POST /tasks/{id}/complete`, trả về biên
    nhận); cụm trưởng kết thúc bằng `close_cluster_vote`. Tỷ lệ và hình thức theo quy định (emulation.yaml).
    Mỗi cụm, khối một lần mỗi năm (409).
    """
    ctx = current_ctx()
    cluster_vote.open_vote(ctx, cluster_year_id)
    return cluster_vote.vote_view(ctx, cluster_year_id)


@blp.route("/emulation/clusters/<id:cluster_year_id>/vote")
@blp.response(200, ClusterVoteSchema)
@problems(blp, 404)
def get_cluster_vote(cluster_year_id: int) -> Any:
    """Kết quả bỏ phiếu suy tôn: đơn vị đã bỏ phiếu (không kèm lựa chọn), số phiếu từng đơn vị, hồ sơ đề nghị"""
    view = cluster_vote.vote_view(current_ctx(), cluster_year_id)
    if view is None:
        raise NotFound("Cụm, khối chưa bỏ phiếu suy tôn năm này.")
    return view


@blp.route("/emulation/ballots/<string:receipt>")
@blp.response(200, ClusterBallotSchema)
@problems(blp, 404)
def cluster_ballot(receipt: str) -> Any:
    """Tra cứu phiếu suy tôn bằng biên nhận: phiếu ghi gì và đã được kiểm chưa"""
    return cluster_vote.cluster_ballot_by_receipt(current_ctx(), receipt)


# ---- yearly grades --------------------------------------------------------------------------------

@blp.route("/emulation/grades", methods=["POST"])
@blp.doc(requestBody=json_request_body(GradeSchema))
@blp.response(200, GradeOutSchema)
@problems(blp, 404, 422)
def record_grade() -> Any:
    """Ghi xếp loại hằng năm của một cá nhân, tập thể (thay xếp loại đã có của năm đó)"""
    awardee, year, grade = inputs.read_grade(json_body(GradeSchema))
    return commands.record_grade(current_ctx(), awardee, year, grade)
