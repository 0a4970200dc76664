"""A registry the files name must answer: `palette-lint verify` reaches it and its registry API.

## What it does
`palette-lint verify` connects to every registry the files name (the provider image's registry, each
`providerCredentials`, `stylus.registryCredentials`, `stylus.externalRegistries.registries[]` and
`registryMappingRules` target) and asks `GET /v2/`. This rule reports a registry that cannot be reached: its host
name does not resolve (DNS), the connection is refused, nothing answers within the time bound (`--timeout`), the
configured proxy fails, the TLS handshake fails, or what answers is not a registry API. The finding is at the
value that names the registry.

## Why is this bad?
The edge host pulls the provider image during deployment; a registry it cannot reach stops the site at "pulling
provider image", and the cause is only visible on the device. A typo in the host or port, a registry that was
moved, or a firewall rule is cheaper to find from a commit.

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
options:
  system.uri: harbor.example.invalid:8443/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Use instead
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Source
- "Deploy Cluster with a Private Provider Registry"
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/):
  the cluster pulls the provider image from the registry in `system.uri`.
- The registry API's base endpoint `GET /v2/`: the OCI Distribution Specification, "Determining support".
- `verify` runs from where it is started: a registry reachable only from the site's network is reported here too.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import OS_LAYER, USER_DATA, Issue, Observation, RuleContext, observations, rule

_UNREACHABLE = frozenset({observations.DNS, observations.REFUSED, observations.TIMEOUT, observations.NETWORK,
                          observations.PROXY, observations.HANDSHAKE, observations.NOT_A_REGISTRY})


@rule(id="PAL501", name="registry-unreachable", scope="verify", kinds={OS_LAYER, USER_DATA}, severity="error",
      tags=("verify", "provider-registry"))
def check(observation: Observation, ctx: RuleContext) -> Iterator[Issue]:
    registry, outcome = observation.registry, observation.outcome
    if observation.kind != observations.REGISTRY or registry is None or outcome is None:
        return
    if outcome.failure not in _UNREACHABLE:
        return
    yield Issue(f"{registry.label} names {registry.host}, which could not be reached over {outcome.scheme}: "
                f"{outcome.detail}; check the host name and port, and that the registry is up and reachable from "
                "the edge hosts", at=registry.place.path, doc=registry.place.doc, value=registry.host)
