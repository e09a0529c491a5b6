"""Every code the system stores or shows, each with its one Vietnamese label: `DossierStatus.DRAFT.label`.

A label is written as it reads inside a sentence ("hồ sơ đang soạn"); pages capitalise it where it
stands alone. The codes are the values stored in the database and in the audit chain: never rename one.
"""
from __future__ import annotations

import enum
from typing import Self


class Code(enum.StrEnum):
    """A code and its Vietnamese label, declared together: `DRAFT = "draft", "đang soạn"`."""

    label: str

    # `label` has a default only so that a lookup by value, `DossierStatus("draft")`, type-checks: the
    # lookup never reaches __new__, while a member declared without its label stops the import.
    def __new__(cls, value: str, label: str = "") -> Self:
        if not label:
            raise TypeError(f"the code {value!r} has no Vietnamese label")
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


# ---- the organisation ---------------------------------------------------------------------------

class Role(Code):
    PROPOSER = "proposer", "Đơn vị đề nghị"
    OFFICE = "office", "Cơ quan thường trực"
    COUNCIL = "council", "Hội đồng Thi đua - Khen thưởng"
    # Held by the chair and the secretary of the unit's council, never granted: who closes a vote.
    COUNCIL_CHAIR = "council_chair", "Chủ tịch, Thư ký Hội đồng Thi đua - Khen thưởng"
    HEAD = "head", "Thủ trưởng"
    DEPUTY = "deputy", "Cấp phó của thủ trưởng"  # acts on the head's tasks; signs "KT." for the head
    CLERK = "clerk", "Văn thư"  # numbers and dates decisions from the agency's own register
    COMPLAINT_OFFICER = "complaint_officer", "Cán bộ giải quyết khiếu nại, tố cáo"
    ADMIN = "admin", "Quản trị hệ thống"

    @classmethod
    def from_lane(cls, lane: str | None) -> Role | None:
        """A BPMN lane names a role by its key or by its Vietnamese label."""
        if lane is None:
            return None
        return next((role for role in cls if lane.strip() in (role.value, role.label)), None)


class UnitLevel(Code):
    """Levels of the administrative tree. The district level stays for dossiers opened before 2025-07-01."""

    STATE = "state", "cấp Nhà nước"
    CENTRAL = "central", "cấp trung ương"
    MINISTRY = "ministry", "cấp bộ, ngành"
    PROVINCE = "province", "cấp tỉnh"
    DEPARTMENT = "department", "cấp sở, ban, ngành"
    DISTRICT = "district", "cấp huyện"
    COMMUNE = "commune", "cấp xã"
    AGENCY = "agency", "cơ quan, đơn vị"
    ENTERPRISE = "enterprise", "doanh nghiệp"


class SessionKind(Code):
    """What a login opened: a bearer token for an API client or a browser's cookie session."""

    TOKEN = "token", "mã truy cập"
    COOKIE = "cookie", "phiên làm việc trên trình duyệt"


# ---- processes and tasks ------------------------------------------------------------------------

class MailKind(Code):
    """The kinds of e-mail a user may unsubscribe from, one by one."""

    NOTIFICATION = "notification", "thông báo về hồ sơ"
    DIGEST = "digest", "thư tổng hợp hằng ngày việc đến hạn, quá hạn"


class InstanceStatus(Code):
    RUNNING = "running", "đang chạy"
    COMPLETED = "completed", "đã kết thúc"
    CANCELLED = "cancelled", "đã dừng"


class HumanTaskState(Code):
    READY = "ready", "đang chờ xử lý"
    COMPLETED = "completed", "đã hoàn thành"
    CANCELLED = "cancelled", "đã hủy"


# ---- dossiers, nominations, decisions -----------------------------------------------------------

class DossierKind(Code):
    REGULAR = "regular", "thường xuyên"
    AD_HOC = "ad_hoc", "đột xuất"
    THEMATIC = "thematic", "chuyên đề"
    LIFETIME = "lifetime", "quá trình cống hiến"
    FOREIGN = "foreign", "đối ngoại"


class DossierStatus(Code):
    DRAFT = "draft", "đang soạn"
    SUBMITTED = "submitted", "đã nộp"
    IN_REVIEW = "in_review", "đang xét duyệt"
    SUPPLEMENT_REQUESTED = "supplement_requested", "đang được yêu cầu bổ sung"
    DECIDED = "decided", "đã có kết quả"
    WITHDRAWN = "withdrawn", "đã rút"


