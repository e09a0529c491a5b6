"""Scripts and expressions inside BPMN run here: compiled by RestrictedPython, with only the
registered helper functions and a small set of builtins, under a limit on the script's own CPU time.

SpiffWorkflow's default engine is `exec` with full builtins, and a dunder-attribute walk
(`().__class__.__bases__[0].__subclasses__()`) reaches `os.popen` even with trimmed builtins.
RestrictedPython refuses such names at compile time, and its guards refuse them at run time
(`getattr(x, "__class__")`, `str.format`).
"""
from __future__ import annotations

import gc
import resource
import sys
import time
from collections.abc import Callable, Mapping
from functools import lru_cache
from types import CodeType, FrameType
from typing import Any, Literal

from RestrictedPython import compile_restricted, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import full_write_guard, guarded_iter_unpack_sequence, safer_getattr
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.errors import DomainError, ScriptError

ScriptMode = Literal["exec", "eval"]

_EXTRA_BUILTINS = {
    "len": len, "min": min, "max": max, "sum": sum, "any": any, "all": all, "sorted": sorted,
    "list": list, "dict": dict, "enumerate": enumerate, "zip": zip, "map": map, "filter": filter,
    "reversed": reversed,
}


def _inplace(op: str, x: Any, y: Any) -> Any:
    ops: dict[str, Callable[[Any, Any], Any]] = {
        "+=": lambda a, b: a + b, "-=": lambda a, b: a - b, "*=": lambda a, b: a * b,
        "/=": lambda a, b: a / b, "//=": lambda a, b: a // b, "%=": lambda a, b: a % b,
    }
    if op not in ops:
        raise ScriptError(f"Phép gán '{op}' không được phép trong biểu thức quy trình.")
    return ops[op](x, y)


GUARDS: dict[str, Any] = {
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_iter_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplace,
}
_BUILTINS = {**safe_builtins, **_EXTRA_BUILTINS}
SCRIPT_FILENAME = "<bpmn>"


def allowed_builtins() -> dict[str, Any]:
    return _BUILTINS


@lru_cache(maxsize=2048)
def compile_checked(source: str, mode: ScriptMode) -> CodeType:
    """Compile restrictedly; every refusal becomes a ScriptError naming what was refused."""
    try:
        return compile_restricted(source, filename=SCRIPT_FILENAME, mode=mode)
    except SyntaxError as exc:
        # 3.2.0's own error reporter crashes on a SyntaxError without a line number: wrap it here.
        reasons = exc.msg if isinstance(exc.msg, str) else "; ".join(map(str, exc.args[0]))
        raise ScriptError(f"Biểu thức bị từ chối: {reasons}") from None


@lru_cache(maxsize=2048)
def names_in(code: CodeType) -> frozenset[str]:
    """Every global name the code (and the functions and comprehensions inside it) may look up: a
    restricted script reaches a helper only by naming it (no `globals()`, no `getattr` on modules)."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            names |= names_in(constant)
    return frozenset(names)


def _thread_user_time() -> float:
    """The CPU time the calling thread spent running its own code (user mode). Time the kernel spends on
    the thread's behalf — reclaiming memory for it on a machine short of memory, say — is left out: it
    is the machine's state, not the script's work. Elsewhere than Linux, the thread's whole CPU time."""
    return resource.getrusage(resource.RUSAGE_THREAD).ru_utime


_cpu_time: Callable[[], float] = _thread_user_time if hasattr(resource, "RUSAGE_THREAD") else time.thread_time


