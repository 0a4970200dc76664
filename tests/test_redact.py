"""The one redaction function, the secrets a run collects, and the output dispatch that scrubs every format."""

from __future__ import annotations

import html
import json
from pathlib import Path

import msgspec
import pytest

from linter.model import Finding, Fix, Location, Notice, RelatedLocation, Replacement, Run, Severity, Span
from linter.output import FORMATTERS, render
from linter.palette import credentials
from linter.redact import PRIVATE_KEY_REDACTED, REDACTED, Secrets, escaped_forms, redact, redact_findings, redact_run
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


def test_a_field_name_under_credentials_is_shown_and_a_key_that_may_be_a_password_is_not(tmp_path: Path) -> None:
    """``cert:`` under providerCredentials is a misspelt field: shown in the path and the message, and not a
    secret (redacting it turned every "certificates" into "***ificates"). A key that may be a password typed where
    a key goes stays hidden as ``(key)`` and redacted everywhere."""
    (tmp_path / "os.yaml").write_text(
        "providerCredentials:\n  registry: harbor.example.com\n  user: robot\n"
        "  password: '{{.spectro.macro.P}}'\n  cert: x\n  Hx7-kq2Lm9: y\n"
        "options:\n  system.uri: harbor.example.com/edge/os:v1\n", encoding="utf-8")
    run = run_paths([tmp_path / "os.yaml"], root=tmp_path)
    shown = {(f.location.yaml_path, f.message) for f in run.active_findings if f.rule_id == "PAL003"}
    assert ("providerCredentials.cert", "unknown key in providerCredentials: did you mean 'certificates'?") in shown
    assert any(path == 'providerCredentials["(key)"]' for path, _message in shown), shown
    assert redact("certificates", run.secrets) == "certificates"
    assert redact("key Hx7-kq2Lm9", run.secrets) == f"key {REDACTED}"
    assert credentials.may_hide_a_secret("ca_cert") is False and credentials.may_hide_a_secret("S3cr3t!") is True


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


def test_github_command_escapes_of_a_secret_are_scrubbed() -> None:
    """GitHub workflow commands percent-encode ``%``, CR and LF in messages, and ``:`` and ``,`` too in
    properties (``file=``, ``title=``), in upper-case hex as the runner writes them, and nothing else (a space
    stays a space, unlike in a URL)."""
    secret = "p ss:w,rd%\rX"
    secrets = Secrets([secret])
    for form in ("p ss:w,rd%25%0DX", "p ss%3Aw%2Crd%25%0DX"):
        assert form in escaped_forms(secret)
        assert redact(f"<{form}>", secrets) == f"<{REDACTED}>", form
    assert "a b%0Ac" in escaped_forms("a b\nc")


def test_html_and_url_escapes_of_a_secret_are_scrubbed() -> None:
    """XML and HTML formats escape ``&<>`` and quotes as entities (``&#x27;`` or ``&apos;``), or ``&<>`` only in
    text; URLs percent-encode every reserved character, ``/`` included, with ``%20`` or ``+`` for a space."""
    secret = "it's <\"q\"> a/b"
    forms = escaped_forms(secret)
    assert {"it&#x27;s &lt;&quot;q&quot;&gt; a/b", "it&apos;s &lt;&quot;q&quot;&gt; a/b", "it's &lt;\"q\"&gt; a/b",
            "it%27s%20%3C%22q%22%3E%20a%2Fb", "it%27s+%3C%22q%22%3E+a%2Fb"} <= forms
    secrets = Secrets([secret])
    for form in forms:
        assert redact(f"<{form}>", secrets) == f"<{REDACTED}>", form


def test_secrets_at_the_length_limits_are_kept() -> None:
    """A value of exactly MIN_SECRET_LENGTH characters is a secret, as is a line of exactly MIN_SECRET_LINE
    characters of a multi-line value; a value that is not text does not stop the ones after it."""
    assert redact("pass abcd", Secrets([None, "abcd"])) == f"pass {REDACTED}"
    line = "0123456789abcdef"  # 16 characters
    assert redact(f"x {line} y", Secrets([f"first-line-of-a-key-body\n{line}\n"])) == f"x {REDACTED} y"


@pytest.mark.parametrize("length", [255, 256, 257, 5000])
def test_long_secrets_are_scrubbed_on_both_sides_of_the_long_limit(length: int) -> None:
    secret = ("Zq9-" * 2000)[:length]
    assert redact(f"a {secret} b {json.dumps(secret)}", Secrets([secret])) == f'a {REDACTED} b "{REDACTED}"'


def test_a_long_secret_inside_a_longer_one_does_not_leave_the_longer_ones_tail() -> None:
    inner = "x" * 300
    outer = "0" + inner + "-tail-of-the-outer-secret"
    assert redact(f"[{outer}]", Secrets([inner, outer])) == f"[{REDACTED}]"