class NominationStatus(Code):
    PENDING = "pending", "đang xét"
    FROZEN = "frozen", "tạm dừng do khiếu nại, tố cáo"
    APPROVED = "approved", "được khen thưởng"
    REJECTED = "rejected", "không được khen thưởng"
    FORWARDED = "forwarded", "đã trình cấp trên"
    REVOKED = "revoked", "đã bị thu hồi"


class AttachmentKind(Code):
    SUBMISSION = "submission", "tờ trình"
    ACHIEVEMENT_REPORT = "achievement_report", "báo cáo thành tích"
    COUNCIL_MINUTES = "council_minutes", "biên bản họp hội đồng"
    EVIDENCE = "evidence", "tài liệu chứng minh"
    OTHER = "other", "tài liệu khác"


class DecisionStatus(Code):
    ISSUED = "issued", "đã ban hành"
    CANCELLED = "cancelled", "đã huỷ"


# ---- the registry and the catalogue -------------------------------------------------------------

class AwardeeKind(Code):
    INDIVIDUAL = "individual", "cá nhân"
    COLLECTIVE = "collective", "tập thể"
    HOUSEHOLD = "household", "hộ gia đình"  # a subject of the law (Luật TĐKT 2022 Art. 2): Gia đình văn hóa


class Subject(Code):
    """Whom an award of the catalogue may go to."""

    INDIVIDUAL = AwardeeKind.INDIVIDUAL.value, AwardeeKind.INDIVIDUAL.label
    COLLECTIVE = AwardeeKind.COLLECTIVE.value, AwardeeKind.COLLECTIVE.label
    EITHER = "either", "cá nhân hoặc tập thể"
    HOUSEHOLD = AwardeeKind.HOUSEHOLD.value, AwardeeKind.HOUSEHOLD.label

    def admits(self, nominee: AwardeeKind) -> bool:
        if self is Subject.EITHER:
            return AwardeeKind(nominee) in (AwardeeKind.INDIVIDUAL, AwardeeKind.COLLECTIVE)
        return self.value == AwardeeKind(nominee).value


class InitiativeLevel(Code):
    """The scope within which an initiative (sáng kiến) was recognised, narrowest first."""

    GRASSROOTS = "grassroots", "cấp cơ sở"
    PROVINCE = "province", "cấp tỉnh"
    NATIONAL = "national", "toàn quốc"


class BarReason(Code):
    """Why a person or collective may not be proposed for now (NĐ 98/2023 Art. 4(4)): a dated flag on the
    registry entry, set and lifted by the standing office."""

    DISCIPLINARY_REVIEW = "disciplinary_review", "đang xem xét xử lý kỷ luật"
    INVESTIGATION = "investigation", "đang bị điều tra"
    INSPECTION = "inspection", "đang thanh tra, kiểm tra"
    PETITION = "petition", "có đơn thư khiếu nại, tố cáo đang xác minh"


class Gender(Code):
    MALE = "male", "giới tính nam"
    FEMALE = "female", "giới tính nữ"


class TaskGrade(Code):
    """The yearly grade (xếp loại) of a person or a collective, best first (NĐ 98/2023 and the rules on
    assessing officials): what later criteria read as "hoàn thành xuất sắc / tốt nhiệm vụ"."""

    EXCELLENT = "excellent", "hoàn thành xuất sắc nhiệm vụ"
    GOOD = "good", "hoàn thành tốt nhiệm vụ"
    DONE = "done", "hoàn thành nhiệm vụ"
    NOT_DONE = "not_done", "không hoàn thành nhiệm vụ"


class ImportStatus(Code):
    """A history import: read and shown (with its bad rows) but not yet written, or written."""

    PREVIEWED = "previewed", "đã kiểm tra, chờ xác nhận"
    IMPORTED = "imported", "đã nhập"


class Result(Code):
    """The result of one automatic eligibility check."""

    MET = "met", "đạt"
    NOT_MET = "not_met", "không đạt"
    UNKNOWN = "unknown", "chưa xác định được"


# ---- council sessions ---------------------------------------------------------------------------

class SessionStatus(Code):
    OPEN = "open", "đang bỏ phiếu"
    TALLIED = "tallied", "đã kiểm phiếu"


class MemberPosition(Code):
    CHAIR = "chair", "Chủ tịch Hội đồng"
    SECRETARY = "secretary", "Thư ký Hội đồng"
    MEMBER = "member", "Ủy viên"


