import pytest

from tests.workflows.journey import Journey, build_tree


@pytest.fixture
def tree(session, settings):
    return build_tree(session, settings)


@pytest.fixture
def journey(ctx, tree, next_step):
    """Runs each test twice: warm (one process throughout) and cold (a new process for every step)."""
    return Journey(ctx, tree, next_step)


@pytest.fixture
def one_process_journey(ctx, tree):
    """For tests about something else than where the steps run (documents, child processes): one process."""
    return Journey(ctx, tree)
