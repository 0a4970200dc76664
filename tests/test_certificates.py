"""PEM splitting, certificate facts, block positions in every kind of string, the injected clock, rule options
and the lazy import of cryptography. Certificates come from tests/certs.py, generated for FIXED_NOW."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.certs import pem
from linter.cli import cli
from linter.inputs import read_file
from linter.yaml.composer import YamlParser
from linter.yaml.source import SourceFile
from tests.certs import catalogue
from tests.helpers import REPO, run_paths

CA = catalogue()["ca"]
LEAF = catalogue()["leaf"]


def _indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line for line in text.splitlines())


def _lint(tmp_path: Path, files: dict[str, str], select: str = "PAL2,PAL3") -> list[tuple[str, int, int, str]]:
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    run = run_paths([tmp_path], root=tmp_path, select=tuple(select.split(",")))
    return [(f.location.path, f.location.span.line, f.location.span.column, f.rule_id) for f in run.findings]


# ---- splitting ------------------------------------------------------------------------------------------------

def test_split_pem_reads_labels_lines_and_problems() -> None:
    body = "\n".join(LEAF.splitlines()[1:-1])
    text = (f"explanatory text\n{LEAF}\n\n-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
            "-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n"
            f"-----BEGIN CERTIFICATE----- {body.replace(chr(10), ' ')} -----END CERTIFICATE-----\n"
            "-----BEGIN CERTIFICATE-----\n----\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\n"
            "-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nAAAA")
    blocks = pem.split_pem(text)
    assert [(b.label, b.problem) for b in blocks] == [
        ("CERTIFICATE", ""), ("PUBLIC KEY", ""), ("CERTIFICATE", "no-begin"), ("CERTIFICATE", "mismatched"),
        ("CERTIFICATE", "one-line"), ("CERTIFICATE", "bad-base64"), ("CERTIFICATE", "empty"),
        ("CERTIFICATE", "truncated")]
    assert blocks[0].line == 1 and blocks[1].line == len(LEAF.splitlines()) + 2
    assert pem.load_certificate(blocks[0]) is not None
    assert pem.load_certificate(blocks[1]) is None


def test_a_placeholder_block_or_bad_armour_is_one_problem() -> None:
    """A documentation placeholder (six-dash armour, a body of stars) is one block with one problem; a real
    certificate whose armour has six dashes is found, and said to be unreadable by PEM readers."""
    placeholder = "------BEGIN CERTIFICATE------\n" + "*" * 64 + "\n" + "*" * 20 + "\n------END CERTIFICATE------"
    assert [(b.label, b.problem) for b in pem.split_pem(placeholder)] == [("CERTIFICATE", "placeholder")]
    for body in ("xxxxxxxx", "<your CA certificate>", "{{.spectro.macro.CA}}", "..."):
        text = f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----"
        assert [b.problem for b in pem.split_pem(text)] == ["placeholder"], body
    six = LEAF.replace("-----BEGIN", "------BEGIN").replace("-----END", "------END")
    assert [(b.label, b.problem) for b in pem.split_pem(six)] == [("CERTIFICATE", "armour")]
    assert [b.problem for b in pem.split_pem("-----BEGIN CERTIFICATE-----\n----\n-----END CERTIFICATE-----")] == \
        ["bad-base64"], "a line of dashes (a shortened example) is not a placeholder"


def test_certificate_facts() -> None:
    ca = pem.load_certificate(pem.split_pem(CA)[0])
    leaf = pem.load_certificate(pem.split_pem(LEAF)[0])
    assert ca is not None and leaf is not None
    assert ca.is_ca and ca.self_signed and ca.key_type == "RSA" and ca.key_bits == 2048
    assert not leaf.is_ca and not leaf.self_signed and leaf.signature_hash == "sha256"
    assert leaf.dns_names == ("harbor.example.com", "*.edge.example.com")
    assert leaf.ip_addresses == ("10.10.254.254",)
    sha1 = pem.load_certificate(pem.split_pem(catalogue()["sha1"])[0])
    assert sha1 is not None and sha1.signature_hash == "sha1"


@pytest.mark.parametrize("host, covered", [
    ("harbor.example.com", True), ("HARBOR.example.com.", True), ("mirror.edge.example.com", True),
    ("a.b.edge.example.com", False), ("edge.example.com", False), ("10.10.254.254", True),
    ("10.10.254.253", False), ("other.example.com", False), ("::1", False),
])
def test_host_coverage(host: str, covered: bool) -> None:
    leaf = pem.load_certificate(pem.split_pem(LEAF)[0])
    assert leaf is not None and leaf.covers(host) is covered


@pytest.mark.parametrize("registry, host", [
    ("https://user@Harbor.Example.com:8443/edge", "harbor.example.com"), ("[fd00::1]:5000/x", "fd00::1"),
    ("10.10.254.254:8000/spectro-images", "10.10.254.254"), ("harbor.local", "harbor.local"),
])
def test_registry_host(registry: str, host: str) -> None:
    assert pem.host_of(registry) == host


# ---- positions ------------------------------------------------------------------------------------------------

def test_block_lines_and_columns_in_every_kind_of_string(tmp_path: Path) -> None:
    expired = catalogue()["expired"]
    escaped_values = json.dumps(
        f"providerCredentials:\n  registry: harbor.example.com\n  certificates: |\n{_indent(CA + chr(10) + expired, 4)}\n"
        "options:\n  system.uri: harbor.example.com/edge/os:v1\n")
    export = ('{\n  "spec": {"template": {"packs": [\n    {"name": "edge-native-byoi", "layer": "os",\n'
              f'     "values": {escaped_values}}}\n  ]}}}}\n}}\n')
    files = {
        "os/values.yaml": f"providerCredentials:\n  registry: harbor.example.com\n  certificates: |\n"
                          f"{_indent(CA, 4)}\n{_indent(expired, 4)}\noptions:\n  system.uri: harbor.example.com/e/os:v1\n",
        "packs/profile.yaml": "packs:\n  - name: edge-native-byoi\n    layer: os\n    values: |\n"
                              "      providerCredentials:\n        registry: harbor.example.com\n"
                              f"        certificates:\n          - |\n{_indent(expired, 12)}\n",
        "export/profile.json": export,
        "site/user-data": "#cloud-config\nstylus:\n  externalRegistries:\n    registries:\n"
                          f"      - domain: harbor.example.com\n        certificates: [{json.dumps(CA + chr(10) + expired)}]\n",
        "folded/user-data": f"#cloud-config\nstylus:\n  site:\n    caCerts:\n      - >\n{_indent(CA, 8)}\n",
    }
    found = _lint(tmp_path, files)
    ca_lines = len(CA.splitlines())
    json_column = _second_begin(export.splitlines()[3])
    flow_column = _second_begin(files["site/user-data"].splitlines()[5])
    assert sorted(found) == sorted([
        ("os/values.yaml", 4 + ca_lines, 5, "PAL202"),
        ("packs/profile.yaml", 9, 13, "PAL202"),
        ("export/profile.json", 4, json_column, "PAL202"),
        ("site/user-data", 6, flow_column, "PAL202"),
        ("folded/user-data", 5, 9, "PAL201"),
    ])


def _second_begin(line: str) -> int:
    """The 1-based column of the second certificate's BEGIN line in a one-line string (the expired one)."""
    marker = "-----BEGIN CERTIFICATE-----"
    return line.index(marker, line.index(marker) + 1) + 1


