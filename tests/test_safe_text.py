"""Text from the linted files cannot add lines to a report or a log: a file name or key holding a line break and
``::error``, ``::stop-commands::``, an ANSI escape or a bidirectional override is escaped in the text and JUnit
reports and on standard error, and no printed line starts a GitHub workflow command."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.helpers import palette_lint

HOSTILE_NAME = "x\n::error file=evil.yaml::pwned\n::stop-commands::tok\x1b[2J\u202e.yaml"
HOSTILE_KEY = "k\\n::error::pwned"  # a key with an escaped line break, in a double-quoted YAML key

OS_VALUES = """\
providerCredentials:
  registry: https://harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.PW}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
  "unknown\\n::warning::key\\u202e": 1
"""


def _no_command_line(output: str) -> None:
    for line in output.splitlines():
        assert not line.lstrip().startswith("::"), repr(line)
        assert "\x1b" not in line and "\u202e" not in line, repr(line)


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    (tmp_path / HOSTILE_NAME).write_text(OS_VALUES, encoding="utf-8")
    (tmp_path / "::start.yaml").write_text(OS_VALUES, encoding="utf-8")
    (tmp_path / "notes\n::error::x.yaml").write_text("team: edge\n", encoding="utf-8")  # named: a warning
    return tmp_path


def test_text_report_and_stderr_hold_no_raw_control_characters(tree: Path) -> None:
    result = palette_lint("check", "--no-cache", ".", cwd=tree)
    assert result.returncode == 1, result.stdout + result.stderr
    _no_command_line(result.stdout)
    _no_command_line(result.stderr)
    assert "x\\n::error file=evil.yaml::pwned\\n::stop-commands::tok\\x1b[2J\\u202e.yaml:1:1" not in result.stdout
    assert "x\\n::error file=evil.yaml::pwned\\n::stop-commands::tok\\x1b[2J\\u202e.yaml:2:13: error PAL108" \
        in result.stdout
    assert "./::start.yaml:2:13: error PAL108" in result.stdout
    named = palette_lint("check", "--no-cache", "notes\n::error::x.yaml", cwd=tree)
    _no_command_line(named.stderr)
    assert "palette-lint: warning: notes\\n::error::x.yaml: not a Palette" in named.stderr


def test_junit_report_holds_no_raw_control_characters(tree: Path) -> None:
    result = palette_lint("check", "--no-cache", "-f", "junit", ".", cwd=tree)
    root = ET.fromstring(result.stdout)
    texts = [value for element in root.iter() for value in (element.text or "", *element.attrib.values())]
    for text in texts:
        _no_command_line(text)
        assert "\n::" not in text
    assert any("./::start.yaml:2:13" in text for text in texts)


def test_errors_on_standard_error_are_one_line(tmp_path: Path) -> None:
    result = palette_lint("check", "missing\n::error::x", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "palette-lint: error: missing\\n::error::x: no such file or directory\n"
