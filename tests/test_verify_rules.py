"""The verify rules (``rules/verify/``) alone, without a network: each is a function of one observation (a
registry and what it answered, an image on it, or a value verify could not know), and says what it reports, where,
and the value its fingerprint is made of. The observations are the ones ``palette-lint verify`` makes from real
files (:func:`linter.verify.targets.find_targets`), with outcomes the test registries of ``tests/test_verify.py``
cannot produce: a certificate not valid yet, a name server that does not know the host, a denied pull, a manifest
without platforms, a token service with a path of its own."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from msgspec.structs import replace

from linter.certs.certificate import Certificate
from linter.config.load import Config
from linter.engine.clusters import group_clusters
from linter.engine.contract import VERIFY_SCOPE, RuleContext
from linter.engine.rule_loader import load_rules
from linter.inputs import read_file
from linter.model import Issue, Related
from linter.resources import verify_rules_dir
from linter.verify import observations as obs
from linter.verify.macro_values import MacroValues
from linter.verify.observations import Image, ImageOutcome, Observation, Registry, RegistryOutcome, Trust
from linter.verify.targets import Targets, find_targets
from linter.yaml.composer import YamlParser
from linter.yaml.source import SourceFile

RULES = {rule.id: rule for rule in load_rules([verify_rules_dir()], scopes=(VERIFY_SCOPE,))}
REGISTRY_RULES = ("PAL501", "PAL502", "PAL503", "PAL504", "PAL505", "PAL506", "PAL507")

OS_LAYER = """\
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
  certificates: |
    (the CA certificate of harbor.example.com)
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
"""

USER_DATA = """\
#cloud-config
stylus:
  registryCredentials:
    domain: mirror.example.com
    username: robot-mirror
    password: '{{.spectro.macro.MIRROR_PASSWORD}}'
  externalRegistries:
    registries:
      - domain: 10.10.254.254:8000/spectro-images
        username: robot-external
        password: '{{.spectro.macro.MIRROR_PASSWORD}}'
    registryMappingRules:
      "harbor.example.com/edge": "public-mirror.example.com/edge"