def test_base64_encoded_ca_certs(tmp_path: Path) -> None:
    good = base64.b64encode(CA.encode()).decode()
    truncated = base64.b64encode(catalogue()["truncated"].encode()).decode()
    found = _lint(tmp_path, {"user-data": f"#cloud-config\nstylus:\n  site:\n    caCerts:\n      - {good}\n"
                                          f"      - {truncated}\n      - '{{{{.spectro.macro.CA}}}}'\n"})
    assert found == [("user-data", 6, 9, "PAL201")]


def test_line_span_of_a_plain_multi_line_string_is_its_start() -> None:
    source = SourceFile("key: first\n  second\n", "x.yaml", "x.yaml")
    parsed = read_file(YamlParser(), source, explicit=True)
    assert parsed.documents[0].line_span(("key",), 1).line == 1


# ---- the clock and options ------------------------------------------------------------------------------------

SOON = f"""\
providerCredentials:
  registry: harbor.example.com
  certificates: |
{_indent(catalogue()["expires-soon"], 4)}
options:
  system.uri: harbor.example.com/edge/os:v1
"""


NOW = ("--now", "2026-06-01T12:00:00Z")  # FIXED_NOW, which the test certificates are made for


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def _cli(cwd: Path, *args: str) -> Outcome:
    """``palette-lint check --select PAL2 ARGS`` in ``cwd``, in-process (the CLI tests run it as a subprocess)."""
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, ["check", "--select", "PAL2", *args])
    finally:
        os.chdir(previous)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr)


