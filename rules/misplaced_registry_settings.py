"""`registryCredentials` and `externalRegistries` belong under `stylus:` in user-data.

## What it does
Reports the external registry settings of the Palette agent, `registryCredentials` and
`externalRegistries`, anywhere but directly under `stylus:` in EdgeForge user-data:

- at the top level of user-data (the multi-registry example on Palette's own "Deploy Cluster with a
  Private External Registry" page makes this mistake), or nested under another key (`stylus.site`,
  `install`, ...);
- in a cluster profile: in the OS layer's values at any depth, and in the values of other packs or the
  profile file itself when they are at the root, under a `stylus` key, or have Palette's shape
  (`registryCredentials` with a `domain`; `externalRegistries` with `registries` or
  `registryMappingRules`). A Helm chart's own `registryCredentials` value elsewhere is left alone.

## Why is this bad?
The installer reads these settings only from `stylus`, and Palette never reads them from a profile: the
edge host boots without its external registry, tries to pull every image from the public registries, and
fails in an air-gapped site. In a profile the right setting for the provider image registry is
`providerCredentials` at the root of the OS layer values.

## Example
```yaml
#cloud-config
stylus:
  site:
    paletteEndpoint: api.spectrocloud.com
externalRegistries:
  registries:
    - domain: harbor.example.com:8443/edge
      username: robot-edge
      password: "s3cret-value"
```

## Use instead
```yaml
#cloud-config
stylus:
  site:
    paletteEndpoint: api.spectrocloud.com
  externalRegistries:
    registries:
      - domain: harbor.example.com:8443/edge
        username: robot-edge
        password: "s3cret-value"
```

## Source
- "Installer Configuration" (https://docs.spectrocloud.com/clusters/edge/edge-configuration/installer-reference/)
  documents `stylus.registryCredentials` and `stylus.externalRegistries`.
- "Deploy Cluster with a Private External Registry"
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-external-registry/)
  puts `externalRegistries:` at the level of `stylus:` in its example, which contradicts the reference
  (palette-formats.md 1.3, a documentation bug).
- That the keys are ignored in a profile, and the shape test for other packs' values, are inferences.
"""

from __future__ import annotations

from typing import Any, Iterator

from linter.api import (
    OS_LAYER,
    PACK_VALUES,
    PROFILE,
    USER_DATA,
    Document,
    Issue,
    RuleContext,
    YamlPath,
    format_path,
    rule,
)

KEYS = ("registryCredentials", "externalRegistries")


def _palette_shaped(key: str, value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    if key == "registryCredentials":
        return "domain" in value or "encodedPassword" in value
    return "registries" in value or "registryMappingRules" in value


def _message(doc: Document, path: YamlPath) -> tuple[str, str]:
    """What is wrong (the message) and where the setting goes instead (the help)."""
    key = str(path[-1])
    parent = format_path(path[:-1])
    if doc.kind == USER_DATA:
        if not parent:
            return (f"{key} at the top level of user-data is ignored",
                    "the Palette agent reads it only under stylus: (Palette's external-registry example makes this "
                    f"mistake); indent it under stylus: as stylus.{key}")
        return (f"{key} under {parent} is ignored",
                f"the Palette agent reads it only directly under stylus:; move it to stylus.{key}")
    if doc.kind == OS_LAYER:
        where = "in the OS layer values"
    elif doc.kind == PACK_VALUES and doc.pack is not None:
        where = f"in the values of pack {doc.pack.name or '#' + str(doc.pack.index)}"
    else:
        where = "in a cluster profile"
    return (f"{key} {where} is ignored",
            "it is an EdgeForge user-data setting that Palette reads only under stylus: in user-data; move it there, "
            "or for the provider image registry use providerCredentials at the root of the OS layer values")


@rule(id="PAL006", name="misplaced-registry-settings", kinds={USER_DATA, OS_LAYER, PACK_VALUES, PROFILE},
      severity="error", tags=("correctness", "registry"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    for path in doc.find_keys(KEYS.__contains__):
        value = doc.get(path)
        key = str(path[-1])
        if any(step in KEYS for step in path[:-1]):
            continue  # inside a misplaced block already reported
        if doc.kind == USER_DATA:
            if path == ("stylus", key):
                continue
        elif doc.kind != OS_LAYER:
            if not (len(path) == 1 or "stylus" in path[:-1] or _palette_shaped(key, value)):
                continue
        message, help = _message(doc, path)
        yield Issue(message, help=help, at=path, part="key", value=format_path(path))
