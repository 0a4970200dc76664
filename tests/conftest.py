from __future__ import annotations

import pytest

from tests.git_repo import git_env  # noqa: F401  (a fixture every test module may use)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regenerate", action="store_true", default=False,
        help="rewrite golden outputs and the README's rule table from the current code (review the diff!)",
    )


@pytest.fixture
def regenerate(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regenerate"))
