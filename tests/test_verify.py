"""``palette-lint verify`` against real registries: Debian's docker-registry (the CNCF distribution registry)
started on 127.0.0.1 by the tests, one with htpasswd basic authentication and TLS from a CA the test generates,
one with ``auth: token`` and a token service in the test process, and the registries and servers the failure
cases need (a certificate for another host, an expired one, a refused port, a server that never answers, a
redirect to another host). The tests push their own multi-architecture image through the registry API, then run
the real CLI on files written for each case and read the JSON report: rule, line and column. Most cases run the
CLI in the test process (mutation testing must see the rules); a few, and the canary tests, run it as a user
does, in a process of its own."""

from __future__ import annotations

import http.server
import json
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from tests.helpers import palette_lint, palette_lint_in_process
from tests.registry import (
    Pki,
    Registry,
    SideServer,
    SilentServer,
    TokenSigner,
    free_port,
    htpasswd,
    push_image,
    registry_binary,
    reply,
    token_handler,
)

USER = "robot-edge"
PASSWORD = "Corr3ct-h0rse-QzVfyPw1"
WRONG = "Wr0ng-QzVfyBad2"
REPOSITORY = "edge/provider"
#: No proxy for 127.0.0.1, whatever the environment running the tests has.
ENV = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


class World:
    """Every server of the module: the CA, the registries, the side servers."""

    def __init__(self, root: Path) -> None:
        registry_binary()
        self.root = root
        self.ca = Pki("palette-lint test registry CA")
        self.other_ca = Pki("some other CA")
        certs = root / "certs"
        cert, key = self.ca.server(certs, "registry")
        self.basic = Registry(root / "basic", cert, key,
                              {"htpasswd": {"realm": "palette-lint-test",
                                            "path": str(htpasswd(root / "htpasswd", USER, PASSWORD))}})
        wrong_cert, wrong_key = self.ca.server(certs, "other-host", dns=("registry.other.example",), ips=())
        self.wrong_host = Registry(root / "wrong-host", wrong_cert, wrong_key, None)
        old_cert, old_key = self.ca.server(certs, "expired", expired=True)
        self.expired = Registry(root / "expired", old_cert, old_key, None)
        self.signer = TokenSigner(root / "token", issuer="palette-lint-test-issuer", service="palette-lint-test")
        self.token_service = SideServer(token_handler(self.signer), cert, key)
        self.token = Registry(root / "token-registry", cert, key, {"token": {
            "realm": f"https://{self.token_service.host}/token", "service": "palette-lint-test",
            "issuer": "palette-lint-test-issuer", "rootcertbundle": str(self.signer.bundle)}})
        self.recorder = SideServer(lambda h: reply(h, 401, b"{}", {
            "WWW-Authenticate": 'Basic realm="recorder"'}), cert, key)
        self.front = SideServer(self._redirecting, cert, key)
        self.silent = SilentServer()
        self.refused_port = free_port()
        with httpx.Client(verify=self.ca.client_context(), auth=(USER, PASSWORD)) as client:
            base = f"https://{self.basic.host}"
            push_image(client, base, REPOSITORY, "v1", ("amd64", "arm64"))
            push_image(client, base, REPOSITORY, "amd64-only", ("amd64",), index=False)

    def _redirecting(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        """A front door that asks for Basic credentials, then redirects the API to another host (the
        recorder, addressed as localhost)."""
        if handler.headers.get("Authorization") is None:
            reply(handler, 401, b"{}", {"WWW-Authenticate": 'Basic realm="front"'})
        else:
            reply(handler, 307, b"", {"Location": f"https://localhost:{self.recorder.port}{handler.path}"})

    def stop(self) -> None:
        for server in (self.basic, self.wrong_host, self.expired, self.token, self.token_service, self.recorder,
                       self.front, self.silent):
            server.stop()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    found = World(tmp_path_factory.mktemp("registries"))
    yield found
    found.stop()


def indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line for line in text.strip().splitlines())


def os_layer(host: str, uri: str, certificates: str = "", password: str = "'{{.spectro.macro.REGISTRY_PASSWORD}}'",
             credentials: bool = True) -> str:
    block = ""
    if credentials:
        block = f"providerCredentials:\n  registry: {host}\n  user: {USER}\n  password: {password}\n"
        if certificates:
            block += f"  certificates: |\n{indent(certificates, 4)}\n"
    return (f"pack:\n  content:\n    images:\n      - image: '{{{{.spectro.pack.edge-native-byoi.options.system.uri}}}}'\n"
            f"{block}options:\n  system.uri: {uri}\n")


