"""``palette-lint verify`` without a registry: the network is used by verify alone (``check`` never opens a
socket, and only ``linter/verify/`` imports a network module), verify's rules stay out of ``check``, their
documentation is complete and its examples are things verify checks, targets are found where the node really
pulls from, and bad input (no httpx, a bad macros file) is one line and exit code 2."""

from __future__ import annotations

import ast
import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from linter.config.load import Config
from linter.engine.clusters import group_clusters
from linter.engine.contract import VERIFY_SCOPE
from linter.engine.rule_loader import RuleLoadError, load_rules
from linter.inputs import read_file
from linter.resources import rules_dir, verify_rules_dir
from linter.verify.macro_values import MacroValues
from linter.verify.targets import Targets, find_targets
from linter.yaml.composer import YamlParser
from linter.yaml.source import SourceFile
from tests.fixture_expansion import expand_directory
from tests.helpers import REPO, palette_lint

VERIFY_RULES = load_rules([verify_rules_dir()], scopes=(VERIFY_SCOPE,))
NETWORK_MODULES = {"socket", "ssl", "http", "urllib.request", "httpx", "httpcore", "requests", "urllib3", "aiohttp",
                   "asyncio", "ftplib", "smtplib", "xmlrpc", "telnetlib", "socketserver"}

_NO_SOCKETS = """
import socket, sys

def refuse(*args, **kwargs):
    raise AssertionError("check opened a socket")

socket.socket.__init__ = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
sys.argv = ["palette-lint", *sys.argv[1:]]
from linter.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("httpx", "httpcore") or m.startswith("linter.verify.c"))
print("RESULT", code, ",".join(loaded) or "-")
"""