class VoteChoice(Code):
    YES = "yes", "đồng ý"
    NO = "no", "không đồng ý"
    ABSTAIN = "abstain", "không biểu quyết"


class VoteClosing(Code):
    """How a council vote ended."""

    ALL_VOTED = "all_voted", "mọi thành viên đã biểu quyết"
    CLOSED_BY_CHAIR = "closed_by_chair", "Chủ tịch Hội đồng kết thúc biểu quyết"


class RecusalBase(Code):
    """How recusal changes the denominator of a vote."""

    # Recused members still count in the total: they weigh as "not yes".
    MEMBERS = "members", "tính cả thành viên không tham gia biểu quyết"
    # The total shrinks by the recused members.
    MEMBERS_NOT_RECUSED = "members_not_recused", "không tính thành viên không tham gia biểu quyết"


# ---- review rounds ------------------------------------------------------------------------------

class RoundKind(Code):
    """What a review round (đợt xét) of a level is for."""

    ANNUAL = "annual", "tổng kết năm"
    SCHOOL_YEAR = "school_year", "tổng kết năm học"
    THEMATIC = "thematic", "tổng kết chuyên đề, phong trào thi đua"
    AD_HOC = "ad_hoc", "khen thưởng đột xuất"


class RoundStatus(Code):
    OPEN = "open", "đang mở"
    CLOSED = "closed", "đã đóng"


class LatePolicy(Code):
    """What becomes of a dossier that reaches the level after the round's cut-off date."""

    REFUSE = "refuse", "không nhận hồ sơ nộp sau hạn"
    NEXT_ROUND = "next_round", "chuyển hồ sơ nộp sau hạn sang đợt xét sau"


# ---- complaints, denunciations, revocations ------------------------------------------------------

class ComplaintKind(Code):
    COMPLAINT = "complaint", "khiếu nại"
    DENUNCIATION = "denunciation", "tố cáo"


class ComplaintStatus(Code):
    RECEIVED = "received", "chờ thụ lý"  # filed, waiting for acceptance
    REFUSED = "refused", "không thụ lý"  # not accepted (e.g. filed after the time limit)
    INVESTIGATING = "investigating", "đang xác minh"
    RESOLVED = "resolved", "đã có kết quả giải quyết"


class ComplaintOutcome(Code):
    """The finding on a complaint (the first three) or a denunciation (the last three)."""

    UPHELD = "upheld", "khiếu nại đúng"
    PARTIALLY_UPHELD = "partially_upheld", "khiếu nại đúng một phần"
    REJECTED = "rejected", "khiếu nại sai"
    FOUNDED = "founded", "tố cáo đúng"
    PARTIALLY_FOUNDED = "partially_founded", "tố cáo đúng một phần"
    UNFOUNDED = "unfounded", "tố cáo sai"

    @property
    def upholds(self) -> bool:
        """Whether the finding holds the complaint or denunciation right, wholly or in part."""
        return self in (ComplaintOutcome.UPHELD, ComplaintOutcome.PARTIALLY_UPHELD,
                        ComplaintOutcome.FOUNDED, ComplaintOutcome.PARTIALLY_FOUNDED)


# A complaint is resolved at the first instance, then possibly at the second (an int column).
COMPLAINT_INSTANCE = {1: "giải quyết lần đầu", 2: "giải quyết lần hai"}


class RevocationGround(Code):
    """The four grounds for cancelling an award, in the words of Luật Thi đua, khen thưởng 2022,
    Art. 93(2), points a to d (in that order)."""

    FALSE_DECLARATION = ("false_declaration", "Có hành vi gian dối trong việc kê khai công trạng, thành tích để được "
                         "tặng danh hiệu thi đua, hình thức khen thưởng")
    FORGED_DOCUMENTS = ("forged_documents", "Cung cấp thông tin sai sự thật hoặc làm giả hồ sơ, giấy tờ để đề nghị "
                        "tặng danh hiệu thi đua, hình thức khen thưởng")
    WRONG_PROCEDURE = ("wrong_procedure", "Thẩm định, xét, duyệt, đề nghị danh hiệu thi đua, hình thức khen thưởng "
                       "trái quy định của pháp luật")
    CRITERIA_NOT_MET = ("criteria_not_met",
                        "Có kết luận, quyết định, bản án của cơ quan có thẩm quyền về việc người đã được tặng danh "
                        "hiệu thi đua, hình thức khen thưởng có vi phạm, khuyết điểm dẫn đến không bảo đảm tiêu "
                        "chuẩn xét tặng trong khoảng thời gian tính thành tích")


