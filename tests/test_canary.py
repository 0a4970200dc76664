"""Secrets never reach any output: unique canary strings (passwords, tokens, a private key, the password of a
``user:password@host`` URL) are planted in every kind of file, including files that fail to parse, and the real
CLI runs over them with every output format in ``linter.output.FORMATTERS`` (so formats added later are covered
without touching this test) and through every error path (bad configurations, parse errors, an explicit
non-Palette file, a rule that crashes with the secret in its exception). No canary may appear in stdout,
stderr or an output file, in any escaped form: the tests look for a short alphanumeric token that is unique to
each canary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from linter.output import FORMATTERS
from tests.certs import catalogue

#: Each canary's token (alphanumeric, so no output format escapes it) and the full secret around it.
CANARIES = {
    "QzOslPw1": "CANARY-QzOslPw1-os-layer-password",
    "QzUrlPw2": "QzUrlPw2-url-password",
    "QzPackPw3": "CANARY-QzPackPw3-harbor-admin",
    "QzExpPw4": "CANARY-QzExpPw4-export-password",
    "QzExpTok5": "CANARY-QzExpTok5-api-token",
    "QzUdPw6": "CANARY-QzUdPw6-<&>\"q'-user-data",
    "QzHostTok7": "CANARY-QzHostTok7-edge-host-token",
    "QzMapPw8": "QzMapPw8-mapping-key-password",
    "QzPasswd9": "CANARY-QzPasswd9-login",
    "QzB64PwA": "CANARY-QzB64PwA-decoded",
    "QzBrokOslB": "CANARY-QzBrokOslB-unterminated",
    "QzBrokTabC": "CANARY-QzBrokTabC-tab",
    "QzBrokPackD": "CANARY-QzBrokPackD-flow",
    "QzBrokExpE": "CANARY-QzBrokExpE-truncated-json",
    "QzBrokValF": "CANARY-QzBrokValF-values",
    "QzBrokUdG": "CANARY-QzBrokUdG-quote",
    "QzAliasH": "QzAliasH",
    "QzLatinI": "CANARY-QzLatinI-latin1",
    "QzNonPalJ": "CANARY-QzNonPalJ-notes",
    "QzCrashK": "CANARY-QzCrashK-crash",
    "QzCfgL": "CANARY-QzCfgL-config",
    "QzCfgNowM": "CANARY-QzCfgNowM",
    "QzCfgDaysN": "CANARY-QzCfgDaysN",
    "QzDupO": "CANARY-QzDupO-duplicate",
    "QzTfHdP": "CANARY-QzTfHdP-heredoc",
    "QzTfStrQ": "CANARY-QzTfStrQ-quoted",
    "QzTfBrkR": "CANARY-QzTfBrkR-broken-tf",
    "QzUrlAtS": "S3cr3t@CANARY-QzUrlAtS-after-an-at",
    "QzKeyT": "CANARY-QzKeyT-typed-as-key",
    "QzKeyU": "CANARY-QzKeyU-loose-key",
    "QzMacroV": "CANARY-QzMacroV-scope",
    "QzFixCutW": "CANARY-QzFixCutW-cut",
    "QzMdPwX": "CANARY-QzMdPwX-markdown-block",
    "QzMdBrkY": "CANARY-QzMdBrkY-broken-block",
    "QzReqPwZ": "CANARY-QzReqPwZ-pack-values",
}


def _private_key_lines() -> list[str]:
    return [line for line in catalogue()["private-key"].splitlines() if not line.startswith("-----")]


def _indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line for line in text.splitlines())


def _json_values(yaml_text: str) -> str:
    import json

    return json.dumps(yaml_text)


def _export(values: str) -> str:
    return ('{"metadata": {"name": "store"}, "spec": {"version": "1.0.0", "template": {"type": "infra", '
            '"cloudType": "edge-native", "packs": [{"name": "edge-native-byoi", "type": "spectro", "layer": "os", '
            f'"version": "2.0.0", "values": {_json_values(values)}}}]}}}}}}\n')


def _plant(root: Path) -> None:
    c = CANARIES
    key = catalogue()["private-key"]
    (root / "os-layer.yaml").write_text(f"""\
pack:
  content:
    images:
      - image: '{{{{.spectro.pack.edge-native-byoi.options.system.uri}}}}'
providerCredentials:
  registry: https://robot:{c["QzUrlPw2"]}@harbor.example.com
  user: robot-edge
  password: "{c["QzOslPw1"]}"
  certificates: |
{_indent(key, 4)}
options:
  system.uri: robot:{c["QzUrlPw2"]}@harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