def test_check_never_opens_a_socket() -> None:
    """check over the examples and every fixture, with sockets refused: it runs to its normal end, and never
    imports the HTTP client or verify's network code."""
    result = subprocess.run([sys.executable, "-c", _NO_SOCKETS, "check", "--no-cache", "-j", "1", "examples",
                             "tests/fixtures"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert "check opened a socket" not in result.stdout + result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last == "RESULT 1 -", last  # findings (exit 1), nothing of the network loaded


def test_only_linter_verify_imports_network_modules() -> None:
    offenders = []
    for path in sorted([*(REPO / "linter").rglob("*.py"), *(REPO / "rules").rglob("*.py")]):
        relative = path.relative_to(REPO).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                if name in NETWORK_MODULES or name.split(".")[0] in NETWORK_MODULES - {"urllib.request"}:
                    if not relative.startswith("linter/verify/"):
                        offenders.append(f"{relative}: {name}")
    assert not offenders, offenders
    imports = (REPO / "linter" / "verify" / "client.py").read_text(encoding="utf-8")
    assert "import httpx" in imports  # the one client, where the test expects it


def test_check_does_not_load_verify_rules() -> None:
    check_ids = {rule.id for rule in load_rules([rules_dir()])}
    verify_ids = {rule.id for rule in VERIFY_RULES}
    assert verify_ids and not check_ids & verify_ids
    assert all(rule.scope == VERIFY_SCOPE and rule.id.startswith("PAL5") for rule in VERIFY_RULES)


def test_a_verify_rule_among_check_rules_is_refused(tmp_path: Path) -> None:
    source = (verify_rules_dir() / "registry_unreachable.py").read_text(encoding="utf-8")
    (tmp_path / "copied.py").write_text(source, encoding="utf-8")
    with pytest.raises(RuleLoadError, match="scope 'verify'"):
        load_rules([tmp_path])


# ---- the verify rules' documentation ---------------------------------------------------------------------

HEADINGS = ("What it does", "Why is this bad?", "Example", "Use instead", "Source")


def _targets(block: str, directory: Path) -> Targets:
    directory.mkdir(parents=True)
    name = "user-data" if block.startswith("#cloud-config") else "values.yaml"
    (directory / name).write_text(block, encoding="utf-8")
    expand_directory(directory)
    text = (directory / name).read_text(encoding="utf-8")
    parsed = read_file(YamlParser(), SourceFile(text, name, name), True)
    assert parsed.root is not None and parsed.root.kind in ("os-layer", "user-data"), name
    return find_targets(group_clusters([parsed], Config()), MacroValues({"REGISTRY_PASSWORD": "x" * 12,
                                                                        "MIRROR_PASSWORD": "y" * 12}))


@pytest.mark.parametrize("rule", VERIFY_RULES, ids=[r.id for r in VERIFY_RULES])
def test_verify_rule_docs(rule, tmp_path: Path) -> None:
    """The headings of every rule; and each yaml block under "Example" and "Use instead" is a file verify reads
    and finds something to check in (the examples need a registry to fire: tests/test_verify.py runs those)."""
    headings = [line[3:].strip() for line in rule.doc.markdown.splitlines() if line.startswith("## ")]
    assert [h for h in HEADINGS if h in headings] == list(HEADINGS), f"{rule.id} headings: {headings}"
    import re

    for heading in ("Example", "Use instead"):
        blocks = re.findall(r"```yaml\n(.*?)```", rule.doc.section(heading), re.S)
        assert blocks, f"{rule.id}: no yaml under {heading}"
        for number, block in enumerate(blocks):
            found = _targets(block, tmp_path / f"{heading[:3]}{number}")
            assert found.registries or found.images, f"{rule.id} {heading} {number}: nothing to verify"
            if rule.id == "PAL510":
                assert bool(found.gaps) == (heading == "Example")


# ---- where the node pulls the provider image from ---------------------------------------------------------

OS_LAYER = """\
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
options:
  system.registry: quay.io/kairos
  system.uri: '{{.spectro.pack.edge-native-byoi.options.system.registry}}/ubuntu:{{.spectro.system.kubernetes.version}}'
"""


def _cluster(tmp_path: Path, files: dict[str, str], values: dict[str, str]) -> Targets:
    parsed = []
    for name, text in files.items():
        found = read_file(YamlParser(), SourceFile(text, f"site/{name}", f"site/{name}"), True)
        parsed.append(found)
    return find_targets(group_clusters(parsed, Config()), MacroValues(values))


def test_macros_resolve_the_image_and_a_missing_one_is_a_gap(tmp_path: Path) -> None:
    found = _cluster(tmp_path, {"values.yaml": OS_LAYER}, {"system.kubernetes.version": "v1.30.4"})
    (image,) = found.images
    assert (image.registry.host, image.repository, image.reference) == ("quay.io", "kairos/ubuntu", "v1.30.4")
    assert image.registry.credentials is None  # providerCredentials names another registry
    assert [g.what for g in found.gaps] == ["providerCredentials.password"]
    assert "PALETTE_MACRO_REGISTRY_PASSWORD" in found.gaps[0].reason
    missing = _cluster(tmp_path, {"values.yaml": OS_LAYER}, {"REGISTRY_PASSWORD": "s3cret-value"})
    assert not missing.images and [g.what for g in missing.gaps] == ["options.system.uri"]
    assert "{{.spectro.system.kubernetes.version}}" in missing.gaps[0].reason


def test_an_external_registry_prefixes_the_provider_image(tmp_path: Path) -> None:
    encoded = base64.b64encode(b"mirror-pass").decode()
    user_data = f"""#cloud-config
stylus:
  registryCredentials:
    domain: 10.10.254.254:8000/spectro-images
    username: robot
    password: {encoded}
    encodedPassword: true
"""
    found = _cluster(tmp_path, {"values.yaml": OS_LAYER, "user-data": user_data},
                     {"system.kubernetes.version": "v1.30.4", "REGISTRY_PASSWORD": "s3cret-value"})
    (image,) = found.images
    assert (image.registry.host, image.repository) == ("10.10.254.254:8000", "spectro-images/quay.io/kairos/ubuntu")
    assert image.registry.label == "stylus.registryCredentials"
    assert image.registry.credentials is not None and image.registry.credentials.password == "mirror-pass"
    assert "through the external registry" in image.via


def test_a_mapping_rule_rewrites_the_provider_image(tmp_path: Path) -> None:
    user_data = """#cloud-config
stylus:
  externalRegistries:
    registries:
      - domain: mirror.example.com:5000
        username: robot
        password: "mirror-password"
    registryMappingRules:
      "quay.io/kairos": "mirror.example.com:5000/kairos-mirror"
      "docker.io": "public-mirror.example.com"
"""
    found = _cluster(tmp_path, {"values.yaml": OS_LAYER, "user-data": user_data},
                     {"system.kubernetes.version": "v1.30.4", "REGISTRY_PASSWORD": "s3cret-value"})
    (image,) = found.images
    assert (image.registry.host, image.repository) == ("mirror.example.com:5000", "kairos-mirror/ubuntu")
    assert image.registry.credentials is not None and image.registry.credentials.user == "robot"
    assert image.via_place is not None and image.via_place.path[-1] == "quay.io/kairos"
    hosts = sorted(r.host for r in found.registries)
    assert hosts == ["harbor.example.com", "mirror.example.com:5000", "public-mirror.example.com"]


# ---- bad input: one line, exit code 2 ----------------------------------------------------------------------

def test_verify_without_httpx_says_how_to_install_it(tmp_path: Path) -> None:
    blocker = tmp_path / "blocked" / "httpx"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('httpx is not installed (test)')\n", encoding="utf-8")
    result = palette_lint("verify", str(REPO / "examples"), cwd=tmp_path,
                          env={"PYTHONPATH": str(tmp_path / "blocked")})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "palette-lint: error: palette-lint verify needs httpx: install the verify extra, "
        "pip install 'palette-lint[verify]'"]


@pytest.mark.parametrize("content", ["REGISTRY_PASSWORD: 'QzMacroFile1\n", "- QzMacroFile1\n",
                                     "REGISTRY_PASSWORD: [QzMacroFile1]\n", None])
def test_a_bad_macros_file_is_one_line_that_quotes_no_value(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "macros.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    (tmp_path / "empty").mkdir()
    result = palette_lint("verify", "--macros", str(path), "empty", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("palette-lint: error: ") and "macros" in lines[0]
    assert "QzMacroFile1" not in result.stderr


def test_verify_of_files_with_nothing_to_check_is_clean(tmp_path: Path) -> None:
    (tmp_path / "values.yaml").write_text("options:\n  system.uri: NA\n", encoding="utf-8")
    result = palette_lint("verify", "--format", "json", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["findings"] == []
    assert "no provider image or registry" in json.dumps(report["notices"])


def test_the_configuration_sets_verify_severities_and_check_accepts_their_names(tmp_path: Path) -> None:
    """A configuration may name verify rules: check does not call them unknown, and verify applies them. The
    registry is a loopback port where nothing listens."""
    from tests.registry import free_port

    (tmp_path / ".palette-lint.yaml").write_text("rules:\n  verify-value-missing: {severity: error}\n"
                                                 "  PAL501: off\n", encoding="utf-8")
    (tmp_path / "values.yaml").write_text(f"""\
providerCredentials:
  registry: 127.0.0.1:{free_port()}
  user: robot
  password: '{{{{.spectro.macro.NOT_GIVEN}}}}'
options:
  system.uri: NA
""", encoding="utf-8")
    checked = palette_lint("check", "values.yaml", cwd=tmp_path)
    assert checked.returncode in (0, 1), checked.stderr
    verified = palette_lint("verify", "--format", "json", "values.yaml", cwd=tmp_path)
    assert verified.returncode == 1, verified.stderr
    findings = json.loads(verified.stdout)["findings"]
    assert [(f["rule_id"], f["severity"], f["location"]["line"]) for f in findings] == [("PAL510", "error", 4)]
