"""`providerCredentials` must sit at the root of the OS layer's values.

## What it does
Reports a `providerCredentials` key anywhere Palette does not read it:

- inside the OS layer's values but not at their root: under `pack:`, under `options:` (also flat option
  keys such as `providerCredentials.user`), or nested under any other key;
- in the values of any other layer (a Kubernetes, CNI or add-on pack), at any depth;
- as a field of a profile or of a pack entry in a profile file, outside the pack's `values`;
- in EdgeForge user-data, where the registry settings are `stylus.registryCredentials` and
  `stylus.externalRegistries`.

## Why is this bad?
Palette looks for the provider registry credentials only at the root of the OS layer (the BYOOS pack)
values. Anywhere else they are silently ignored: the provider image is pulled without credentials and the
edge host fails to deploy with an authorization error.

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
- "Deploy Cluster with a Private Provider Registry", step 6: "At the root level of YAML for your OS layer,
  add the providerCredentials field"
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/);
  the same page says to choose the BYOOS pack for the OS layer. palette-formats.md 2.3.
- That Palette ignores the key elsewhere (rather than rejecting the profile) is an inference: no document
  describes another place for it.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import (
    OS_LAYER,
    PACK_VALUES,
    PROFILE,
    USER_DATA,
    Document,
    Issue,
    RuleContext,
    YamlPath,
    fixes,
    format_path,
    rule,
)

KEY = "providerCredentials"
_WHERE_IT_GOES = "Palette reads it only at the root of the OS layer (BYOOS edge-native-byoi) values"


def _matches(step: object) -> bool:
    return isinstance(step, str) and (step == KEY or step.startswith(KEY + "."))


def _layer_name(doc: Document) -> str:
    if doc.pack is None:
        return "this layer"
    name = doc.pack.name or f"#{doc.pack.index}"
    layer = f", layer {doc.pack.layer}" if doc.pack.layer else ""
    return f"pack {name}{layer}"


def _message(doc: Document, path: YamlPath) -> tuple[str, str]:
    """What is wrong (the message) and where the credentials go instead (the help)."""
    key = str(path[-1])
    parent = format_path(path[:-1])
    if doc.kind == OS_LAYER:
        if key != KEY:
            return (f"'{key}' under {parent or 'the top level'} is not read as credentials",
                    f"{_WHERE_IT_GOES}, as a mapping; move it there as '{KEY}:' with '{key[len(KEY) + 1:]}:' under it")
        if path[0] == "pack":
            return (f"{KEY} under pack: is ignored",
                    f"{_WHERE_IT_GOES}; move it to the top level, next to pack: and options:")
        if path[0] == "options":
            return (f"{KEY} under options: is ignored",
                    f"{_WHERE_IT_GOES}, not among the pack options; move it to the top level, next to pack: and "
                    "options:")
        return f"{KEY} under {parent} is ignored", f"{_WHERE_IT_GOES}; move it to the top level"
    if doc.kind == PACK_VALUES:
        return (f"'{key}' in the values of {_layer_name(doc)} is ignored",
                f"{_WHERE_IT_GOES}; move it to the root of the OS layer's values")
    if doc.kind == PROFILE:
        return (f"'{key}' at {format_path(path)} is ignored",
                f"{_WHERE_IT_GOES}, inside that pack's values; move it to the root of the OS layer's values")
    return (f"'{key}' in user-data is ignored",
            "it is a cluster profile setting, read only at the root of the OS layer values; in user-data configure "
            "a registry with stylus.registryCredentials or stylus.externalRegistries")


@rule(id="PAL005", name="misplaced-provider-credentials", kinds={OS_LAYER, PACK_VALUES, PROFILE, USER_DATA},
      severity="error", tags=("correctness", "credentials"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    for path in doc.find_keys(_matches):
        if doc.kind == OS_LAYER and path == (KEY,):
            continue  # the one right place
        if any(_matches(step) for step in path[:-1]):
            continue  # inside a misplaced providerCredentials already reported
        message, help = _message(doc, path)
        fix = None
        if doc.kind == OS_LAYER and path[-1] == KEY:
            fix = fixes.unsafe(f"move {KEY} to the root of the OS layer values",
                               *(fixes.move_entry_to_root(doc, path) or (None,)), paths=(path, (KEY,)))
        yield Issue(message, help=help, at=path, part="key", value=format_path(path), fix=fix)
