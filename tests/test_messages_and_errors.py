"""What a user reads: short findings with their help on a line of its own, errors on standard error only (one
prefix, exit 2, no report), a warning when nothing was linted, the same verdict on a configuration from `config`
and `check`, and colour and progress only on a terminal."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.every_rule import every_rule_run
from tests.helpers import REPO, palette_lint, run_paths

#: A finding's message is its first line's text: short enough that, after a short path, the line fits in about
#: 120 characters. The help and the related places carry the rest.
MAX_MESSAGE = 100
OS_LAYER = "options:\n  system.uri: registry.example.com/edge/os:v1\n"


def test_every_finding_message_is_one_short_line() -> None:
    findings = [*every_rule_run().findings, *run_paths([REPO / "examples"]).findings]
    assert len({f.rule_id for f in findings}) >= 30, "the runs must reach (nearly) every rule"
    long = [f"{f.rule_id} ({len(f.message)}): {f.message}" for f in findings
            if len(f.message) > MAX_MESSAGE or "\n" in f.message]
    assert not long, long
    assert all(f.help for f in findings if f.rule_id not in ("PAL999",)), "every finding says what to do"


def test_first_lines_of_the_examples_fit_in_120_characters(tmp_path: Path) -> None:
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    result = palette_lint("check", "--no-cache", ".", cwd=tmp_path / "examples")
    firsts = [line for line in result.stdout.splitlines() if line and not line.startswith((" ", "Found", "No "))]
    assert len(firsts) >= 7, result.stdout
    too_long = [line for line in firsts if len(line) > 120]
    assert not too_long, too_long
    assert all(next_line.startswith("    help: ") for line, next_line in
               zip(result.stdout.splitlines(), result.stdout.splitlines()[1:]) if line in firsts)


def _setup_bad_config(root: Path) -> None:
    (root / ".palette-lint.yaml").write_text("selct: [PAL1]\n", encoding="utf-8")


@pytest.mark.parametrize("args, prepare, expected", [
    (["check", "missing.yaml"], None, "palette-lint: error: missing.yaml: no such file or directory"),
    (["check", "--base-ref", "nosuchbranch", "os.yaml"], None, "palette-lint: error: --base-ref nosuchbranch:"),
    (["check", "--bogus-option"], None, "palette-lint: error: no such option '--bogus-option'"),
    (["chek"], None, "palette-lint: error: no such command 'chek'"),
    (["check", "--select", "PAL9999", "os.yaml"], None, "palette-lint: error: unknown rule selector 'PAL9999'"),
    (["check", "--format", "xml", "os.yaml"], None, "palette-lint: error: invalid value for '--format'"),
    (["check", "--new-only", "os.yaml"], None, "palette-lint: error: --new-only needs a base revision"),
    (["check", "--baseline", "nope.json", "os.yaml"], None, "palette-lint: error: cannot read the baseline"),
    (["check", "--config", "nope.yaml", "os.yaml"], None, "palette-lint: error: configuration file not found"),
    (["check", "-f", "sarif=no/such/dir/out.sarif", "os.yaml"], None, "palette-lint: error: cannot write"),
    (["check", "os.yaml"], _setup_bad_config, "palette-lint: error: .palette-lint.yaml:1:1: the configuration: "
                                              "unknown key 'selct' (did you mean 'select'?)"),
    (["rule", "PAL9999"], None, "palette-lint: error: no rule 'PAL9999'"),
])
def test_every_error_goes_to_stderr_alone_and_exits_2(tmp_path: Path, git_env: dict[str, str], args: list[str],
                                                       prepare, expected: str) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "os.yaml").write_text(OS_LAYER, encoding="utf-8")
    if prepare is not None:
        prepare(tmp_path)
    result = palette_lint(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == "", "nothing on standard output after a fatal error"
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("palette-lint: error: ") for line in lines), lines
    assert lines[0].startswith(expected), lines


def test_a_folder_with_no_palette_file_warns_and_exits_0(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "mkdocs.yml").write_text("site_name: docs\n", encoding="utf-8")
    result = palette_lint("check", "docs", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == "No problems found in 0 files.\n"
    assert result.stderr.startswith("palette-lint: warning: docs: no Palette file found here")


def test_a_file_with_a_parse_error_counts_as_linted(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("providerCredentials: [\n", encoding="utf-8")
    result = palette_lint("check", "broken.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.endswith("Found 1 problem (1 error) in 1 file.\n"), result.stdout


@pytest.mark.parametrize("name, text, message", [
    ("site.yaml", "providerCredentials:\n  password: {{.spectro.macro.PW}}-x\n",
     "unquoted value starting with '{{' is read as a nested"),
    ("site.yaml", "options:\n  system.uri: {{.spectro.macro.A}} {{.spectro.macro.B}}\n",
     "unquoted value starting with '{{' is read as a nested"),
    # a macro quoted inside a string is text: the error is elsewhere and says what it is
    ("export.json", '{"spec": {"packs": [{"values": "image: \'{{.spectro.macro.IMAGE}}\'\\n', "invalid JSON: found unexpected end"),
    ("site.yaml", "a: '{{.spectro.macro.X}}' ]\n", "invalid YAML: "),
    ("runbook.md", '```json\n{"providerCredentials": {"user": "edge",}\n```\n', "fenced block: invalid JSON: "),
])
def test_a_parse_error_names_an_unquoted_macro_only_when_there_is_one_and_json_as_json(
        tmp_path: Path, name: str, text: str, message: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = palette_lint("check", "--no-cache", "--isolated", name, cwd=tmp_path)
    first = next(line for line in result.stdout.splitlines() if " PAL000 " in line)  # a masked macro: more follow
    assert first.split(" PAL000 ", 1)[1].startswith(message), first


#: Configurations that are wrong, each with the start of the error both commands must give.
INVALID_CONFIGURATIONS = [
    ("rules:\n  PAL203: {dayz: 5}\n", ".palette-lint.yaml:2:12: rules.PAL203.dayz: unknown option for PAL203"),
    ("rules:\n  PAL203: {days: soon}\n", ".palette-lint.yaml:2:12: rules.PAL203.days: expected a whole number"),
    ("rules:\n  token-auth-registy: warning\n", ".palette-lint.yaml:2:3: rules.token-auth-registy: unknown rule"),
    ("select: [PAL1]\nselect: [PAL3]\n", ".palette-lint.yaml:2:1: select: written twice (first at line 1)"),
    ("selct: [PAL1]\n", ".palette-lint.yaml:1:1: the configuration: unknown key 'selct' (did you mean 'select'?)"),
    ("ignore: [PAL1O6]\n", ".palette-lint.yaml:1:10: ignore[0]: unknown rule selector 'PAL1O6' (did you mean"),
    ("fail-on: sometimes\n", ".palette-lint.yaml:1:10: fail-on: expected one of"),
    ("exclude: ['../x']\n", ".palette-lint.yaml:1:11: exclude[0]: a path pattern is relative to"),
    ("per-file-ignores:\n  'a/**': [PAL8]\n", ".palette-lint.yaml:2:12: per-file-ignores[\"a/**\"][0]: unknown rule selector"),
    ("rules: [PAL1]\n", ".palette-lint.yaml:1:1: rules: expected a mapping"),
]


@pytest.mark.parametrize("text, error", INVALID_CONFIGURATIONS, ids=[e.split(": ", 2)[1] for _t, e in
                                                                     INVALID_CONFIGURATIONS])
def test_config_and_check_agree_on_an_invalid_configuration(tmp_path: Path, text: str, error: str) -> None:
    (tmp_path / ".palette-lint.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "os.yaml").write_text(OS_LAYER, encoding="utf-8")
    shown = palette_lint("config", cwd=tmp_path)
    checked = palette_lint("check", "os.yaml", cwd=tmp_path)
    for result in (shown, checked):
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stdout == ""
    assert shown.stderr == checked.stderr
    assert shown.stderr.startswith(f"palette-lint: error: {error}"), shown.stderr


# ---- colour and progress: on a terminal only ------------------------------------------------------------

def _fleet(root: Path, copies: int) -> Path:
    """``copies`` copies of the example sites: enough files for a run of more than a second."""
    for number in range(copies):
        shutil.copytree(REPO / "examples", root / f"region-{number:03d}", ignore=shutil.ignore_patterns("*.md"))
    return root


def _under_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[bytes, int]:
    """Run palette-lint with standard output and error on a pseudo-terminal: all it wrote, and its exit code."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "linter", *args], cwd=cwd, stdin=subprocess.DEVNULL,
                               stdout=terminal, stderr=terminal, env={**os.environ, **env})
    os.close(terminal)
    output = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 120)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process is gone
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    return output, process.wait(timeout=60)


