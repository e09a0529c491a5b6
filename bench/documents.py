"""The long documents of a round (issue 13): how long each takes to render at 50, 200, 600 and 1,000 rows.

Documents, each built from realistic rows and rendered by calling its `render_*` function directly:
- `decision`: a round's decision with its annex (danh sách kèm theo), one award type, one name in ten with
  a Ghi chú (a lower form given), as `round_decision._render` builds it;
- `submission`: the round's tờ trình to the level above, its names in two award types (60/40);
- `state_submission`: the province's tờ trình to the centre, its landscape annex;
- `cluster_submission`: a cluster's tờ trình, its units in two award types;
- `minutes`: the sitting's biên bản họp (the tally, one row per nomination);
- `counting`: the sitting's biên bản kiểm phiếu (passed / not passed per award type).

Each figure is the median of `--repeat` renders: CPU ms of the rendering process per document, and per row
(the rendering is pure CPU in one process, and CPU time moves far less than wall time on a shared machine),
with the wall time beside it. With `--baseline DIR`
(a checkout of the code to compare with, e.g. `git worktree add /tmp/base main`) every size is rendered
by the baseline and by this tree, alternately, in child processes of the same run (only `engine` is taken
from DIR); the two outputs are compared: every table's cell texts row by row, and `word/document.xml`
byte for byte. `--pdf` also times the
LibreOffice conversion of the 600-row decision (`engine.documents.pdf.docx_to_pdf`, as `decision_pdf` does).

`python -m bench.documents [--sizes 50,200,600,1000] [--repeat 3] [--baseline DIR] [--tree DIR] [--pdf]`

The module only imports `engine.documents`, so that it can run as a script against another tree.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

SIZES = (50, 200, 600, 1000)
DOCUMENTS = ("decision", "submission", "state_submission", "cluster_submission", "minutes", "counting")
SURNAMES = ("Nguyễn Thị", "Trần Văn", "Lê Thị Hồng", "Phạm Minh", "Hoàng Thị Thu", "Võ Đức")
GIVEN = ("Tươi", "Đức", "Nhung", "Khang", "Hà", "Quang", "Lan", "Phúc")
SCHOOLS = ("Trường THCS Bình Minh", "Trường Tiểu học Bình Minh A", "Trường Mầm non Hoa Sen", "Trạm Y tế xã")
SIGNED = date(2026, 12, 15)


def _name(i: int) -> str:
    return f"{'Bà' if i % 2 else 'Ông'} {SURNAMES[i % len(SURNAMES)]} {GIVEN[i % len(GIVEN)]} {i:04d}"


def _position(i: int) -> str:
    return f"{'Giáo viên' if i % 3 else 'Tổ trưởng chuyên môn'}, {SCHOOLS[i % len(SCHOOLS)]}"


def _decision(rows: int) -> Callable[[], bytes]:
    from engine.documents import Awardee, AwardGroup, DecisionDocument, render_decision

    awardees = [Awardee(_name(i), _position(i) if i % 17 else None, None,
                        note="Đề nghị: Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" if i % 10 == 0 else None)
                for i in range(1, rows + 1)]
    doc = DecisionDocument(
        governing_body=None, issuer="ỦY BAN NHÂN DÂN XÃ BÌNH MINH", issuer_short="UBND", number=7, year=2026,
        place="Bình Minh", signed_on=SIGNED, summary="Về việc tặng Giấy khen (Đợt xét tổng kết năm 2026)",
        authority="CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ BÌNH MINH",
        legal_bases=["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"],
        proposal="Xét đề nghị của Thủ trưởng các cơ quan, đơn vị có tên trong danh sách kèm theo.",
        groups=[AwardGroup("Giấy khen của Chủ tịch Ủy ban nhân dân xã", awardees,
                           phrase="Tặng Giấy khen của Chủ tịch Ủy ban nhân dân xã")],
        reward_note="Kèm theo Giấy khen là tiền thưởng theo quy định hiện hành.",
        executors="Quyết định này có hiệu lực kể từ ngày ký.", signer_capacity=None, signer_title="CHỦ TỊCH",
        signer_name="Phạm Văn Hùng", recipients=["Các đơn vị có tên trong danh sách kèm theo;", "Lưu: VT, TĐKT."],
        annexed=True, signer_body="Chủ tịch Ủy ban nhân dân xã Bình Minh")
    return lambda: render_decision(doc)


def _submission(rows: int) -> Callable[[], bytes]:
    from engine.documents.submission import SubmissionDocument, SubmittedGroup, SubmittedName, render_submission

    names = [SubmittedName(_name(i), _position(i), SCHOOLS[i % len(SCHOOLS)]) for i in range(1, rows + 1)]
    cut = rows * 3 // 5
    doc = SubmissionDocument(
        governing_body=None, issuer="ỦY BAN NHÂN DÂN XÃ BÌNH MINH", issuer_short="UBND",
        issuer_name="Ủy ban nhân dân xã Bình Minh", place="Bình Minh", signed_on=SIGNED,
        round_title="Đợt xét tổng kết năm 2026", addressee="Chủ tịch Ủy ban nhân dân tỉnh Đồng Nai",
        bases=["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"],
        groups=[SubmittedGroup("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", names[:cut]),
                SubmittedGroup("Danh hiệu Chiến sĩ thi đua cấp tỉnh", names[cut:])],
        attached=["Biên bản họp Hội đồng Thi đua - Khen thưởng", "Danh sách đề nghị khen thưởng"],
        signer_title="Chủ tịch", signer_name="Phạm Văn Hùng")
    return lambda: render_submission(doc)


def _state_submission(rows: int) -> Callable[[], bytes]:
    from engine.documents.state_submission import StateSubmissionDocument, SubmissionLine, render_state_submission

    lines = [SubmissionLine(_name(i), i % 9 == 0, "Giáo viên", SCHOOLS[i % len(SCHOOLS)],
                            "Bằng khen của Thủ tướng Chính phủ",
                            "Có thành tích xuất sắc trong phong trào thi đua từ năm 2022 đến năm 2026")
              for i in range(1, rows + 1)]
    doc = StateSubmissionDocument(
        issuer="Ủy ban nhân dân tỉnh Đồng Nai", number="88/TTr-UBND", place="Đồng Nai", signed_on=SIGNED,
        addressee="Thủ tướng Chính phủ", via="(qua Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương))",
        legal_bases=["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"],
        proposal="Ủy ban nhân dân tỉnh kính đề nghị:", awards=[("Bằng khen của Thủ tướng Chính phủ", rows, 0)],
        lines=lines, signer_capacity="TM. ỦY BAN NHÂN DÂN", signer_title="CHỦ TỊCH", signer_name="Võ Tấn Đức",
        recipients=["Lưu: VT, TĐKT."])
    return lambda: render_state_submission(doc)


def _cluster_submission(rows: int) -> Callable[[], bytes]:
    from engine.documents.cluster_proposal import (
        ClusterSubmissionDocument,
        ProposedGroup,
        ProposedUnit,
        render_cluster_submission,
    )

    units = [ProposedUnit(f"Ủy ban nhân dân xã Bình Minh {i:04d}", "Dẫn đầu Cụm thi đua năm 2026")
             for i in range(1, rows + 1)]
    cut = rows // 2
    doc = ClusterSubmissionDocument(
        issuer="Ủy ban nhân dân xã Bình Minh", issuer_short="UBND", place="Bình Minh", signed_on=SIGNED,
        summary="Về việc đề nghị tặng Cờ thi đua và Bằng khen năm 2026", authority="Chủ tịch Ủy ban nhân dân tỉnh",
        legal_bases=["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"], reasons=[],
        opening="Ủy ban nhân dân xã Bình Minh kính đề nghị xem xét:",
        groups=[ProposedGroup("tặng Cờ thi đua của Ủy ban nhân dân tỉnh năm 2026", units[:cut]),
                ProposedGroup("tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", units[cut:])],
        attached="Biên bản họp suy tôn kèm theo.", signer_capacity=None, signer_title="CHỦ TỊCH",
        signer_name="Phạm Văn Hùng", recipients=["Như trên;", "Lưu: VT."])
    return lambda: render_cluster_submission(doc)


def _minutes(rows: int) -> Callable[[], bytes]:
    from engine.documents import MinutesDocument, MinutesItem, MinutesMember, render_minutes

    members = [MinutesMember(f"Thành viên {m:02d}", "Chủ tịch Hội đồng" if m == 1 else "Ủy viên", m <= 13,
                             written_vote=m == 14) for m in range(1, 16)]
    items = [MinutesItem(_name(i), "Chiến sĩ thi đua cấp tỉnh", True, 12 - i % 4, i % 4, 1, 15,
                         f"{(12 - i % 4) * 100 / 15:.2f}%".replace(".", ","), "Từ 2/3 tổng số thành viên trở lên",
                         i % 4 < 2, []) for i in range(1, rows + 1)]
    doc = MinutesDocument(
        governing_body="ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", council="HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", number=None,
        place="Đồng Nai", held_on=SIGNED, started_at="08 giờ 00 phút", location="Hội trường tỉnh",
        chair="Thành viên 01", secretary="Thành viên 02", members=members, present=13, written_votes=1,
        total_members=15, quorum_text="Phiên họp đủ điều kiện tiến hành.",
        recusal_policy="Thành viên được đề nghị không biểu quyết cho mình.", items=items,
        conclusion="Hội đồng thống nhất đề nghị.", closed_at="11 giờ 30 phút")
    return lambda: render_minutes(doc)


def _counting(rows: int) -> Callable[[], bytes]:
    from engine.documents.counting import CountedAward, CountedName, CountingDocument, render_counting

    names = [CountedName(f"{_name(i)}, {_position(i)}", 12 - i % 4, 15,
                         f"{(12 - i % 4) * 100 / 15:.2f}%".replace(".", ",")) for i in range(1, rows + 1)]
    passed = [n for n in names if n.yes >= 10]
    failed = [n for n in names if n.yes < 10]
    doc = CountingDocument(
        governing_body="ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", council="HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", place="Đồng Nai",
        held_on=SIGNED, started_at="10 giờ 15 phút", location="Hội trường tỉnh",
        board=[("Thành viên 03", "Trưởng ban"), ("Thành viên 04", "Thành viên")], total_members=15, present=13,
        written_votes=1, awards=[CountedAward("Chiến sĩ thi đua cấp tỉnh", "Từ 2/3 tổng số thành viên trở lên",
                                              passed, failed, "Đề nghị Chủ tịch Ủy ban nhân dân tỉnh tặng.")])
    return lambda: render_counting(doc)


BUILDERS: dict[str, Callable[[int], Callable[[], bytes]]] = {
    "decision": _decision, "submission": _submission, "state_submission": _state_submission,
    "cluster_submission": _cluster_submission, "minutes": _minutes, "counting": _counting}


def digests(data: bytes) -> dict[str, str]:
    """`xml`: the digest of word/document.xml; `cells`: of every table's cell texts, row by row (what the
    list says, whatever the layout around it)."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml")
    rows = ["\t".join("".join(t.text or "" for t in tc.iter(f"{w}t")) for tc in tr.iter(f"{w}tc"))
            for tr in etree.fromstring(xml).iter(f"{w}tr")]
    return {"xml": hashlib.sha256(xml).hexdigest()[:16],
            "cells": hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]}


