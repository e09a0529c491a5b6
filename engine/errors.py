"""Domain errors. They carry meaning, never HTTP; api/errors.py maps them to problem+json."""
from __future__ import annotations


class DomainError(Exception):
    """Base of every error a user or a caller can cause."""

    title = "Lỗi"

    def __init__(self, detail: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or {}


class NotFound(DomainError):
    title = "Không tìm thấy"


class Unauthenticated(DomainError):
    title = "Chưa đăng nhập"


class Forbidden(DomainError):
    title = "Không có quyền"


class Conflict(DomainError):
    title = "Xung đột trạng thái"


class InvalidInput(DomainError):
    title = "Dữ liệu không hợp lệ"


class AmbiguousPerson(InvalidInput):
    """A name that several people of the registry bear, none told apart by what was given: the caller
    chooses among `candidates` (id, name, birth date, unit), never the system."""

    title = "Cần chọn đúng người"

    def __init__(self, detail: str, errors: dict[str, str], candidates: list[dict[str, object]]) -> None:
        super().__init__(detail, errors)
        self.candidates = candidates


class TooLarge(DomainError):
    """An upload larger than the configured limit."""

    title = "Tệp quá lớn"


class UnsupportedType(DomainError):
    """An upload whose content is not one of the accepted document types."""

    title = "Kiểu tệp không được chấp nhận"


class Throttled(DomainError):
    title = "Quá nhiều lần thử"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class DefinitionError(Exception):
    """A BPMN file, a form or a lane is wrong: the start must fail, not a user's click.

    `file` and `line` say where, when known; `element` is the id of the BPMN element at fault, whose
    line `khenthuong check` looks up in `file`."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 element: str | None = None) -> None:
        super().__init__(message)
        self.message, self.file, self.line, self.element = message, file, line, element


class ScriptError(DomainError):
    """A script or expression was refused or failed inside the restricted engine."""

    title = "Lỗi biểu thức trong quy trình"


class ProcessError(DomainError):
    """The process reached a state its definition does not allow (a modelling fault)."""

    title = "Lỗi quy trình"
