import pytest

from tests.workflows.journey import Journey, build_tree


@pytest.fixture
def tree(session, settings):
    return build_tree(session, settings)


@pytest.fixture
def journey(ctx, tree):
    return Journey(ctx, tree)