def measure(rows: int, repeat: int, documents: tuple[str, ...]) -> dict[str, Any]:
    """In this process: each document rendered `repeat` times (after one warm-up), median CPU and wall ms."""
    out: dict[str, Any] = {}
    for name in documents:
        render = BUILDERS[name](rows)
        data = render()  # warm-up: imports, the template
        cpu, wall = [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            data = render()
            cpu.append((time.process_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
        out[name] = {"ms": statistics.median(cpu), "wall": statistics.median(wall), **digests(data),
                     "bytes": len(data)}
    return out


def _child(tree: Path, rows: int, repeat: int, documents: tuple[str, ...]) -> dict[str, Any]:
    """Run `measure` in a child process whose `engine` comes from `tree`."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(  # noqa: S603 - this interpreter on this file
        [sys.executable, "-c", "import runpy, sys; sys.argv[0] = sys.argv[1]; del sys.argv[1]; "
         "runpy.run_path(sys.argv[0], run_name='__main__')", str(Path(__file__).resolve()),
         "--worker", "--sizes", str(rows), "--repeat", str(repeat), "--documents", ",".join(documents)],
        env=env, capture_output=True, text=True, check=True, cwd=tree)  # `-c`: bench/ (its http.py) not on the path
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if Path(result["engine"]) != tree:
        raise SystemExit(f"the child took engine from {result['engine']}, not {tree}")
    return result


def _pdf_seconds(rows: int) -> float:
    from engine.documents.pdf import docx_to_pdf

    data = _decision(rows)()
    start = time.perf_counter()
    docx_to_pdf(data)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--documents", default=",".join(DOCUMENTS))
    parser.add_argument("--baseline", type=Path, help="a checkout of the code to compare with, same run")
    parser.add_argument("--tree", type=Path, help="the code measured (default: this checkout)")
    parser.add_argument("--pdf", action="store_true", help="also time LibreOffice's PDF of the 600-row decision")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    documents = tuple(args.documents.split(","))
    if args.worker:
        import engine

        results: dict[str, Any] = {str(rows): measure(rows, args.repeat, documents) for rows in sizes}
        print(json.dumps({**results, "engine": str(Path(engine.__file__).resolve().parent.parent)}))
        return
    here = (args.tree or Path(__file__).resolve().parent.parent).resolve()
    print(f"load average {os.getloadavg()[0]:.2f}; median of {args.repeat}; CPU ms per document (per row); "
          "wall ms of this tree")
    header = "| document | rows | " + ("baseline CPU | " if args.baseline else "") + "CPU | wall | " + \
        ("× faster (CPU) | same cells | same document.xml |" if args.baseline else "")
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for rows in sizes:
        base = _child(args.baseline.resolve(), rows, args.repeat, documents)[str(rows)] if args.baseline else None
        mine = _child(here, rows, args.repeat, documents)[str(rows)]
        for name in documents:
            now = mine[name]["ms"]
            cells = [name, str(rows)]
            if base is not None:
                before = base[name]["ms"]
                cells.append(f"{before:.0f} ms ({before / rows:.2f})")
            cells += [f"{now:.0f} ms ({now / rows:.2f})", f"{mine[name]['wall']:.0f} ms"]
            if base is not None:
                cells += [f"{base[name]['ms'] / now:.1f}"] + ["yes" if base[name][key] == mine[name][key] else "no"
                                                              for key in ("cells", "xml")]
            print("| " + " | ".join(cells) + " |", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f}")
    if args.pdf:
        print(f"PDF of the 600-row decision (LibreOffice): {_pdf_seconds(600):.2f} s")


if __name__ == "__main__":
    main()