def test_now_fixes_the_clock_from_the_command_line_and_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "values.yaml").write_text(SOON, encoding="utf-8")
    soon = _cli(tmp_path, *NOW, "values.yaml")
    assert "PAL203" in soon.stdout and "expires in 10 days, on 2026-06-11" in soon.stdout
    later = _cli(tmp_path, "--now", "2026-06-20", "values.yaml")
    assert "PAL202" in later.stdout and "expired on 2026-06-11\n    help: checked against 2026-06-20" in later.stdout
    (tmp_path / ".palette-lint.yaml").write_text("now: '2026-06-20'\n", encoding="utf-8")
    assert "PAL202" in _cli(tmp_path, "values.yaml").stdout
    assert "PAL203" in _cli(tmp_path, "--now", "2026-06-01", "values.yaml").stdout, "--now wins over the config"
    (tmp_path / ".palette-lint.yaml").write_text("now: next tuesday\n", encoding="utf-8")
    bad = _cli(tmp_path, "values.yaml")
    assert bad.returncode == 2 and "now: not an ISO 8601 date" in bad.stderr and "tuesday" not in bad.stderr


def test_days_option_and_its_validation(tmp_path: Path) -> None:
    (tmp_path / "values.yaml").write_text(SOON, encoding="utf-8")
    config = tmp_path / ".palette-lint.yaml"
    config.write_text("rules:\n  certificate-expires-soon: {days: 5}\n", encoding="utf-8")
    assert _cli(tmp_path, *NOW, "values.yaml").returncode == 0
    config.write_text("rules:\n  PAL203: {days: 11, severity: error}\n", encoding="utf-8")
    assert "error PAL203" in _cli(tmp_path, *NOW, "values.yaml").stdout
    config.write_text("rules:\n  PAL203: {days: soon}\n", encoding="utf-8")
    wrong = _cli(tmp_path, *NOW, "values.yaml")
    assert wrong.returncode == 2 and wrong.stdout == ""
    assert ".palette-lint.yaml:2:12: rules.PAL203.days: expected a whole number" in wrong.stderr
    config.write_text("rules:\n  PAL203: {dayz: 5}\n", encoding="utf-8")
    unknown = _cli(tmp_path, *NOW, "values.yaml")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert "rules.PAL203.dayz: unknown option for PAL203 (certificate-expires-soon) (did you mean 'days'?)" \
        in unknown.stderr


USER_DATA = "#cloud-config\nstylus:\n  registryCredentials:\n    domain: h.example.com\n    password: \"W1nter-2026\"\n"
PROFILE = "providerCredentials:\n  registry: h.example.com\n  password: \"W1nter-2026\"\noptions:\n  system.uri: h.example.com/os:v1\n"


