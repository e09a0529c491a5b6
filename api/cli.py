"""The `khenthuong` command: db upgrade, import, user, statistics rebuild, demo, serve, worker, backup,
restore, check, audit (verify, keygen, checkpoint, export)."""
from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from api import create_app
from api.demo import DemoSeeder
from api.production import ServerOptions, serve_production
from api.worker import run_forever
from engine import anchor
from engine.clock import SystemClock
from engine.config import PROJECT_ROOT, Settings, quiet_library_logs
from engine.context import Context
from engine.db import make_engine, make_session_factory
from engine.errors import DefinitionError, DomainError
from engine.maintenance.archive import ArchiveError
from engine.maintenance.backup import describe, write_backup
from engine.maintenance.check import check_installation, helper_docs
from engine.maintenance.process_docs import render
from engine.maintenance.restore import restore_backup
from engine.migrate import upgrade
from engine.operations import award_tally, mail, sessions
from engine.operations.processes import repair_instance, running_instance_ids
from engine.orgchart.writer import import_org_chart
from engine.rules import load_rules
from engine.runtime import Runtime
from engine.security import SigningKeyError, VerifyKey, signing_key, write_signing_key

PROCESS_DOCS = PROJECT_ROOT / "docs" / "processes.md"


def _settings() -> Settings:
    return Settings.from_env()


def _session_factory(settings: Settings):  # type: ignore[no-untyped-def]
    return make_session_factory(make_engine(settings.database_url))


@click.group()
def main() -> None:
    """khenthuong — quản lý thi đua, khen thưởng."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_library_logs()  # SpiffWorkflow's INFO is every task state change, with task data


@main.group()
def db() -> None:
    """Cơ sở dữ liệu."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration to KHENTHUONG_DATABASE_URL, then let instances stuck on unmerged votes go on."""
    settings = _settings()
    upgrade(settings.database_url)
    click.echo("Cơ sở dữ liệu đã được cập nhật.")
    _repair_instances(settings)


def _repair_instances(settings: Settings) -> None:
    """Let instances stuck before issue 10's fix go on (finished votes never merged), one transaction each."""
    factory = _session_factory(settings)
    with factory() as session:
        ids = running_instance_ids(Context(session=session, settings=settings, clock=SystemClock()))
    runtime = Runtime.load(settings) if ids else None
    repaired = 0
    for instance_id in ids:
        with factory() as session:
            ctx = Context(session=session, settings=settings, clock=SystemClock(), runtime=runtime)
            merged = repair_instance(ctx, instance_id)
            session.commit()
        if merged:
            repaired += 1
            click.echo(f"Phiên quy trình số {instance_id}: đã gộp {len(merged)} phiếu/nhiệm vụ đã xong ({merged[0]}).")
    if repaired:
        click.echo(f"Đã sửa {repaired} phiên quy trình.")


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--brief", is_flag=True, help="One line of summary instead of every count (`make run`).")
def import_file(file: Path, brief: bool) -> None:
    """Load an org-chart YAML file (idempotent, all-or-nothing)."""
    settings = _settings()
    with _session_factory(settings)() as session:
        ctx = Context(session=session, settings=settings, clock=SystemClock())
        try:
            summary = import_org_chart(ctx, file.read_text(encoding="utf-8"), filename=file.name)
            session.commit()
        except DomainError as exc:
            session.rollback()
            click.echo(f"Lỗi: {exc.detail}", err=True)
            for field, message in exc.errors.items():
                click.echo(f"  {field}: {message}", err=True)
            sys.exit(1)
    if brief:
        counts = summary.as_dict()
        added = (f"thêm {counts['units_created']} đơn vị, {counts['users_created']} người dùng, "
                 f"{counts['councils_created']} hội đồng" if counts["changed"] else "không có gì thay đổi")
        click.echo(f"Đã nạp {file.name}: {added}.")
        return
    for name, value in summary.as_dict().items():
        click.echo(f"{name}: {value}")


@main.group()
def user() -> None:
    """Tài khoản người dùng: khoá, mở lại, chấm dứt mọi phiên đăng nhập."""


def _user_command(change: Callable[[Context], int], done: str) -> None:
    settings = _settings()
    with _session_factory(settings)() as session:
        try:
            ended = change(Context(session=session, settings=settings, clock=SystemClock()))
            session.commit()
        except DomainError as exc:
            click.echo(f"Lỗi: {exc.detail}", err=True)
            sys.exit(1)
    click.echo(f"{done} Số phiên đăng nhập đã chấm dứt: {ended}.")


