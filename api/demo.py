"""Demo dossiers at several stages, so a newcomer sees the product working at once (`make run`).

Everything goes through engine/operations as the demo users, one transaction per action, exactly
as requests would. Seeding happens once: nothing is done when any dossier already exists.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from engine.clock import Clock
from engine.config import Settings
from engine.context import Context
from engine.models import AwardeeKind
from engine.operations import tasks
from engine.operations.award import commands as dossiers
from engine.operations.award.inputs import check_dossier
from engine.operations.award.queries import any_dossier, load_dossier
from engine.operations.directory import user_named
from engine.operations.hooks import prefilled
from engine.runtime import Runtime

# A minimal well-formed PDF: the demo's stand-in for scanned submissions and reports.
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


class DemoSeeder:
    def __init__(self, session_factory: sessionmaker[Session], settings: Settings, runtime: Runtime,
                 clock: Clock) -> None:
        self.session_factory, self.settings, self.runtime, self.clock = session_factory, settings, runtime, clock

    def _as(self, username: str, action: Callable[[Context], Any]) -> Any:
        with self.session_factory() as session:
            user = user_named(session, username)
            assert user is not None, username
            ctx = Context(session, self.settings, self.clock, self.runtime, user, "demo-seed")
            result = action(ctx)
            session.commit()
            return result

    def dossier(self, username: str, title: str, nominations: list[tuple[str, str, str]], submit: bool = True) -> int:
        """nominations: (award_type, nominee name, position); every document attached as a PDF."""
        payload = {"title": title, "year": self.clock.now().year, "kind": "regular", "nominations": [
            {"award_type": code,
             "nominee": {"kind": AwardeeKind.INDIVIDUAL.value, "full_name": name, "position": position},
             "achievements": "Hoàn thành xuất sắc nhiệm vụ năm học, có sáng kiến được công nhận cấp cơ sở."}
            for code, name, position in nominations]}
        dossier_id: int = self._as(username,
                                   lambda ctx: dossiers.create_dossier(ctx, check_dossier(ctx, payload)).id)

        def attach(ctx: Context) -> None:
            dossiers.add_attachment(ctx, dossier_id, io.BytesIO(DEMO_PDF), "to-trinh.pdf", "submission")
            dossiers.add_attachment(ctx, dossier_id, io.BytesIO(DEMO_PDF), "bien-ban-hoi-dong.pdf", "council_minutes")
            for nomination in load_dossier(ctx, dossier_id).nominations:
                dossiers.add_attachment(ctx, dossier_id, io.BytesIO(DEMO_PDF), "bao-cao-thanh-tich.pdf",
                                        "achievement_report", nomination.id)
                dossiers.add_attachment(ctx, dossier_id, io.BytesIO(DEMO_PDF), "cong-nhan-sang-kien.pdf",
                                        "evidence", nomination.id)

        self._as(username, attach)
        if submit:
            self._as(username, lambda ctx: dossiers.submit_dossier(ctx, dossier_id))
        return dossier_id

    def act(self, username: str, dossier_id: int, key: str, data: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        def run(ctx: Context) -> None:
            [task] = [t for t in tasks.list_tasks(ctx, dossier_id=dossier_id).items if t.key == key]
            tasks.complete_task(ctx, task.id, data(prefilled(ctx, task)))

        self._as(username, run)

    def appraise_all(self, username: str, dossier_id: int) -> None:
        self.act(username, dossier_id, "appraise", lambda pre: {"nominations": [
            {"id": n["id"], "eligible": True, "note": "Đủ điều kiện"} for n in pre["nominations"]]})

    def decide_all(self, username: str, dossier_id: int) -> None:
        """Approve what this level may grant, forward the rest."""
        self.act(username, dossier_id, "decide", lambda pre: {"nominations": [
            {"id": n["id"], "action": "approve" if "approve" in n["allowed"] else "forward"}
            for n in pre["nominations"]]})

    def seed(self) -> int:
        with self.session_factory() as session:
            if any_dossier(Context(session, self.settings, self.clock)):
                return 0
            if user_named(session, "truong.denghi") is None:
                return 0  # the demo organisation is not loaded
        complete: Callable[[dict[str, Any]], dict[str, Any]] = lambda _pre: {"outcome": "complete"}  # noqa: E731
        self.dossier("truong.denghi", "Đề nghị tặng Giấy khen (đang soạn)",
                     [("GIAY_KHEN", "Đỗ Thị Lan", "Giáo viên Ngữ văn")], submit=False)
        self.dossier("truong.denghi", "Đề nghị khen thưởng học kỳ I năm học 2026-2027",
                     [("GIAY_KHEN", "Nguyễn Thị Tươi", "Giáo viên Toán"),
                      ("BK_TINH", "Phạm Văn An", "Hiệu trưởng")])
        at_appraisal = self.dossier("truong.denghi", "Đề nghị công nhận Lao động tiên tiến",
                                    [("LDTT", "Trần Văn Đức", "Giáo viên Vật lý"),
                                     ("LDTT", "Lê Thị Hồng Nhung", "Nhân viên kế toán")])
        self.act("xa1.vanphong", at_appraisal, "check_completeness", complete)
        forwarded = self.dossier("truong.denghi", "Đề nghị Bằng khen của Chủ tịch UBND tỉnh",
                                 [("BK_TINH", "Vũ Minh Khôi", "Tổng phụ trách Đội")])
        self.act("xa1.vanphong", forwarded, "check_completeness", complete)
        self.appraise_all("xa1.vanphong", forwarded)
        self.decide_all("xa1.chutich", forwarded)
        decided = self.dossier("truong.denghi", "Đề nghị tặng Giấy khen tổng kết năm học 2025-2026",
                               [("GIAY_KHEN", "Hoàng Thị Mai", "Giáo viên Tiếng Anh"),
                                ("GIAY_KHEN", "Ngô Văn Hải", "Giáo viên Thể dục")])
        self.act("xa1.vanphong", decided, "check_completeness", complete)
        self.appraise_all("xa1.vanphong", decided)
        self.decide_all("xa1.chutich", decided)
        supplement = self.dossier("xa2.denghi", "Đề nghị Bằng khen cho cán bộ xã Hòa An",
                                  [("BK_TINH", "Phan Thị Thu", "Công chức văn hóa - xã hội")])
        self.act("tinh.vanphong", supplement, "check_completeness", lambda _pre: {
            "outcome": "supplement", "missing": "Báo cáo thành tích chưa có xác nhận của Chủ tịch UBND xã."})
        voting = self.dossier("truong.denghi", "Đề nghị Chiến sĩ thi đua cấp tỉnh năm 2026",
                              [("CSTD_TINH", "Nguyễn Thị Lụa", "Giáo viên Địa lí")])
        self.act("xa1.vanphong", voting, "check_completeness", complete)
        self.appraise_all("xa1.vanphong", voting)
        for member in ("xa1.hd.chutich", "xa1.hd.thuky"):
            self.act(member, voting, "cast_ballot", lambda pre: {"votes": [
                {"nomination_id": v["nomination_id"], "choice": "yes"} for v in pre["votes"]]})
        return 7