def test_a_terminal_gets_colour_and_progress_and_a_pipe_neither(tmp_path: Path) -> None:
    fleet = _fleet(tmp_path / "fleet", 600)
    args = ["check", "--no-cache", "--jobs", "1", "."]
    environment = {"NO_COLOR": "", "FORCE_COLOR": ""}
    shown, code = _under_a_terminal(args, fleet, environment)
    assert code == 1, shown[-2000:]
    assert b"\x1b[31merror\x1b[0m" in shown, "colour on a terminal"
    assert b"files linted" in shown, "a progress line on a terminal after a second"
    piped = subprocess.run([sys.executable, "-m", "linter", *args], cwd=fleet, capture_output=True,
                           env={**os.environ, **environment}, timeout=180)
    assert piped.returncode == 1
    assert b"\x1b[" not in piped.stdout + piped.stderr and b"files linted" not in piped.stderr
    forced = subprocess.run([sys.executable, "-m", "linter", "check", "--no-cache", "region-000"], cwd=fleet,
                            capture_output=True, env={**os.environ, "FORCE_COLOR": "1", "NO_COLOR": ""}, timeout=60)
    assert b"\x1b[31merror\x1b[0m" in forced.stdout, "FORCE_COLOR colours a CI log"
    never, _code = _under_a_terminal(["check", "--no-cache", "--color", "never", "region-000"], fleet, environment)
    assert b"\x1b[31m" not in never
    no_color, _code = _under_a_terminal(["check", "--no-cache", "region-000"], fleet, {"NO_COLOR": "1"})
    assert b"\x1b[31m" not in no_color


