"""A registry's TLS certificate must be trusted by the certificates the files give for it.

## What it does
`palette-lint verify` connects to each registry with TLS verified the way the edge host will verify it: against
the certificates the files give for that registry (`providerCredentials.certificates`,
`externalRegistries.registries[].certificates`, or `stylus.site.caCerts` for `registryCredentials`), or against
the system trust store when none are given. This rule reports a certificate chain that those certificates do not
verify: a self-signed or private-CA certificate with no certificate given, or certificates given that are not the
ones the registry's chain leads to. The message describes the certificate the registry serves. The finding is at
the certificates given, or at the registry when none are.

## Why is this bad?
The edge host refuses a registry whose certificate it cannot verify ("x509: certificate signed by unknown
authority"), so the provider image is never pulled. A certificate can only be added to a new cluster, not to an
existing one (PAL105), so the wrong certificate in a released profile is expensive.

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
  certificates: |
    <<PEM other-host>>
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Use instead
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
  certificates: |
    <<PEM ca>>
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Source
- "Deploy Cluster with a Private Provider Registry", `providerCredentials.certificates`, and its limitation that a
  certificate can only be configured for a new cluster
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/).
- Each certificate given is trusted on its own (a registry's own self-signed certificate works), as Go's TLS
  verification, which the edge host's container runtime uses, trusts any certificate in its root pool.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import OS_LAYER, USER_DATA, Issue, Observation, RuleContext, observations, rule


@rule(id="PAL502", name="registry-certificate-untrusted", scope="verify", kinds={OS_LAYER, USER_DATA},
      severity="error", tags=("verify", "security", "certificates"))
def check(observation: Observation, ctx: RuleContext) -> Iterator[Issue]:
    registry, outcome = observation.registry, observation.outcome
    if observation.kind != observations.REGISTRY or registry is None or outcome is None:
        return
    if outcome.failure != observations.TLS_UNTRUSTED:
        return
    served = observations.describe_certificate(outcome.served) if outcome.served else "a certificate"
    part = "auto"
    if registry.trust is not None:
        count = len(registry.trust.certificates)
        given = f"the certificate{'s' if count != 1 else ''} given for it ({count}) {'do' if count != 1 else 'does'}"
        place, part = registry.trust.place, "key"
        advice = "give the certificate of the CA that issued it (or the registry's own, if it is self-signed)"
    else:
        given = "the system trust store (no certificates are given for it) does"
        place = registry.place
        advice = f"give its CA certificate with {_where(registry.label)}"
    yield Issue(f"{registry.host} serves {served}, which {given} not verify ({outcome.detail}): the edge host "
                f"will refuse the connection; {advice}", at=place.path, doc=place.doc, part=part, value=registry.host)


def _where(label: str) -> str:
    if label == "providerCredentials":
        return "providerCredentials.certificates"
    if label.startswith("stylus.externalRegistries"):
        return f"{label}.certificates"
    if label == "stylus.registryCredentials":
        return "stylus.site.caCerts"
    return "the credentials block of this registry (certificates)"
