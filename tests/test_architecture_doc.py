"""docs/architecture.md matches the code: every module and folder it names exists, and every package of the
engine is on the page."""

from __future__ import annotations

import re

from tests.helpers import REPO

DOC = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")


def test_every_path_the_page_names_exists() -> None:
    named = set(re.findall(r"`((?:linter|rules|tests|docs)/[\w/<>.-]*)`", DOC))
    assert named, "the page names no module"
    missing = [path for path in sorted(named) if "<" not in path and not (REPO / path).exists()]
    assert not missing, missing


def test_every_package_is_on_the_page() -> None:
    packages = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "linter").iterdir()
                      if p.is_dir() and (p / "__init__.py").exists())
    absent = [package for package in packages if f"`{package}/" not in DOC]
    assert not absent, absent