@user.command("deactivate")
@click.argument("username")
def user_deactivate(username: str) -> None:
    """Lock an account: it can no longer log in, and every session it has open ends at once."""
    _user_command(lambda ctx: sessions.set_active(ctx, username, False), f"Đã khoá tài khoản {username}.")


@user.command("activate")
@click.argument("username")
def user_activate(username: str) -> None:
    """Let a locked account log in again (its old sessions stay ended)."""
    _user_command(lambda ctx: sessions.set_active(ctx, username, True), f"Đã mở lại tài khoản {username}.")


@user.command("sign-out")
@click.argument("username")
def user_sign_out(username: str) -> None:
    """End every session of an account (a lost phone, a leaked token); its password still works."""
    _user_command(lambda ctx: sessions.sign_out_everywhere(ctx, username),
                  f"Đã đăng xuất {username} khỏi mọi nơi.")


@main.group("mail")
def mail_group() -> None:
    """Thư điện tử (cần cấu hình KHENTHUONG_SMTP_HOST)."""


@mail_group.command("digest")
@click.option("--force", is_flag=True, help="Send even if today's digest was already sent.")
def mail_digest(force: bool) -> None:
    """Gửi thư tổng hợp việc đến hạn, quá hạn hôm nay (thường do worker gửi, mỗi ngày một lần)."""
    settings = _settings()
    if not mail.enabled(settings):
        raise click.ClickException("Chưa cấu hình máy chủ thư (KHENTHUONG_SMTP_HOST): không gửi thư nào.")
    with _session_factory(settings)() as session:
        sent = mail.send_digest(Context(session=session, settings=settings, clock=SystemClock()), force=force)
        session.commit()
    click.echo(f"Đã gửi {sent} thư tổng hợp." if sent or force else "Thư tổng hợp hôm nay đã được gửi trước đó.")


@mail_group.command("notifications")
def mail_notifications() -> None:
    """Gửi qua thư điện tử các thông báo chưa gửi."""
    settings = _settings()
    if not mail.enabled(settings):
        raise click.ClickException("Chưa cấu hình máy chủ thư (KHENTHUONG_SMTP_HOST): không gửi thư nào.")
    with _session_factory(settings)() as session:
        sent = mail.mail_notifications(Context(session=session, settings=settings, clock=SystemClock()))
        session.commit()
    click.echo(f"Đã gửi {sent} thư thông báo.")


@main.group("statistics")
def statistics_group() -> None:
    """Số liệu thống kê."""


@statistics_group.command("rebuild")
def statistics_rebuild() -> None:
    """Đếm lại bảng tổng hợp khen thưởng (award_tally) từ các đề nghị đã có quyết định."""
    settings = _settings()
    with _session_factory(settings)() as session:
        rows = award_tally.rebuild(session)
        session.commit()
    click.echo(f"Đã đếm lại bảng tổng hợp khen thưởng: {rows} dòng.")


@main.command("demo")
def demo() -> None:
    """Create demo dossiers at several stages (once; needs the demo organisation)."""
    settings = _settings()
    load_rules(settings.rules_dir)
    seeded = DemoSeeder(_session_factory(settings), settings, Runtime.load(settings), SystemClock()).seed()
    click.echo(f"Đã tạo {seeded} hồ sơ mẫu." if seeded else "Dữ liệu mẫu đã có hoặc chưa nạp tổ chức mẫu: bỏ qua.")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int, envvar="PORT")
@click.option("--workers", default=0, show_default=True, type=click.IntRange(min=0),
              help="Web processes under gunicorn (production); 0: the development server.")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(min=1),
              help="Threads per gunicorn worker.")
@click.option("--access-log", is_flag=True, help="Log every request to stdout (gunicorn).")
def serve(host: str, port: int, workers: int, threads: int, access_log: bool) -> None:
    """Serve the web application: the development server, or gunicorn with `--workers N`."""
    try:
        app = create_app(_settings())
    except DefinitionError as exc:
        click.echo(f"Không khởi động được: {exc}", err=True)
        sys.exit(1)
    if workers:
        if not os.environ.get("KHENTHUONG_SECRET_KEY"):
            click.echo("Cảnh báo: chưa đặt KHENTHUONG_SECRET_KEY; khóa tự sinh trong thư mục instance chỉ đúng "
                       "cho máy này (phiên đăng nhập không dùng được ở máy khác).", err=True)
        serve_production(app, ServerOptions(host, port, workers, threads, access_log))
    else:
        app.run(host=host, port=port, threaded=True)


@main.command("worker")
@click.option("--once", is_flag=True, help="Fire what is due now, then exit.")
def worker(once: bool) -> None:
    """Fire due timers until SIGTERM."""
    settings = _settings()
    try:
        runtime = Runtime.load(settings)
        load_rules(settings.rules_dir)
    except DefinitionError as exc:
        click.echo(f"Không khởi động được: {exc}", err=True)
        sys.exit(1)
    fired = run_forever(_session_factory(settings), settings, runtime, SystemClock(), once=once)
    click.echo(f"Đã kích hoạt {fired} bộ hẹn giờ.")


