"""The printed schemas work in an editor: yaml-language-server (the VS Code YAML extension's server) is driven
over LSP exactly as docs/integrations.md ("Editors") sets it up, with `palette-lint schema` output saved in
``.schemas/`` and a ``# yaml-language-server: $schema=`` modeline in each file.

``.ci/run`` installs yaml-language-server with npm into ``.tools/yaml-language-server``; elsewhere the test uses one on PATH or
in ``$YAML_LANGUAGE_SERVER``, and skips without one (it fails instead when ``CI`` is set)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from tests.external_tools import missing
from tests.helpers import REPO
from tests.lsp import LanguageServer

EXAMPLES = REPO / "examples"
#: The YAML examples, by schema (JSON profile exports are not YAML files for the editor; check-jsonschema
#: covers them in test_config_and_schema_commands.py).
YAML_EXAMPLES = {
    "override-site/os-layer.yaml": "os-layer",
    "clean-site/user-data": "user-data",
    "override-site/user-data": "user-data",
    "trouble-site/user-data": "user-data",
    "clean-site/infra-profile.yaml": "profile",
}
SETTINGS = {"yaml": {"validate": True, "hover": True, "completion": True, "schemaStore": {"enable": False}}}


def _server_command() -> list[str]:
    candidates = [os.environ.get("YAML_LANGUAGE_SERVER", ""),
                  str(REPO / ".tools" / "yaml-language-server" / "node_modules" / ".bin" / "yaml-language-server"),
                  shutil.which("yaml-language-server") or ""]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return [candidate, "--stdio"]
    missing("yaml-language-server", ".ci/run installs it: npm install --prefix .tools/yaml-language-server "
            "yaml-language-server")


def _with_modeline(text: str, schema: str) -> str:
    modeline = f"# yaml-language-server: $schema=../.schemas/{schema}.json\n"
    if text.startswith("#cloud-config"):
        first, _, rest = text.partition("\n")
        return f"{first}\n{modeline}{rest}"
    return modeline + text


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("editor")
    (root / ".schemas").mkdir()
    for name in ("os-layer", "user-data", "profile", "config"):
        printed = subprocess.run([sys.executable, "-m", "linter", "schema", name], capture_output=True, text=True,
                                 check=True, timeout=60)
        (root / ".schemas" / f"{name}.json").write_text(printed.stdout, encoding="utf-8")
    for relative, schema in YAML_EXAMPLES.items():
        target = root / "files" / relative.replace("/", "--")
        target.parent.mkdir(exist_ok=True)
        target.write_text(_with_modeline((EXAMPLES / relative).read_text(encoding="utf-8"), schema),
                          encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def server(workspace: Path) -> Iterator[LanguageServer]:
    with LanguageServer(_server_command(), workspace, SETTINGS) as running:
        yield running


@pytest.mark.parametrize("relative", sorted(YAML_EXAMPLES))
def test_examples_are_clean_in_the_editor(server: LanguageServer, workspace: Path, relative: str) -> None:
    diagnostics = server.diagnostics(workspace / "files" / relative.replace("/", "--"))
    assert diagnostics == [], diagnostics


def test_the_editor_reports_what_the_schemas_forbid(server: LanguageServer, workspace: Path) -> None:
    values = workspace / "files" / "broken-os-layer.yaml"
    values.write_text(
        "# yaml-language-server: $schema=../.schemas/os-layer.json\n"
        "providerCredentials:\n"
        "  registry: registry.example.com\n"
        "  username: edge\n"
        "  password: 12\n", encoding="utf-8")
    found = {(d["range"]["start"]["line"], d["message"]) for d in server.diagnostics(values)}
    assert (3, "Property username is not allowed.") in found, found
    assert (4, 'Incorrect type. Expected "string".') in found, found
    config = workspace / "files" / "palette-lint.yaml"
    config.write_text("# yaml-language-server: $schema=../.schemas/config.json\nfail-on: loud\n", encoding="utf-8")
    messages = [d["message"] for d in server.diagnostics(config)]
    assert any(m.startswith("Value is not accepted. Valid values:") for m in messages), messages


def test_hover_shows_the_schema_documentation(server: LanguageServer, workspace: Path) -> None:
    path = workspace / "files" / "override-site--os-layer.yaml"
    assert server.diagnostics(path) == []
    line = next(n for n, text in enumerate(path.read_text().splitlines()) if text.startswith("providerCredentials"))
    shown = server.hover(path, line, 3)
    assert "Private provider registry credentials" in shown, shown
    assert "Only basic username/password authentication is supported" in shown, shown