""", encoding="utf-8")
    (root / "profile.yaml").write_text(f"""\
name: store-addons
type: add-on
cloudType: edge-native
packs:
  - name: harbor-edge-native-config
    layer: addon
    values: |
      harbor-config:
        auth:
          password: "{c["QzPackPw3"]}"
          password: "{c["QzDupO"]}"
""", encoding="utf-8")
    (root / "export.json").write_text(_export(f"""\
pack:
  content:
    images:
      - image: '{{{{.spectro.pack.edge-native-byoi.options.system.uri}}}}'
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: {c["QzExpPw4"]}
  apiToken: {c["QzExpTok5"]}
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
"""), encoding="utf-8")
    site = root / "site"
    site.mkdir()
    import base64

    encoded = base64.b64encode(c["QzB64PwA"].encode()).decode()
    (site / "user-data").write_text(f"""\
#cloud-config
stylus:
  site:
    paletteEndpoint: api.spectrocloud.com
    edgeHostToken: {c["QzHostTok7"]}
  registryCredentials:
    domain: harbor.example.com
    username: robot-edge
    password: '{c["QzUdPw6"].replace("'", "''")}'
  externalRegistries:
    registries:
      - domain: mirror.example.com
        username: robot-edge
        password: "{encoded}"
        encodedPassword: true
        certificates:
          - |
{_indent(key, 12)}
    registryMappingRules:
      "https://mirror:{c["QzMapPw8"]}@us-docker.pkg.dev/palette-images": mirror.example.com
users:
  - name: kairos
    passwd: {c["QzPasswd9"]}
""", encoding="utf-8")
    broken = root / "broken"
    broken.mkdir()
    (broken / "os-layer.yaml").write_text(
        f"providerCredentials:\n  registry: harbor.example.com\n  password: \"{c['QzBrokOslB']}\n  user: x\n",
        encoding="utf-8")
    (broken / "tabs.yaml").write_text(
        f"providerCredentials:\n  registry: harbor.example.com\n\tpassword: {c['QzBrokTabC']}\n", encoding="utf-8")
    (broken / "profile.yaml").write_text(
        "packs:\n  - name: edge-native-byoi\n    layer: os\n    values: |\n      providerCredentials:\n"
        f"        password: [{c['QzBrokPackD']}, {{\n", encoding="utf-8")
    (broken / "export.json").write_text(
        '{"spec": {"template": {"packs": [{"name": "edge-native-byoi", "layer": "os", "values": '
        f'"providerCredentials:\\n  password: {c["QzBrokExpE"]}\\n', encoding="utf-8")
    (broken / "export-values.json").write_text(_export(
        f"providerCredentials:\n  password: {{{c['QzBrokValF']}: [\n"), encoding="utf-8")
    (broken / "user-data").write_text(
        f"#cloud-config\nstylus:\n  registryCredentials:\n    password: '{c['QzBrokUdG']}\n    username: x\n",
        encoding="utf-8")
    (broken / "alias.yaml").write_text(
        f"providerCredentials:\n  registry: harbor.example.com\n  password: *{c['QzAliasH']}\n", encoding="utf-8")
    (broken / "latin1.yaml").write_bytes(
        f"providerCredentials:\n  password: \"{c['QzLatinI']}-\xe9t\xe9\"\n".encode("latin-1"))
    (root / "notes.yaml").write_text(f"team: edge\npassword: {c['QzNonPalJ']}\n", encoding="utf-8")
    (root / "profile.tf").write_text(f"""\
resource "spectrocloud_cluster_profile" "store" {{
  name = "store-infra"
  pack {{
    name   = "edge-native-byoi"
    values = <<-EOT
      providerCredentials:
        registry: harbor.example.com
        user: robot-edge
        password: "{c["QzTfHdP"]}"
      options:
        system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
    EOT
  }}
  pack {{
    name   = "harbor-edge-native-config"
    values = "harbor-config:\\n  auth:\\n    password: \\"{c["QzTfStrQ"]}\\"\\n"
  }}
}}
""", encoding="utf-8")
    keys = root / "keys"  # a URL whose user information holds an "@", passwords written where keys go
    keys.mkdir()
    (keys / "os-layer.yaml").write_text(f"""\
pack:
  content:
    images:
      - image: '{{{{.spectro.pack.edge-native-byoi.options.system.uri}}}}'