def test_the_skipped_change_rules_note_only_where_a_change_rule_would_apply(tmp_path: Path) -> None:
    (tmp_path / "user-data").write_text("#cloud-config\nstylus:\n  site:\n    name: store-1\n", encoding="utf-8")
    only_user_data = palette_lint("check", "user-data", cwd=tmp_path)
    assert only_user_data.returncode == 0 and "skipped" not in only_user_data.stderr, only_user_data.stderr
    (tmp_path / "os.yaml").write_text(OS_LAYER, encoding="utf-8")
    with_os_layer = palette_lint("check", ".", cwd=tmp_path)
    assert with_os_layer.stderr.count("change rules (PAL105, PAL401, PAL402) skipped") == 1, with_os_layer.stderr
    assert "skipped" not in palette_lint("check", "--quiet", ".", cwd=tmp_path).stderr


def test_a_folder_with_two_os_layers_and_user_data_says_it_is_not_one_site(tmp_path: Path) -> None:
    """Such a folder forms no cluster, so PAL101 to PAL104 cannot run there: a note says so, and how to declare
    the sites. A folder of OS layers alone (a profile library) is not one site either, and says nothing."""
    layer = ("providerCredentials:\n  registry: quay.io\n  user: acme+edge\n  password: '{{.spectro.macro.P}}'\n"
             "options:\n  system.uri: quay.io/acme/ubuntu-k3s:v1.30.4-v4.5.3\n")
    for site in ("sites/depot", "library"):
        (tmp_path / site).mkdir(parents=True)
        (tmp_path / site / "a.yaml").write_text(layer, encoding="utf-8")
        (tmp_path / site / "b.yaml").write_text(layer, encoding="utf-8")
    (tmp_path / "sites" / "depot" / "user-data").write_text("#cloud-config\nstylus:\n  site:\n    name: depot\n",
                                                            encoding="utf-8")
    result = palette_lint("check", "--no-cache", ".", cwd=tmp_path)
    notes = [line for line in result.stderr.splitlines() if "OS layers" in line]
    assert notes == ["palette-lint: note: sites/depot: 2 OS layers beside user-data in one folder, so it is not one "
                     "edge site and the rules across files did not run there; list each site's files under "
                     "clusters: in the configuration"], result.stderr