@pytest.mark.parametrize("config, user_data, profile", [
    ("", "warning", "error"),
    ("rules:\n  plaintext-password: {user-data-severity: note}\n", "note", "error"),
    ("rules:\n  PAL301: {user-data-severity: 'off'}\n", None, "error"),
    ("rules:\n  PAL301: {user-data-severity: error}\n", "error", "error"),
    ("rules:\n  PAL301: note\n", "note", "note"),
])
def test_plaintext_password_severity_in_user_data_is_configurable(tmp_path: Path, config: str, user_data: str,
                                                                  profile: str) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "user-data").write_text(USER_DATA, encoding="utf-8")
    (tmp_path / "values.yaml").write_text(PROFILE, encoding="utf-8")
    if config:
        (tmp_path / ".palette-lint.yaml").write_text(config, encoding="utf-8")
    run = run_paths([tmp_path], root=tmp_path, select=("PAL301",))
    severities = {f.location.path: f.severity.label for f in run.findings}
    assert severities.get("site/user-data") == user_data
    assert severities.get("values.yaml") == profile


# ---- cryptography is imported only for a certificate ---------------------------------------------------------------

_PROBE = """\
import sys
from pathlib import Path
from linter.engine.pipeline import Engine
from linter.engine.request import RunRequest
from linter.engine.rule_loader import load_rules
from linter.resources import rules_dir
Engine(load_rules([rules_dir()])).run(RunRequest(paths=(sys.argv[1],), root=Path(sys.argv[1])))
print("cryptography" in sys.modules)
"""


@pytest.mark.parametrize("text, imported", [
    ("providerCredentials:\n  registry: h.example.com\n  certificates: ''\noptions:\n  system.uri: h.example.com/os:v1\n",
     False),
    (f"providerCredentials:\n  registry: h.example.com\n  certificates: |\n{_indent(CA, 4)}\n", True),
])
def test_cryptography_is_imported_only_for_a_certificate(tmp_path: Path, text: str,
                                                                       imported: bool) -> None:
    (tmp_path / "values.yaml").write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", _PROBE, str(tmp_path)], cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.stdout.strip() == str(imported), result.stderr


# ---- certificate fields of every key type (linter/certs/certificate.py) ------------------------------------------

def _self_signed(key, subject: list, algorithm=None, extensions: tuple = ()) -> bytes:
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    name = x509.Name(subject)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(7).not_valid_before(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
               .not_valid_after(dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)))
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(key, algorithm).public_bytes(serialization.Encoding.DER)


def test_key_types_sizes_and_signature_hashes_of_every_kind_of_key() -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519
    from cryptography.x509 import NameAttribute
    from cryptography.x509.oid import NameOID

    from linter.certs.certificate import read_certificate

    org = [NameAttribute(NameOID.ORGANIZATION_NAME, "Example Edge")]
    cases = [(ed25519.Ed25519PrivateKey.generate(), None, ("Ed25519", 256, "")),
             (ed448.Ed448PrivateKey.generate(), None, ("Ed448", 456, "")),
             (dsa.generate_private_key(1024), hashes.SHA256(), ("DSA", 1024, "sha256")),
             (ec.generate_private_key(ec.SECP384R1()), hashes.SHA384(), ("EC", 384, "sha384"))]
    for key, algorithm, expected in cases:
        cert = read_certificate(_self_signed(key, org, algorithm))
        assert cert is not None
        assert (cert.key_type, cert.key_bits, cert.signature_hash) == expected
        # no common name: the whole subject; no extensions: not a CA, no alternative names
        assert (cert.subject, cert.self_signed, cert.is_ca, cert.dns_names, cert.ip_addresses) == (
            "O=Example Edge", True, False, (), ())
    assert read_certificate(b"\x30\x03\x02\x01\x00") is None, "not X.509: None, not an exception"


