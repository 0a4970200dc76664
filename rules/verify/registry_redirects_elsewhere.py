"""A registry's API must answer on the host the files name, not redirect it to another host.

## What it does
`palette-lint verify` follows a redirect of `GET /v2/`, a login, a token request or a manifest request only when
it stays on the registry's own origin (scheme, host and port). This rule reports a registry that redirects one of
them to another host. palette-lint does not send the credentials there (credentials only ever go to the registry
they name), so the login and the image cannot be checked. Redirects of image layers to storage, which registries
use on purpose, are followed without credentials and are not reported.

## Why is this bad?
A redirect of the API usually means the files name an old address, an alias, or a front door that forwards to
the real registry. Container runtimes do not send credentials to another host on a redirect either, so pulls on
the edge host fail to authenticate; and a redirect you did not expect is where credentials leak.

## Example
```yaml
#cloud-config
stylus:
  registryCredentials:
    domain: old-registry.example.com
    username: robot-edge
    password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
```

## Use instead
```yaml
#cloud-config
stylus:
  registryCredentials:
    domain: registry.example.com
    username: robot-edge
    password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
```

## Source
- RFC 9110 section 15.4 (redirection); Go's HTTP client, which the edge host's container runtime uses, drops the
  `Authorization` header on a redirect to a host that is not the original one or a subdomain of it.
- The OCI Distribution Specification allows redirects for blob downloads, not for the API base.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import OS_LAYER, USER_DATA, Issue, Observation, RuleContext, observations, rule


@rule(id="PAL507", name="registry-redirects-elsewhere", scope="verify", kinds={OS_LAYER, USER_DATA},
      severity="error", tags=("verify", "security", "provider-registry"))
def check(observation: Observation, ctx: RuleContext) -> Iterator[Issue]:
    registry, outcome = observation.registry, observation.outcome
    if observation.kind != observations.REGISTRY or registry is None or outcome is None or not outcome.redirect:
        return
    sent = "; the credentials were not sent there" if registry.credentials is not None else ""
    yield Issue(f"{registry.host} redirected {outcome.redirect_request} to {outcome.redirect}, another host{sent}: "
                "the login and the images were not checked; name the registry by the host that answers its API",
                at=registry.place.path, doc=registry.place.doc, value=f"{registry.host}|{outcome.redirect}")
