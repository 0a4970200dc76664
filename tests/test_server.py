"""``palette-lint server`` driven as an editor drives it: a real LSP client over stdio (tests/lsp.py). The
diagnostics are ``check``'s (same ranges, fingerprints, configuration and suppressions); a fix's code action,
applied, gives a clean re-check; a change re-lints, and editing user-data re-checks its cluster; hover shows the
rule's documentation and links to it; a configuration change reloads; a crashing rule is a diagnostic and the
server goes on; rule-dirs run only when the command line says so."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest

from tests.helpers import FIXED_NOW, FIXTURES, palette_lint
from tests.lsp import LanguageServer

PROFILE = FIXTURES / "token-auth-registry" / "profile.yaml"
OS_LAYER = """\
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: https://quay.io/v2
  user: acme+edge
  password: '{{.spectro.macro.QUAY_PASSWORD}}'
options:
  system.uri: quay.io/acme/ubuntu-k3s:v1.30.4-v4.5.3
"""
USER_DATA = """\
#cloud-config
stylus:
  site:
    paletteEndpoint: api.spectrocloud.com
install:
  poweroff: true
"""
EXTERNAL = USER_DATA.replace("stylus:\n", """\
stylus:
  externalRegistries:
    registries:
      - domain: 10.10.254.254:8000
        username: robot-edge
        password: '{{.spectro.macro.MIRROR}}'
""")


def _workspace(root: Path) -> Path:
    (root / "edge").mkdir(parents=True)
    shutil.copy(PROFILE, root / "edge" / "profile.yaml")
    (root / "site").mkdir()
    (root / "site" / "os-layer.yaml").write_text(OS_LAYER, encoding="utf-8")
    (root / "site" / "user-data").write_text(USER_DATA, encoding="utf-8")
    return root


def _server(root: Path, *args: str) -> LanguageServer:
    command = [sys.executable, "-m", "linter", "server", "--now", FIXED_NOW.isoformat(), *args]
    env = {**os.environ, "XDG_CACHE_HOME": str(root.parent / "cache")}
    return LanguageServer(command, root, {}, timeout=60, env=env)


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    return _workspace(tmp_path / "workspace")


@pytest.fixture()
def server(workspace: Path) -> Iterator[LanguageServer]:
    with _server(workspace) as running:
        yield running


def _check(workspace: Path, *paths: str) -> list[dict[str, Any]]:
    result = palette_lint("check", "--no-cache", "--now", FIXED_NOW.isoformat(), "-f", "json", *paths,
                          cwd=workspace)
    findings: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    return [f for f in findings if f["suppression"] is None]


def _range(finding: dict[str, Any]) -> dict[str, Any]:
    where = finding["location"]
    return {"start": {"line": where["line"] - 1, "character": where["column"] - 1},
            "end": {"line": where["end_line"] - 1, "character": where["end_column"] - 1}}


def _apply(text: str, edits: list[dict[str, Any]]) -> str:
    """Apply LSP text edits (UTF-16 positions; these texts are ASCII) as an editor does."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: dict[str, int]) -> int:
        return starts[position["line"]] + position["character"]

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        text = text[:offset(edit["range"]["start"])] + edit["newText"] + text[offset(edit["range"]["end"]):]
    return text


def _actions(server: LanguageServer, path: Path, diagnostic: dict[str, Any],
             only: Optional[list[str]] = None) -> list[dict[str, Any]]:
    context: dict[str, Any] = {"diagnostics": [diagnostic]}
    if only:
        context["only"] = only
    result: list[dict[str, Any]] = server.call("textDocument/codeAction", {
        "textDocument": {"uri": path.as_uri()}, "range": diagnostic["range"], "context": context})
    return result


def test_diagnostics_on_open_are_checks_with_the_same_range(server: LanguageServer, workspace: Path) -> None:
    path = workspace / "edge" / "profile.yaml"
    diagnostics = server.open(path)
    expected = _check(workspace, "edge/profile.yaml")
    assert [d["code"] for d in diagnostics] == [f["rule_id"] for f in expected] == ["PAL106"]
    (diagnostic,) = diagnostics
    assert diagnostic["range"] == _range(expected[0])
    assert diagnostic["source"] == "palette-lint" and diagnostic["severity"] == 1
    assert diagnostic["message"].splitlines() == [expected[0]["message"], expected[0]["help"]]
    assert diagnostic["data"]["fingerprint"] == expected[0]["fingerprint"]
    page = diagnostic["codeDescription"]["href"]
    assert page.startswith("file://") and "PAL106" in Path(page[len("file://"):]).read_text(encoding="utf-8")


