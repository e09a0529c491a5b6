"""The award domain's reads and permission questions (the `queries` room), testable without HTTP
and used alike by operations, other domains, the API, the pages and their templates:

- access: who may see and change a dossier or a decision (`can_see`, `can_change`, `can_see_decision`)
  and the SQL filters mirroring them;
- catalogue: the rules in force, the award types with their version;
- dossiers: the dossiers a caller may see, one with its open tasks and decisions, its attachments,
  audit trail and diagram;
- decisions: decisions, their nominations and documents under a name that says whose they are;
- receipts: the receipt and appointment slip of each level that found a dossier complete.
"""
from engine.operations.award.queries.access import (
    can_change,
    can_see,
    can_see_decision,
    changeable_dossier,
    drafts_waiting,
    load_dossier,
    open_nominations,
    proposer_units,
    reviewing_ancestors,
    role_units,
    visible_decisions,
    visible_dossier,
    visible_dossiers,
)
from engine.operations.award.queries.catalogue import (
    AwardTypeInForce,
    award_names,
    award_types_in_force,
    award_types_on,
    layered_rules,
    rules_of,
    rules_on,
)
from engine.operations.award.queries.decisions import (
    certificates_file,
    decision_document,
    decision_file,
    decision_file_name,
    decision_nominations,
    decision_pdf_file,
    get_decision,
    issued_decisions_by_issuer,
    list_decisions,
)
from engine.operations.award.queries.dossiers import (
    Diagram,
    DossierDetail,
    any_dossier,
    attachment_file,
    detail_of,
    dossier_audit,
    dossier_decisions,
    dossier_detail,
    dossier_diagram,
    get_dossier,
    list_dossiers,
    missing_before_submission,
    missing_documents,
    open_attachment,
    open_tasks,
)
from engine.operations.award.queries.receipts import Receipt, dossier_receipts, receipt_file

__all__ = [
    "Receipt",
    "dossier_receipts",
    "receipt_file",
    "any_dossier", "attachment_file", "award_names", "award_types_in_force", "award_types_on", "AwardTypeInForce",
    "can_change", "can_see", "can_see_decision", "certificates_file", "changeable_dossier", "decision_document",
    "decision_file",
    "decision_file_name", "decision_pdf_file", "decision_nominations", "detail_of", "Diagram", "dossier_audit",
    "dossier_decisions", "dossier_detail", "dossier_diagram", "DossierDetail", "get_decision", "get_dossier",
    "issued_decisions_by_issuer", "list_decisions", "list_dossiers", "load_dossier", "missing_before_submission",
    "missing_documents", "open_attachment", "open_nominations", "open_tasks", "drafts_waiting", "proposer_units",
    "reviewing_ancestors",
    "layered_rules", "role_units", "rules_of", "rules_on", "visible_decisions", "visible_dossier", "visible_dossiers",
]
