"""A value `palette-lint verify` needs must be known: give every macro it uses a value.

## What it does
`palette-lint verify` resolves the macros of the values it checks (registry hosts, user names, passwords,
`system.uri`) with the values you pass: the environment variable `PALETTE_MACRO_<NAME>` for
`{{.spectro.macro.NAME}}`, or a YAML file given with `--macros FILE` (`NAME: value`, `var.NAME: value`,
`system.kubernetes.version: value`). This rule reports a value that uses a macro with no value, a password that is
a placeholder (`******`, `<password>`), or an `encodedPassword` that is not base64. The finding is at that value;
what depends on it (the login, the image) was not checked. It never shows a value.

## Why is this bad?
A check that was skipped is not a check that passed: without the value, `verify` cannot tell whether the password
works or the image exists, and a CI job that forgot to pass a secret would otherwise look green.

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.A_MACRO_WITH_NO_VALUE}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Use instead
```yaml
# run as: PALETTE_MACRO_REGISTRY_PASSWORD=... palette-lint verify values.yaml
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
- Palette macros: "Macros Support" (https://docs.spectrocloud.com/clusters/cluster-management/macros/); their
  values live in Palette, so `verify` takes them from the environment or a file, never from the command line.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import OS_LAYER, USER_DATA, Issue, Observation, RuleContext, observations, rule


@rule(id="PAL510", name="verify-value-missing", scope="verify", kinds={OS_LAYER, USER_DATA}, severity="warning",
      tags=("verify",))
def check(observation: Observation, ctx: RuleContext) -> Iterator[Issue]:
    gap = observation.gap
    if observation.kind != observations.GAP or gap is None:
        return
    yield Issue(f"{gap.what} cannot be verified: {gap.reason}", at=gap.place.path, doc=gap.place.doc,
                value=gap.what)