"""

SHOWN = "harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3"
MAPPED = ("as public-mirror.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3, rewritten by the registryMappingRules entry "
          "harbor.example.com/edge")


def targets(*names: str) -> Targets:
    """What verify finds in one site folder holding the named files (``values.yaml``, ``user-data``)."""
    texts = {"values.yaml": OS_LAYER, "user-data": USER_DATA}
    parsed = [read_file(YamlParser(), SourceFile(texts[name], f"site/{name}", f"site/{name}"), True) for name in names]
    return find_targets(group_clusters(parsed, Config()),
                        MacroValues({"REGISTRY_PASSWORD": "x" * 16, "MIRROR_PASSWORD": "y" * 16}))


def registry(label: str) -> Registry:
    (found,) = [r for r in targets("values.yaml", "user-data").registries if r.label == label]
    return found


def image(*names: str) -> Image:
    (found,) = targets(*names).images
    return found


def issues(rule_id: str, observation: Observation) -> list[Issue]:
    return list(RULES[rule_id].check(observation, RuleContext()))


def at_registry(found: Registry, **outcome: Any) -> Observation:
    return Observation(obs.REGISTRY, registry=found, outcome=RegistryOutcome(**outcome))


def at_image(found: Image, status: str, detail: str = "", platforms: tuple[str, ...] = (),
             platform: str = "linux/amd64", **outcome: Any) -> Observation:
    return Observation(obs.IMAGE, registry=found.registry, outcome=RegistryOutcome(**outcome), image=found,
                       image_outcome=ImageOutcome(status, detail, platforms=platforms), platform=platform)


def certificate(not_before: str, not_after: str) -> Certificate:
    return Certificate(subject="CN=harbor", is_ca=False, self_signed=False,
                       not_before=dt.datetime.fromisoformat(not_before), not_after=dt.datetime.fromisoformat(not_after),
                       dns_names=("harbor.example.com",), ip_addresses=(), key_type="EC", key_bits=256,
                       signature_hash="sha256")


SERVED = "a certificate for harbor.example.com ('CN=harbor', valid 2025-01-01 to 2026-01-01)"


# ---- what every registry rule shares ----------------------------------------------------------------------

FAILING = {"PAL501": {"failure": obs.REFUSED, "detail": "connection refused"},
           "PAL502": {"failure": obs.TLS_UNTRUSTED, "detail": "unable to get local issuer certificate"},
           "PAL503": {"failure": obs.TLS_EXPIRED, "detail": "certificate has expired"},
           "PAL504": {"failure": obs.TLS_WRONG_HOST, "detail": "hostname mismatch"},
           "PAL505": {"challenge": obs.BEARER, "realm": "https://harbor.example.com/service/token",
                      "login": obs.LOGIN_OK},
           "PAL506": {"challenge": obs.BASIC, "login": obs.LOGIN_REJECTED, "login_detail": "HTTP 401"},
           "PAL507": {"redirect": "cdn.example.com", "redirect_request": "GET /v2/"}}


@pytest.mark.parametrize("rule_id", REGISTRY_RULES)
def test_a_registry_rule_reports_the_registry_once_not_again_for_each_image_on_it(rule_id: str) -> None:
    found = image("values.yaml")
    assert len(issues(rule_id, at_registry(found.registry, **FAILING[rule_id]))) == 1
    assert issues(rule_id, at_image(found, obs.FOUND, platforms=("linux/amd64",), **FAILING[rule_id])) == []


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_a_value_verify_could_not_know_is_a_verify_value_missing_finding_only(rule_id: str) -> None:
    (gap,) = _gaps()
    found = issues(rule_id, Observation(obs.GAP, gap=gap))
    assert [issue.message for issue in found] == (
        ["providerCredentials.password cannot be verified: it uses {{.spectro.macro.REGISTRY_PASSWORD}}, which has no "
         "value here: set PALETTE_MACRO_REGISTRY_PASSWORD or give the values in --macros FILE"]
        if rule_id == "PAL510" else [])


def _gaps() -> list[obs.Gap]:
    parsed = read_file(YamlParser(), SourceFile(OS_LAYER, "site/values.yaml", "site/values.yaml"), True)
    return find_targets(group_clusters([parsed], Config()), MacroValues({})).gaps


# PAL510 verify-value-missing

def test_pal510_is_at_the_value_it_could_not_know_and_its_fingerprint_names_that_value_not_the_macro() -> None:
    (gap,) = _gaps()
    (issue,) = issues("PAL510", Observation(obs.GAP, gap=gap))
    assert issue == Issue(
        "providerCredentials.password cannot be verified: it uses {{.spectro.macro.REGISTRY_PASSWORD}}, which has no "
        "value here: set PALETTE_MACRO_REGISTRY_PASSWORD or give the values in --macros FILE",
        at=("providerCredentials", "password"), doc=gap.place.doc, value="providerCredentials.password")


# PAL501 registry-unreachable

@pytest.mark.parametrize(("failure", "detail"), [
    (obs.DNS, "the name mirror.example.com is not known"), (obs.REFUSED, "connection refused"),
    (obs.TIMEOUT, "no answer within 10 s"), (obs.NETWORK, "network unreachable"),
    (obs.PROXY, "the proxy refused the connection"), (obs.HANDSHAKE, "the TLS handshake failed"),
    (obs.NOT_A_REGISTRY, "GET /v2/ answered HTTP 200, not a registry API answer"),
])
def test_pal501_reports_a_registry_it_could_not_talk_to_at_its_host(failure: str, detail: str) -> None:
    found = registry("stylus.registryCredentials")
    (issue,) = issues("PAL501", at_registry(found, failure=failure, detail=detail, scheme="http"))
    assert issue == Issue(
        f"stylus.registryCredentials names mirror.example.com, which could not be reached over http: {detail}; "
        "check the host name and port, and that the registry is up and reachable from the edge hosts",
        at=("stylus", "registryCredentials", "domain"), doc=found.place.doc, value="mirror.example.com")


@pytest.mark.parametrize("failure", sorted(obs.TLS_FAILURES))
def test_pal501_leaves_a_registry_that_answered_with_a_bad_certificate_to_the_certificate_rules(failure: str) -> None:
    assert issues("PAL501", at_registry(registry("providerCredentials"), failure=failure)) == []


# PAL502 registry-certificate-untrusted

UNTRUSTED = {"failure": obs.TLS_UNTRUSTED, "detail": "unable to get local issuer certificate"}


@pytest.mark.parametrize(("label", "where"), [
    ("stylus.registryCredentials", "stylus.site.caCerts"),
    ("stylus.externalRegistries.registries[0]", "stylus.externalRegistries.registries[0].certificates"),
    ("the registryMappingRules target of harbor.example.com/edge",
     "the credentials block of this registry (certificates)"),
])
def test_pal502_without_certificates_points_at_the_host_and_names_where_its_ca_goes(label: str, where: str) -> None:
    found = registry(label)
    (issue,) = issues("PAL502", at_registry(found, **UNTRUSTED))
    assert issue == Issue(
        f"{found.host} serves a certificate, which the system trust store (no certificates are given for it) does "
        f"not verify (unable to get local issuer certificate): the edge host will refuse the connection; give its CA "
        f"certificate with {where}", at=found.place.path, doc=found.place.doc, value=found.host)


def test_pal502_for_provider_credentials_without_certificates_names_provider_credentials_certificates() -> None:
    found = replace(registry("providerCredentials"), trust=None)
    (issue,) = issues("PAL502", at_registry(found, served=certificate("2025-01-01", "2026-01-01"), **UNTRUSTED))
    assert issue.message == (
        f"harbor.example.com serves {SERVED}, which the system trust store (no certificates are given for it) does "
        "not verify (unable to get local issuer certificate): the edge host will refuse the connection; give its CA "
        "certificate with providerCredentials.certificates")
    assert (issue.at, issue.part) == (("providerCredentials", "registry"), "auto")


@pytest.mark.parametrize(("count", "given"), [(1, "the certificate given for it (1) does"),
                                              (2, "the certificates given for it (2) do")])
def test_pal502_with_certificates_points_at_their_key_and_counts_them(count: int, given: str) -> None:
    found = registry("providerCredentials")
    assert found.trust is not None
    trusted = replace(found, trust=Trust((b"\x30\x82",) * count, found.trust.place))
    (issue,) = issues("PAL502", at_registry(trusted, **UNTRUSTED))
    assert issue == Issue(
        f"harbor.example.com serves a certificate, which {given} not verify (unable to get local issuer "
        "certificate): the edge host will refuse the connection; give the certificate of the CA that issued it (or "
        "the registry's own, if it is self-signed)", at=("providerCredentials", "certificates"), part="key",
        doc=found.place.doc, value="harbor.example.com")


# PAL503 registry-certificate-expired

@pytest.mark.parametrize(("failure", "state"), [(obs.TLS_EXPIRED, "has expired"),
                                                (obs.TLS_NOT_YET_VALID, "is not valid yet")])
def test_pal503_says_whether_the_certificate_expired_or_is_not_valid_yet(failure: str, state: str) -> None:
    found = registry("stylus.externalRegistries.registries[0]")
    (issue,) = issues("PAL503", at_registry(found, failure=failure, detail="certificate verify failed",
                                            served=certificate("2025-01-01", "2026-01-01")))
    assert issue == Issue(
        f"10.10.254.254:8000 serves {SERVED} that {state}: the edge host will refuse the connection; renew the "
        "registry's certificate", at=("stylus", "externalRegistries", "registries", 0, "domain"),
        doc=found.place.doc, value="10.10.254.254:8000")


def test_pal503_without_the_served_certificate_says_a_certificate() -> None:
    (issue,) = issues("PAL503", at_registry(registry("providerCredentials"), failure=obs.TLS_EXPIRED))
    assert issue.message.startswith("harbor.example.com serves a certificate that has expired: ")


# PAL504 registry-certificate-wrong-host

def test_pal504_names_the_host_the_certificate_is_not_for() -> None:
    found = registry("stylus.registryCredentials")
    (issue,) = issues("PAL504", at_registry(found, failure=obs.TLS_WRONG_HOST, detail="hostname mismatch",
                                            served=certificate("2025-01-01", "2026-01-01")))
    assert issue == Issue(
        f"mirror.example.com serves {SERVED}, which is not issued for mirror.example.com (hostname mismatch): the "
        "edge host will refuse the connection; address the registry by a name its certificate lists, or reissue the "
        "certificate with this name", at=("stylus", "registryCredentials", "domain"), doc=found.place.doc,
        value="mirror.example.com")


def test_pal504_without_the_served_certificate_says_a_certificate() -> None:
    (issue,) = issues("PAL504", at_registry(registry("providerCredentials"), failure=obs.TLS_WRONG_HOST,
                                            detail="hostname mismatch"))
    assert issue.message.startswith("harbor.example.com serves a certificate, which is not issued for ")


# PAL505 registry-token-auth

TOKEN = "harbor.example.com asks for token authentication (a Bearer challenge; token service {}), while Palette " \
        "Edge documents only basic user name and password authentication; {}"


@pytest.mark.parametrize(("login", "detail", "said"), [
    (obs.LOGIN_OK, "", "its own token service accepted the user name and password"),
    (obs.LOGIN_REJECTED, "the token service answered HTTP 401",
     "the login was not completed (the token service answered HTTP 401)"),
    (obs.LOGIN_NONE, "the token service answered HTTP 500",
     "the login was not completed (the token service answered HTTP 500)"),
    (obs.LOGIN_NONE, "", "the login was not completed (no token)"),
])
def test_pal505_says_what_became_of_the_login(login: str, detail: str, said: str) -> None:
    found = registry("providerCredentials")
    (issue,) = issues("PAL505", at_registry(found, challenge=obs.BEARER, login=login, login_detail=detail,
                                            realm="https://harbor.example.com/service/token"))
    assert issue == Issue(TOKEN.format("harbor.example.com", said), at=("providerCredentials", "registry"),
                          doc=found.place.doc, value="harbor.example.com")


def test_pal505_says_credentials_were_not_sent_to_a_token_service_on_another_host() -> None:
    (issue,) = issues("PAL505", at_registry(registry("providerCredentials"), challenge=obs.BEARER,
                                            login=obs.LOGIN_NOT_SENT, realm="https://auth.example.com:5001/token",
                                            login_detail="the token service is auth.example.com:5001, another host"))
    assert issue.message == TOKEN.format(
        "auth.example.com:5001", "the user name and password were not checked: the token service is on "
        "auth.example.com:5001, another host, and palette-lint sends credentials only to the registry they name")


@pytest.mark.parametrize(("realm", "service"), [
    ("https://auth.example.com/v2/service/token", "auth.example.com"),
    ("https://auth.example.com/token?return=https://harbor.example.com/", "auth.example.com"),
    ("auth.example.com/token", "auth.example.com"),
    ("", "unknown"),
])
def test_pal505_names_the_token_service_by_the_host_of_its_realm(realm: str, service: str) -> None:
    (issue,) = issues("PAL505", at_registry(registry("providerCredentials"), challenge=obs.BEARER, realm=realm))
    assert f"(a Bearer challenge; token service {service})," in issue.message


@pytest.mark.parametrize("outcome", [
    {"challenge": obs.BASIC, "login": obs.LOGIN_OK},
    {"challenge": obs.BEARER, "realm": "https://auth.example.com/token", "failure": obs.TIMEOUT,
     "detail": "the token service: no answer within 10 s"},
], ids=["basic", "token-service-unreachable"])
def test_pal505_is_quiet_for_basic_authentication_and_for_a_token_service_that_failed(outcome: dict[str, Any]
                                                                                       ) -> None:
    assert issues("PAL505", at_registry(registry("providerCredentials"), **outcome)) == []


def test_pal505_is_quiet_for_a_registry_without_credentials() -> None:
    anonymous = registry("the registryMappingRules target of harbor.example.com/edge")
    assert issues("PAL505", at_registry(anonymous, challenge=obs.BEARER, realm="https://auth.example.com/t")) == []


# PAL506 registry-login-failed

def test_pal506_is_at_the_password_that_was_rejected() -> None:
    found = registry("stylus.externalRegistries.registries[0]")
    (issue,) = issues("PAL506", at_registry(found, challenge=obs.BASIC, login=obs.LOGIN_REJECTED,
                                            login_detail="HTTP 401"))
    assert issue == Issue(
        "10.10.254.254:8000 rejected the user name and password of stylus.externalRegistries.registries[0] (HTTP "
        "401): the edge host's pulls will fail as unauthorized; check the password (or its macro's value), the user "
        "name and that the account may pull", at=("stylus", "externalRegistries", "registries", 0, "password"),
        doc=found.place.doc, value="10.10.254.254:8000")


# PAL507 registry-redirects-elsewhere

@pytest.mark.parametrize(("label", "sent"), [
    ("providerCredentials", "; the credentials were not sent there"),
    ("the registryMappingRules target of harbor.example.com/edge", ""),
])
def test_pal507_says_whether_credentials_were_kept_from_the_other_host(label: str, sent: str) -> None:
    found = registry(label)
    (issue,) = issues("PAL507", at_registry(found, redirect="cdn.example.com", redirect_request="GET /v2/"))
    assert issue == Issue(
        f"{found.host} redirected GET /v2/ to cdn.example.com, another host{sent}: the login and the images were not "
        "checked; name the registry by the host that answers its API", at=found.place.path, doc=found.place.doc,
        value=f"{found.host}|cdn.example.com")


# PAL508 provider-image-not-found

def test_pal508_a_missing_image_is_at_system_uri_and_says_where_the_node_pulls_it() -> None:
    found = image("values.yaml", "user-data")
    assert found.via_place is not None
    (issue,) = issues("PAL508", at_image(found, obs.MISSING, "HTTP 404"))
    assert issue == Issue(
        f"the provider image {SHOWN} ({MAPPED}) is not on public-mirror.example.com: its manifest answered HTTP 404; "
        "push the image, or correct the repository or the tag", at=("options", "system.uri"), doc=found.place.doc,
        related=(Related("the rule that decides where the node pulls the image",
                         at=("stylus", "externalRegistries", "registryMappingRules", "harbor.example.com/edge"),
                         doc=found.via_place.doc),),
        value="public-mirror.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3")


def test_pal508_an_image_pulled_as_written_has_no_rewrite_to_tell() -> None:
    found = image("values.yaml")
    (issue,) = issues("PAL508", at_image(found, obs.MISSING, "HTTP 404"))
    assert issue == Issue(
        f"the provider image {SHOWN} is not on harbor.example.com: its manifest answered HTTP 404; push the image, or "
        "correct the repository or the tag", at=("options", "system.uri"), doc=found.place.doc,
        value="harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3")


def test_pal508_a_denied_pull_names_whose_credentials_were_refused() -> None:
    found = image("values.yaml")
    (issue,) = issues("PAL508", at_image(found, obs.DENIED, "HTTP 403", login=obs.LOGIN_OK))
    assert issue.message == (
        f"harbor.example.com refused the credentials of providerCredentials for the provider image {SHOWN} (HTTP "
        "403): the repository does not exist, or it may not be pulled with these credentials")
    anonymous = image("values.yaml", "user-data")
    (issue,) = issues("PAL508", at_image(anonymous, obs.DENIED, "HTTP 401"))
    assert issue.message == (
        f"public-mirror.example.com refused an anonymous pull for the provider image {SHOWN} ({MAPPED}) (HTTP 401): "
        "the repository does not exist, or it may not be pulled with these credentials")


def test_pal508_a_denied_pull_is_not_reported_when_the_credentials_were_not_sent_or_not_known() -> None:
    found = image("values.yaml")
    assert issues("PAL508", at_image(found, obs.DENIED, "HTTP 401", login=obs.LOGIN_NOT_SENT)) == []
    unknown = replace(found, registry=replace(found.registry, credentials=None, unknown_credentials=True))
    assert issues("PAL508", at_image(unknown, obs.DENIED, "HTTP 401")) == []


def test_pal508_a_manifest_that_could_not_be_read_says_why() -> None:
    (issue,) = issues("PAL508", at_image(image("values.yaml"), obs.IMAGE_ERROR,
                                         "HEAD of the manifest answered HTTP 500"))
    assert issue.message == (f"the manifest of the provider image {SHOWN} could not be read on harbor.example.com: "
                             "HEAD of the manifest answered HTTP 500")


def test_pal508_is_quiet_for_an_image_that_is_there() -> None:
    assert issues("PAL508", at_image(image("values.yaml"), obs.FOUND, platforms=("linux/amd64",))) == []


# PAL509 provider-image-platform-missing

def test_pal509_names_the_platform_wanted_and_those_the_image_has() -> None:
    found = image("values.yaml", "user-data")
    assert found.via_place is not None
    (issue,) = issues("PAL509", at_image(found, obs.FOUND, platforms=("linux/amd64", "linux/arm64/v8"),
                                         platform="linux/s390x"))
    assert issue == Issue(
        f"the provider image {SHOWN} ({MAPPED}) has no linux/s390x image (it has linux/amd64, linux/arm64/v8): an "
        "edge host of that platform cannot pull it; push the image for it, or set the edge host's platform with "
        "--arch", at=("options", "system.uri"), doc=found.place.doc,
        related=(Related("the rule that decides where the node pulls the image",
                         at=("stylus", "externalRegistries", "registryMappingRules", "harbor.example.com/edge"),
                         doc=found.via_place.doc),),
        value="public-mirror.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3|linux/s390x")


def test_pal509_an_image_pulled_as_written_has_no_rewrite_to_tell() -> None:
    found = image("values.yaml")
    (issue,) = issues("PAL509", at_image(found, obs.FOUND, platforms=("linux/amd64",), platform="linux/arm64"))
    assert issue == Issue(
        f"the provider image {SHOWN} has no linux/arm64 image (it has linux/amd64): an edge host of that platform "
        "cannot pull it; push the image for it, or set the edge host's platform with --arch",
        at=("options", "system.uri"), doc=found.place.doc,
        value="harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3|linux/arm64")


def test_pal509_is_quiet_when_the_manifest_names_no_platform_or_the_image_is_not_there() -> None:
    found = image("values.yaml")
    assert issues("PAL509", at_image(found, obs.FOUND, "the manifest could not be read")) == []
    assert issues("PAL509", at_image(found, obs.MISSING, "HTTP 404")) == []
    assert issues("PAL509", at_image(found, obs.FOUND, platforms=("linux/arm64/v8",), platform="linux/arm64")) == []
