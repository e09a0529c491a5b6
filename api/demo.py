"""Demo dossiers at several stages, so a newcomer sees the product working at once (`make run`).

Everything goes through engine/operations as the demo users, one transaction per action, exactly
as requests would. Seeding happens once: nothing is done when any dossier already exists.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.clock import Clock
from engine.config import Settings
from engine.context import Context
from engine.models import Awardee, AwardeeKind, TaskGrade, Unit
from engine.operations import tasks
from engine.operations.award import commands as dossiers
from engine.operations.award.inputs import check_dossier
from engine.operations.award.queries import any_dossier, load_dossier
from engine.operations.directory import user_named
from engine.operations.emulation import cluster_vote
from engine.operations.emulation import commands as emulation
from engine.operations.emulation import inputs as emulation_inputs
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

    def act(self, username: str, dossier_id: int | None, key: str,
            data: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
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
        self.emulation_year()
        return 7

    def emulation_year(self) -> None:
        """The year before the dossiers: the province's plan with its tasks, a movement answering the
        national one and a commune's movement answering it, the communes' and the school's
        registrations, the cluster of the three communes with its scoring sheet half filled and its vote
        (suy tôn) open, and the yearly grades of people in the registry."""
        year = self.clock.now().year
        units = self._as("quantri", lambda ctx: {u.code: u.id for u in ctx.session.scalars(select(Unit))})
        province, communes = units["HBX"], [units["HBX-X01"], units["HBX-X02"], units["HBX-X03"]]
        read = emulation_inputs
        plan = self._as("tinh.vanphong", lambda ctx: emulation.record_plan(ctx, read.read_plan({
            "unit": province, "year": year, "title": f"Kế hoạch công tác thi đua, khen thưởng năm {year}",
            "document_number": "15/KH-UBND", "document_date": f"20/01/{year}",
            "registration_due_on": f"31/03/{year}"})).id)
        for owner, title, due, done in (
                (communes[0], "Gửi bản đăng ký thi đua của tập thể, cá nhân", f"31/03/{year}", f"25/03/{year}"),
                (communes[1], "Báo cáo sơ kết phong trào thi đua 6 tháng", f"15/06/{year}", None),
                (communes[2], "Báo cáo tổng kết công tác thi đua, khen thưởng năm", f"15/12/{year}", None)):
            def task(ctx: Context, owner: int = owner, title: str = title, due: str = due,
                     done: str | None = done) -> None:
                added = emulation.add_task(ctx, plan, read.read_task({"title": title, "owner_unit": owner,
                                                                      "due_on": due}))
                if done is not None:
                    emulation.follow_task(ctx, added.id, read.read_follow({"done_on": done,
                                                                           "note": "Đã gửi đúng hạn."}))
            self._as("tinh.vanphong", task)
        movement = self._as("tinh.vanphong", lambda ctx: emulation.launch_movement(ctx, read.read_movement({
            "unit": province, "kind": "thematic", "theme": "Hòa Bình Xanh chung sức xây dựng nông thôn mới",
            "content": "Hưởng ứng phong trào \"Cả nước chung sức xây dựng nông thôn mới\" của Thủ tướng Chính "
                       "phủ: các xã đạt chuẩn nông thôn mới nâng cao.",
            "criteria": "Đạt 19/19 tiêu chí; thu nhập bình quân đầu người tăng; không có hộ nghèo phát sinh.",
            "starts_on": f"01/01/{year}", "ends_on": f"31/12/{year}"})).id)
        self._as("xa1.vanphong", lambda ctx: emulation.launch_movement(ctx, read.read_movement({
            "unit": communes[0], "kind": "period", "theme": "Bình Minh về đích nông thôn mới nâng cao",
            "starts_on": f"01/03/{year}", "ends_on": f"30/11/{year}", "parent": movement})))
        for office, commune in zip(("xa1.vanphong", "xa2.vanphong", "xa3.vanphong"), communes, strict=True):
            self._as(office, lambda ctx, commune=commune: emulation.respond(ctx, movement, read.read_response({
                "unit": commune, "commitment": "Đăng ký đạt chuẩn nông thôn mới nâng cao trong năm."})))
        registrations = {
            communes[0]: [("collective", "UBND xã Bình Minh", None, "TTLDXS"),
                          ("individual", "Nguyễn Văn Phúc", "Công chức Văn phòng - Thống kê", "CSTD_CS")],
            communes[1]: [("collective", "UBND xã Hòa An", None, "TTLDTT"),
                          ("individual", "Lê Thị Xuân", "Công chức Văn phòng - Thống kê", "CSTD_CS")],
            communes[2]: [("collective", "UBND xã Tân Tiến", None, "TTLDTT")],
            units["HBX-X01-THCS"]: [("individual", "Trần Văn Đức", "Giáo viên Vật lý", "LDTT"),
                                    ("individual", "Lê Thị Hồng Nhung", "Nhân viên kế toán", "LDTT"),
                                    ("individual", "Nguyễn Thị Lụa", "Giáo viên Địa lí", "CSTD_TINH")]}
        for unit, lines in registrations.items():
            self._as("tinh.vanphong", lambda ctx, unit=unit, lines=lines: emulation.register(
                ctx, read.read_registrations({"unit": unit, "year": year, "registrations": [
                    {"kind": kind, "name": name, "position": position, "award_type": code, "movement": movement}
                    for kind, name, position, code in lines]})))
        cluster = self._as("tinh.vanphong", lambda ctx: emulation.set_cluster_year(ctx, read.read_cluster({
            "name": "Cụm thi đua các xã", "organiser_unit": province, "year": year, "members": communes,
            "head_unit": communes[0], "deputy_unit": communes[1], "pact_number": "01/GƯ-CTĐ",
            "pact_signed_on": f"15/02/{year}", "sheet": [
                {"code": "A1", "group": "Phát triển kinh tế", "title": "Thu ngân sách đạt, vượt dự toán",
                 "max_points": 30, "evidence_required": True},
                {"code": "B1", "group": "Văn hóa - xã hội", "title": "Tiêu chí nông thôn mới nâng cao",
                 "max_points": 40, "evidence_required": True},
                {"code": "C1", "group": "Điểm cộng", "title": "Mô hình hay được nhân rộng", "max_points": 5,
                 "kind": "bonus"},
                {"code": "D1", "group": "Điểm trừ", "title": "Vi phạm giao ước thi đua", "max_points": 10,
                 "kind": "penalty"}]})).id)
        for office, commune, points in (("xa1.vanphong", communes[0], (28, 36, 3)),
                                        ("xa2.vanphong", communes[1], (27, 38, 0))):
            self._as(office, lambda ctx, commune=commune, points=points: emulation.self_score(
                ctx, cluster, commune, read.read_scores({"unit": commune, "scores": [
                    {"criterion": code, "points": value, "evidence": "Báo cáo kết quả thực hiện nhiệm vụ năm."}
                    for code, value in zip(("A1", "B1", "C1"), points, strict=True)]})[1]))
        self._as("xa1.vanphong", lambda ctx: emulation.adjust_score(ctx, cluster, read.read_adjust({
            "unit": communes[1], "criterion": "B1", "points": 34,
            "reason": "Tiêu chí môi trường chưa có quyết định công nhận."})))
        # The cluster's vote (suy tôn) on the communes scored: Hòa An has voted, Bình Minh and Tân Tiến not yet.
        self._as("xa1.chutich", lambda ctx: cluster_vote.open_vote(ctx, cluster))
        self.act("xa2.chutich", None, "cast_cluster_ballot", lambda pre: {"votes": [
            {"unit_id": v["unit_id"], "choice": "flag" if v["rank"] == 1 else "merit"} for v in pre["votes"]]})

        def grades(ctx: Context) -> None:
            people = {a.code: a.id for a in ctx.session.scalars(select(Awardee).where(Awardee.code.is_not(None)))}
            for code, grade in (("P-0001", TaskGrade.EXCELLENT), ("P-0002", TaskGrade.GOOD),
                                ("P-0003", TaskGrade.GOOD)):
                if code in people:
                    for past in (year - 2, year - 1):
                        emulation.record_grade(ctx, people[code], past, grade)
        self._as("tinh.vanphong", grades)