class _Deadline:
    """Stops a script's own code that runs past its time limit (checked on every line of the script).

    The limit is on the user CPU time of the thread running the script, so that a busy machine (the
    thread waiting for a core or for the GIL, or the kernel reclaiming memory for it) never fails a
    step. Registered helpers are trusted: they run untraced, and neither their CPU time nor their waits
    on the database count. Nor do the interpreter's garbage collections: a full collection walks the
    whole process's heap (a long-lived server's, or a test run's), which can take longer than the limit
    and is not the script's work. And a script is stopped only once it has run `MIN_LINES` lines: a
    runaway loop gets there in microseconds, while a one-line condition (`outcome == "supplement"`)
    cannot be a runaway, whatever the clock says about the thread."""

    MIN_LINES = 100

    def __init__(self, seconds: float) -> None:
        self.until = _cpu_time() + seconds
        self.seconds = seconds
        self.lines = 0
        self._collecting_since: float | None = None

    def collection(self, phase: str, info: dict[str, Any]) -> None:
        """gc.callbacks hook: the time a collection takes moves the deadline by as much."""
        if phase == "start":
            self._collecting_since = _cpu_time()
        elif self._collecting_since is not None:
            self.until += _cpu_time() - self._collecting_since
            self._collecting_since = None

    def __call__(self, frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != SCRIPT_FILENAME:
            return None  # not the script: no line tracing
        return self._line

    def _line(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            self.lines += 1
            if self.lines >= self.MIN_LINES and _cpu_time() > self.until:
                raise ScriptError(f"Biểu thức chạy quá thời gian cho phép ({self.seconds:g} giây).")
        return self._line

    def untimed(self, helper: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            tracing, started = sys.gettrace(), _cpu_time()
            sys.settrace(None)  # the script's frame keeps its own tracer for when the helper returns
            try:
                return helper(*args, **kwargs)
            finally:
                sys.settrace(tracing)
                self.until += _cpu_time() - started

        return call


def _unchanged(value: Any) -> Any:
    return value


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Task data in, task data out; nothing but registered helpers and safe builtins in between.

    `plain` turns each value a script leaves in the task data into what the database will give back
    (the runtime passes its serializer's), so the next step sees the same value whether it runs in
    this process or in another; it raises for a value that cannot be stored."""

    def __init__(self, helpers: dict[str, Callable[..., Any]], time_limit_seconds: float,
                 plain: Callable[[Any], Any] = _unchanged) -> None:
        super().__init__({})
        self.helpers = helpers  # by reference: domain helpers may be registered after import
        self.time_limit = time_limit_seconds
        self.plain = plain

    def _globals(self, context: Mapping[str, Any], external: Mapping[str, Any] | None) -> dict[str, Any]:
        clash = set(self.helpers).intersection(context)
        if clash:
            raise ScriptError(f"Dữ liệu quy trình trùng tên với hàm hệ thống: {', '.join(sorted(clash))}.")
        return {"__builtins__": _BUILTINS, **GUARDS, **self.helpers, **(external or {}), **context}

    def _run(self, code: CodeType, scope: dict[str, Any]) -> Any:
        previous = sys.gettrace()
        deadline = _Deadline(self.time_limit)
        scope.update({name: deadline.untimed(self.helpers[name]) for name in names_in(code) if name in self.helpers})
        gc.callbacks.append(deadline.collection)
        sys.settrace(deadline)
        try:
            return eval(code, scope)  # noqa: S307 - compiled by RestrictedPython with guards
        except DomainError:  # a domain helper refused (e.g. InvalidInput): keep its meaning
            raise
        except Exception as exc:  # anything a script does wrong is the script's error, not ours
            raise ScriptError(f"Biểu thức lỗi: {type(exc).__name__}: {exc}") from exc
        finally:
            sys.settrace(previous)
            gc.callbacks.remove(deadline.collection)

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        code = compile_checked(expression.strip(), "eval")
        return self._run(code, self._globals(context, external_context))

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        code = compile_checked(script, "exec")
        scope = self._globals(context, external_context)
        before = set(scope)
        self._run(code, scope)
        reserved = set(GUARDS) | set(self.helpers) | {"__builtins__"} | set(external_context or {})
        for name, value in scope.items():
            if name in reserved or callable(value):
                continue
            if name in context or name not in before:
                context[name] = self._stored(name, value)
        for name in [n for n in context if n not in scope]:  # `del x` in the script removes x
            del context[name]
        return True

    def _stored(self, name: str, value: Any) -> Any:
        try:
            return self.plain(value)
        except (TypeError, ValueError) as exc:
            raise ScriptError(f"Biến '{name}' không lưu được vào dữ liệu quy trình ({type(value).__name__}): "
                              f"{exc}") from None

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise ScriptError("Quy trình không được gọi dịch vụ bên ngoài.")


class RestrictedScriptEngine(PythonScriptEngine):
    def __init__(self, environment: RestrictedEnvironment) -> None:
        super().__init__(environment=environment)

    def validate(self, expression: str) -> None:
        compile_checked(expression.strip(), "eval")
