"""Fixes: every fixable rule has before/after fixtures (``tests/fixes/<rule-name>/<case>/before|after``, inside
embedded values too: packs lists, JSON exports, Terraform heredocs and strings), and ``check --fix`` turns each
``before/`` into its ``after/`` byte for byte; cases named ``unsafe-*`` need ``--unsafe-fixes``, and without it
change nothing. The properties every fix keeps (tests/fix_properties.py) are checked on the fixtures and on files
hypothesis generates. ``--diff`` prints what ``--fix`` would write, as a patch, and writes nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.engine.rule_loader import load_rules
from linter.resources import rules_dir
from tests.fix_properties import check_properties, fix_directory
from tests.fixture_expansion import copy_expanded
from tests.helpers import FIXED_NOW, REPO, palette_lint

FIXES = REPO / "tests" / "fixes"
CASES = sorted(path for path in FIXES.glob("*/*") if (path / "before").is_dir())
RULES = {rule.name: rule for rule in load_rules([rules_dir()])}
#: A fixed clock, and Markdown read too (some cases are fenced blocks).
NOW = ("--now", FIXED_NOW.isoformat(), "--markdown")


def _ids(case: Path) -> str:
    return f"{case.parent.name}/{case.name}"


def _files(directory: Path) -> dict[str, bytes]:
    return {path.relative_to(directory).as_posix(): path.read_bytes()
            for path in sorted(directory.rglob("*")) if path.is_file()}


def test_every_fixable_rule_has_fixtures() -> None:
    fixable = {"parse-error", "ambiguous-credential-value", "os-layer-schema", "misplaced-provider-credentials",
               "provider-image-reference", "certificate-unparseable", "plaintext-password", "malformed-macro",
               "unused-suppression"}
    assert {case.parent.name for case in CASES} == fixable
    assert all((case / "after").is_dir() for case in CASES)
    embedded = [case for case in CASES if any(p.suffix in (".json", ".tf") or "packs" in p.read_text()
                                              for p in (case / "before").iterdir())]
    assert {case.parent.name for case in embedded} >= fixable - {"unused-suppression"} - {"certificate-unparseable"}


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_fix_turns_before_into_after(case: Path, tmp_path: Path) -> None:
    work = copy_expanded(case / "before", tmp_path / "work")
    expected = _files(copy_expanded(case / "after", tmp_path / "expected"))
    rule = RULES[case.parent.name]
    unsafe = case.name.startswith("unsafe-")
    before = palette_lint("check", "--no-cache", "--isolated", *NOW, "-f", "json", ".", cwd=work)
    fired = [f for f in json.loads(before.stdout)["findings"] if f["rule_id"] == rule.id]
    assert fired, f"{rule.id} does not fire on {case}"
    if unsafe:
        untouched = palette_lint("check", "--fix", "--no-cache", "--isolated", *NOW, ".", cwd=work)
        assert _files(work) == _files(case / "before") or _files(work) == _files(copy_expanded(
            case / "before", tmp_path / "again")), "a safe --fix applied an unsafe fix"
        assert "more fixable with --unsafe-fixes" in untouched.stdout
    args = ["check", "--fix", *(["--unsafe-fixes"] if unsafe else []), "--no-cache", "--isolated", *NOW, "."]
    fixed = palette_lint(*args, cwd=work)
    assert fixed.returncode in (0, 1), fixed.stderr
    assert "Fixed " in fixed.stdout, fixed.stdout
    assert _files(work) == expected
    after = palette_lint("check", "--no-cache", "--isolated", *NOW, "-f", "json", ".", cwd=work)
    left = [f for f in json.loads(after.stdout)["findings"] if f["rule_id"] == rule.id]
    assert not left, left
    second = palette_lint(*args, cwd=work)
    assert _files(work) == expected, "a second --fix changed the files again"
    assert "Fixed 0 problems" in second.stdout


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_fixture_fixes_keep_the_properties(case: Path, tmp_path: Path) -> None:
    work = copy_expanded(case / "before", tmp_path / "work")
    outcome = check_properties(work, unsafe=case.name.startswith("unsafe-"))
    assert outcome.applied


def test_diff_shows_the_fix_and_writes_nothing(tmp_path: Path) -> None:
    case = FIXES / "provider-image-reference" / "scheme-and-path"
    work = copy_expanded(case / "before", tmp_path / "work")
    before = _files(work)
    shown = palette_lint("check", "--diff", "--no-cache", "--isolated", *NOW, ".", cwd=work)
    assert shown.returncode == 1, shown.stderr
    assert _files(work) == before, "--diff wrote a file"
    assert shown.stdout.startswith("--- a/os-layer.yaml\n+++ b/os-layer.yaml\n@@ ")
    assert "-  registry: https://harbor.example.com/v2/\n+  registry: harbor.example.com\n" in shown.stdout
    assert "would fix 1 problem in 1 file; 0 would remain" in shown.stderr
    patched = tmp_path / "patched"
    shutil.copytree(work, patched)
    subprocess.run(["patch", "-p1", "-s"], input=shown.stdout, text=True, cwd=patched, check=True, timeout=60)
    assert _files(patched) == _files(case / "after")
    clean = palette_lint("check", "--diff", "--no-cache", "--isolated", *NOW, ".", cwd=patched)
    assert (clean.returncode, clean.stdout) == (0, "")


def test_diff_of_a_file_named_by_its_absolute_path_names_it_as_given(tmp_path: Path) -> None:
    work = copy_expanded(FIXES / "provider-image-reference" / "scheme-and-path" / "before", tmp_path / "work")
    target = (work / "os-layer.yaml").resolve()
    shown = palette_lint("check", "--diff", "--no-cache", "--isolated", *NOW, str(target), cwd=tmp_path)
    assert shown.returncode == 1, shown.stderr
    assert shown.stdout.startswith(f"--- {target.as_posix()}\n+++ {target.as_posix()}\n@@ ")


def test_diff_with_unsafe_fixes_prints_the_macro_to_create(tmp_path: Path) -> None:
    work = copy_expanded(FIXES / "plaintext-password" / "unsafe-os-layer" / "before", tmp_path / "work")
    safe_only = palette_lint("check", "--diff", "--no-cache", "--isolated", *NOW, ".", cwd=work)
    assert (safe_only.returncode, safe_only.stdout) == (0, "")
    shown = palette_lint("check", "--diff", "--unsafe-fixes", "--no-cache", "--isolated", *NOW, ".", cwd=work)
    assert shown.returncode == 1
    assert "+  password: '{{.spectro.macro.HARBOR_EXAMPLE_COM_PASSWORD}}'" in shown.stdout
    assert "N0t-a-macro" not in shown.stdout + shown.stderr, "the removed password is printed"
    assert "-  password: ***" in shown.stdout
    assert "create the Palette macro HARBOR_EXAMPLE_COM_PASSWORD" in shown.stderr


@pytest.mark.parametrize("args", [["--unsafe-fixes"], ["--fix", "--diff"], ["--diff", "-f", "sarif"],
                                  ["--fix", "--staged"]])
def test_fix_options_that_cannot_go_together(args: list[str], tmp_path: Path) -> None:
    result = palette_lint("check", *args, ".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("palette-lint: error: ")


def test_fix_keeps_line_breaks_encoding_and_byte_order_mark(tmp_path: Path) -> None:
    text = (FIXES / "provider-image-reference" / "scheme-and-path" / "before" / "os-layer.yaml").read_text()
    (tmp_path / "crlf.yaml").write_bytes(text.replace("\n", "\r\n").encode())
    (tmp_path / "bom.yaml").write_bytes(b"\xef\xbb\xbf" + text.encode())
    (tmp_path / "utf16.yaml").write_bytes(b"\xff\xfe" + text.replace("robot-edge", "robot-\u00e9dge").encode("utf-16-le"))
    result = palette_lint("check", "--fix", "--no-cache", "--isolated", *NOW, ".", cwd=tmp_path)
    assert "Fixed 3 problems in 3 files" in result.stdout, result.stdout + result.stderr
    fixed = text.replace("https://harbor.example.com/v2/", "harbor.example.com")
    assert (tmp_path / "crlf.yaml").read_bytes() == fixed.replace("\n", "\r\n").encode()
    assert (tmp_path / "bom.yaml").read_bytes() == b"\xef\xbb\xbf" + fixed.encode()
    assert (tmp_path / "utf16.yaml").read_bytes() == \
        b"\xff\xfe" + fixed.replace("robot-edge", "robot-\u00e9dge").encode("utf-16-le")


def test_suppressed_findings_are_not_fixed(tmp_path: Path) -> None:
    text = (FIXES / "provider-image-reference" / "scheme-and-path" / "before" / "os-layer.yaml").read_text()
    text = text.replace("registry: https://harbor.example.com/v2/",
                        "registry: https://harbor.example.com/v2/  # palette-lint: disable=PAL108 -- kept")
    (tmp_path / "os-layer.yaml").write_text(text)
    result = palette_lint("check", "--fix", "--no-cache", "--isolated", *NOW, ".", cwd=tmp_path)
    assert (tmp_path / "os-layer.yaml").read_text() == text
    assert "Fixed 0 problems" in result.stdout


# ---- generated files --------------------------------------------------------------------------------------
_HEAD = "pack:\n  content:\n    images:\n      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'\n"


@st.composite
def os_layers(draw: st.DrawFn) -> tuple[str, str]:
    """An OS layer's values with a random set of fixable problems, and the container it is written in."""
    host = draw(st.sampled_from(["harbor.example.com", "10.10.1.5:5000", "registry.local:8443"]))
    registry = draw(st.sampled_from([host, f"https://{host}", f"{host}/edge", f"http://{host}/v2/"]))
    registry = draw(st.sampled_from(["{}", "'{}'", '"{}"'])).format(registry)
    user_key = draw(st.sampled_from(["user", "username", "userName"]))
    user = draw(st.sampled_from(["robot-edge", "1000", "yes", "'robot'"]))
    password = draw(st.sampled_from([
        "'{{.spectro.macro.REGISTRY_PASSWORD}}'", "{{.spectro.macro.REGISTRY_PASSWORD}}",
        "'{.spectro.macro.REGISTRY_PASSWORD}}'", '"{{.spectro.macro.REGISTRY_PASSWORD}"', "******",
        "Plain-Text-Pw9", "'{{ .spectro.macro.REGISTRY_PASSWORD }}'"]))
    comment = draw(st.sampled_from(["", "  # the edge robot", "  # palette-lint: disable=PAL106 -- basic auth"]))
    credentials = (f"providerCredentials:\n  registry: {registry}\n  {user_key}: {user}{comment}\n"
                   f"  password: {password}\n")
    uri = f"options:\n  system.uri: {host}/edge/ubuntu-k3s:v1.30.4\n"
    misplaced = draw(st.booleans())
    if misplaced:
        values = _HEAD + uri + "".join("  " + line + "\n" for line in credentials.splitlines())
    else:
        values = _HEAD + credentials + uri
    container = draw(st.sampled_from(["os-layer.yaml", "crlf.yaml", "profile.yaml", "profile.json", "heredoc.tf",
                                      "flush.tf", "string.tf", "list.md", "quote.md"]))
    return values, container