def test_subject_basic_constraints_and_alternative_names_are_read() -> None:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ed25519

    from linter.certs.certificate import read_certificate

    key = ed25519.Ed25519PrivateKey.generate()
    assert read_certificate(_self_signed(key, [])).subject == "(no subject)"
    names = x509.SubjectAlternativeName([x509.DNSName("a.example.com"), x509.IPAddress(ipaddress.ip_address("fd00::1")),
                                         x509.DNSName("b.example.com")])
    cert = read_certificate(_self_signed(key, [x509.NameAttribute(x509.NameOID.COMMON_NAME, "cn.example.com")],
                                         extensions=((names, False),
                                                     (x509.BasicConstraints(ca=False, path_length=None), True))))
    assert cert is not None
    assert (cert.subject, cert.is_ca, cert.dns_names, cert.ip_addresses) == (
        "cn.example.com", False, ("a.example.com", "b.example.com"), ("fd00::1",))
    ca = read_certificate(_self_signed(key, [], extensions=((x509.BasicConstraints(ca=True, path_length=0), True),)))
    assert ca is not None and ca.is_ca


def test_host_coverage_by_dns_and_ip_entries() -> None:
    """RFC 6125: names compare without case or a final dot; a wildcard stands for exactly one non-empty left-most
    label; an IP address matches IP entries only, in any spelling."""
    import datetime as dt

    from linter.certs.certificate import Certificate

    moment = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    cert = Certificate("x", False, False, moment, moment, ("Harbor.Example.com.", "*.Edge.example.com", "10.0.0.9"),
                       ("fd00::1",), "RSA", 2048, "sha256")
    covered = {host: cert.covers(host) for host in (
        "harbor.example.com", "HARBOR.EXAMPLE.COM.", "x.edge.example.com", "X.EDGE.EXAMPLE.COM", ".edge.example.com",
        "edge.example.com", "fd00:0::1", "fd00::2", "10.0.0.9", "example.com")}
    assert covered == {"harbor.example.com": True, "HARBOR.EXAMPLE.COM.": True, "x.edge.example.com": True,
                       "X.EDGE.EXAMPLE.COM": True, ".edge.example.com": False, "edge.example.com": False,
                       "fd00:0::1": True, "fd00::2": False, "10.0.0.9": False, "example.com": False}


# ---- PEM text in documents (linter/certs/pem.py) -----------------------------------------------------------------

def _doc(text: str):
    parsed = read_file(YamlParser(), SourceFile(text, "values.yaml", "values.yaml"), True)
    return parsed.documents[0]


def test_a_truncated_block_before_a_one_line_block_is_reported_whole() -> None:
    text = "-----BEGIN CERTIFICATE-----\nAAAA\n-----BEGIN CERTIFICATE----- BBBB -----END CERTIFICATE-----"
    assert pem.split_pem(text) == [pem.PemBlock("CERTIFICATE", 0, "", "truncated"),
                                   pem.PemBlock("CERTIFICATE", 2, "BBBB", "one-line")]


def test_pem_text_anywhere_and_certificate_fields_are_found_with_their_owner() -> None:
    """A string with a BEGIN or an END line is PEM text wherever it is; a certificate field is one even without
    PEM (base64-encoded PEM is decoded and marked so); each knows its field and the mapping that holds it."""
    encoded = base64.b64encode((LEAF + "\n").encode()).decode()
    wrapped = "\n".join(encoded[i:i + 64] for i in range(0, len(encoded), 64))
    text = ("note: |\n  -----BEGIN CERTIFICATE-----\n  AAAA\nend-only: '-----END CERTIFICATE-----'\n"
            "stylus:\n  site:\n    caCerts:\n      - |\n" + _indent(wrapped, 8) + "\n"
            "      - 'bm90IGEgY2VydGlmaWNhdGU='\n"  # base64 of 'not a certificate'
            f"      - '{encoded[:40]}!{encoded[40:]}'\n"  # not base64
            "providerCredentials:\n  certificates: |\n" + _indent(LEAF, 4) + "\n")
    found = [(t.path, t.field, t.owner, t.encoded, [(b.label, b.problem) for b in t.blocks])
             for t in pem.pem_texts(_doc(text))]
    assert found == [
        (("note",), "", (), False, [("CERTIFICATE", "truncated")]),
        (("end-only",), "", (), False, [("CERTIFICATE", "no-begin")]),
        (("stylus", "site", "caCerts", 0), "caCerts", ("stylus", "site"), True, [("CERTIFICATE", "")]),
        (("stylus", "site", "caCerts", 1), "caCerts", ("stylus", "site"), False, []),
        (("stylus", "site", "caCerts", 2), "caCerts", ("stylus", "site"), False, []),
        (("providerCredentials", "certificates"), "certificates", ("providerCredentials",), False,
         [("CERTIFICATE", "")])]