def verify(directory: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, list[dict[str, Any]], str]:
    """The CLI's verify in this process (so that mutation testing sees the rules run): exit code, findings."""
    result = palette_lint_in_process("verify", "--format", "json", *args, ".", cwd=directory,
                                     env={**ENV, "PALETTE_MACRO_REGISTRY_PASSWORD": PASSWORD, **(env or {})})
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return result.returncode, report["findings"], result.stdout + result.stderr


def found(findings: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    return sorted((f["rule_id"], f["location"]["line"], f["location"]["column"]) for f in findings)


def at(directory: Path, name: str, needle: str, offset: int = 0) -> tuple[int, int]:
    """The line and column (1-based) where ``needle`` starts in the file, plus ``offset`` columns."""
    for number, line in enumerate((directory / name).read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number, line.index(needle) + 1 + offset
    raise AssertionError(f"{needle!r} is not in {name}")


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(text, encoding="utf-8")
    return directory


# ---- the cases ---------------------------------------------------------------------------------------------

def test_good_credentials_and_a_present_multi_architecture_image(world: World, tmp_path: Path) -> None:
    host = world.basic.host
    write(tmp_path, "values.yaml", os_layer(host, f"{host}/{REPOSITORY}:v1", world.ca.pem))
    for arch in ("amd64", "arm64"):
        status, findings, output = verify(tmp_path, "--arch", arch)
        assert (status, findings) == (0, []), output


def test_wrong_password_is_reported_on_the_password_line(world: World, tmp_path: Path) -> None:
    host = world.basic.host
    write(tmp_path, "values.yaml", os_layer(host, f"{host}/{REPOSITORY}:v1", world.ca.pem))
    status, findings, output = verify(tmp_path, env={"PALETTE_MACRO_REGISTRY_PASSWORD": WRONG})
    assert status == 1
    assert found(findings) == [("PAL506", *at(tmp_path, "values.yaml", "'{{.spectro.macro"))], output
    assert WRONG not in output and PASSWORD not in output


def test_the_password_from_a_macros_file(world: World, tmp_path: Path) -> None:
    host = world.basic.host
    write(tmp_path / "files", "values.yaml", os_layer(host, f"{host}/{REPOSITORY}:v1", world.ca.pem))
    macros = tmp_path / "macros.yaml"
    macros.write_text(f"REGISTRY_PASSWORD: '{PASSWORD}'\n", encoding="utf-8")
    result = palette_lint("verify", "--macros", str(macros), "files", cwd=tmp_path, env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    without = palette_lint_in_process("verify", "--format", "json", "files", cwd=tmp_path, env=ENV)
    assert without.returncode == 0  # a warning only: the login was not checked
    assert found(json.loads(without.stdout)["findings"]) == [
        ("PAL510", *at(tmp_path / "files", "values.yaml", "'{{.spectro.macro"))]


def test_token_authentication_is_reported_and_credentials_stay_away_from_the_token_service(
        world: World, tmp_path: Path) -> None:
    host = world.token.host
    write(tmp_path, "user-data", f"""#cloud-config
stylus:
  externalRegistries:
    registries:
      - domain: {host}/mirror
        username: {USER}
        password: "{PASSWORD}"
        certificates:
          - |
{indent(world.ca.pem, 12)}
""")
    before = len(world.token_service.recorder.authorizations)
    status, findings, output = verify(tmp_path, "--fail-on", "warning")
    assert status == 1
    assert found(findings) == [("PAL505", *at(tmp_path, "user-data", host))], output
    assert "Bearer challenge" in findings[0]["message"] and world.token_service.host in findings[0]["message"]
    assert all(a is None for a in world.token_service.recorder.authorizations[before:])


def test_untrusted_certificate(world: World, tmp_path: Path) -> None:
    host = world.basic.host
    write(tmp_path / "given", "values.yaml", os_layer(host, f"{host}/{REPOSITORY}:v1", world.other_ca.pem))
    status, findings, output = verify(tmp_path / "given")
    assert status == 1
    assert found(findings) == [("PAL502", *at(tmp_path / "given", "values.yaml", "certificates"))], output
    assert "palette-lint test registry CA" not in findings[0]["message"]  # the leaf is described, by its subject
    assert "'registry'" in findings[0]["message"] and "127.0.0.1" in findings[0]["message"]
    write(tmp_path / "none", "values.yaml", os_layer(host, f"{host}/{REPOSITORY}:v1"))
    status, findings, output = verify(tmp_path / "none")
    assert found(findings) == [("PAL502", *at(tmp_path / "none", "values.yaml", "registry: ", 10))], output
    assert "system trust store" in findings[0]["message"]


def test_certificate_for_another_host(world: World, tmp_path: Path) -> None:
    host = world.wrong_host.host
    write(tmp_path, "values.yaml", os_layer(host, f"{host}/{REPOSITORY}:v1", world.ca.pem))
    status, findings, output = verify(tmp_path)
    assert status == 1
    assert found(findings) == [("PAL504", *at(tmp_path, "values.yaml", "registry: ", 10))], output
    assert "registry.other.example" in findings[0]["message"]


def test_expired_certificate(world: World, tmp_path: Path) -> None:
    host = world.expired.host
    write(tmp_path, "values.yaml", os_layer(host, f"{host}/{REPOSITORY}:v1", world.ca.pem))
    status, findings, output = verify(tmp_path)
    assert found(findings) == [("PAL503", *at(tmp_path, "values.yaml", "registry: ", 10))], output
    assert "has expired" in findings[0]["message"]


def test_missing_tag(world: World, tmp_path: Path) -> None:
    host = world.basic.host
    write(tmp_path, "values.yaml", os_layer(host, f"{host}/{REPOSITORY}:v2-never-pushed", world.ca.pem))
    status, findings, output = verify(tmp_path)
    assert status == 1
    assert found(findings) == [("PAL508", *at(tmp_path, "values.yaml", "system.uri: ", 12))], output
    assert "HTTP 404" in findings[0]["message"]


def test_missing_architecture(world: World, tmp_path: Path) -> None:
    host = world.basic.host
    write(tmp_path / "index", "values.yaml", os_layer(host, f"{host}/{REPOSITORY}:v1", world.ca.pem))
    status, findings, output = verify(tmp_path / "index", "--arch", "s390x")
    assert found(findings) == [("PAL509", *at(tmp_path / "index", "values.yaml", "system.uri: ", 12))], output
    assert "linux/amd64, linux/arm64" in findings[0]["message"]
    write(tmp_path / "single", "values.yaml", os_layer(host, f"{host}/{REPOSITORY}:amd64-only", world.ca.pem))
    assert verify(tmp_path / "single")[1] == []
    status, findings, output = verify(tmp_path / "single", "--arch", "arm64")
    assert found(findings) == [("PAL509", *at(tmp_path / "single", "values.yaml", "system.uri: ", 12))], output  # the image config


def test_connection_refused(world: World, tmp_path: Path) -> None:
    host = f"127.0.0.1:{world.refused_port}"
    write(tmp_path, "values.yaml", os_layer(host, f"{host}/{REPOSITORY}:v1", world.ca.pem))
    status, findings, output = verify(tmp_path)
    assert found(findings) == [("PAL501", *at(tmp_path, "values.yaml", "registry: ", 10))], output
    assert "refused" in findings[0]["message"]


def test_a_registry_that_never_answers_times_out_within_the_bound(world: World, tmp_path: Path) -> None:
    host = world.silent.host
    write(tmp_path, "values.yaml", os_layer(host, f"{host}/{REPOSITORY}:v1", world.ca.pem))
    started = time.monotonic()
    status, findings, output = verify(tmp_path, "--timeout", "1")
    elapsed = time.monotonic() - started
    assert found(findings) == [("PAL501", *at(tmp_path, "values.yaml", "registry: ", 10))], output
    assert "no answer within 1 s" in findings[0]["message"]
    assert elapsed < 8, elapsed  # the 1 s bound plus the interpreter's start-up


def test_a_redirect_to_another_host_gets_no_credentials(world: World, tmp_path: Path) -> None:
    host = world.front.host
    write(tmp_path, "values.yaml", os_layer(host, f"{host}/{REPOSITORY}:v1", world.ca.pem))
    status, findings, output = verify(tmp_path)
    assert status == 1
    assert found(findings) == [("PAL507", *at(tmp_path, "values.yaml", "registry: ", 10))], output
    assert f"localhost:{world.recorder.port}" in findings[0]["message"]
    front = world.front.recorder.authorizations
    assert any(a and a.startswith("Basic ") for a in front)  # the registry named in the file got them
    assert world.recorder.recorder.authorizations == []  # the other host got nothing, not even a request


def test_a_mapping_rule_sends_the_provider_image_to_the_mirror(world: World, tmp_path: Path) -> None:
    """The cluster's user-data maps the provider image's registry to the test registry: the image is checked
    there (the original host, a reserved .invalid name, is never contacted), with the mirror's credentials."""
    host = world.basic.host
    write(tmp_path, "values.yaml", os_layer("", f"registry.example.invalid/{REPOSITORY}:v1", credentials=False))
    user_data = f"""#cloud-config
stylus:
  externalRegistries:
    registries:
      - domain: {host}
        username: {USER}
        password: "{PASSWORD}"
        certificates:
          - |
{indent(world.ca.pem, 12)}
    registryMappingRules:
      "registry.example.invalid/edge": "{host}/edge"
"""
    write(tmp_path, "user-data", user_data)
    status, findings, output = verify(tmp_path)
    assert (status, findings) == (0, []), output
    write(tmp_path, "values.yaml", os_layer("", f"registry.example.invalid/{REPOSITORY}:v9", credentials=False))
    status, findings, output = verify(tmp_path)
    assert found(findings) == [("PAL508", *at(tmp_path, "values.yaml", "system.uri: ", 12))], output
    assert f"{host}/edge/provider:v9" in findings[0]["message"]
    assert findings[0]["related"][0]["location"]["path"].endswith("user-data")


@pytest.mark.parametrize("format_name", ["text", "sarif", "json", "github", "junit", "gitlab"])
def test_every_format_carries_the_findings(world: World, tmp_path: Path, format_name: str) -> None:
    host = world.basic.host
    write(tmp_path, "values.yaml", os_layer(host, f"{host}/{REPOSITORY}:nope", world.ca.pem))
    result = palette_lint("verify", "--format", format_name, ".", cwd=tmp_path,
                          env={**ENV, "PALETTE_MACRO_REGISTRY_PASSWORD": PASSWORD})
    assert result.returncode == 1, result.stderr
    line, _column = at(tmp_path, "values.yaml", "system.uri: ")
    assert "PAL508" in result.stdout and str(line) in result.stdout
    if format_name == "sarif":
        from tests.sarif_validation import schema_validator

        log = json.loads(result.stdout)
        assert not list(schema_validator().iter_errors(log))
        run = log["runs"][0]
        assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {"PAL501", "PAL508", "PAL510"}
        assert run["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == line


def test_the_proxy_variables_are_honoured(world: World, tmp_path: Path) -> None:
    """With HTTPS_PROXY naming a port where nothing listens (and NO_PROXY not covering the registry), the good
    registry becomes unreachable: verify went through the proxy the environment names."""
    host = world.basic.host
    write(tmp_path, "values.yaml", os_layer(host, f"{host}/{REPOSITORY}:v1", world.ca.pem))
    proxy = f"http://127.0.0.1:{world.refused_port}"
    status, findings, output = verify(tmp_path, env={"HTTPS_PROXY": proxy, "https_proxy": proxy, "NO_PROXY": "",
                                                     "no_proxy": ""})
    assert found(findings) == [("PAL501", *at(tmp_path, "values.yaml", "registry: ", 10))], output


def test_an_exported_profile_is_verified_inside_its_values_string(world: World, tmp_path: Path) -> None:
    """A profile export JSON holds the OS layer's values as one JSON string: the finding points into it."""
    host = world.basic.host
    values = os_layer(host, f"{host}/{REPOSITORY}:not-pushed", world.ca.pem)
    export = {"metadata": {"name": "edge"}, "spec": {"version": "1.0.0", "template": {
        "type": "infra", "cloudType": "edge-native",
        "packs": [{"name": "edge-native-byoi", "type": "spectro", "layer": "os", "version": "2.0.0",
                   "values": values}]}}}
    write(tmp_path, "profile.json", json.dumps(export, indent=2) + "\n")
    status, findings, output = verify(tmp_path)
    assert [f["rule_id"] for f in findings] == ["PAL508"], output
    line, _ = at(tmp_path, "profile.json", '"values": ')
    text = (tmp_path / "profile.json").read_text(encoding="utf-8").splitlines()[line - 1]
    column = findings[0]["location"]["column"]
    assert findings[0]["location"]["line"] == line
    assert text[column - 1:].startswith(f"{host}/{REPOSITORY}:not-pushed"), text[column - 1:column + 40]