class RevocationStatus(Code):
    PREPARING = "preparing", "đang lập hồ sơ hủy bỏ"
    REJECTED = "rejected", "không hủy bỏ"  # the head decided not to revoke
    RECOVERING = "recovering", "đã hủy bỏ, đang thu hồi hiện vật và tiền thưởng"  # revoked; recovery to come
    CLOSED = "closed", "đã thu hồi xong"  # recovery confirmed


# ---- periodic reports up the tree ---------------------------------------------------------------

class ReportKind(Code):
    """A unit's periodic report of its emulation and commendation work (sơ kết, tổng kết)."""

    MID_YEAR = "mid_year", "báo cáo sơ kết 6 tháng đầu năm"
    YEAR_END = "year_end", "báo cáo tổng kết năm"


class ReportStatus(Code):
    DRAFTING = "drafting", "đang soạn"
    SUBMITTED = "submitted", "đã gửi cấp trên"


# ---- the audit trail ----------------------------------------------------------------------------

# ---- the emulation year -------------------------------------------------------------------------

class MovementKind(Code):
    """The kinds of emulation movement (phong trào thi đua) the annual plans launch (Luật TĐKT 2022 Art. 8)."""

    REGULAR = "regular", "thi đua thường xuyên"
    PERIOD = "period", "thi đua theo đợt"
    THEMATIC = "thematic", "thi đua theo chuyên đề"


class ClusterKind(Code):
    """An emulation cluster (units alike by place) or block (units alike by function)."""

    CLUSTER = "cluster", "cụm thi đua"
    BLOCK = "block", "khối thi đua"


class ClusterVoteStatus(Code):
    """Where a cluster's vote (suy tôn) stands."""

    OPEN = "open", "đang bỏ phiếu"
    TALLIED = "tallied", "đã kiểm phiếu"


class ClusterVoteChoice(Code):
    """What a member's ballot says of one ranked unit: which award the cluster should propose it for."""

    FLAG = "flag", "đề nghị tặng Cờ thi đua"
    MERIT = "merit", "đề nghị tặng Bằng khen"
    NONE = "none", "không đề nghị"

class ExemplarKind(Code):
    ADVANCED = "advanced", "điển hình tiên tiến"
    GOOD_DEED = "good_deed", "người tốt, việc tốt"


class FundEntryKind(Code):
    BUDGET = "budget", "dự toán ngân sách giao"
    INCOME = "income", "nguồn thu khác"
    RECOVERED = "recovered", "tiền thưởng thu hồi"  # booked by a revocation's confirmed recovery


