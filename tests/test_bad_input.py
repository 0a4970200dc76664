"""Hostile and broken input: every case ends in a finding or a one-line error with the documented exit code,
never a traceback or a hang, and the other files of the same run are still linted.

Each run also lints ``good.yaml``, which holds a known duplicate key at line 5, column 3."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from tests.sarif_validation import assert_valid_sarif

SELECT = ("--select", "PAL000,PAL001")

GOOD = """\
options:
  system.registry: registry.example.com
providerCredentials:
  user: edge
  user: admin
"""
GOOD_FINDING = "good.yaml:5:3: error PAL001 duplicate key 'user'"
PARSE_ERROR = "error PAL000"


def lint(cwd: Path, *args: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "linter", "check", *SELECT, *args], cwd=cwd,
                            capture_output=True, text=True, timeout=timeout)
    elapsed = time.monotonic() - started
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout
    assert "internal error" not in result.stderr, result.stderr
    return result, elapsed


def lint_sarif(cwd: Path, *args: str) -> dict:
    result, _elapsed = lint(cwd, "--format", "sarif", *args)
    log = json.loads(result.stdout)
    assert_valid_sarif(log)
    return log


@pytest.fixture()
def work(tmp_path: Path) -> Path:
    (tmp_path / "good.yaml").write_text(GOOD, encoding="utf-8")
    return tmp_path


def _bomb(directory: Path) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    (directory / "bomb.yaml").write_text("providerCredentials:\n  user: x\n" + "\n".join(lines) + "\n",
                                         encoding="utf-8")
    return "bomb.yaml"


def _recursive(directory: Path) -> str:
    (directory / "recursive.yaml").write_text("providerCredentials: &a\n  user: *a\n", encoding="utf-8")
    return "recursive.yaml"


def _huge(directory: Path) -> str:
    path = directory / "huge.yaml"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("providerCredentials:\n  user: edge\n")
        line = "# " + "x" * 1021 + "\n"
        for _ in range(10 * 1024):
            handle.write(line)
    assert path.stat().st_size > 10 * 1024 * 1024
    return "huge.yaml"


def _deep_flow(directory: Path) -> str:
    (directory / "deep-flow.yaml").write_text("providerCredentials: " + "[" * 5000 + "]" * 5000 + "\n",
                                              encoding="utf-8")
    return "deep-flow.yaml"


def _deep_block_mappings(directory: Path) -> str:
    # 2,500 levels, one more space each: about 3 MB, under the size limit so the parser really sees it.
    text = "providerCredentials:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(2500))
    (directory / "deep-block.yaml").write_text(text, encoding="utf-8")
    return "deep-block.yaml"


def _deep_block_sequences(directory: Path) -> str:
    (directory / "deep-seq.yaml").write_text("providerCredentials:\n" + "- " * 5000 + "x\n", encoding="utf-8")
    return "deep-seq.yaml"


def _tabs(directory: Path) -> str:
    (directory / "tabs.yaml").write_text("providerCredentials:\n\tuser: edge\n", encoding="utf-8")
    return "tabs.yaml"


def _non_utf8(directory: Path) -> str:
    (directory / "latin1.yaml").write_bytes("providerCredentials:\n  user: \u00e9t\u00e9\n".encode("latin-1"))
    return "latin1.yaml"


def _binary(directory: Path) -> str:
    (directory / "binary.yaml").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00providerCredentials\x00")
    return "binary.yaml"


def _fifo(directory: Path) -> str:
    os.mkfifo(directory / "pipe.yaml")
    return "pipe.yaml"


def _dangling_symlink(directory: Path) -> str:
    os.symlink(directory / "gone.yaml", directory / "dangling.yaml")
    return "dangling.yaml"


def _permission_denied(directory: Path) -> str:
    path = directory / "locked.yaml"
    path.write_text("providerCredentials:\n  user: edge\n", encoding="utf-8")
    path.chmod(0)
    if os.access(path, os.R_OK):  # running as root: chmod does not stop us; use a dangling symlink instead
        path.chmod(0o644)
        path.unlink()
        os.symlink(directory / "locked-target-missing.yaml", path)
    return "locked.yaml"


# (name, make the file, expected text in its PAL000 message, expected line:col or None)
BROKEN: list[tuple[str, Callable[[Path], str], str, str | None]] = [
    ("yaml-bomb", _bomb, "billion laughs", None),
    ("recursive-alias", _recursive, "recursive YAML alias", "1:22"),
    ("ten-megabytes", _huge, "over the 4,194,304-byte limit", "1:1"),
    ("deep-flow-sequences", _deep_flow, "nesting deeper than", "1:"),
    ("deep-block-mappings", _deep_block_mappings, "nesting deeper than", None),
    ("deep-block-sequences", _deep_block_sequences, "nesting deeper than", "2:"),
    ("tab-indentation", _tabs, "tab character in indentation", "2:1"),
    ("not-utf8", _non_utf8, "not UTF-8 text: invalid byte at line 2, column 9", "2:9"),
    ("binary", _binary, "binary file", "1:1"),
    ("fifo", _fifo, "cannot read the file: not a regular file", "1:1"),
    ("dangling-symlink", _dangling_symlink, "cannot read the file", "1:1"),
    ("unreadable", _permission_denied, "cannot read the file", "1:1"),
]


@pytest.mark.parametrize("make, message, where", [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_file_named_explicitly_is_a_parse_error(work: Path, make: Callable[[Path], str], message: str,
                                                       where: str | None) -> None:
    name = make(work)
    result, elapsed = lint(work, name, "good.yaml", timeout=30)
    assert elapsed < 10, f"took {elapsed:.1f}s"
    assert result.returncode == 1, result.stdout + result.stderr
    assert GOOD_FINDING in result.stdout, "the other file must still be linted"
    lines = result.stdout.splitlines()
    mine = [f"{line}\n{lines[n + 1] if n + 1 < len(lines) else ''}" for n, line in enumerate(lines)
            if line.startswith(name + ":")]  # a finding's first line and its help line
    assert len(mine) == 1, result.stdout
    assert PARSE_ERROR in mine[0] and message in mine[0], mine[0]
    if where is not None:
        assert mine[0].startswith(f"{name}:{where}"), mine[0]
    assert result.stderr == ""
    if make is not _fifo:  # a FIFO can be opened only once without a writer; the text run covered it
        log = lint_sarif(work, name, "good.yaml")
        ids = sorted(r["ruleId"] for r in log["runs"][0]["results"])
        assert ids == ["PAL000", "PAL001"]


def test_yaml_bomb_is_refused_quickly(work: Path) -> None:
    name = _bomb(work)
    result, elapsed = lint(work, name, "good.yaml", timeout=30)
    assert elapsed < 5, f"the alias bomb took {elapsed:.1f}s"
    assert "palette-lint refuses to expand them" in result.stdout
    assert GOOD_FINDING in result.stdout


@pytest.mark.parametrize("content", [b"", b"   \n\n    \n", b"\n"], ids=["empty", "whitespace", "newline"])
def test_empty_files_are_skipped_with_a_warning(work: Path, content: bytes) -> None:
    (work / "empty.yaml").write_bytes(content)
    result, _elapsed = lint(work, "empty.yaml", "good.yaml")
    assert result.returncode == 1
    assert GOOD_FINDING in result.stdout
    assert "palette-lint: warning: empty.yaml: not a Palette profile" in result.stderr
    assert "PAL000" not in result.stdout
    walked, _elapsed = lint(work, ".")
    assert walked.returncode == 1
    assert "empty.yaml" not in walked.stdout, "a walked empty file is skipped silently"
    assert GOOD_FINDING in walked.stdout


def test_walked_binary_and_oversized_files_are_findings_never_skipped_in_silence(work: Path) -> None:
    _binary(work)
    _huge(work)
    _fifo(work)  # not a regular file: a walk does not take it as a file to lint
    (work / "photo.yaml").write_bytes(bytes(range(256)) * 4)
    (work / "utf16.yaml").write_bytes(b"\xff\xfe" + "providerCredentials:\n  user: edge\n  user: admin\n".encode("utf-16-le"))
    result, elapsed = lint(work, ".", timeout=30)
    assert elapsed < 10
    assert result.returncode == 1
    assert GOOD_FINDING in result.stdout
    assert "binary.yaml:1:1: error PAL000 binary file: not YAML or JSON text" in result.stdout
    assert "huge.yaml:1:1: error PAL000 file is 10,485,794 bytes, over the 4,194,304-byte limit" in result.stdout
    assert "photo.yaml:1:1: error PAL000 binary file" in result.stdout
    assert "utf16.yaml:3:3: error PAL001 duplicate key 'user'" in result.stdout, "UTF-16 with a BOM is read"
    assert "pipe.yaml" not in result.stdout + result.stderr
    assert "in 5 files." in result.stdout


def test_walked_file_that_looks_like_palette_config_is_reported(work: Path) -> None:
    _non_utf8(work)
    _tabs(work)
    result, _elapsed = lint(work, ".")
    assert result.returncode == 1
    assert "latin1.yaml:2:9: error PAL000" in result.stdout
    assert "tabs.yaml:2:1: error PAL000" in result.stdout
    assert GOOD_FINDING in result.stdout


def test_crlf_line_endings_keep_positions(work: Path) -> None:
    (work / "crlf.yaml").write_bytes(
        b"options:\r\n  system.registry: r.example.com\r\nproviderCredentials:\r\n"
        b"  password: {{.spectro.macro.X}}\r\n  user: a\r\n  user: b\r\n")
    (work / "crlf-profile.yaml").write_bytes(
        b"packs:\r\n  - name: edge-native-byoi\r\n    layer: os\r\n    values: |\r\n      options:\r\n"
        b"        system.registry: r.example.com\r\n      providerCredentials:\r\n        user: a\r\n"
        b"        user: b\r\n")
    result, _elapsed = lint(work, "crlf.yaml", "crlf-profile.yaml", "good.yaml")
    assert result.returncode == 1
    assert "crlf.yaml:4:13: error PAL000 unquoted macro is read as a nested mapping" \
        in result.stdout
    assert "crlf.yaml:6:3: error PAL001 duplicate key 'user' (first defined at line 5)" in result.stdout
    assert "crlf-profile.yaml:9:9: error PAL001 duplicate key 'user' (first defined at line 8)" in result.stdout
    assert GOOD_FINDING in result.stdout
    log = lint_sarif(work, "crlf.yaml", "crlf-profile.yaml")
    regions = {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"]):
               r["locations"][0]["physicalLocation"]["region"] for r in log["runs"][0]["results"]}
    assert regions[("crlf.yaml", "PAL001")] == {"startLine": 6, "startColumn": 3, "endLine": 6, "endColumn": 7}
    assert regions[("crlf-profile.yaml", "PAL001")] == {"startLine": 9, "startColumn": 9, "endLine": 9,
                                                        "endColumn": 13}


def test_byte_order_mark_does_not_shift_columns(work: Path) -> None:
    (work / "bom.yaml").write_bytes(b"\xef\xbb\xbfproviderCredentials: {{.spectro.macro.X}}\n")
    (work / "bom-dup.yaml").write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    (work / "bom.json").write_bytes(b'\xef\xbb\xbf{"providerCredentials": {"user": "a", "user": "b"}}\n')
    result, _elapsed = lint(work, "bom.yaml", "bom-dup.yaml", "bom.json", "good.yaml")
    assert result.returncode == 1
    assert "bom.yaml:1:22: error PAL000 unquoted macro is read as a nested mapping" \
        in result.stdout
    assert "bom-dup.yaml:5:3: error PAL001" in result.stdout
    assert "bom.json:1:39: error PAL001 duplicate key 'user'" in result.stdout
    assert GOOD_FINDING in result.stdout


def test_cloud_config_user_data_with_bom_is_still_user_data(work: Path) -> None:
    (work / "user-data").write_bytes(b"\xef\xbb\xbf#cloud-config\nstylus:\n  site:\n    name: a\n    name: b\n")
    result, _elapsed = lint(work, "user-data", "good.yaml")
    assert result.returncode == 1
    assert "user-data:5:5: error PAL001" in result.stdout
    assert "not a Palette" not in result.stdout


def test_unreadable_directory(work: Path) -> None:
    locked = work / "locked"
    locked.mkdir()
    (locked / "inner.yaml").write_text(GOOD, encoding="utf-8")
    locked.chmod(0)
    try:
        readable_anyway = os.access(locked, os.R_OK)  # root reads it anyway
        result, _elapsed = lint(work, "locked", "good.yaml")
    finally:
        locked.chmod(0o755)
    if readable_anyway:
        assert result.returncode == 1 and GOOD_FINDING in result.stdout, result.stdout + result.stderr
        return
    assert result.returncode == 2, result.stdout + result.stderr
    assert GOOD_FINDING in result.stdout, "the other paths must still be linted"
    assert result.stderr.splitlines() == ["palette-lint: error: locked: cannot read directory: permission denied"]


def test_missing_directory_exits_2_with_one_line_and_no_report(work: Path) -> None:
    result, _elapsed = lint(work, "no/such/dir", "good.yaml")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["palette-lint: error: no/such/dir: no such file or directory"]


def test_many_broken_files_in_one_run(work: Path) -> None:
    names = [make(work) for _name, make, _message, _where in BROKEN]
    result, elapsed = lint(work, *names, "good.yaml", timeout=60)
    assert elapsed < 20
    assert result.returncode == 1
    assert GOOD_FINDING in result.stdout
    for name in names:
        assert any(line.startswith(f"{name}:") and PARSE_ERROR in line for line in result.stdout.splitlines()), name


def _symlink_loop(directory: Path) -> str:
    os.symlink("loop.yaml", directory / "loop.yaml")
    return "loop.yaml"


def test_symlink_loop_named_first_is_a_parse_error(work: Path) -> None:
    # Named first, the loop is also where the configuration search starts: that must not crash either.
    name = _symlink_loop(work)
    result, _elapsed = lint(work, name, "good.yaml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "loop.yaml:1:1: error PAL000 cannot read the file: too many levels of symbolic links" in result.stdout
    assert GOOD_FINDING in result.stdout
    walked, _elapsed = lint(work, ".")
    assert walked.returncode == 1 and "loop.yaml" not in walked.stdout


def test_file_name_that_is_not_utf8(work: Path) -> None:
    bad_name = os.fsdecode(b"\xff-profile.yaml")
    (work / bad_name).write_text(GOOD, encoding="utf-8")
    for args in ((".",), (bad_name, "good.yaml")):
        result, _elapsed = lint(work, *args)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "\\xff-profile.yaml:5:3: error PAL001" in result.stdout
        assert GOOD_FINDING in result.stdout
    log = lint_sarif(work, ".")
    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"])
    assert len(uris) == 2 and "good.yaml" in uris
    missing, _elapsed = lint(work, os.fsdecode(b"\xfe-missing.yaml"), "good.yaml")
    assert missing.returncode == 2
    assert missing.stdout == ""
    assert "palette-lint: error: \\xfe-missing.yaml: no such file or directory" in missing.stderr


def test_skip_unknown_skips_only_files_that_were_read(work: Path) -> None:
    """pre-commit names every staged file; --skip-unknown skips those read and found not Palette's, never one
    that could not be read or decoded."""
    _binary(work)
    (work / "workflow.yaml").write_text("name: ci\non: push\n", encoding="utf-8")
    result, _elapsed = lint(work, "--skip-unknown", "binary.yaml", "workflow.yaml", "good.yaml")
    assert result.returncode == 1
    assert "binary.yaml:1:1: error PAL000 binary file" in result.stdout
    assert "workflow" not in result.stdout + result.stderr
