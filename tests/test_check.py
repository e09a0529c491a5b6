"""`khenthuong check`: exit 0 on the real files; exit 1 naming the file and line of each fault an IT
officer can make in a BPMN file, a form or a hook; docs/processes.md is what `--markdown` writes."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from engine.config import PROJECT_ROOT, Settings
from engine.maintenance.check import check_installation
from engine.maintenance.process_docs import render
from engine.operations import hooks

PROCESS_DOCS = PROJECT_ROOT / "docs" / "processes.md"


@pytest.fixture
def files(tmp_path) -> Path:
    """A copy of workflows/ and forms/ to break."""
    shutil.copytree(PROJECT_ROOT / "workflows", tmp_path / "workflows")
    shutil.copytree(PROJECT_ROOT / "forms", tmp_path / "forms")
    return tmp_path


def _check(folder: Path, *args: str):  # type: ignore[no-untyped-def]
    env = {"KHENTHUONG_WORKFLOWS_DIR": str(folder / "workflows"), "KHENTHUONG_FORMS_DIR": str(folder / "forms"),
           "KHENTHUONG_RULES_DIR": str(folder / "workflows" / "rules"),
           "KHENTHUONG_INSTANCE_DIR": str(folder / "instance"), "KHENTHUONG_SECRET_KEY": "check-test"}
    return CliRunner().invoke(main, ["check", *args], env=env)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, fragment: str) -> int:
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if fragment in text:
            return number
    raise AssertionError(f"{fragment} not in {path}")


def test_the_real_files_pass(files):
    result = _check(files, "--helpers")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Không có lỗi: 12 tệp BPMN")
    assert "route_dossier(dossier_id: int) -> int" in result.output
    assert "Fix each nomination's deciding unit and send the dossier to the first reviewing unit." in result.output


@pytest.mark.parametrize(("file", "old", "new", "anchor", "says"), [
    ("level_review.bpmn", '<bpmn:userTask id="appraise"', '<bpmn:userTask broken id="appraise"', "broken id=",
     "tệp BPMN không đọc được"),
    ("level_review.bpmn", 'value="appraise.json"', 'value="tham_dinh.json"', 'id="appraise"',
     "nhiệm vụ 'appraise' dùng biểu mẫu 'tham_dinh.json' không có"),
    ("award_dossier.bpmn", "route_dossier(", "route_dosier(", 'id="route"',
     "phần tử 'route': gọi hàm chưa đăng ký: route_dosier"),
    ("level_review.bpmn", 'calledElement="council_vote"', 'calledElement="council_votes"',
     'calledElement="council_votes"', "gọi quy trình 'council_votes' không có"),
], ids=["broken-xml", "missing-form", "unregistered-function", "unknown-called-process"])
def test_a_fault_in_a_bpmn_file_names_its_file_and_line(files, file, old, new, anchor, says):
    bpmn = files / "workflows" / file
    _edit(bpmn, old, new)
    result = _check(files)
    assert result.exit_code == 1
    assert f"Lỗi: {bpmn} dòng {_line_of(bpmn, anchor)}: {says}" in result.output
    assert result.output.count("Lỗi:") == 1  # once, however many processes run the element at fault


def test_a_lane_that_is_not_a_role_names_a_task_of_that_lane(files):
    bpmn = files / "workflows" / "revocation.bpmn"
    lane = re.search(r'<bpmn:lane id="[^"]+" name="([^"]+)"', bpmn.read_text(encoding="utf-8")).group(1)
    _edit(bpmn, f'name="{lane}"', 'name="Thủ quỹ"')
    result = _check(files)
    assert result.exit_code == 1
    task = re.search(r"revocation\.bpmn dòng (\d+): nhiệm vụ '(\w+)' nằm trong làn 'Thủ quỹ'", result.output)
    assert task, result.output
    assert int(task.group(1)) == _line_of(bpmn, f'id="{task.group(2)}"')


def test_a_script_calling_an_unregistered_function_names_the_script_line(files):
    bpmn = files / "workflows" / "award_dossier.bpmn"
    _edit(bpmn, "route_dossier(", "route_dosier(")
    result = _check(files)
    assert result.exit_code == 1
    line = _line_of(bpmn, 'id="route"')
    assert f"award_dossier.bpmn dòng {line}: phần tử 'route': gọi hàm chưa đăng ký: route_dosier" in result.output


def test_a_broken_rules_file_is_named(files):
    _edit(files / "workflows" / "rules" / "catalogue.yaml", "versions:", "versions:\n  - khong_hop_le")
    result = _check(files)
    assert result.exit_code == 1 and "catalogue.yaml" in result.output


def test_a_cluster_vote_award_not_in_the_catalogue_is_named(files):
    _edit(files / "workflows" / "rules" / "emulation.yaml", "merit: BK_TINH", "merit: BK_KHONG_CO")
    result = _check(files)
    assert result.exit_code == 1 and "'cluster_vote.awards': không có loại khen thưởng 'BK_KHONG_CO'" in result.output


def test_a_broken_form_names_its_line(files):
    form = files / "forms" / "appraise.json"
    _edit(form, '"type": "object"', '"type": "object",,')
    result = _check(files)
    assert result.exit_code == 1
    assert f"appraise.json dòng {_line_of(form, ',,')}:" in result.output


def test_a_hook_naming_a_task_no_process_has_names_the_python_line(files, monkeypatch):
    def hook(ctx, task, data):  # noqa: ANN001, ANN202 - a stand-in registered for this test only
        return None

    monkeypatch.setitem(hooks._before_complete, ("level_review", "tham_dinh"), hook)
    result = _check(files)
    assert result.exit_code == 1
    line = hook.__code__.co_firstlineno
    assert f"test_check.py dòng {line}: móc before_complete của (level_review, tham_dinh)" in result.output


def test_a_hook_keyed_by_the_calling_process_never_runs_and_is_named(files, monkeypatch):
    def hook(ctx, task, data):  # noqa: ANN001, ANN202 - a stand-in registered for this test only
        return None

    monkeypatch.setitem(hooks._before_complete, ("award_dossier", "appraise"), hook)  # appraise is level_review's
    result = _check(files)
    assert result.exit_code == 1
    assert "móc before_complete của (award_dossier, appraise): quy trình 'award_dossier' không có" in result.output


def test_a_task_marked_hook_required_without_its_hook_names_the_task_line(files, monkeypatch):
    monkeypatch.delitem(hooks._before_complete, ("council_vote", "close_vote"))
    result = _check(files)
    assert result.exit_code == 1
    line = _line_of(files / "workflows" / "council_vote.bpmn", '<bpmn:userTask id="close_vote"')
    assert f"council_vote.bpmn dòng {line}:" in result.output
    assert "hook: required" in result.output


def test_docs_processes_md_is_what_the_code_says(tmp_path):
    settings = Settings.from_env({}, instance_dir=tmp_path, secret_key="docs")
    report = check_installation(settings)
    assert report.ok, report.faults
    assert PROCESS_DOCS.read_text(encoding="utf-8") == render(report, settings.workflows_dir), \
        "docs/processes.md is stale: run `khenthuong check --markdown`"


def test_markdown_writes_the_catalogue(files):
    output = files / "processes.md"
    result = _check(files, "--markdown", "--output", str(output))
    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    assert "| `appraise` | Thẩm định hồ sơ | `office` | `appraise.json` | `reviewing_unit` |" in text
    assert ("`open_session` | Mở phiên họp Hội đồng | `join_round_sitting`, `open_council_session`, `session_voters`"
            in text)
