"""The registry must accept the user name and password the files give for it.

## What it does
`palette-lint verify` logs in to each registry that has credentials, with the files' user name and password
(macros resolved from `PALETTE_MACRO_<NAME>` or `--macros FILE`; an `encodedPassword` decoded): `GET /v2/` with
basic authentication, or a token request to the registry's own token service. This rule reports credentials the
registry rejects (HTTP 401 or 403). The finding is on the `password` line. The message never shows the user name or
the password.

## Why is this bad?
A wrong or expired password, or a robot account that was deleted, makes every pull fail with "unauthorized" at
the edge site, after the profile has shipped.

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.OLD_REGISTRY_PASSWORD}}'
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
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Source
- "Deploy Cluster with a Private Provider Registry": `providerCredentials.user` and `password`, and macros for
  the password
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/).
- The installer reference's `registryCredentials` and `externalRegistries.registries[]` (`username`, `password`,
  `encodedPassword`).
"""

from __future__ import annotations

from typing import Iterator

from linter.api import OS_LAYER, USER_DATA, Issue, Observation, RuleContext, observations, rule


@rule(id="PAL506", name="registry-login-failed", scope="verify", kinds={OS_LAYER, USER_DATA}, severity="error",
      tags=("verify", "security", "provider-registry"))
def check(observation: Observation, ctx: RuleContext) -> Iterator[Issue]:
    registry, outcome = observation.registry, observation.outcome
    if observation.kind != observations.REGISTRY or registry is None or outcome is None:
        return
    if outcome.login != observations.LOGIN_REJECTED or registry.credentials is None:
        return
    place = registry.credentials.password_place
    yield Issue(f"{registry.host} rejected the user name and password of {registry.label} ({outcome.login_detail}): "
                "the edge host's pulls will fail as unauthorized; check the password (or its macro's value), the "
                "user name and that the account may pull", at=place.path, doc=place.doc, value=registry.host)
