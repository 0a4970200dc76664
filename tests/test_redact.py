"""The one redaction function, the secrets a run collects, and the output dispatch that scrubs every format."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from linter.model import Run
from linter.output import FORMATTERS, render
from linter.palette import credentials
from linter.redact import PRIVATE_KEY_REDACTED, REDACTED, Secrets, redact
from tests.certs import catalogue
from tests.helpers import run_paths


@pytest.mark.parametrize("text, expected", [
    ("pull from https://robot:s3cr3t-pw@harbor.example.com/edge", "pull from https://***@harbor.example.com/edge"),
    ("registry robot:s3cr3t-pw@harbor.example.com:8443", "registry ***@harbor.example.com:8443"),
    ('key ["oci://u:p4ss@h.example.com/x"]', 'key ["oci://***@h.example.com/x"]'),
    ("https://:tok3n@h.example.com", "https://***@h.example.com"),
    # the user information runs to the last "@" before the host, and all of it goes
    ("https://robot:S3cr3t@CANARY@host.example.com/x", "https://***@host.example.com/x"),
    ("robot:pw@[fd00::1]:5000", "***@[fd00::1]:5000"),
    # image references with a digest are not credentials
    ("harbor.example.com/edge/os:v1.4.5@sha256:" + "a" * 64, "harbor.example.com/edge/os:v1.4.5@sha256:" + "a" * 64),
    ("user@example.com", "user@example.com"),
])
def test_url_credentials(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_a_password_before_an_ipv6_host_is_masked() -> None:
    # A short password, so only the URL pattern can catch it (no known-secret scrub behind it).
    message = "cannot pull oci://robot:pw@[fd00::1]:5000/edge/os:v1 or robot:pw@[fd00::1]:5000"
    assert redact(message) == "cannot pull oci://***@[fd00::1]:5000/edge/os:v1 or ***@[fd00::1]:5000"


def test_private_keys_are_removed_whole_or_truncated() -> None:
    key = catalogue()["private-key"]
    body = key.splitlines()[3]
    assert redact(f"before {key} after") == f"before {PRIVATE_KEY_REDACTED} after"
    truncated = "\n".join(key.splitlines()[:5])
    assert body not in redact(f"x {truncated}")
    escaped = json.dumps(key)  # a key inside JSON output, its line breaks escaped
    assert body not in redact(escaped) and redact(escaped).startswith('"') and redact(escaped).endswith('"')


def test_a_parser_message_keeps_its_grammar_and_drops_the_file_text() -> None:
    from linter.yaml.composer import without_quoted_text

    assert without_quoted_text("found character 'hunter2' that cannot start") == \
        "found character '…' that cannot start"
    assert without_quoted_text("expected ',' or ']', but got '<block end>'") == \
        "expected ',' or ']', but got '<block end>'"


def test_a_weak_password_does_not_break_paths_or_uris(tmp_path: Path) -> None:
    """A password that is also a folder and a user name (``kairos``) is scrubbed where a message would quote
    it, never from the file path, the SARIF URI or the YAML path."""
    import subprocess
    import sys

    folder = tmp_path / "kairos"
    folder.mkdir()
    (folder / "user-data").write_text("#cloud-config\nstylus:\n  site:\n    paletteEndpoint: api.spectrocloud.com\n"
                                      "    users:\n      kairos:\n        passwd: kairos\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "linter", "check", "--no-cache", "-f", "sarif", "kairos"],
                            cwd=tmp_path, capture_output=True, text=True)
    log = json.loads(result.stdout)
    results = log["runs"][0]["results"]
    assert results, result.stderr
    for found in results:
        location = found["locations"][0]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == "kairos/user-data"
        assert "***" not in json.dumps(location)


def test_known_values_are_scrubbed_in_every_escaped_form() -> None:
    secret = 'pa"ss<&>\\wörd:1,%'
    secrets = Secrets([secret])
    for form in (secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1],
                 html.escape(secret), "pa%22ss%3C%26%3E%5Cw%C3%B6rd%3A1%2C%25"):
        assert redact(f"<{form}>", secrets) == f"<{REDACTED}>", form


def test_short_and_trivial_values_are_not_secrets() -> None:
    secrets = Secrets(["abc", "", None, 12345, "  "])
    assert len(secrets) == 0
    assert redact("abc 12345", secrets) == "abc 12345"


def test_multi_line_secrets_are_scrubbed_line_by_line() -> None:
    key = catalogue()["rsa-private-key"]
    secrets = Secrets([key])
    lines = [line for line in key.splitlines() if not line.startswith("-----")]
    assert len(secrets) == len(lines)
    assert redact(" / ".join(lines), secrets).count(REDACTED) == len(lines)


def test_secrets_never_print_and_the_pattern_scales() -> None:
    values = [f"secret-value-{n:05d}" for n in range(5000)]
    secrets = Secrets(values)
    assert repr(secrets) == "Secrets(5000 values)" and "secret-value" not in repr(secrets)
    text = " ".join(values[::7]) + " secret-value-1x"
    out = redact(text, secrets)
    assert "secret-value-0" not in out and out.endswith("secret-value-1x")
    assert redact("pass-word-123", Secrets(["pass-word-1", "pass-word-12"])) == f"{REDACTED}3"  # longest wins


def test_secret_collection_from_text_of_files_that_do_not_parse() -> None:
    text = ('providerCredentials:\n  password: "hunter2-long"  # note\n  apiToken: tok-123456\n'
            '"values": "x:\\n  password: inner-secret\\n"\n  passwd: [unclosed\n'
            "  registry: https://u:url-secret@h.example.com\n  password: '{{.spectro.macro.X}}'\n"
            "  password: \"******\"\n  encodedPassword: true\n")
    found = credentials.secrets_in_text(text)
    assert {"hunter2-long", "tok-123456", "inner-secret", "url-secret"} <= found
    assert not {"{{.spectro.macro.X}}", "******", "true"} & found


def test_secret_collection_from_data() -> None:
    data = {"providerCredentials": {"user": "robot", "password": "cGFzc3dvcmQtMTIz", "registry": "h"},
            "auth": {"username": "admin", "password": 123456},
            "stylus": {"site": {"edgeHostToken": "tok-abcdef"}, "externalRegistries": {
                "registryMappingRules": {"https://m:map-secret@src.example.com": "dst"}}}}
    found = credentials.secrets_in_data(data)
    assert {"cGFzc3dvcmQtMTIz", "password-123", "123456", "tok-abcdef", "map-secret"} <= found
    assert not {"robot", "h", "admin"} & found


def test_the_run_carries_its_secrets_and_render_scrubs_any_format(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "os.yaml").write_text(
        "providerCredentials:\n  registry: harbor.example.com\n  user: robot\n  password: 'Leaky-Value-99'\n"
        "options:\n  system.uri: harbor.example.com/edge/os:v1\n", encoding="utf-8")
    run = run_paths([tmp_path], root=tmp_path)
    assert run.secrets is not None and len(run.secrets) >= 1
    assert "Leaky" not in repr(run)

    def leaky(run: Run) -> str:  # a careless formatter that prints a snippet of the file, JSON-escaped
        return json.dumps({"snippet": "password: 'Leaky-Value-99'"})

    monkeypatch.setitem(FORMATTERS, "leaky", leaky)
    assert "Leaky-Value-99" not in render("leaky", run)
    assert "Leaky-Value-99" in leaky(run)