def _write(directory: Path, values: str, container: str) -> None:
    if container == "os-layer.yaml":
        text = values
    elif container == "crlf.yaml":
        text = values.replace("\n", "\r\n")
    elif container == "profile.yaml":
        text = ("packs:\n  - name: edge-native-byoi\n    layer: os\n    values: |\n"
                + "".join("      " + line + "\n" for line in values.splitlines()))
    elif container == "list.md":
        text = "# Site\n\n1. The OS layer:\n\n   ```yaml\n" + "".join(
            ("   " + line if line else "") + "\n" for line in values.splitlines()) + "   ```\n"
    elif container == "quote.md":
        text = "> ```yaml\n" + "".join(f"> {line}\n" for line in values.splitlines()) + "> ```\n"
    elif container == "profile.json":
        text = json.dumps({"spec": {"template": {"packs": [{"name": "edge-native-byoi", "layer": "os",
                                                            "type": "spectro", "values": values}]}}}) + "\n"
    else:
        if container == "string.tf":
            written = json.dumps(values).replace("${", "$${")
        elif container == "flush.tf":
            written = "<<-EOT\n" + "".join("      " + line + "\n" for line in values.splitlines()) + "    EOT"
        else:
            written = "<<EOT\n" + values + "EOT"
        text = ('resource "spectrocloud_cluster_profile" "edge" {\n  name = "edge"\n  pack {\n'
                f'    name   = "edge-native-byoi"\n    values = {written}\n  }}\n}}\n')
    (directory / container).write_bytes(text.encode("utf-8"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layer=os_layers(), unsafe=st.booleans())
def test_generated_files_keep_the_properties(tmp_path_factory: pytest.TempPathFactory, layer: tuple[str, str],
                                             unsafe: bool) -> None:
    directory = tmp_path_factory.mktemp("generated")
    _write(directory, *layer)
    check_properties(directory, unsafe)


def test_the_properties_catch_a_fix_that_changes_other_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The property test can fail: a fix that also rewrites another value is caught."""
    from linter.fix import loop
    from linter.model import Replacement, Span

    original = loop.apply_fixes

    def sloppy(text: str, fixes: list) -> tuple[str, list]:
        fixed, applied = original(text, fixes)
        return fixed.replace("robot-edge", "robot-edgy"), applied

    monkeypatch.setattr(loop, "apply_fixes", sloppy)
    work = copy_expanded(FIXES / "provider-image-reference" / "scheme-and-path" / "before", tmp_path / "work")
    with pytest.raises(AssertionError, match="data changed where no fix says"):
        check_properties(work, unsafe=False)
    del Replacement, Span


def test_fixes_are_found_in_memory_only(tmp_path: Path) -> None:
    work = copy_expanded(FIXES / "os-layer-schema" / "username" / "before", tmp_path / "work")
    before = _files(work)
    outcome = fix_directory(work, unsafe=False)
    assert outcome.changed and _files(work) == before