class AuditAction(Code):
    """What an audit event records. The value is hashed into the chain: never rename one."""

    # the organisation chart and the registry
    UNIT_CREATED = "unit_created", "thêm đơn vị"
    UNIT_UPDATED = "unit_updated", "sửa thông tin đơn vị"
    USER_CREATED = "user_created", "thêm người dùng"
    USER_UPDATED = "user_updated", "sửa thông tin người dùng"
    ROLE_GRANTED = "role_granted", "giao vai trò"
    ROLE_REVOKED = "role_revoked", "thu hồi vai trò"
    COUNCIL_CREATED = "council_created", "lập Hội đồng Thi đua - Khen thưởng"
    COUNCIL_UPDATED = "council_updated", "sửa thành phần Hội đồng Thi đua - Khen thưởng"
    AWARDEE_CREATED = "awardee_created", "thêm đối tượng vào sổ theo dõi khen thưởng"
    AWARDEE_UPDATED = "awardee_updated", "sửa đối tượng trong sổ theo dõi khen thưởng"
    AWARDEE_BARRED = "awardee_barred", "ghi trường hợp chưa được đề nghị khen thưởng"
    AWARDEE_BAR_LIFTED = "awardee_bar_lifted", "bỏ ghi trường hợp chưa được đề nghị khen thưởng"
    AWARD_RECORDED = "award_recorded", "ghi khen thưởng vào sổ theo dõi"
    AWARD_UPDATED = "award_updated", "sửa khen thưởng trong sổ theo dõi"
    INITIATIVE_RECORDED = "initiative_recorded", "ghi sáng kiến vào sổ theo dõi"
    INITIATIVE_UPDATED = "initiative_updated", "sửa sáng kiến trong sổ theo dõi"
    INITIATIVE_USED = "initiative_used", "dùng sáng kiến cho đề nghị khen thưởng"
    REGISTRY_DECISION_RECORDED = "registry_decision_recorded", "ghi quyết định khen thưởng vào sổ theo dõi"
    HISTORY_IMPORTED = "history_imported", "nhập lịch sử khen thưởng từ tệp Excel"
    AWARDEES_MERGED = "awardees_merged", "gộp hai hồ sơ trùng trong sổ theo dõi"
    AWARDEES_UNMERGED = "awardees_unmerged", "hoàn tác gộp hồ sơ trùng trong sổ theo dõi"
    MEMBERSHIP_RECORDED = "membership_recorded", "ghi quá trình công tác tại đơn vị"
    USER_DEACTIVATED = "user_deactivated", "khoá tài khoản người dùng"
    USER_ACTIVATED = "user_activated", "mở lại tài khoản người dùng"
    PASSWORD_RESET = "password_reset", "đặt lại mật khẩu (phải đổi khi đăng nhập)"
    PASSWORD_CHANGED = "password_changed", "đổi mật khẩu"
    COUNCIL_CHANGE_RECORDED = "council_change_recorded", "kiện toàn Hội đồng Thi đua - Khen thưởng"
    COUNCIL_CHANGE_APPLIED = "council_change_applied", "áp dụng kiện toàn Hội đồng Thi đua - Khen thưởng"
    MAIL_UNSUBSCRIBED = "mail_unsubscribed", "hủy nhận thư điện tử"
    MAIL_SUBSCRIBED = "mail_subscribed", "nhận lại thư điện tử"
    DIGEST_SENT = "digest_sent", "gửi thư tổng hợp việc đến hạn, quá hạn"
    # sessions
    USER_LOGGED_IN = "user_logged_in", "đăng nhập"
    USER_LOGGED_OUT = "user_logged_out", "đăng xuất"
    SESSIONS_REVOKED = "sessions_revoked", "chấm dứt mọi phiên đăng nhập"
    # processes and tasks
    PROCESS_STARTED = "process_started", "bắt đầu quy trình"
    PROCESS_COMPLETED = "process_completed", "kết thúc quy trình"
    PROCESS_CANCELLED = "process_cancelled", "dừng quy trình"
    PROCESS_REPAIRED = "process_repaired", "gộp các phiếu đã bỏ mà quy trình chưa ghi nhận, quy trình chạy tiếp"
    MESSAGE_RECEIVED = "message_received", "quy trình nhận được thông báo"
    TIMER_FIRED = "timer_fired", "đến hạn theo lịch của quy trình"
    TASK_CLAIMED = "task_claimed", "nhận xử lý nhiệm vụ"
    TASK_UNCLAIMED = "task_unclaimed", "trả lại nhiệm vụ"
    TASK_COMPLETED = "task_completed", "hoàn thành nhiệm vụ"
    # dossiers and nominations
    DOSSIER_CREATED = "dossier_created", "lập hồ sơ"
    DOSSIER_UPDATED = "dossier_updated", "sửa hồ sơ"
    ATTACHMENT_ADDED = "attachment_added", "đính kèm tài liệu"
    ATTACHMENT_REMOVED = "attachment_removed", "gỡ bỏ tài liệu đính kèm"
    DOSSIER_SUBMITTED = "dossier_submitted", "nộp hồ sơ"
    DOSSIER_WITHDRAWN = "dossier_withdrawn", "rút hồ sơ"
    DOSSIER_ROUTED = "dossier_routed", "chuyển hồ sơ đến đơn vị xét duyệt"
    DOSSIER_RECEIVED = "dossier_received", "tiếp nhận hồ sơ"
    DOSSIER_SUPPLEMENT_REQUESTED = "dossier_supplement_requested", "yêu cầu bổ sung hồ sơ"
    DOSSIER_SUPPLEMENT_OVERDUE = "dossier_supplement_overdue", "quá hạn bổ sung hồ sơ"
    DOSSIER_SUPPLEMENTED = "dossier_supplemented", "đã bổ sung hồ sơ"
    DOSSIER_RETURNED = "dossier_returned", "trả lại hồ sơ"
    DOSSIER_ESCALATED = "dossier_escalated", "quá hạn thẩm định: đã báo thủ trưởng"
    DOSSIER_PUBLISHED = "dossier_published", "công khai danh sách đề nghị khen thưởng"
    DOSSIER_DECIDED = "dossier_decided", "hồ sơ đã có kết quả; đơn vị đề nghị được thông báo"
    NOMINATION_APPROVED = "nomination_approved", "quyết định khen thưởng"
    NOMINATION_REJECTED = "nomination_rejected", "không khen thưởng"
    NOMINATION_FORWARDED = "nomination_forwarded", "trình cấp trên"
    NOMINATION_LOWERED = "nomination_lowered", "khen thưởng hình thức thấp hơn đề nghị"
    STATE_DECISION_RECORDED = "state_decision_recorded", "ghi quyết định khen thưởng của cấp trên ngoài hệ thống"
    STATE_AWARD_STARTED = "state_award_started", "bắt đầu theo dõi trình khen thưởng cấp Nhà nước"
    STATE_AWARD_STEP_RECORDED = "state_award_step_recorded", "ghi nhận một bước trình khen thưởng cấp Nhà nước"
    STATE_AWARD_STEP_OVERDUE = "state_award_step_overdue", "quá hạn một bước trình khen thưởng cấp Nhà nước"
    NOMINATION_FROZEN = "nomination_frozen", "tạm dừng xét đề nghị do khiếu nại, tố cáo"
    NOMINATION_RELEASED = "nomination_released", "hết tạm dừng xét đề nghị"
    DECISION_ISSUED = "decision_issued", "ban hành quyết định khen thưởng"
    # council sessions
    COUNCIL_SESSION_OPENED = "council_session_opened", "mở phiên họp Hội đồng Thi đua - Khen thưởng"
    BALLOT_CAST = "ballot_cast", "bỏ phiếu"
    COUNCIL_VOTE_CLOSED = "council_vote_closed", "kết thúc biểu quyết"
    COUNCIL_SESSION_TALLIED = "council_session_tallied", "kiểm phiếu"
    COUNCIL_SITTING_OPENED = "council_sitting_opened", "mở phiên họp Hội đồng của đợt xét"
    COUNCIL_SITTING_CLOSED = "council_sitting_closed", "kết thúc phiên họp Hội đồng của đợt xét"
    COUNCIL_SESSION_MEMBERS_SET = ("council_session_members_set",
                                   "thành phần Hội đồng của hồ sơ theo phiên họp của đợt xét")
    # review rounds
    ROUND_CREATED = "round_created", "mở đợt xét khen thưởng"
    ROUND_CLOSED = "round_closed", "đóng đợt xét khen thưởng"
    ROUND_JOINED = "round_joined", "đưa hồ sơ vào đợt xét khen thưởng"
    ROUND_WAITING = "round_waiting", "hồ sơ nộp sau hạn chờ đợt xét sau"
    ROUND_DECIDED = "round_decided", "thủ trưởng quyết định đợt xét khen thưởng"
    ROUND_INTAKE_CLOSED = "round_intake_closed", "kết thúc nhận hồ sơ của đợt xét khen thưởng"
    ROUND_SUBMITTED = "round_submitted", "trình cấp trên các đề nghị của đợt xét (tờ trình)"
    # complaints, denunciations, revocations
    COMPLAINT_FILED = "complaint_filed", "gửi đơn khiếu nại, tố cáo"
    COMPLAINT_ESCALATED = "complaint_escalated", "khiếu nại lần hai"
    DENUNCIATION_RENEWED = "denunciation_renewed", "tố cáo tiếp lên cấp trên"
    COMPLAINT_DOCUMENT_ADDED = "complaint_document_added", "đính kèm tài liệu vào đơn"
    COMPLAINT_ACCEPTANCE_OVERDUE = "complaint_acceptance_overdue", "quá hạn thụ lý đơn"
    DENUNCIATION_ACCEPTANCE_EXTENDED = "denunciation_acceptance_extended", "gia hạn thời hạn xử lý ban đầu tố cáo"
    COMPLAINT_ACCEPTED = "complaint_accepted", "thụ lý đơn"
    COMPLAINT_REFUSED = "complaint_refused", "không thụ lý đơn"
    COMPLAINT_OVERDUE = "complaint_overdue", "quá hạn giải quyết đơn"
    COMPLAINT_EXTENDED = "complaint_extended", "gia hạn giải quyết đơn"
    COMPLAINT_RESOLVED = "complaint_resolved", "có kết quả giải quyết đơn"
    REVOCATION_STARTED = "revocation_started", "lập hồ sơ hủy bỏ khen thưởng"
    AWARDS_REVOKED = "awards_revoked", "ban hành quyết định hủy bỏ khen thưởng"
    REVOCATION_RECOVERED = "revocation_recovered", "đã thu hồi hiện vật và tiền thưởng"
    REVOCATION_REJECTED = "revocation_rejected", "không hủy bỏ khen thưởng"
    # the emulation year: plans, movements, registrations, clusters, grades
    PLAN_RECORDED = "plan_recorded", "ghi kế hoạch thi đua năm"
    PLAN_FILE_ATTACHED = "plan_file_attached", "đính kèm văn bản kế hoạch thi đua"
    PLAN_TASK_ADDED = "plan_task_added", "giao nhiệm vụ của kế hoạch thi đua"
    PLAN_TASK_FOLLOWED = "plan_task_followed", "cập nhật tiến độ nhiệm vụ của kế hoạch thi đua"
    MOVEMENT_LAUNCHED = "movement_launched", "phát động phong trào thi đua"
    MOVEMENT_JOINED = "movement_joined", "đăng ký tham gia phong trào thi đua"
    MOVEMENT_REPORTED = "movement_reported", "báo cáo kết quả phong trào thi đua"
    MOVEMENT_NOMINATION_LINKED = "movement_nomination_linked", "gắn đề nghị khen thưởng với phong trào thi đua"
    REGISTRATIONS_RECORDED = "registrations_recorded", "đăng ký danh hiệu thi đua"
    CLUSTER_YEAR_SET = "cluster_year_set", "lập cụm, khối thi đua của năm"
    CLUSTER_SELF_SCORED = "cluster_self_scored", "tự chấm điểm thi đua của cụm, khối"
    CLUSTER_SCORE_ADJUSTED = "cluster_score_adjusted", "trưởng cụm, khối điều chỉnh điểm thi đua"
    CLUSTER_VOTE_OPENED = "cluster_vote_opened", "mở bỏ phiếu suy tôn của cụm, khối"
    CLUSTER_BALLOT_CAST = "cluster_ballot_cast", "đơn vị thành viên bỏ phiếu suy tôn"
    CLUSTER_VOTE_CLOSED = "cluster_vote_closed", "trưởng cụm, khối kết thúc bỏ phiếu suy tôn"
    CLUSTER_VOTE_TALLIED = "cluster_vote_tallied", "kiểm phiếu suy tôn của cụm, khối"
    CLUSTER_PROPOSAL_CREATED = "cluster_proposal_created", "lập hồ sơ đề nghị khen thưởng theo kết quả suy tôn"
    GRADE_RECORDED = "grade_recorded", "ghi xếp loại hằng năm"
    # the public pages and the reward fund
    DISCLOSURE_COMMENTED = "disclosure_commented", "nhận ý kiến của người dân về danh sách công khai"
    EXEMPLAR_CREATED = "exemplar_created", "thêm điển hình tiên tiến, người tốt việc tốt"
    EXEMPLAR_UPDATED = "exemplar_updated", "sửa điển hình tiên tiến, người tốt việc tốt"
    FUND_ENTRY_ADDED = "fund_entry_added", "ghi nguồn quỹ thi đua, khen thưởng"
    FUND_PAYOUTS_CREATED = "fund_payouts_created", "lập danh sách chi tiền thưởng theo quyết định"
    FUND_PAYOUT_PAID = "fund_payout_paid", "chi tiền thưởng"
    # periodic reports up the tree
    REPORT_STARTED = "report_started", "lập báo cáo sơ kết, tổng kết"
    REPORT_EDITED = "report_edited", "hoàn thiện báo cáo sơ kết, tổng kết"
    REPORT_RETURNED = "report_returned", "trả lại báo cáo để sửa"
    REPORT_SUBMITTED = "report_submitted", "gửi báo cáo sơ kết, tổng kết lên cấp trên"
    REPORT_DEADLINE_SET = "report_deadline_set", "đặt hạn gửi báo cáo sơ kết, tổng kết cho cấp dưới"
    REPORT_OVERDUE = "report_overdue", "báo cáo sơ kết, tổng kết quá hạn gửi"
