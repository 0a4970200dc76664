"""A registry must serve a certificate that is valid now.

## What it does
`palette-lint verify` connects to each registry with TLS and reports a registry whose certificate has expired (or
is not valid yet), as the registry serves it. Unlike PAL202, which reads the certificates written in the files,
this is the certificate on the server. The finding is at the value that names the registry.

## Why is this bad?
The edge host refuses an expired certificate ("x509: certificate has expired or is not yet valid"), so every pull
from that registry fails until the registry's certificate is renewed.

## Example
```yaml
#cloud-config
stylus:
  externalRegistries:
    registries:
      - domain: expired.example.com/mirror
        username: robot-edge
        password: '{{.spectro.macro.MIRROR_PASSWORD}}'
```

## Use instead
```yaml
#cloud-config
stylus:
  externalRegistries:
    registries:
      - domain: harbor.example.com/mirror
        username: robot-edge
        password: '{{.spectro.macro.MIRROR_PASSWORD}}'
```

## Source
- RFC 5280 section 4.1.2.5 (a certificate's validity period); the edge host's container runtime verifies it on
  every connection.
- PAL202 `certificate-expired` checks the certificates written in the files; this rule checks the one the
  registry serves.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import OS_LAYER, USER_DATA, Issue, Observation, RuleContext, observations, rule


@rule(id="PAL503", name="registry-certificate-expired", scope="verify", kinds={OS_LAYER, USER_DATA},
      severity="error", tags=("verify", "certificates"))
def check(observation: Observation, ctx: RuleContext) -> Iterator[Issue]:
    registry, outcome = observation.registry, observation.outcome
    if observation.kind != observations.REGISTRY or registry is None or outcome is None:
        return
    if outcome.failure not in (observations.TLS_EXPIRED, observations.TLS_NOT_YET_VALID):
        return
    served = observations.describe_certificate(outcome.served) if outcome.served else "a certificate"
    state = "has expired" if outcome.failure == observations.TLS_EXPIRED else "is not valid yet"
    yield Issue(f"{registry.host} serves {served} that {state}: the edge host will refuse the connection; renew "
                "the registry's certificate", at=registry.place.path, doc=registry.place.doc, value=registry.host)
