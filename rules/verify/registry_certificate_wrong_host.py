"""A registry must serve a certificate issued for the host name (or address) the files use for it.

## What it does
`palette-lint verify` connects to each registry with TLS and reports a registry whose certificate does not name
the host the files use: the subject alternative names do not include that host name or IP address (the common
name is not used, as in Go). The message lists the names the certificate is for. Unlike PAL205, which reads the
certificates written in the files, this is the certificate on the server. The finding is at the value that names
the registry.

## Why is this bad?
The edge host refuses the connection ("x509: certificate is valid for ..., not ..."). It happens when a registry
is addressed by an IP address or an alias its certificate does not list, or when a load balancer serves another
site's certificate.

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
options:
  system.uri: 10.10.254.254:8443/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Use instead
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
options:
  system.uri: harbor.example.com:8443/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Source
- RFC 6125 (host name verification with subject alternative names); Go, which the edge host's container runtime
  is written in, has ignored the common name since Go 1.15.
- PAL205 `certificate-host-mismatch` checks the certificates written in the files; this rule checks the one the
  registry serves.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import OS_LAYER, USER_DATA, Issue, Observation, RuleContext, observations, rule


@rule(id="PAL504", name="registry-certificate-wrong-host", scope="verify", kinds={OS_LAYER, USER_DATA},
      severity="error", tags=("verify", "certificates"))
def check(observation: Observation, ctx: RuleContext) -> Iterator[Issue]:
    registry, outcome = observation.registry, observation.outcome
    if observation.kind != observations.REGISTRY or registry is None or outcome is None:
        return
    if outcome.failure != observations.TLS_WRONG_HOST:
        return
    served = observations.describe_certificate(outcome.served) if outcome.served else "a certificate"
    yield Issue(f"{registry.host} serves {served}, which is not issued for {registry.host} ({outcome.detail}): the "
                "edge host will refuse the connection; address the registry by a name its certificate lists, or "
                "reissue the certificate with this name", at=registry.place.path, doc=registry.place.doc,
                value=registry.host)