providerCredentials:
  registry: https://robot:{c["QzUrlAtS"]}@harbor.example.com
  user: robot-edge
  password:
    {c["QzKeyT"]}:
  {c["QzKeyU"]}: x
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
""", encoding="utf-8")
    macro = root / "macro"  # a malformed macro in a password
    macro.mkdir()
    (macro / "os-layer.yaml").write_text(f"""\
pack:
  content:
    images:
      - image: '{{{{.spectro.pack.edge-native-byoi.options.system.uri}}}}'
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: '{{{{.spectro.{c["QzMacroV"]}.pw}}}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
""", encoding="utf-8")
    (root / "runbook.md").write_text(f"""\
# Site runbook

1. The site user-data:

   ```yaml
   #cloud-config
   stylus:
     registryCredentials:
       domain: mirror.example.com
       username: robot
       password: "{c["QzMdPwX"]}"
   ```

```yaml
providerCredentials:
  registry: harbor.example.com
  password: "{c["QzMdBrkY"]}
  user: [x
```
""", encoding="utf-8")
    import json as _json

    request = {"metadata": {"name": "store"}, "spec": {"profiles": [{"uid": "x", "packValues": [
        {"name": "edge-native-byoi", "tag": "1.0.0", "type": "spectro", "values": (
            "providerCredentials:\n  registry: harbor.example.com\n  user: robot-edge\n"
            f"  password: {c['QzReqPwZ']}\noptions:\n  system.uri: harbor.example.com/edge/ubuntu:v1\n")}]}]}}
    (root / "create-cluster.json").write_text(_json.dumps(request, indent=2), encoding="utf-8")
    (broken / "profile.tf").write_text(
        'resource "spectrocloud_cluster_profile" "store" {\n  pack {\n    values = <<-EOT\n'
        f'      providerCredentials:\n        password: {c["QzTfBrkR"]}\n', encoding="utf-8")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("canary")
    _plant(root)
    return root


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "linter", *args], cwd=cwd, capture_output=True, timeout=120)


def _assert_no_canary(*outputs: bytes) -> None:
    tokens = [*CANARIES, *_private_key_lines()]
    for output in outputs:
        text = output.decode("utf-8", errors="replace")
        leaked = [token for token in tokens if token in text]
        assert not leaked, f"secrets leaked: {leaked}\n{text[:3000]}"
        assert "Traceback" not in text, text


def test_the_canaries_are_in_the_input(tree: Path) -> None:
    import base64

    planted = b"".join(p.read_bytes() for p in tree.rglob("*") if p.is_file())
    # In a rule's exception, in configurations, in the files of the fix test.
    elsewhere = {"QzCrashK", "QzCfgL", "QzCfgNowM", "QzCfgDaysN", "QzFixCutW"}
    for token in [*CANARIES, *_private_key_lines()]:
        if token == "QzB64PwA":  # planted base64-encoded only: the decoded value must not appear either
            assert base64.b64encode(CANARIES[token].encode()) in planted
        elif token not in elsewhere:
            assert token.encode() in planted, token


@pytest.mark.parametrize("format_name", sorted(FORMATTERS))
def test_no_secret_in_any_format_on_stdout_or_in_a_file(tree: Path, format_name: str, tmp_path: Path) -> None:
    explicit = ["os-layer.yaml", "profile.yaml", "export.json", "site/user-data", "notes.yaml", "profile.tf",
                "runbook.md", "create-cluster.json",
                *sorted(str(p.relative_to(tree)) for p in (tree / "broken").iterdir())]
    result = _cli(tree, "check", "--format", format_name, *explicit)
    assert result.returncode == 1, result.stderr
    _assert_no_canary(result.stdout, result.stderr)
    report = tmp_path / f"report.{format_name}"
    written = _cli(tree, "check", "--format", format_name, "--output", str(report), ".")
    assert written.stdout == b""
    _assert_no_canary(written.stdout, written.stderr, report.read_bytes())


#: A unit that holds no secret of its own but quotes, in a finding's help, the password of os-layer.yaml.
QUOTING_ANOTHER_FILE = """\
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: https://%s.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
""" % CANARIES["QzOslPw1"]


def test_a_warm_run_prints_what_a_cold_run_prints_and_the_cache_holds_no_secret(tmp_path: Path) -> None:
    """The result cache stores what a fresh run prints: redacted with every secret of the run (not only the
    unit's own), so a run that reads it prints byte for byte what a run without it prints."""
    root = tmp_path / "tree"
    root.mkdir()
    _plant(root)
    (root / "quoting").mkdir()
    (root / "quoting" / "os-layer.yaml").write_text(QUOTING_ANOTHER_FILE, encoding="utf-8")
    # First a run over the quoting unit alone: there the value is no secret, and its entry is written as is.
    _cli(root, "check", "--now", "2026-06-01", "quoting")
    for format_name in ("text", "sarif", "json", "github"):
        args = ("check", "--now", "2026-06-01", "-f", format_name, ".")
        cold = _cli(root, *args, "--no-cache")
        first, second = _cli(root, *args), _cli(root, *args)
        _assert_no_canary(cold.stdout, cold.stderr)
        assert first.stdout == cold.stdout and second.stdout == cold.stdout, format_name
        assert first.stderr == cold.stderr and second.stderr == cold.stderr, format_name
    assert b"help: Palette wants a registry domain" in _cli(root, "check", "--now", "2026-06-01", ".").stdout
    entries = [p for p in (root / ".palette-lint-cache").rglob("*.json")]
    assert len(entries) >= 5, "the result cache was not written"  # every unit but broken/ (Latin-1)
    _assert_no_canary(*(entry.read_bytes() for entry in entries))
    # The password gone from os-layer.yaml, the quoting unit's value is no secret any more: printed, as cold.
    (root / "os-layer.yaml").write_text((root / "os-layer.yaml").read_text().replace(CANARIES["QzOslPw1"], "x"))
    cold = _cli(root, "check", "--now", "2026-06-01", "--no-cache", "quoting", "os-layer.yaml")
    warm = _cli(root, "check", "--now", "2026-06-01", "quoting", "os-layer.yaml")
    assert CANARIES["QzOslPw1"].encode() in cold.stdout and warm.stdout == cold.stdout


def test_the_runs_reached_every_path(tree: Path) -> None:
    """Not a vacuous pass: the runs report the planted passwords, key, broken files and the non-Palette file."""
    result = _cli(tree, "check", "os-layer.yaml", "profile.yaml", "export.json", "site/user-data", "notes.yaml",
                  "profile.tf", "runbook.md", "create-cluster.json", "broken")
    text = result.stdout.decode()
    for rule_id in ("PAL301", "PAL206", "PAL000", "PAL001", "PAL108"):
        assert rule_id in text, f"{rule_id} missing:\n{text}"
    assert text.count("PAL000") >= 8, text
    assert "profile.tf:9:19: error PAL301" in text  # the heredoc's password, at its place in the .tf file
    assert "runbook.md:11:18: warning PAL301" in text and "runbook.md:19:1: error PAL000" in text  # Markdown
    assert "create-cluster.json:14:110: error PAL301" in text  # a cluster request's packValues
    assert "palette-lint: warning: notes.yaml: not a Palette" in result.stderr.decode()
    assert "***" in text  # the URL credentials are shown redacted, the user name kept


def test_a_crashing_rule_does_not_leak_its_exception(tree: Path, tmp_path: Path) -> None:
    rules = tmp_path / "leaky_rules"
    rules.mkdir()
    (rules / "leaky.py").write_text('''\
"""Raises with a password in its exception message (a test rule for PAL999)."""

from linter.api import ALL_DOCUMENT_KINDS, rule


@rule(id="PAL980", name="leaky-crash", kinds=ALL_DOCUMENT_KINDS, severity="error")
def check(doc, ctx):
    raise RuntimeError("password is " + str(doc.get(("providerCredentials", "password"))) + " CANARY-QzCrashK")
''', encoding="utf-8")
    (tmp_path / ".palette-lint.yaml").write_text(f"rule-dirs: [{rules}]\n", encoding="utf-8")
    for format_name in sorted(FORMATTERS):
        result = _cli(tmp_path, "check", "--config", ".palette-lint.yaml", "--format", format_name,
                      str(tree / "os-layer.yaml"))
        assert result.returncode == 2
        assert b"PAL999" in result.stdout
        _assert_no_canary(result.stdout, result.stderr)


@pytest.mark.parametrize("config", [
    'select: ["CANARY-QzCfgL-config\n',
    "now: CANARY-QzCfgNowM\n",
    "rules:\n  certificate-expires-soon: {days: CANARY-QzCfgDaysN}\n",
    "fail-on: CANARY-QzCfgL-config\n",
    "select: [PAL0]\nrules: {PAL301: {user-data-severity: CANARY-QzCfgL-config}}\n",
    "\tselect: CANARY-QzCfgL-config\n",
])
def test_configuration_errors_do_not_quote_the_configuration(tree: Path, tmp_path: Path, config: str) -> None:
    (tmp_path / "conf.yaml").write_text(config, encoding="utf-8")
    for format_name in sorted(FORMATTERS):
        result = _cli(tree, "check", "--config", str(tmp_path / "conf.yaml"), "--format", format_name, ".")
        assert result.returncode == 2, result.stdout + result.stderr
        _assert_no_canary(result.stdout, result.stderr)
        if not result.stdout:
            break  # refused before any report: the format does not matter


# ---- palette-lint verify: passwords and macro values reach the registry, never an output -------------------

VERIFY_CANARIES = {
    "QzVerGood1": "CANARY-QzVerGood1-password",  # the right password, from PALETTE_MACRO_CANARY_PW
    "QzVerTag2": "tag-QzVerTag2",  # a macro value from --macros FILE (the image's tag)
    "QzVerBad3": "CANARY-QzVerBad3-password",  # a wrong literal password in user-data
    "QzVerB64x4": "CANARY-QzVerB64x4-password",  # a wrong encodedPassword, planted base64-encoded
    "QzVerEnv5": "CANARY-QzVerEnv5-unused",  # a macro value no file uses
}


def test_verify_prints_no_password_and_no_macro_value(tmp_path: Path) -> None:
    import base64
    import os

    from tests.registry import Pki, Registry, htpasswd, registry_binary

    registry_binary()
    c = VERIFY_CANARIES
    ca = Pki("palette-lint canary CA")
    cert, key = ca.server(tmp_path / "certs", "registry")
    registry = Registry(tmp_path / "registry", cert, key, {"htpasswd": {
        "realm": "canary", "path": str(htpasswd(tmp_path / "htpasswd", "robot", c["QzVerGood1"]))}})
    try:
        site = tmp_path / "tree" / "site"
        mirror = tmp_path / "tree" / "mirror"
        site.mkdir(parents=True)
        mirror.mkdir(parents=True)
        (site / "values.yaml").write_text(f"""\
pack:
  content:
    images:
      - image: '{{{{.spectro.pack.edge-native-byoi.options.system.uri}}}}'
providerCredentials:
  registry: {registry.host}
  user: robot
  password: '{{{{.spectro.macro.CANARY_PW}}}}'
  certificates: |
{_indent(ca.pem, 4)}
options:
  system.uri: '{registry.host}/edge/os:{{{{.spectro.macro.CANARY_TAG}}}}'
""", encoding="utf-8")
        encoded = base64.b64encode(c["QzVerB64x4"].encode()).decode()
        (mirror / "user-data").write_text(f"""\
#cloud-config
stylus:
  externalRegistries:
    registries:
      - domain: {registry.host}/mirror
        username: robot
        password: "{c["QzVerBad3"]}"
        certificates:
          - |
{_indent(ca.pem, 12)}
      - domain: localhost:{registry.port}
        username: robot
        password: "{encoded}"
        encodedPassword: true
        certificates:
          - |
{_indent(ca.pem, 12)}
""", encoding="utf-8")
        macros = tmp_path / "macros.yaml"
        macros.write_text(f"CANARY_TAG: {c['QzVerTag2']}\n", encoding="utf-8")
        env = {**os.environ, "PALETTE_MACRO_CANARY_PW": c["QzVerGood1"], "PALETTE_MACRO_UNUSED": c["QzVerEnv5"],
               "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
        planted = b"".join(p.read_bytes() for p in (tmp_path / "tree").rglob("*") if p.is_file())
        assert c["QzVerBad3"].encode() in planted and encoded.encode() in planted

        def run(*args: str) -> subprocess.CompletedProcess[bytes]:
            return subprocess.run([sys.executable, "-m", "linter", "verify", "--macros", str(macros), *args],
                                  cwd=tmp_path / "tree", capture_output=True, timeout=120, env=env)

        def clean(*outputs: bytes) -> None:
            for output in outputs:
                text = output.decode("utf-8", errors="replace")
                leaked = [token for token in VERIFY_CANARIES if token in text]
                assert not leaked, f"secrets leaked: {leaked}\n{text[:3000]}"
                assert "Traceback" not in text, text

        for format_name in sorted(FORMATTERS):
            result = run("--format", format_name, ".")
            assert result.returncode == 1, result.stderr
            clean(result.stdout, result.stderr)
            report = tmp_path / f"verify.{format_name}"
            written = run("--format", format_name, "--output", str(report), ".")
            assert written.stdout == b""
            clean(written.stderr, report.read_bytes())
        text = run("--format", "text", ".").stdout.decode()
        assert text.count("PAL506") == 2 and "PAL508" in text, text  # both wrong passwords; the tag not pushed
        assert "{{.spectro.macro.CANARY_TAG}}" in text  # the image as written, not its macro's value
    finally:
        registry.stop()


def test_fix_and_diff_print_no_secret(tmp_path: Path) -> None:
    """``--diff`` shows the lines fixes change, passwords included, and the fixed files' context: every secret is
    scrubbed from it, from the notes (the macro to create) and from what ``--fix`` prints; the secrets a fix
    removed from a file (the last run no longer reads them) too."""
    root = tmp_path / "tree"
    root.mkdir()
    _plant(root)
    (root / "fixable").mkdir()
    (root / "fixable" / "os-layer.yaml").write_text(f"""\
pack:
  content:
    images:
      - image: '{{{{.spectro.pack.edge-native-byoi.options.system.uri}}}}'
providerCredentials:
  registry: https://harbor.example.com/v2
  user: robot-edge
  password: {CANARIES["QzFixCutW"]} #tail
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
""", encoding="utf-8")
    files = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    shown = _cli(root, "check", "--diff", "--unsafe-fixes", "--no-cache", "--now", "2026-06-01", ".")
    assert shown.returncode == 1, shown.stderr
    _assert_no_canary(shown.stdout, shown.stderr)
    diff = shown.stdout.decode()
    assert "+++ b/fixable/os-layer.yaml" in diff and "+++ b/os-layer.yaml" in diff and "+++ b/export.json" in diff
    assert "-  password: \"***\"" in diff  # os-layer.yaml: the password replaced by a macro, shown redacted
    assert "+  password: '{{.spectro.macro.HARBOR_EXAMPLE_COM_PASSWORD}}'" in diff
    # fixable/: quoted with what followed ' #' (unsafe), then a macro: the old line hides the whole value.
    section = diff.split("+++ b/fixable/os-layer.yaml", 1)[1].split("--- a/", 1)[0]
    assert "-  password: ***\n" in section and "#tail" not in section, section
    assert b"create the Palette macro" in shown.stderr
    assert all(path.read_bytes() == data for path, data in files.items()), "--diff wrote a file"
    fixed = _cli(root, "check", "--fix", "--unsafe-fixes", "--no-cache", "--now", "2026-06-01", ".")
    _assert_no_canary(fixed.stdout, fixed.stderr)
    assert b"Fixed " in fixed.stdout
    assert CANARIES["QzOslPw1"] not in (root / "os-layer.yaml").read_text()
    again = _cli(root, "check", "--diff", "--unsafe-fixes", "--no-cache", "--now", "2026-06-01", ".")
    assert (again.returncode, again.stdout) == (0, b"")


def test_the_language_server_sends_no_secret(tree: Path, tmp_path: Path) -> None:
    """Every message ``palette-lint server`` sends (diagnostics, code actions and their edits, hovers, log and
    show messages) is scrubbed like a report, for every kind of planted file, broken ones included."""
    import os

    from tests.lsp import LanguageServer

    files = [p for p in sorted(tree.rglob("*")) if p.is_file() and ".palette-lint-cache" not in p.parts]
    command = [sys.executable, "-m", "linter", "server", "--now", "2026-06-01"]
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    seen = 0
    with LanguageServer(command, tree, {}, timeout=60, env=env) as server:
        for path in files:
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            for diagnostic in server.open(path, text):
                seen += 1
                server.call("textDocument/codeAction", {"textDocument": {"uri": path.as_uri()},
                                                        "range": diagnostic["range"],
                                                        "context": {"diagnostics": [diagnostic]}})
                start = diagnostic["range"]["start"]
                server.hover(path, start["line"], start["character"])
    assert seen >= 20, "the server reported too little to prove anything"
    actions = [a for m in server.received if isinstance(m.get("result"), list) for a in m["result"]]
    assert any("edit" in action for action in actions), "no code action with an edit was sent"
    _assert_no_canary(server.raw)
    for page in (tmp_path / "cache").rglob("*.md"):
        _assert_no_canary(page.read_bytes())