def test_a_fix_action_applied_gives_a_clean_recheck_and_a_change_relints(server: LanguageServer,
                                                                         workspace: Path) -> None:
    path = workspace / "site" / "os-layer.yaml"
    diagnostics = server.open(path)
    (diagnostic,) = [d for d in diagnostics if d["code"] == "PAL108"]
    actions = _actions(server, path, diagnostic)
    (fix,) = [a for a in actions if a["kind"] == "quickfix" and a.get("isPreferred")]
    assert fix["title"] == "PAL108: keep only the host, quay.io"
    edited = _apply(OS_LAYER, fix["edit"]["changes"][path.as_uri()])
    assert "  registry: quay.io\n" in edited
    assert server.change(path, edited) == []  # didChange re-lints: clean
    path.write_text(edited, encoding="utf-8")
    assert _check(workspace, "site") == []  # and check agrees once saved
    assert [d["code"] for d in server.change(path, OS_LAYER)] == ["PAL108"]  # the problem back: reported again


def test_fix_all_applies_every_safe_fix(server: LanguageServer, workspace: Path) -> None:
    path = workspace / "site" / "os-layer.yaml"
    text = OS_LAYER.replace("user: acme+edge", "username: acme+edge")
    diagnostics = server.open(path, text)
    assert sorted(d["code"] for d in diagnostics) == ["PAL003", "PAL108"]
    actions = _actions(server, path, diagnostics[0], only=["source.fixAll"])
    assert [a["kind"] for a in actions] == ["source.fixAll"]  # the quick fixes are filtered out
    edited = _apply(text, actions[0]["edit"]["changes"][path.as_uri()])
    assert "  registry: quay.io\n  user: acme+edge\n" in edited
    assert server.change(path, edited) == []


def test_editing_user_data_rechecks_its_cluster(server: LanguageServer, workspace: Path) -> None:
    os_layer = workspace / "site" / "os-layer.yaml"
    user_data = workspace / "site" / "user-data"
    server.open(os_layer)
    assert server.open(user_data) == []
    server.forget_published()
    server.change(user_data, EXTERNAL)
    again = server.published(os_layer.as_uri())  # the profile's diagnostics, published again for the cluster
    assert "PAL102" in [d["code"] for d in again]
    user_data.write_text(EXTERNAL, encoding="utf-8")
    assert "PAL102" in [f["rule_id"] for f in _check(workspace, "site")]


def test_new_buffers_never_saved_are_linted_as_a_cluster(server: LanguageServer, workspace: Path) -> None:
    os_layer, user_data = workspace / "new-site" / "os-layer.yaml", workspace / "new-site" / "user-data"
    assert [d["code"] for d in server.open(os_layer, OS_LAYER)] == ["PAL108"]
    server.open(user_data, USER_DATA)
    server.forget_published()
    server.change(user_data, EXTERNAL)
    assert "PAL102" in [d["code"] for d in server.published(os_layer.as_uri())]
    assert not (workspace / "new-site").exists(), "the server wrote a buffer"


def test_hover_shows_the_rule_documentation(server: LanguageServer, workspace: Path) -> None:
    path = workspace / "edge" / "profile.yaml"
    (diagnostic,) = server.open(path)
    start = diagnostic["range"]["start"]
    text = server.hover(path, start["line"], start["character"] + 1)
    assert text.startswith(f"**[PAL106]({diagnostic['codeDescription']['href']})** token-auth-registry:")
    assert "## Why is this bad?" in text and "## Use instead" in text
    assert server.hover(path, 0, 0) == ""


def test_suppress_action_adds_a_comment_with_a_reason(server: LanguageServer, workspace: Path) -> None:
    path = workspace / "site" / "os-layer.yaml"
    (diagnostic,) = [d for d in server.open(path) if d["code"] == "PAL108"]
    (suppress,) = [a for a in _actions(server, path, diagnostic) if "suppress" in a["title"]]
    edited = _apply(OS_LAYER, suppress["edit"]["changes"][path.as_uri()])
    assert "  registry: https://quay.io/v2  # palette-lint: disable=PAL108 -- REASON\n" in edited
    assert server.change(path, edited) == []  # suppressed, with a reason: no PAL901 either


def test_no_suppress_action_inside_a_block_scalar_or_for_parse_errors(server: LanguageServer,
                                                                       workspace: Path) -> None:
    path = workspace / "site" / "os-layer.yaml"
    broken = OS_LAYER.replace("'{{.spectro.macro.QUAY_PASSWORD}}'", "******")
    (diagnostic,) = [d for d in server.open(path, broken) if d["code"] == "PAL000"]
    titles = [a["title"] for a in _actions(server, path, diagnostic, only=["quickfix"])]
    assert titles == ["PAL000: quote the value"]
    truncated = OS_LAYER.replace("options:", "  certificates: |\n    -----BEGIN CERTIFICATE-----\n"
                                             "    MIIBszCCAVmgAwIBAgIUQ\noptions:")
    (diagnostic,) = [d for d in server.change(path, truncated) if d["code"] == "PAL201"]
    titles = [a["title"] for a in _actions(server, path, diagnostic, only=["quickfix"])]
    assert titles == [], "a comment inside the certificate would be part of it"