def test_secrets_of_two_runs_combine() -> None:
    both = Secrets(["first-secret"]) | Secrets(["second-secret"])
    assert len(both) == 2
    assert redact("first-secret second-secret", both) == f"{REDACTED} {REDACTED}"


def test_digests_are_of_every_value_or_of_those_found_in_the_texts() -> None:
    """The result cache records digests, never values: of every value, or of the values a cached result's
    texts hold in any escaped form (short values through the pattern, long ones as text)."""
    short, exact, long, absent = "short-secret", "e" * 256, "L" * 300, "never-quoted"
    secrets = Secrets([short, exact, long, absent])
    assert secrets.digests(str.upper) == {v.upper() for v in (short, exact, long, absent)}
    texts = [f"message {json.dumps(short)}", f"help {exact}", f"related {html.escape(long)}"]
    assert secrets.digests(str.upper, within=texts) == {short.upper(), exact.upper(), long.upper()}
    assert secrets.digests(str.upper, within=["nothing here"]) == set()
    assert secrets.digests(str.upper, within=[]) == set()
    assert Secrets().digests(str.upper, within=["short-secret"]) == set()
    # each text is searched on its own: a value is not found across the end of one and the start of the next
    assert Secrets(["secretXX"]).digests(str.upper, within=["a secret", "XX b"]) == set()


def _finding(text: str, yaml_path: str = "") -> Finding:
    location = Location("dir/kairos.yaml", "dir/kairos.yaml", Span(1, 1, 1, 2), yaml_path=yaml_path)
    return Finding("PAL301", "plaintext-password", Severity.ERROR, f"message {text}", location,
                   related=(RelatedLocation(location, f"related {text}"),), help=f"help {text}")


def test_redact_run_scrubs_every_message_and_url_credentials_in_yaml_paths() -> None:
    """Messages, help and related messages of reported and absent findings, and notices, lose the run's
    secrets; YAML paths lose URL credentials only, and file paths nothing."""
    secrets = Secrets(["Hunter-22", "kairos"])
    run = Run(findings=(_finding("Hunter-22", 'registryMappingRules["https://u:pw@h.example.com"]'),),
              rules=(), files_checked=1, notices=(Notice("cannot read Hunter-22", path="dir/kairos.yaml"),),
              absent=(_finding("Hunter-22 gone", "password"),))
    redacted = redact_run(run, secrets)
    assert redacted.secrets is secrets
    for found in (*redacted.findings, *redacted.absent):
        assert found.message.startswith("message ***") and found.help.startswith("help ***")
        assert [r.message.split(" ", 1)[1][:3] for r in found.related] == ["***"]
        assert found.location.path == "dir/kairos.yaml"
    assert redacted.findings[0].location.yaml_path == 'registryMappingRules["https://***@h.example.com"]'
    assert redacted.findings[0].related[0].location.yaml_path == 'registryMappingRules["https://***@h.example.com"]'
    assert redacted.absent[0].location.yaml_path == "password"
    assert [(n.message, n.path) for n in redacted.notices] == [("cannot read ***", "dir/kairos.yaml")]
    assert redacted.findings[0].related[0].location.path == "dir/kairos.yaml"


def _with_fix(fix: Fix) -> Finding:
    return msgspec.structs.replace(_finding("plain"), fix=fix)


def test_a_fix_keeps_its_edits_and_loses_secrets_from_its_title_note_and_paths() -> None:
    secrets = Secrets(["Hunter-22"])
    edit = Replacement(Span(2, 13, 2, 22), "'{{.spectro.macro.REGISTRY_PASSWORD}}'")
    fix = Fix("replace Hunter-22 with a macro", (edit,), note="then set Hunter-22 in the macro",
              paths=('registries["Hunter-22"].password',))
    [redacted] = redact_findings([_with_fix(fix)], secrets)
    assert redacted.fix == Fix(f"replace {REDACTED} with a macro", (edit,), note=f"then set {REDACTED} in the macro",
                               paths=(f'registries["{REDACTED}"].password',))


def test_a_fix_that_would_write_a_secret_is_dropped_not_altered() -> None:
    secrets = Secrets(["Hunter-22"])
    fix = Fix("quote the password", (Replacement(Span(2, 13, 2, 22), "'Hunter-22'"),))
    [redacted] = redact_findings([_with_fix(fix)], secrets)
    assert redacted.fix is None
    assert redacted.message == "message plain"


def test_a_fix_without_secrets_is_kept_as_it_is() -> None:
    fix = Fix("quote the value", (Replacement(Span(2, 13, 2, 17), "'no'"),), note="check it", paths=("a.b",))
    [redacted] = redact_findings([_with_fix(fix)], Secrets(["Hunter-22"]))
    assert redacted.fix == fix
