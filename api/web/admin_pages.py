"""Administration: importing the org chart (YAML), the state of the audit trail's hash chain, and users,
role grants and councils changed one by one (engine/operations/administration.py)."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, request, url_for
from sqlalchemy import select

from api.web.common import ctx, discard_changes, render
from engine.clock import local_today
from engine.errors import Conflict, InvalidInput
from engine.models import Role, Unit, User
from engine.operations import administration, auditlog
from engine.operations.access import require_admin
from engine.orgchart.writer import import_org_chart

bp = Blueprint("admin", __name__)
GRANTABLE_ROLES = [r for r in Role if r not in administration.NOT_GRANTED]


def _page(status: int = 200, **values: object) -> tuple[str, int]:
    return render("web/admin.html", status, chain=auditlog.verify(ctx()), **values)


@bp.route("/admin")
def index() -> tuple[str, int]:
    require_admin(ctx().session, ctx().actor)
    return _page()


@bp.route("/admin/import", methods=["POST"])
def import_chart() -> tuple[str, int]:
    context = ctx()
    require_admin(context.session, context.actor)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise InvalidInput("Chưa chọn tệp sơ đồ tổ chức.", {"file": "Chọn tệp YAML để nhập."})
        name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:100]
        try:
            source = upload.read(context.settings.max_upload_bytes).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("Tệp sơ đồ tổ chức phải là văn bản mã hoá UTF-8.",
                               {"file": "Tệp không phải văn bản UTF-8."}) from None
        summary = import_org_chart(context, source, filename=name)
    except InvalidInput as error:
        discard_changes()
        return _page(422, error=error)
    return _page(summary=summary.as_dict(), filename=name)


# ---- users, roles and councils -----------------------------------------------------------------------

def _users_page(status: int = 200, **values: object) -> tuple[str, int]:
    context = ctx()
    return render("web/admin_users.html", status, users=administration.list_users(context),
                  councils=administration.list_councils(context), **values)


@bp.route("/admin/users")
def users() -> tuple[str, int]:
    return _users_page()


@bp.route("/admin/users", methods=["POST"])
def create_user() -> tuple[str, int] | Response:
    context = ctx()
    form = request.form
    try:
        user = administration.create_user(context, form.get("username", "")[:80], form.get("full_name", "")[:200],
                                          form.get("password", "")[:256], form.get("email", "")[:200])
    except InvalidInput as error:
        discard_changes()
        return _users_page(422, error=error, values=form)
    flash(f"Đã thêm người dùng {user.username}; người đó phải đổi mật khẩu ở lần đăng nhập đầu.", "info")
    return redirect(url_for("web.admin.user", user_id=user.id))


def _user_page(user_id: int, status: int = 200, **values: object) -> tuple[str, int]:
    context = ctx()
    require_admin(context.session, context.actor)
    user = administration.user_by_id(context, user_id)
    units = context.session.scalars(select(Unit).order_by(Unit.code)).all()
    return render("web/admin_user.html", status, user=user, units=units, roles=GRANTABLE_ROLES, **values)


@bp.route("/admin/users/<id:user_id>")
def user(user_id: int) -> tuple[str, int]:
    return _user_page(user_id)


@bp.route("/admin/users/<id:user_id>", methods=["POST"])
def user_action(user_id: int) -> tuple[str, int] | Response:
    """One form per action, told apart by `action`: edit, deactivate, activate, reset, grant, withdraw."""
    context = ctx()
    form = request.form
    action = form.get("action", "")
    try:
        if action == "edit":
            administration.update_user(context, user_id, form.get("full_name", "")[:200], form.get("email", "")[:200])
            message = "Đã lưu thông tin người dùng."
        elif action in ("deactivate", "activate"):
            ended = administration.set_user_active(context, user_id, action == "activate")
            message = ("Đã mở lại tài khoản." if action == "activate"
                       else f"Đã khoá tài khoản; {ended} phiên đăng nhập đã kết thúc.")
        elif action == "reset":
            ended = administration.reset_password(context, user_id, form.get("password", "")[:256])
            message = (f"Đã đặt lại mật khẩu; {ended} phiên đăng nhập đã kết thúc. "
                       "Người dùng phải đổi mật khẩu ở lần đăng nhập tới.")
        elif action == "grant":
            unit_id = arg_int_of(form.get("unit_id"))
            administration.grant_role(context, user_id, form.get("role", ""), unit_id or 0)
            message = "Đã giao vai trò."
        elif action == "withdraw":
            administration.withdraw_role(context, user_id, arg_int_of(form.get("grant_id")) or 0)
            message = "Đã thu hồi vai trò."
        else:
            raise InvalidInput("Thao tác không hợp lệ.", {"action": "Không rõ thao tác."})
    except (InvalidInput, Conflict) as error:
        discard_changes()
        return _user_page(user_id, 422 if isinstance(error, InvalidInput) else 409, error=error, action=action)
    flash(message, "info")
    return redirect(url_for("web.admin.user", user_id=user_id))


def arg_int_of(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _council_page(council_id: int, status: int = 200, **values: object) -> tuple[str, int]:
    context = ctx()
    require_admin(context.session, context.actor)
    council = administration.council_by_id(context, council_id)
    people = context.session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name)).all()
    names = {u.id: u.full_name for u in context.session.scalars(select(User))}
    return render("web/admin_council.html", status, council=council, people=people, names=names,
                  history=administration.council_history(context, council_id),
                  today=local_today(context.clock), **values)


@bp.route("/admin/councils/<id:council_id>")
def council(council_id: int) -> tuple[str, int]:
    return _council_page(council_id)


@bp.route("/admin/councils/<id:council_id>", methods=["POST"])
def council_change(council_id: int) -> tuple[str, int] | Response:
    context = ctx()
    form = request.form
    try:
        chair, secretary = arg_int_of(form.get("chair_id")), arg_int_of(form.get("secretary_id"))
        if chair is None:
            raise InvalidInput("Chưa chọn Chủ tịch Hội đồng.", {"chair_id": "Bắt buộc."})
        if secretary is None:
            raise InvalidInput("Chưa chọn Thư ký Hội đồng.", {"secretary_id": "Bắt buộc."})
        members = [m for m in (arg_int_of(v) for v in form.getlist("member_ids")) if m is not None]
        change = administration.record_council_change(
            context, council_id, effective_on=form.get("effective_on", "")[:10], chair_id=chair,
            secretary_id=secretary, member_ids=members, reference=form.get("reference", "")[:120],
            note=form.get("note", "")[:2000])
    except InvalidInput as error:
        discard_changes()
        return _council_page(council_id, 422, error=error, values=form)
    flash(f"Đã ghi kiện toàn Hội đồng, có hiệu lực từ ngày {change.effective_on:%d/%m/%Y}"
          + ("." if change.applied_at else "; đến ngày đó thành phần hiện tại vẫn giữ nguyên."), "info")
    return redirect(url_for("web.admin.council", council_id=council_id))
