"""The pre-check a clerk reads names awards, never by their codes."""
from __future__ import annotations

import re


def test_the_pre_check_names_awards_instead_of_codes(one_process_journey, tree):
    journey = one_process_journey
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    [item] = journey.prefill(tree.commune_office, "appraise")["nominations"]
    text = " ".join(f"{c['label']} {c['detail']}" for c in item["checks"])
    assert "Chiến sĩ thi đua cơ sở" in text
    assert not re.search(r"\b(CSTD_CS|CSTD_TINH|LDTT|BK_TINH|GIAY_KHEN)\b", text), text
    journey.all_eligible(tree.commune_office)  # the officer's answer is still checked against the same pre-check
