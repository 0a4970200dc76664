"""Credential fields must not hold placeholders such as `******`, `<password>` or `changeme`.

## What it does
Reports a credential field (a password key as PAL301 defines it, a token or secret key such as
`edgeHostToken`, and the `user`/`username` keys) whose value is a placeholder:

- a mask: a run of `*`, `#`, `x` or dots (`"******"`, `"####"`), as a profile export or a template writes;
- a bracketed template word: `<password>`, `<your-token>`, `[password]`;
- a well-known default or template word: `changeme`, `changeit`, `password`, `secret`, `placeholder`,
  `replace-me`, `TODO`, `redacted`, ... (compared without case and punctuation);
- the shape of a token with its characters masked: a run of four or more `x`, `*` or `#` inside the value
  (`ghp_xxxxxxxxxxxxxxxx`, `AKIA****`).

Unquoted `******` and `####` do not even parse as strings: PAL000 and PAL002 report those. `${VAR}`,
`[[ .Var ]]` and, in a `*.tmpl` file, `@VAR@` templates are left alone (they are filled in by a pipeline or
a generator before use); so are password hashes.

## Why is this bad?
Palette sends the placeholder as the credential: the registry (or Palette, for a registration token)
rejects it, so the image pulls or the registration fail, on the edge host and only then. An exported
profile masks its sensitive values, so a profile imported from an export carries masks until each one is
set again.

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: "******"
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```
```yaml
#cloud-config
stylus:
  registryCredentials:
    domain: harbor.example.com
    username: <username>
    password: changeme
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
- "Deploy Cluster with a Private Provider Registry" writes `password: ******` in its example; CanvOS's
  `user-data.template` writes `password: ####`; "Export and Import a Cluster Profile": an export masks
  sensitive values, which must be entered again after import (palette-formats.md 2.3 and 4.3).
- The list of template words is an inference from common templates and vendor defaults.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import ALL_DOCUMENT_KINDS, USER_DATA, Document, Issue, RuleContext, credentials, leaf_name, rule


@rule(id="PAL302", name="placeholder-password", kinds=ALL_DOCUMENT_KINDS, severity="error",
      tags=("correctness", "credentials"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    for path, value, kind in credentials.document_fields(doc):
        placeholder = credentials.placeholder_kind(value)
        if placeholder is None:
            continue
        if kind & credentials.PASSWORD:
            noun = "password"
        elif kind & credentials.USER:
            noun = "user name"
        else:
            noun = "secret"
        if doc.kind == USER_DATA:
            fix = f"write the real {noun}, quoted"
        elif noun == "user name":
            fix = "write the real user name"
        else:
            fix = (f"store the real {noun} in Palette as a macro and write '{{{{.spectro.macro.NAME}}}}' (after "
                   "importing an export, set every masked value again)")
        yield Issue(f"{leaf_name(path)} is a placeholder, not a real {noun}",
                    help=f"it is {placeholder}: Palette uses it as it is, so authentication with it fails; {fix}",
                    at=path, part="value", value=noun)
