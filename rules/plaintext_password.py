"""Passwords belong in Palette macros, not in plain text in a profile; user-data that carries one is flagged.

## What it does
Reports every literal password: the value of a `password` or `passwd` key, or of a key ending in
`Password` (`harborAdminPassword`, `registryPassword`; not `encodedPassword`, which is a flag). Macros,
empty values and placeholders (PAL302) are not literal passwords; a base64 password with
`encodedPassword: true` is one. Nor are password hashes (`$6$...`, `$2y$...`, `$argon2id$...`, an htpasswd
`user:$apr1$...` line: a Kairos user's `passwd` may hold one), and nor are the placeholders a file generator
fills in before the file is used: `[[ .Password ]]` anywhere, `@PASSWORD@` in a `*.tmpl` file (Go template
actions, `{{ ... }}`, are read like macros everywhere).

- In a profile (OS-layer values, a pack's values, an exported or packs-list profile) it is an error: the
  profile can refer to a macro instead (`'{{.spectro.macro.REGISTRY_PASSWORD}}'`).
- In user-data, which Palette does not template, there is no such alternative: the finding is a warning
  that the file carries a secret and must be handled as one. Choose its severity with the option
  `user-data-severity` (`error`, `warning`, `note` or `off`):

```yaml
rules:
  plaintext-password: {user-data-severity: note}
```

The message never shows the password.

## Why is this bad?
A password in a file that goes into git is readable by everyone with access to the repository, its forks,
its CI logs and its history, for ever: removing it later does not take it back. Palette's macros keep the
value in Palette, masked, and out of the profile. User-data ends up on installation media as well.

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: "Tr0ub4dor&3"
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
- "Deploy Cluster with a Private Provider Registry"
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/):
  "You can also use a macro to store your credentials instead of providing it directly in the YAML file"
  (Macros Support); palette-formats.md 2.3 and 4.1.
- That user-data is not templated (so it has no macros) is an inference (palette-formats.md 1.4): no
  Palette document describes macros in user-data.
- That a `*.tmpl` file's `@NAME@` and any `[[ ... ]]` are filled in by a generator before the file is used is
  an inference from how CanvOS and CI pipelines keep their templates.
"""

from __future__ import annotations

import re
from typing import Iterator, Optional

from linter.api import (
    ALL_DOCUMENT_KINDS,
    USER_DATA,
    Document,
    Issue,
    RuleContext,
    Severity,
    TextFix,
    YamlPath,
    credentials,
    fixes,
    images,
    leaf_name,
    macros,
    rule,
)


@rule(id="PAL301", name="plaintext-password", kinds=ALL_DOCUMENT_KINDS, severity="error",
      options={"user-data-severity": "warning"}, tags=("security", "secrets"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    suggested = None
    if doc.kind == USER_DATA:
        level = ctx.option("user-data-severity", "warning")
        if level == "off":
            return
        suggested = Severity.parse(level)
    template_file = doc.path.endswith(".tmpl")
    for path, value, kind in credentials.document_fields(doc):
        if not kind & credentials.PASSWORD or credentials.literal_secret(value) is None:
            continue
        if credentials.is_hashed(value) or credentials.is_generated(value, template_file):
            continue  # a hash is not the password; a generator fills the value in before the file is used
        key, owner = credentials.field_of(path)
        encoded = doc.get(owner + ("encodedPassword",)) is True
        note = "encodedPassword only base64-encodes it, which anyone can decode; " if encoded else ""
        message = f"{leaf_name(path)} is a password in plain text"
        if doc.kind == USER_DATA:
            help = (f"{note}user-data has no macros, and anyone who can read this file, its git history or the "
                    "installation media holds the password; keep the file out of git (generate it from a secret "
                    "store when the ISO is built) and limit what the account may do")
        else:
            help = (f"{note}anyone who can read the file, its git history or an export holds it; store it in "
                    "Palette as a macro and write '{{.spectro.macro.REGISTRY_PASSWORD}}' (your macro's name) instead")
        fix = _to_macro(doc, path, owner) if doc.kind != USER_DATA else None
        yield Issue(message, help=help, at=path, part="value", severity=suggested, value=key, fix=fix)


def _to_macro(doc: Document, path: YamlPath, owner: YamlPath) -> Optional[TextFix]:
    """The unsafe fix: the password replaced by a reference to a macro named after its registry, which the user
    creates in Palette with the password (the note says so; the password itself is never written anywhere)."""
    registry = doc.get(owner + ("registry",)) or doc.get(owner + ("domain",))
    host = images.split_registry(registry)[0] if isinstance(registry, str) and registry.strip() else ""
    stem = re.sub(r"[^A-Za-z0-9]+", "_", host).strip("_").upper()
    name = f"{stem}_PASSWORD" if stem and not stem[0].isdigit() else "REGISTRY_PASSWORD"
    if macros.contains_macro(host):
        name = "REGISTRY_PASSWORD"
    reference = "'{{.spectro.macro." + name + "}}'"
    return fixes.unsafe(f"replace the password with the macro {name}", fixes.replace_value(doc, path, reference),
                        note=f"create the Palette macro {name} (Tenant or Project Settings, Macros) holding the "
                             "password that was in the file; it stays in the file's git history, so rotate it")
