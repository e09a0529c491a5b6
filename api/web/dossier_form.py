"""Creating and editing a dossier: its header, its nominations typed in rows or imported from an
Excel file (all rows checked together; nothing is saved until every row is good), and the Excel
template to fill in."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, flash, redirect, request, session, url_for

from api.downloads import send_document
from api.request_text import reads_own_text
from api.web import excel
from api.web.common import ctx, discard_changes, me, render
from engine.clock import local_today
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.models import AwardeeKind, Dossier, DossierKind
from engine.operations.award import commands as dossiers
from engine.operations.award import queries as access
from engine.operations.award.commands import EDITABLE
from engine.operations.award.inputs import check_dossier
from engine.storage import XLSX, NamedFile

bp = Blueprint("dossier_form", __name__)
ROW_FIELDS = ("id", "award_type", "kind", "name", "position", "unit", "birth_date", "gender", "national_id",
              "achievements")
_ROW_KEY = re.compile(r"^n-(\d+)-([a-z_]+)$")
_HEADER_FIELDS = ("title", "year", "kind", "proposing_unit")
_IDENTITY_PATHS = {"nominee.birth_date": "birth_date", "nominee.gender": "gender", "nominee.national_id": "national_id"}
ONCE_FIELD = "once"  # the new-dossier form's one-time token: one form, at most one dossier
_SAVED_ONCE = "saved_once"  # in the login's session: token -> the dossier it created (the latest few)
KEEP_SAVED_ONCE = 20
ALREADY_SAVED = "Hồ sơ này đã được lưu trước đó (bạn vừa quay lại trang cũ và bấm Lưu lần nữa): không tạo thêm hồ sơ."
EXCEL_REFUSED = ("Tệp Excel có dòng chưa đúng nên chưa lưu gì. Sửa các dòng được nêu dưới đây trong tệp "
                 "rồi chọn lại tệp.")


@dataclass
class DossierForm:
    """What the page shows: values as typed, one dict per nomination row, errors by field name."""

    values: dict[str, str]
    rows: list[dict[str, str]]
    errors: dict[str, str] = field(default_factory=dict)
    sheet: excel.Sheet | None = None
    once: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    @classmethod
    def of(cls, dossier: Dossier | None, year: int) -> DossierForm:
        if dossier is None:
            return cls({"title": "", "year": str(year), "kind": DossierKind.REGULAR.value}, [_blank()])
        rows = [{"id": str(n.id), "award_type": n.award_type, "kind": n.nominee_kind, "name": n.nominee_name,
                 "position": n.nominee_position or "", "unit": n.nominee_unit or "",
                 "birth_date": f"{n.nominee_birth_date:%d/%m/%Y}" if n.nominee_birth_date else "",
                 "gender": n.nominee_gender.value if n.nominee_gender else "", "national_id": "",
                 "has_national_id": "1" if n.nominee_national_id_hash else "",
                 "achievements": n.achievements} for n in dossier.nominations]
        return cls({"title": dossier.title, "year": str(dossier.year), "kind": dossier.kind.value}, [*rows, _blank()])


def _blank() -> dict[str, str]:
    return dict.fromkeys(ROW_FIELDS, "")


def _posted() -> DossierForm:
    values = {name: request.form.get(name, "").strip() for name in _HEADER_FIELDS}
    by_index: dict[int, dict[str, str]] = {}
    for key, value in request.form.items():
        match = _ROW_KEY.match(key)
        if match:
            by_index.setdefault(int(match.group(1)), _blank())[match.group(2)] = value.strip()
    rows = [row for _, row in sorted(by_index.items()) if row.get("remove") != "1"]
    form = DossierForm(values, rows or [_blank()])
    posted_once = request.form.get(ONCE_FIELD, "")[:64]
    if posted_once:
        form.once = posted_once  # the same form, shown again with its errors: still the same token
    return form


def _saved_with(once: str) -> int | None:
    """The dossier a new-dossier form with this token already created, if any."""
    saved = session.get(_SAVED_ONCE) or {}
    found = saved.get(once) if isinstance(saved, dict) else None
    return found if isinstance(found, int) else None


def _remember(once: str, dossier_id: int) -> None:
    saved = session.get(_SAVED_ONCE)
    saved = dict(saved) if isinstance(saved, dict) else {}
    saved[once] = dossier_id
    session[_SAVED_ONCE] = dict(list(saved.items())[-KEEP_SAVED_ONCE:])


def _payload(form: DossierForm, *, with_unit: bool) -> tuple[dict[str, Any], list[int]]:
    """The raw dossier `check_dossier` reads (as it reads the API's body), and for each of its
    nominations the form row it came from."""
    payload: dict[str, Any] = {"title": form.values["title"], "kind": form.values["kind"] or DossierKind.REGULAR}
    year = form.values["year"]
    payload["year"] = int(year) if year.isdigit() else year
    if with_unit and form.values.get("proposing_unit"):
        payload["proposing_unit"] = form.values["proposing_unit"]
    nominations, origins = [], []
    for index, row in enumerate(form.rows):
        if not any(row.get(name) for name in ROW_FIELDS if name not in ("id", "kind", "gender")):
            continue
        name_key = "name" if row.get("kind") in (AwardeeKind.COLLECTIVE, AwardeeKind.HOUSEHOLD) else "full_name"
        nomination: dict[str, Any] = {
            "award_type": row.get("award_type", ""), "achievements": row.get("achievements", ""),
            "nominee": {"kind": row.get("kind") or None, name_key: row.get("name", ""),
                        "position": row.get("position") or None, "unit": row.get("unit") or None,
                        "birth_date": row.get("birth_date") or None, "gender": row.get("gender") or None,
                        "national_id": row.get("national_id") or None}}
        if row.get("id", "").isdigit():
            nomination["id"] = int(row["id"])
        nominations.append(nomination)
        origins.append(index)
    payload["nominations"] = nominations
    return payload, origins


def _place_errors(form: DossierForm, errors: dict[str, str], origins: list[int]) -> None:
    """Field paths of the payload (`nominations[3].award_type`) as the form's field names."""
    sheet_errors = {}
    for path, message in errors.items():
        match = excel.NOMINATION_PATH.match(path)
        if match is None:
            form.errors[path if path in _HEADER_FIELDS else "form"] = message
            continue
        index = int(match.group(1))
        if index < len(origins):
            suffix = {**excel.PATH_COLUMN, **_IDENTITY_PATHS}.get(match.group(2) or "", "row")
            form.errors[f"n-{origins[index]}-{suffix}"] = message
        elif form.sheet is not None:
            sheet_errors[f"nominations[{index - len(origins)}]" + (f".{match.group(2)}" if match.group(2) else "")] = \
                message
    if form.sheet is not None:
        form.sheet.add_domain_errors(sheet_errors)


def _read_excel(form: DossierForm, payload: dict[str, Any]) -> None:
    upload = request.files.get("excel")
    if upload is None or not upload.filename:
        return
    data = upload.read(excel.MAX_FILE_BYTES + 1)  # no more than the bound is read: excel.read refuses it
    form.sheet = excel.read(data, access.award_types_in_force(ctx()))
    payload["nominations"] = payload["nominations"] + form.sheet.nominations


def _page(form: DossierForm, dossier: Dossier | None, status: int = 200) -> tuple[str, int]:
    context = ctx()
    units = access.proposer_units(context.session, me()) if dossier is None else []
    return render("web/dossier_form.html", status, form=form, dossier=dossier, units=units,
                  award_types=access.award_types_in_force(context), names=access.award_names(context),
                  kinds=list(DossierKind))


def _refused(form: DossierForm, dossier: Dossier | None) -> tuple[str, int]:
    if form.sheet is not None and form.sheet.problems:
        form.errors["form"] = EXCEL_REFUSED
    return _page(form, None if dossier is None else access.get_dossier(ctx(), dossier.id), 422)


def _save(dossier: Dossier | None) -> Response | tuple[str, int]:
    form = _posted()
    if request.form.get("action") == "add_row":
        form.rows.append(_blank())
        return _page(form, dossier)
    if dossier is None and (earlier := _saved_with(form.once)) is not None:
        flash(ALREADY_SAVED, "info")  # Back, then Save again: the dossier this form made, not a second one
        return redirect(url_for("web.dossiers.detail", dossier_id=earlier))
    payload, origins = _payload(form, with_unit=dossier is None)
    _read_excel(form, payload)
    context = ctx()
    try:
        data = check_dossier(context, payload, partial=dossier is not None)
        saved = (dossiers.create_dossier(context, data) if dossier is None
                 else dossiers.update_dossier(context, dossier.id, data))
    except (InvalidInput, Conflict) as error:
        discard_changes()
        form.errors["form"] = error.detail
        _place_errors(form, error.errors, origins)
        return _refused(form, dossier)
    if form.sheet is not None and form.sheet.problems:
        discard_changes()  # every row must be good before anything is kept
        return _refused(form, dossier)
    if dossier is None:
        _remember(form.once, saved.id)
    imported = len(form.sheet.nominations) if form.sheet is not None else 0
    flash("Đã lưu hồ sơ." + (f" Đã nhập {imported} đề nghị từ tệp Excel." if imported else ""), "success")
    return redirect(url_for("web.dossiers.detail", dossier_id=saved.id))


@bp.route("/dossiers/new", methods=["GET", "POST"])
@reads_own_text  # check_dossier refuses NUL beside its field
def create() -> Response | tuple[str, int]:
    context = ctx()
    if not access.proposer_units(context.session, me()):
        raise Forbidden("Bạn không có vai trò đề nghị khen thưởng tại đơn vị nào.")
    if request.method == "POST":
        return _save(None)
    return _page(DossierForm.of(None, local_today(context.clock).year), None)


@bp.route("/dossiers/<id:dossier_id>/edit", methods=["GET", "POST"])
@reads_own_text
def edit(dossier_id: int) -> Response | tuple[str, int]:
    context = ctx()
    _, dossier = access.changeable_dossier(context, dossier_id)
    if dossier.status not in EDITABLE:
        raise Conflict(f"Hồ sơ {dossier.status.label}: chỉ được sửa khi hồ sơ đang soạn hoặc "
                       "đang được yêu cầu bổ sung.")
    if request.method == "POST":
        return _save(dossier)
    return _page(DossierForm.of(dossier, dossier.year), dossier)


@bp.route("/dossiers/template.xlsx")
def template() -> Response:
    return send_document(NamedFile(excel.template(access.award_types_in_force(ctx())), excel.TEMPLATE_NAME, XLSX))

