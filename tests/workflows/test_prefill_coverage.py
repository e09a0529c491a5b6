"""Every user task of every product process is met by the path tests, and each time its pre-filled
data, posted back with only the required fields filled in, passed its form (tests/workflows/journey.py)."""
from __future__ import annotations

import pytest

from tests.workflows.journey import PREFILLS_CHECKED

PATH_TESTS = {"tests.workflows.test_award_paths", "tests.workflows.test_council", "tests.workflows.test_complaints",
              "tests.workflows.test_state_award", "tests.workflows.test_cluster_vote",
              "tests.workflows.test_round_sitting", "tests.workflows.test_review_round_process"}


@pytest.mark.after_path_tests
def test_every_user_task_met_by_the_path_tests_had_its_prefill_posted_back(request, parsed_definitions):
    collected = {item.module.__name__ for item in request.session.items if item.module is not None}
    if not PATH_TESTS <= collected:
        pytest.skip("checks what the path tests met: run with them")
    product = {(info.process, info.key) for key, definition in parsed_definitions.items()
               if definition.source_file != "sample_review.bpmn" for info in definition.user_tasks.values()}
    assert product - PREFILLS_CHECKED == set()
