"""External tools the suite runs (git, node, the SARIF Multitool, pre-commit, yaml-language-server,
check-jsonschema): a test may skip when one is missing on a developer's machine, but fails instead when the
environment variable ``CI`` is set (``.ci/run`` installs them all)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import NoReturn, Optional

import pytest

from tests.helpers import REPO

#: Where ``.ci/run`` installs the SARIF Multitool (npm, into a local prefix).
MULTITOOL_PREFIX = REPO / ".tools" / "sarif-multitool"


def missing(what: str, how: str) -> NoReturn:
    """Skip the calling test, or fail it under CI."""
    message = f"{what} is not available ({how})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must provide it")
    pytest.skip(message)


def node() -> str:
    found = shutil.which("node")
    if found is None:
        missing("node", "install Node.js")
        raise AssertionError("unreachable")
    return found


def sarif_multitool() -> Path:
    """The Multitool binary: ``$SARIF_MULTITOOL``, or the package installed under .tools/ by .ci/run."""
    given = os.environ.get("SARIF_MULTITOOL")
    if given:
        return Path(given)
    binary: Optional[Path] = None
    if MULTITOOL_PREFIX.is_dir() and shutil.which("node"):
        found = subprocess.run([node(), "-p", "require('@microsoft/sarif-multitool')"], cwd=MULTITOOL_PREFIX,
                               capture_output=True, text=True, timeout=60)
        candidate = Path(found.stdout.strip()) if found.returncode == 0 else None
        binary = candidate if candidate is not None and candidate.is_file() else None
    if binary is None:
        missing("the SARIF Multitool", "run: npm install --prefix .tools/sarif-multitool @microsoft/sarif-multitool")
        raise AssertionError("unreachable")
    return binary