def _size(count: int) -> str:
    return f"{count / 1048576:.1f} MB" if count >= 1048576 else f"{count / 1024:.0f} KB"


@main.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """Write the database and its attachments, from one snapshot, to FILE (.tar.gz); the server may run."""
    started = time.monotonic()
    try:
        manifest = write_backup(_settings(), file, SystemClock())
    except ArchiveError as exc:
        click.echo(f"Không sao lưu được: {exc}", err=True)
        sys.exit(1)
    numbers = describe(manifest)
    click.echo(f"Đã sao lưu vào {file}: {numbers['tables']} bảng, {numbers['rows']} dòng, {numbers['files']} tệp "
               f"đính kèm ({_size(numbers['file_bytes'])}), lược đồ {numbers['revision']}, "
               f"{numbers['audit_events']} sự kiện nhật ký; {time.monotonic() - started:.1f} giây.")


@main.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Erase a target database that already holds data.")
@click.option("--no-upgrade", is_flag=True, help="Stay at the backup's schema; run `db upgrade` later.")
def restore(file: Path, force: bool, no_upgrade: bool) -> None:
    """Restore FILE into KHENTHUONG_DATABASE_URL and the attachment store, then verify the audit chain."""
    started = time.monotonic()
    settings = _settings()
    try:
        result = restore_backup(settings, file, SystemClock(), force=force, upgrade_to_head=not no_upgrade)
    except ArchiveError as exc:
        click.echo(f"Không khôi phục được: {exc}", err=True)
        sys.exit(1)
    numbers = describe(result.manifest)
    click.echo(f"Đã khôi phục {numbers['rows']} dòng của {numbers['tables']} bảng và {numbers['files']} tệp "
               f"đính kèm (lược đồ {numbers['revision']} → {result.revision}); "
               f"{time.monotonic() - started:.1f} giây.")
    if result.chain is None:
        click.echo("Chưa kiểm tra chuỗi nhật ký: chạy `khenthuong db upgrade` rồi `khenthuong audit verify`.")
    elif result.chain.ok:
        click.echo(f"Chuỗi nhật ký toàn vẹn: {result.chain.events} sự kiện, khớp bản sao lưu.")
    else:
        click.echo(f"Chuỗi nhật ký sau khôi phục không toàn vẹn (sự kiện số {result.chain.first_bad_seq}): "
                   f"{result.chain.problem}.", err=True)
        sys.exit(1)


@main.command("check")
@click.option("--helpers", "list_helpers", is_flag=True, help="List the helpers a BPMN script may call.")
@click.option("--markdown", is_flag=True, help="Write the process catalogue (docs/processes.md).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=PROCESS_DOCS, show_default=True,
              help="Where --markdown writes.")
def check(list_helpers: bool, markdown: bool, output: Path) -> None:
    """Check workflows/, forms/, the rules and the task hooks; exit 1 naming the file and line at fault."""
    settings = _settings()
    report = check_installation(settings)
    if not report.ok:
        for fault in report.faults:
            click.echo(f"Lỗi: {fault}", err=True)
        click.echo(f"Kiểm tra thấy {len(report.faults)} lỗi; chưa thể khởi động.", err=True)
        sys.exit(1)
    click.echo(f"Không có lỗi: {report.summary()}.")
    if report.unused_forms:
        click.echo(f"Lưu ý: biểu mẫu không nhiệm vụ nào dùng: {', '.join(report.unused_forms)}.")
    if list_helpers:
        click.echo("Các hàm kịch bản BPMN được gọi:")
        for helper in helper_docs():
            click.echo(f"  {helper.name}{helper.signature}")
            if helper.summary:
                click.echo(f"      {helper.summary}")
    if markdown:
        output.write_text(render(report, settings.workflows_dir), encoding="utf-8")
        click.echo(f"Đã ghi danh mục quy trình vào {output}.")


@main.group()
def audit() -> None:
    """Nhật ký kiểm toán."""


@audit.command("verify")
@click.option("--quick", is_flag=True, help="Only the checkpoints and the events after the last one.")
@click.option("--checkpoints", "files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An exported checkpoint file (`khenthuong audit export`) to hold the chain against too.")
@click.option("--public-key", "public_key", default=None,
              help="Check signatures with this public key (base64, as `audit keygen` prints it) instead of the "
                   "configured signing key.")
