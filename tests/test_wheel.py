"""The wheel built from this checkout installs into a clean virtual environment and works from anywhere.

This builds the wheel (no build isolation: hatchling comes from the test environment), inspects it, creates
a fresh venv without system site-packages, installs the wheel there (pip fetches the runtime dependencies,
reusing its cache) and runs the installed console script from an unrelated directory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from linter import __version__

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
FINDING_LINE = re.compile(r"^\S.*:\d+:\d+: (error|warning|note) PAL\d{3} .+\n    help: .+$", re.MULTILINE)


def _env() -> dict[str, str]:
    """The environment without anything that would let the checkout leak into the installed venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _run(args: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=_env())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                   str(REPO)], cwd=out, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    wheels = sorted(out.glob("palette_lint-*.whl"))
    assert len(wheels) == 1, list(out.iterdir())
    return wheels[0]


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("venv") / "v"
    created = _run([sys.executable, "-m", "venv", str(root)], cwd=root.parent, timeout=180)
    assert created.returncode == 0, created.stdout + created.stderr
    config = (root / "pyvenv.cfg").read_text(encoding="utf-8")
    assert "include-system-site-packages = false" in config
    installed = _run([str(root / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], cwd=root.parent,
                     timeout=600)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return root


def test_wheel_contents(wheel: Path) -> None:
    assert wheel.name == f"palette_lint-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    top_level = {name.split("/", 1)[0] for name in names if not name.split("/", 1)[0].endswith(".dist-info")}
    assert top_level == {"linter"}, f"the wheel must install one import package, found {sorted(top_level)}"
    rules = {name for name in names if re.fullmatch(r"linter/rules/[^/]+\.py", name)}
    schemas = {name for name in names if re.fullmatch(r"linter/schemas/[^/]+\.json", name)}
    expected_rules = {f"linter/rules/{p.name}" for p in (REPO / "rules").glob("*.py")}
    expected_schemas = {f"linter/schemas/{p.name}" for p in (REPO / "schemas").glob("*.json")}
    assert expected_rules and rules == expected_rules
    assert "linter/schemas/config.json" in schemas and schemas == expected_schemas
    assert "linter/__main__.py" in names and "linter/cli.py" in names
    assert not any(name.startswith(("tests/", "bench/", "examples/")) for name in names)
    with zipfile.ZipFile(wheel) as archive:
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "palette-lint = linter.cli:main" in archive.read(entry_points).decode("utf-8")


def test_installed_wheel_lints_the_examples(venv: Path, tmp_path: Path) -> None:
    assert EXAMPLES.is_dir(), f"{EXAMPLES} is missing: the example tree this test lints must be in the checkout"
    elsewhere = tmp_path / "unrelated-cwd"
    elsewhere.mkdir()
    result = _run([str(venv / "bin" / "palette-lint"), "check", str(EXAMPLES)], cwd=elsewhere)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stdout + result.stderr
    assert FINDING_LINE.search(result.stdout), result.stdout
    assert re.search(r"^Found \d+ problems? ", result.stdout, re.MULTILINE), result.stdout


def test_installed_package_is_the_wheel_not_the_checkout(venv: Path, tmp_path: Path) -> None:
    code = ("import linter, linter.resources as r; print(linter.__file__); print(r.rules_dir()); "
            "print(r.schemas_dir())")
    result = _run([str(venv / "bin" / "python"), "-c", code], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    package, rules, schemas = result.stdout.splitlines()
    site = str(venv.resolve())
    for location in (package, rules, schemas):
        assert Path(location).resolve().as_posix().startswith(site), location
    assert Path(rules).name == "rules" and Path(schemas).name == "schemas"


def test_installed_entry_points_report_the_version(venv: Path, tmp_path: Path) -> None:
    expected = f"palette-lint, version {__version__}"
    script = _run([str(venv / "bin" / "palette-lint"), "--version"], cwd=tmp_path)
    module = _run([str(venv / "bin" / "python"), "-m", "linter", "--version"], cwd=tmp_path)
    assert script.returncode == 0 and script.stdout.strip() == expected, script.stdout + script.stderr
    assert module.returncode == 0 and module.stdout.strip() == expected, module.stdout + module.stderr


def test_installed_rule_catalogue_matches_the_checkout(venv: Path, tmp_path: Path) -> None:
    installed = _run([str(venv / "bin" / "palette-lint"), "rules"], cwd=tmp_path)
    here = _run([sys.executable, "-m", "linter", "rules"], cwd=REPO)
    assert installed.returncode == here.returncode == 0, installed.stderr + here.stderr
    assert installed.stdout == here.stdout
    doc = _run([str(venv / "bin" / "palette-lint"), "rule", "PAL001"], cwd=tmp_path)
    assert doc.returncode == 0 and "## What it does" in doc.stdout


def test_installed_schema_command_prints_the_bundled_schemas(venv: Path, tmp_path: Path) -> None:
    for name in ("os-layer", "user-data", "profile", "config"):
        printed = _run([str(venv / "bin" / "palette-lint"), "schema", name], cwd=tmp_path)
        assert printed.returncode == 0, printed.stderr
        assert printed.stdout == (REPO / "schemas" / f"{name}.json").read_text(encoding="utf-8")
