"""Fuzzing the file front-end and every rule (hypothesis, with a bounded budget).

Two generators feed the real engine, every rule enabled:
- structured: random Palette-shaped documents (profile layers, OS-layer values, user-data) built from the
  keys and values the rules look at, serialised as YAML, packs-list YAML with embedded values, export JSON, or
  Terraform (a heredoc, a quoted string, a cluster's override);
- mutated: the fixture and example files with random edits (characters deleted, duplicated or inserted:
  tabs, NUL bytes, braces, anchors, quotes, BOMs, CRLF, invalid UTF-8).
Whatever comes in, the run must finish without an exception, without an internal-error finding (PAL999: a
rule that crashed), and every finding must point inside the file it names.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.config.load import Config
from linter.engine.pipeline import Engine
from linter.engine.request import RunRequest
from linter.engine.rule_loader import load_rules
from linter.inputs import accepts_name
from linter.resources import rules_dir
from tests.helpers import FIXED_NOW, REPO

FUZZ_SETTINGS = settings(max_examples=400, deadline=None, derandomize=True,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_rules([rules_dir()]))


def _lint(engine: Engine, files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for name, content in files.items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        run = engine.run(RunRequest(paths=(str(root),), config=Config(root=root), now=FIXED_NOW, root=root,
                                    markdown=True))
        crashed = [f.message for f in run.findings if f.rule_id == "PAL999"]
        assert not crashed, crashed
        for finding in run.findings:
            span = finding.location.span
            path = root / finding.location.path
            lines = path.read_bytes().decode("utf-8", "replace").split("\n") if path.is_file() else [""]
            assert 1 <= span.line <= max(len(lines), 1), (finding, len(lines))
            assert span.column >= 1 and (span.end_line, span.end_column) >= (span.line, span.column), finding
            assert finding.fingerprint


# ---- structured documents ------------------------------------------------------------------------------

KEYS = ["providerCredentials", "registry", "user", "username", "password", "certificates", "options",
        "system.uri", "system.registry", "system.repo", "pack", "content", "images", "image", "stylus",
        "registryCredentials", "externalRegistries", "registries", "domain", "registryMappingRules", "insecure",
        "encodedPassword", "site", "packs", "values", "name", "layer", "type", "spec", "template", "system",
        "uri", "stages", "install", "<<", "harbor-config", "charts", "repositoryName"]
SCALARS = st.one_of(
    st.sampled_from([
        "registry.example.com", "123456789012.dkr.ecr.us-east-1.amazonaws.com", "public.ecr.aws",
        "us-docker.pkg.dev/palette-images", "gcr.io", "acme.azurecr.io", "https://harbor.local/x", "AWS",
        "oauth2accesstoken", "_json_key", "00000000-0000-0000-0000-000000000000", "ya29.token", "eyJa.eyJb.c",
        "{{.spectro.macro.PASSWORD}}", "{{ .spectro.pack.edge-native-byoi.options.system.registry }}/os:1",
        "{{.spectro.macro.", "NA", "******", "####", "edge-native-byoi", "harbor-edge-native-config",
        "registry-connect", "zot", "harbor", "os", "addon", "example.io/os:v1.4.5", "a/b:c@sha256:" + "a" * 64,
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "-----BEGIN PRIVATE KEY-----\nx\n",
        "", " ", "~", "null", "0700", "1e5", "true", "yes",
    ]),
    st.text(max_size=30), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False),
)


def _tree(depth: int) -> st.SearchStrategy[Any]:
    if depth == 0:
        return SCALARS
    child = _tree(depth - 1)
    return st.one_of(SCALARS, st.lists(child, max_size=4),
                     st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), child, max_size=6))


CREDENTIALS = st.one_of(
    st.fixed_dictionaries({}, optional={"registry": SCALARS, "user": SCALARS, "password": SCALARS,
                                        "certificates": SCALARS | st.lists(SCALARS, max_size=2),
                                        "username": SCALARS, "insecure": SCALARS}),
    _tree(2),
)
REGISTRY = st.fixed_dictionaries({}, optional={"domain": SCALARS, "username": SCALARS, "password": SCALARS,
                                               "encodedPassword": SCALARS, "insecure": SCALARS,
                                               "certificates": SCALARS, "user": SCALARS})
OS_LAYER = st.fixed_dictionaries({
    "pack": st.fixed_dictionaries({"content": st.fixed_dictionaries({"images": st.lists(_tree(1), max_size=2)})}),
    "options": st.dictionaries(st.sampled_from(["system.uri", "system.registry", "system.repo"]) | st.text(max_size=6),
                               SCALARS, max_size=4),
    "providerCredentials": CREDENTIALS,
}, optional={"stages": _tree(2), "pack.providerCredentials": CREDENTIALS})
USER_DATA = st.fixed_dictionaries({"stylus": st.fixed_dictionaries({}, optional={
    "registryCredentials": REGISTRY | _tree(1),
    "externalRegistries": st.fixed_dictionaries({"registries": st.lists(REGISTRY, min_size=1, max_size=2)}, optional={
        "registryMappingRules": st.dictionaries(SCALARS.filter(lambda v: isinstance(v, str)), SCALARS, max_size=3)}),
    "site": _tree(2)})}, optional={"install": _tree(1), "providerCredentials": CREDENTIALS})
ADDON = st.dictionaries(st.sampled_from(KEYS), _tree(2), max_size=5)


def _yaml(data: Any) -> str:
    """Serialise as YAML, with the block style people write (JSON is YAML too: use it for flow parts)."""
    from io import StringIO

    from ruamel.yaml import YAML

    out = StringIO()
    dumper = YAML(typ="safe", pure=True)
    dumper.default_flow_style = False
    dumper.dump(data, out)
    return out.getvalue()


@st.composite
def clusters(draw: st.DrawFn) -> dict[str, bytes]:
    os_layer, user_data, addon = draw(OS_LAYER), draw(USER_DATA), draw(ADDON)
    shape = draw(st.sampled_from(["values", "packs-list", "export", "terraform", "request", "markdown"]))
    files: dict[str, bytes] = {"site/user-data": ("#cloud-config\n" + _yaml(user_data)).encode()}
    if shape == "values":
        files["site/os-layer.yaml"] = _yaml(os_layer).encode()
    elif shape == "terraform":
        heredoc = "".join("      " + line for line in _yaml(os_layer).splitlines(keepends=True))
        addon_name = draw(st.sampled_from(["harbor-edge-native-config", "nginx", "registry-connect"]))
        files["site/main.tf"] = (
            'resource "spectrocloud_cluster_profile" "infra" {\n  pack {\n    name = "edge-native-byoi"\n'
            f'    values = <<-EOT\n{heredoc}    EOT\n  }}\n  pack {{\n    name = "{addon_name}"\n'
            f'    values = {json.dumps(_yaml(addon))}\n  }}\n}}\n'
            'resource "spectrocloud_cluster_edge_native" "site" {\n  cluster_profile {\n'
            '    id = spectrocloud_cluster_profile.infra.id\n    pack {\n      name = "edge-native-byoi"\n'
            f'      values = {json.dumps(_yaml(draw(OS_LAYER)))}\n    }}\n  }}\n}}\n').encode()
    else:
        packs = [{"name": draw(st.sampled_from(["edge-native-byoi", "edge-native-ubuntu", "x"])), "layer": "os",
                  "values": _yaml(os_layer)},
                 {"name": draw(st.sampled_from(["harbor-edge-native-config", "nginx", "registry-connect"])),
                  "layer": draw(st.sampled_from(["addon", "k8s", ""])), "values": _yaml(addon)}]
        if shape == "export":
            files["site/profile.json"] = json.dumps(
                {"spec": {"template": {"type": "infra", "packs": packs}}}, indent=2,
                ensure_ascii=draw(st.booleans())).encode()
        elif shape == "request":
            files["site/cluster.json.tmpl"] = json.dumps(
                {"spec": {"profiles": [{"uid": "u", "packValues": [{**pack, "tag": "1.0.0"} for pack in packs]}]}},
                indent=2).encode()
        elif shape == "markdown":
            indent = draw(st.sampled_from(["", "   ", "> "]))
            block = "".join(indent + line for line in _yaml(os_layer).splitlines(keepends=True))
            files["site/runbook.md"] = (f"# Runbook\n\n{indent}```yaml\n{block}{indent}```\n\n"
                                        f"```json\n{json.dumps({'packs': packs})}\n```\n").encode()
        else:
            files["site/profile.yaml"] = _yaml({"name": "p", "cloudType": "edge-native", "packs": packs}).encode()
    return files


@FUZZ_SETTINGS
@given(files=clusters())
def test_structured_documents_never_crash_a_rule(engine: Engine, files: dict[str, bytes]) -> None:
    _lint(engine, files)


# ---- mutated real files ----------------------------------------------------------------------------------

def _seed_files() -> list[Path]:
    roots = [REPO / "tests" / "fixtures", REPO / "examples"]
    return sorted(p for root in roots for p in root.rglob("*")
                  if p.is_file() and accepts_name(p.name, frozenset({"markdown"})))


SEEDS = [(p.name if p.name == "user-data" else "f" + p.suffix, p.read_bytes()) for p in _seed_files()]
INSERTS = [b"\t", b"\x00", b"{{", b"}}", b"&a ", b"*a", b"'", b'"', b"\xef\xbb\xbf", b"\r\n", b"\xff\xfe", b"\n- ",
           b": ", b"#", b"|\n", b"\\u", b"\\ud83d", b"[", b"{", b"<<: *a\n", b"-----BEGIN CERTIFICATE-----\n",
           b"${", b"%{", b"$${", b"<<-EOT\n", b"\nEOT\n", b"}", b"```", b"```yaml\n", b"\n> ", b"@"]


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, bytes]:
    name, content = draw(st.sampled_from(SEEDS))
    data = bytearray(content)
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if action == "insert":
            data[position:position] = draw(st.sampled_from(INSERTS))
        elif action == "delete":
            del data[position:position + draw(st.integers(1, 20))]
        else:
            end = min(len(data), position + draw(st.integers(1, 80)))
            data[position:position] = data[position:end]
    return {f"site/{name}": bytes(data)}


@FUZZ_SETTINGS
@given(files=mutated())
def test_mutated_files_never_crash_a_rule(engine: Engine, files: dict[str, bytes]) -> None:
    _lint(engine, files)