def audit_verify(quick: bool, files: tuple[Path, ...], public_key: str | None) -> None:
    """Hold the chain against its signed checkpoints and walk it; exit 1 naming the first fault."""
    settings = _settings()
    try:
        extra = [cp for file in files for cp in anchor.read_lines(file.read_text(encoding="utf-8"))]
        sealing = signing_key(settings)
        key = VerifyKey.from_text(public_key) if public_key else (sealing.verify_key if sealing else None)
    except (anchor.CheckpointFormatError, SigningKeyError) as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        sys.exit(2)
    if key is None:
        click.echo("Lưu ý: chưa cấu hình khóa ký nhật ký (KHENTHUONG_AUDIT_SIGNING_KEY_FILE): chỉ kiểm tra chuỗi "
                   "băm, không đối chiếu điểm neo.", err=True)

    with _session_factory(settings)() as session:
        progress = _walk_progress(anchor.chain_head_seq(session))
        report = anchor.verify(session, key=key, sealing_key=sealing, extra=extra, full=not quick,
                               progress=progress)
        if not quick:
            anchor.record_walk(Context(session=session, settings=settings, clock=SystemClock()), report)
            session.commit()
    if report.ok:
        click.echo(f"Chuỗi nhật ký toàn vẹn: {report.events} sự kiện, mã băm cuối {report.head_hash}; "
                   f"{report.checkpoints} điểm neo đã ký được đối chiếu"
                   + (f" (đến sự kiện số {report.last_checkpoint_seq})." if report.last_checkpoint_seq else "."))
        if quick:
            walked = report.last_full_walk
            click.echo(f"Kiểm tra nhanh: chỉ các sự kiện sau sự kiện số {report.checked_from_seq}"
                       + (f" ({report.unchecked} sự kiện chưa duyệt)" if report.unchecked else "")
                       + "; lần duyệt toàn bộ gần nhất: "
                       + (f"{walked['finished_at']}, {'toàn vẹn' if walked['ok'] else 'BỊ PHÁ VỠ'}." if walked
                          else "chưa có (chạy `khenthuong audit verify`)."))
        return
    where = f" tại sự kiện số {report.first_bad_seq}" if report.first_bad_seq else ""
    click.echo(f"Chuỗi nhật ký bị phá vỡ{where}: {report.problem}.", err=True)
    sys.exit(1)


def _walk_progress(total: int, every: float = 2.0) -> Callable[[int], None]:
    """Progress of the full walk on the terminal: at most one line every `every` seconds."""
    started = last = time.monotonic()

    def progress(seq: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < every:
            return
        last = now
        share = seq / total if total else 1.0
        left = (now - started) * (1 - share) / share if share else 0.0
        walked = f"{seq:,}/{total:,}".replace(",", ".")
        click.echo(f"  … đã duyệt {walked} sự kiện ({share:.0%}), còn khoảng {left:.0f} giây", err=True)

    return progress


@audit.command("keygen")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--keep", is_flag=True, help="A key already there is kept and is not an error (`make run`).")
def audit_keygen(file: Path | None, keep: bool) -> None:
    """Write a new Ed25519 signing key to FILE (default: <instance>/audit_signing_key.pem)."""
    settings = _settings()
    path = file or settings.instance_dir / "audit_signing_key.pem"
    try:
        key = write_signing_key(path)
    except FileExistsError:
        click.echo(f"Đã có khóa tại {path}: không ghi đè.", err=not keep)
        sys.exit(0 if keep else 1)
    click.echo(f"Đã ghi khóa ký nhật ký vào {path} (mã khóa {key.key_id}).")
    click.echo(f"Khóa công khai (để kiểm tra điểm neo, in ra và lưu giữ): {key.verify_key.printable}")


@audit.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign the chain's head now and print the checkpoint's line."""
    settings = _settings()
    with _session_factory(settings)() as session:
        try:
            made = anchor.checkpoint(Context(session=session, settings=settings, clock=SystemClock()))
        except SigningKeyError as exc:
            click.echo(f"Lỗi: {exc}", err=True)
            sys.exit(2)
        session.commit()
    if made is None:
        click.echo("Không ký được: chưa cấu hình khóa ký nhật ký hoặc nhật ký còn trống.", err=True)
        sys.exit(1)
    click.echo(made.line())


@audit.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
def audit_export(file: Path | None) -> None:
    """Write every checkpoint, one printable line each, to FILE (default: standard output)."""
    settings = _settings()
    with _session_factory(settings)() as session:
        text = anchor.export_text(session)
    if file is None:
        click.echo(text, nl=False)
        return
    file.write_text(text, encoding="utf-8")
    click.echo(f"Đã ghi {len(text.splitlines()) - 1} điểm neo vào {file}.")
