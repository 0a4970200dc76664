"""The provider image must exist where the edge host pulls it from.

## What it does
`palette-lint verify` asks the registry for the manifest of every OS layer's provider image (`options.system.uri`,
its macros resolved): `HEAD /v2/<repository>/manifests/<tag>`, accepting OCI image indexes, Docker manifest lists
and single manifests. When the cluster's user-data sets an external registry, the image is checked where the node
really pulls it from: rewritten by a `registryMappingRules` entry, or prefixed with the external registry's domain.
This rule reports a manifest that is not there (HTTP 404: the tag was never pushed, or the repository is
misspelled), a pull the registry refuses (HTTP 401/403: the repository does not exist or the account may not pull
it), or a manifest that cannot be read. The finding is at `system.uri`; for a rewritten image, the rule that
rewrites it is a related location.

## Why is this bad?
An OS layer whose provider image is missing stops every site at "pulling provider image". It is the most common
mistake in a release: a tag built but not pushed, pushed to another project, or not mirrored to the external
registry.

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3-never-pushed
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
- "Deploy Cluster with a Private Provider Registry", Prerequisites: "A provider image you created in the EdgeForge
  process stored in your private image registry"
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/).
- The installer reference, `registryMappingRules`, and "Deploy Cluster with a Private External Registry" (images
  are pulled through the external registry).
- The manifest request and its media types: the OCI Distribution Specification ("Checking if content exists").
"""

from __future__ import annotations

from typing import Iterator

from linter.api import OS_LAYER, USER_DATA, Issue, Observation, Related, RuleContext, observations, rule


@rule(id="PAL508", name="provider-image-not-found", scope="verify", kinds={OS_LAYER, USER_DATA}, severity="error",
      tags=("verify", "provider-registry"))
def check(observation: Observation, ctx: RuleContext) -> Iterator[Issue]:
    image, result, outcome = observation.image, observation.image_outcome, observation.outcome
    if observation.kind != observations.IMAGE or image is None or result is None or outcome is None:
        return
    where = f" ({image.via})" if image.via else ""
    host = image.registry.host
    if result.status == observations.MISSING:
        message = (f"the provider image {image.shown}{where} is not on {host}: its manifest answered {result.detail}; "
                   "push the image, or correct the repository or the tag")
    elif result.status == observations.DENIED:
        if outcome.login == observations.LOGIN_NOT_SENT or image.registry.unknown_credentials:
            return  # the credentials were not sent (PAL505 says so) or are not known (PAL510 says so)
        who = "the credentials of " + image.registry.label if image.registry.credentials else "an anonymous pull"
        message = (f"{host} refused {who} for the provider image {image.shown}{where} ({result.detail}): the "
                   "repository does not exist, or it may not be pulled with these credentials")
    elif result.status == observations.IMAGE_ERROR:
        message = f"the manifest of the provider image {image.shown}{where} could not be read on {host}: {result.detail}"
    else:
        return
    related = (Related("the rule that decides where the node pulls the image", at=image.via_place.path,
                       doc=image.via_place.doc),) if image.via_place is not None else ()
    yield Issue(message, at=image.place.path, doc=image.place.doc, related=related,
                value=f"{host}/{image.repository}:{image.reference}")
