"""A registry with credentials should accept them with basic authentication, not only through a token service.

## What it does
`palette-lint verify` asks each registry `GET /v2/` without credentials. A `Basic` challenge is the user name and
password authentication Palette Edge documents. A `Bearer` challenge means the registry wants a token from a token
service (the Docker token protocol, used by ECR Public, Google Artifact Registry, Docker Hub and Harbor). This rule
reports a registry given credentials that answers with a `Bearer` challenge: the registry itself confirming what
PAL106 infers from host and user names. When the token service is on the registry's own origin the user name and
password are exchanged there (a rejection is PAL506); when it is on another host they are not sent (credentials
only ever go to the registry they name), and the message says so.

## Why is this bad?
Palette Edge documents only basic user name and password authentication for private registries, and names token
schemes as unsupported. Whether the edge host's agent completes a token exchange depends on the registry; a site
that cannot pull stops at deployment. Harbor issues long-lived robot-account passwords through this protocol and
often works, hence a warning: confirm it on one site before a fleet rollout, or serve the images from a registry
that answers with `Basic`.

## Example
```yaml
#cloud-config
stylus:
  externalRegistries:
    registries:
      - domain: europe-west1-docker.pkg.dev/acme-edge/mirror
        username: robot-edge
        password: '{{.spectro.macro.MIRROR_PASSWORD}}'
```

## Use instead
```yaml
#cloud-config
stylus:
  externalRegistries:
    registries:
      - domain: registry.example.com:5000/mirror
        username: robot-edge
        password: '{{.spectro.macro.MIRROR_PASSWORD}}'
```

## Source
- "Deploy Cluster with a Private Provider Registry", Limitations: "Palette Edge supports basic username/password
  authentication. Token authentication schemes used by services such as AWS ECR and Google Artifact Registry are
  not supported."
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/).
- The challenge and the token protocol: the Docker Registry token authentication specification
  (distribution's `docs/spec/auth/token.md`).
- Treating every `Bearer` challenge as a warning, not an error, is an inference: the documentation names services,
  not the protocol.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import OS_LAYER, USER_DATA, Issue, Observation, RuleContext, observations, rule


@rule(id="PAL505", name="registry-token-auth", scope="verify", kinds={OS_LAYER, USER_DATA}, severity="warning",
      tags=("verify", "provider-registry"))
def check(observation: Observation, ctx: RuleContext) -> Iterator[Issue]:
    registry, outcome = observation.registry, observation.outcome
    if observation.kind != observations.REGISTRY or registry is None or outcome is None:
        return
    if outcome.challenge != observations.BEARER or registry.credentials is None or outcome.failure:
        return
    service = _host(outcome.realm)
    if outcome.login == observations.LOGIN_NOT_SENT:
        login = (f"the user name and password were not checked: the token service is on {service}, another host, "
                 "and palette-lint sends credentials only to the registry they name")
    elif outcome.login == observations.LOGIN_OK:
        login = "its own token service accepted the user name and password"
    else:
        login = f"the login was not completed ({outcome.login_detail or 'no token'})"
    yield Issue(f"{registry.host} asks for token authentication (a Bearer challenge; token service {service}), "
                f"while Palette Edge documents only basic user name and password authentication; {login}",
                at=registry.place.path, doc=registry.place.doc, value=registry.host)


def _host(realm: str) -> str:
    rest = realm.split("://", 1)[-1]
    return rest.split("/", 1)[0] or "unknown"