def test_a_configuration_change_reloads(server: LanguageServer, workspace: Path) -> None:
    path = workspace / "site" / "os-layer.yaml"
    assert [d["code"] for d in server.open(path)] == ["PAL108"]
    config = workspace / ".palette-lint.yaml"
    config.write_text("ignore: [PAL108]\n", encoding="utf-8")
    server.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": config.as_uri(), "type": 1}]})
    assert server.published(path.as_uri()) == []
    (workspace / "site" / ".palette-lint.yaml").write_text("rules:\n  PAL108: warning\n", encoding="utf-8")
    server.notify("workspace/didChangeWatchedFiles", {"changes": [
        {"uri": (workspace / "site" / ".palette-lint.yaml").as_uri(), "type": 1}]})
    (diagnostic,) = server.published(path.as_uri())  # each file under its own folder's configuration
    assert (diagnostic["code"], diagnostic["severity"]) == ("PAL108", 2)


CRASHING_RULE = '''\
"""Crashes on every OS layer.

## What it does
Nothing but fail.

## Why is this bad?
It is a test.

## Example
```yaml
a: 1
```

## Use instead
```yaml
a: 1
```
"""

from linter.api import OS_LAYER, rule


@rule(id="PAL950", name="always-crashes", kinds={OS_LAYER}, severity="error")
def check(doc, ctx):
    raise RuntimeError("boom")
    yield
'''


@pytest.mark.parametrize("allowed", [True, False], ids=["allow-rule-dirs", "not-allowed"])
def test_rule_dirs_run_only_when_allowed_and_a_crash_is_a_diagnostic(tmp_path: Path, allowed: bool) -> None:
    workspace = _workspace(tmp_path / "workspace")
    (workspace / ".git").mkdir()
    (workspace / "team-rules").mkdir()
    (workspace / "team-rules" / "crash.py").write_text(CRASHING_RULE, encoding="utf-8")
    (workspace / ".palette-lint.yaml").write_text("rule-dirs: [team-rules]\n", encoding="utf-8")
    with _server(workspace, *(["--allow-rule-dirs"] if allowed else [])) as server:
        path = workspace / "site" / "os-layer.yaml"
        codes = sorted(d["code"] for d in server.open(path))
        warnings = [m for m in server.received if m.get("method") == "window/showMessage"]
        if allowed:
            assert codes == ["PAL108", "PAL999"]
            assert not warnings
            fixed = OS_LAYER.replace("https://quay.io/v2", "quay.io")
            assert [d["code"] for d in server.change(path, fixed)] == ["PAL999"]  # the server goes on
        else:
            assert codes == ["PAL108"]
            assert any("rule-dirs not loaded" in m["params"]["message"] for m in warnings)


def test_server_without_the_extra_says_how_to_install_it(tmp_path: Path) -> None:
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "pygls").mkdir()
    (blocker / "pygls" / "__init__.py").write_text("raise ImportError('blocked')\n", encoding="utf-8")
    script = ("import importlib.util, sys; real = importlib.util.find_spec\n"
              "importlib.util.find_spec = lambda name, *a: None if name.startswith('pygls') else real(name, *a)\n"
              "from linter.cli import main; sys.argv = ['palette-lint', 'server']; main()\n")
    import subprocess

    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "install the server extra" in result.stderr


def test_save_relints_and_saving_the_configuration_reloads(server: LanguageServer, workspace: Path) -> None:
    path = workspace / "site" / "os-layer.yaml"
    assert [d["code"] for d in server.open(path)] == ["PAL108"]
    server.notify("textDocument/didSave", {"textDocument": {"uri": path.as_uri()}})
    assert [d["code"] for d in server.published(path.as_uri())] == ["PAL108"]
    config = workspace / ".palette-lint.yaml"
    config.write_text("rules:\n  PAL108: note\n", encoding="utf-8")
    server.open(config)  # not a Palette file: nothing to say
    server.forget_published()
    server.notify("textDocument/didSave", {"textDocument": {"uri": config.as_uri()}})
    (diagnostic,) = server.published(path.as_uri())
    assert (diagnostic["code"], diagnostic["severity"]) == ("PAL108", 3)