def test_the_registry_a_certificate_field_is_given_for() -> None:
    doc = _doc("providerCredentials:\n  registry: Harbor.Example.com:8443\n  certificates: |\n" + _indent(LEAF, 4)
               + "\nstylus:\n  externalRegistries:\n    registries:\n      - domain: '{{.spectro.macro.HOST}}'\n"
               "        certificates: ['" + LEAF.replace("\n", "\\n") + "']\n"
               "      - domain: mirror.example.com\n        certificates: ['" + LEAF.replace("\n", "\\n") + "']\n"
               "other:\n  certificates-note: |\n" + _indent(LEAF, 4) + "\n")
    texts = pem.pem_texts(doc)
    assert [pem.registry_of(doc, t) for t in texts] == [
        ("harbor.example.com", ("providerCredentials", "registry")),
        ("", ()),  # a macro names no host the linter can know
        ("mirror.example.com", ("stylus", "externalRegistries", "registries", 1, "domain")),
        ("", ())]  # PEM text that is no certificate field
    list_owner = pem.PemText(("certificates", 0), (), "certificates", ("certificates",))
    assert pem.registry_of(_doc("certificates: [a]\n"), list_owner) == ("", ()), "a field not in a mapping"


@pytest.mark.parametrize("registry, host", [
    ("Harbor.Example.com.:8443", "harbor.example.com"), ("Registry.BOX.", "registry.box"),
    ("[FD00::1]x]/edge", "fd00::1"),
])
def test_registry_host_loses_case_port_and_final_dot(registry: str, host: str) -> None:
    assert pem.host_of(registry) == host


def test_a_certificate_is_described_by_its_subject_and_whether_it_is_a_ca() -> None:
    ca = pem.load_certificate(pem.split_pem(CA)[0])
    leaf = pem.load_certificate(pem.split_pem(LEAF)[0])
    assert ca is not None and leaf is not None
    assert pem.describe(ca) == "the CA certificate 'Example Edge Registry CA'"
    assert pem.describe(leaf) == "the certificate 'harbor.example.com'"


