"""Schemas of administration without the org-chart file: users, role grants, a council's changes."""
from __future__ import annotations

from api.fields import BaseSchema, Bool, DateTime, Id, Int, List, Nested, Str, derived, length, one_of
from api.schemas import UnitRefSchema
from engine.models import Role


def _doc(text: str) -> dict[str, str]:
    return {"description": text}


GRANTABLE = [r.value for r in Role if r not in (Role.COUNCIL, Role.COUNCIL_CHAIR)]


class GrantSchema(BaseSchema):
    id = Int(required=True)
    role = Str(required=True)
    role_label = derived(Str, lambda grant: grant.role.label, required=True)
    unit = Nested(UnitRefSchema, required=True)


class UserSchema(BaseSchema):
    id = Int(required=True)
    username = Str(required=True)
    full_name = Str(required=True)
    email = Str(allow_none=True)
    active = Bool(required=True)
    must_change_password = Bool(required=True, metadata=_doc("Phải đổi mật khẩu ở lần đăng nhập tới."))
    grants = List(Nested(GrantSchema), required=True)


class UserCreateSchema(BaseSchema):
    username = Str(required=True, validate=length(2, 80), metadata=_doc("Tên đăng nhập (chữ không dấu, số, . _ -)."))
    full_name = Str(required=True, validate=length(1, 200))
    password = Str(required=True, load_only=True, validate=length(1, 256),
                   metadata=_doc("Mật khẩu tạm: người dùng phải đổi ở lần đăng nhập đầu."))
    email = Str(load_default=None, allow_none=True, validate=length(0, 200))


class UserUpdateSchema(BaseSchema):
    full_name = Str(validate=length(1, 200))
    email = Str(allow_none=True, validate=length(0, 200))
    active = Bool(metadata=_doc("false: khoá tài khoản (mọi phiên kết thúc); true: mở lại."))


class PasswordResetSchema(BaseSchema):
    password = Str(required=True, load_only=True, validate=length(1, 256),
                   metadata=_doc("Mật khẩu tạm; người dùng phải đổi ở lần đăng nhập tới, mọi phiên kết thúc."))


class PasswordChangeSchema(BaseSchema):
    current_password = Str(required=True, load_only=True, validate=length(1, 256))
    new_password = Str(required=True, load_only=True, validate=length(1, 256))


class RoleGrantArgsSchema(BaseSchema):
    role = Str(required=True, validate=one_of(GRANTABLE))
    unit_id = Id(required=True)


class CouncilChangeArgsSchema(BaseSchema):
    effective_on = Str(required=True, validate=length(8, 10),
                       metadata=_doc("Ngày có hiệu lực, dd/mm/yyyy hoặc yyyy-mm-dd."))
    chair_id = Id(required=True)
    secretary_id = Id(required=True)
    member_ids = List(Id(), required=True, validate=length(1, 200),
                      metadata=_doc("Các thành viên (Chủ tịch và Thư ký được tính sẵn)."))
    reference = Str(load_default=None, allow_none=True, validate=length(0, 120),
                    metadata=_doc("Quyết định kiện toàn, ví dụ «Quyết định số 12/QĐ-UBND»."))
    note = Str(load_default=None, allow_none=True, validate=length(0, 2000))


class CouncilChangeSchema(BaseSchema):
    id = Int(required=True)
    council_id = Int(required=True)
    effective_on = derived(Str, lambda change: change.effective_on.isoformat(), required=True)
    reference = Str(allow_none=True)
    chair_id = Int(required=True)
    secretary_id = Int(required=True)
    members = List(Int(), required=True)
    note = Str(allow_none=True)
    recorded_at = DateTime(required=True)
    applied_at = DateTime(allow_none=True)