def test_a_key_type_the_rules_do_not_know_has_no_type_or_size() -> None:
    """An X25519 key (key agreement only, certified by another key) is none of the types the rules weigh."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

    from linter.certs.certificate import read_certificate

    issuer = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "ca")])
    cert = (x509.CertificateBuilder().subject_name(x509.Name([])).issuer_name(issuer)
            .public_key(x25519.X25519PrivateKey.generate().public_key()).serial_number(1)
            .not_valid_before(dt.datetime(2026, 1, 1)).not_valid_after(dt.datetime(2027, 1, 1))
            .sign(ed25519.Ed25519PrivateKey.generate(), None))
    found = read_certificate(cert.public_bytes(serialization.Encoding.DER))
    assert found is not None and (found.key_type, found.key_bits, found.self_signed) == ("", 0, False)


def test_a_name_without_a_wildcard_covers_only_itself() -> None:
    import datetime as dt

    from linter.certs.certificate import Certificate

    moment = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    cert = Certificate("x", False, False, moment, moment, ("harbor.example.com",), (), "RSA", 2048, "sha256")
    assert not cert.covers("q.rbor.example.com") and not cert.covers("q.harbor.example.com")


def test_split_pem_reports_each_broken_block_at_its_line_with_no_body() -> None:
    text = ("-----END CERTIFICATE-----\n"  # 0: an END alone
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n"  # 1: labels differ
            "-----BEGIN CERTIFICATE-----\nAAAA\n"  # 4: cut short by the next BEGIN
            "-----BEGIN CERTIFICATE----- ***** -----END CERTIFICATE-----\n"  # 6: a one-line placeholder
            "-----BEGIN CERTIFICATE-----\nAAAA\n------END CERTIFICATE------\n"  # 7: END armour of six dashes
            "-----BEGIN CERTIFICATE-----\nAAAA")  # 10: cut short by the end of the text
    assert pem.split_pem(text) == [
        pem.PemBlock("CERTIFICATE", 0, "", "no-begin"), pem.PemBlock("CERTIFICATE", 1, "", "mismatched"),
        pem.PemBlock("CERTIFICATE", 4, "", "truncated"), pem.PemBlock("CERTIFICATE", 6, "*****", "placeholder"),
        pem.PemBlock("CERTIFICATE", 7, "AAAA", "armour"), pem.PemBlock("CERTIFICATE", 10, "", "truncated")]


def test_the_headers_of_a_legacy_encrypted_key_are_not_its_body() -> None:
    text = ("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0011\n\nAAAA\nBBBB\n"
            "-----END RSA PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\nAAAA\nnot: a header\n"
            "-----END CERTIFICATE-----")
    assert pem.split_pem(text) == [pem.PemBlock("RSA PRIVATE KEY", 0, "AAAABBBB", ""),
                                   pem.PemBlock("CERTIFICATE", 7, "AAAAnot: a header", "bad-base64")]


def test_a_block_cut_short_by_a_begin_line_is_reported_and_the_next_block_read() -> None:
    text = "-----BEGIN CERTIFICATE-----\nAAAA\n-----BEGIN PUBLIC KEY-----\nBBBB\n-----END PUBLIC KEY-----"
    assert pem.split_pem(text) == [pem.PemBlock("CERTIFICATE", 0, "", "truncated"),
                                   pem.PemBlock("PUBLIC KEY", 2, "BBBB", "")]


def test_a_begin_line_with_text_after_it_is_a_one_line_block_and_its_end_stands_alone() -> None:
    text = "-----BEGIN CERTIFICATE----- AAAA\nBBBB\n-----END CERTIFICATE-----"
    assert pem.split_pem(text) == [pem.PemBlock("CERTIFICATE", 0, "", "one-line"),
                                   pem.PemBlock("CERTIFICATE", 2, "", "no-begin")]


@pytest.mark.parametrize("text, problem", [
    ("note: |\n  -----BEGIN CERTIFICATE-----\n  AAAA\n", "truncated"),
    ("note: '-----END CERTIFICATE-----'\n", "no-begin"),
])
def test_a_document_with_only_a_begin_or_only_an_end_line_holds_pem_text(text: str, problem: str) -> None:
    assert [[b.problem for b in t.blocks] for t in pem.pem_texts(_doc(text))] == [[problem]]


def test_a_signature_algorithm_cryptography_cannot_name_reads_as_unknown() -> None:
    """The certificate is still read (its names, dates and key); only its signature hash is ``unknown``."""
    from linter.certs.certificate import read_certificate
    from tests.certs import _SHA256_RSA

    der = pem.split_pem(LEAF)[0].der()
    assert der is not None
    unnamed = der.replace(_SHA256_RSA, bytes.fromhex("300d06092a864886f70d0101630500"))  # 1.2.840.113549.1.1.99
    cert = read_certificate(unnamed)
    assert cert is not None and (cert.signature_hash, cert.subject, cert.key_type) == (
        "unknown", "harbor.example.com", "RSA")
