"""Certificates must be complete PEM certificates that parse.

## What it does
Reads every certificate field (`providerCredentials.certificates` in the OS layer,
`stylus.externalRegistries.registries[].certificates` and `stylus.site.caCerts` in user-data, a string or a
list of strings; `caCerts` may also be base64-encoded PEM) and every PEM certificate block anywhere else
in a profile or user-data. It reports, at the block's own line:

- a field that holds no PEM text at all (a file name, a fingerprint, base64 without PEM lines);
- a block in a certificate field that is not a certificate (`PUBLIC KEY`, `CERTIFICATE REQUEST`, ...;
  a private key is PAL206's);
- a certificate block that is truncated (no `-----END CERTIFICATE-----`), starts with an END line, ends
  with a different label, has its line breaks folded away (a `>` or plain multi-line scalar), is empty, is a
  placeholder (a body of `*****`, `xxxx` or `<certificate>`), has armour lines without exactly five dashes,
  has a body that is not base64 (the documentation's shortened example, with a line of dashes, is one), or
  does not decode to an X.509 certificate. One block gets one finding, for its first problem.

The message never quotes the certificate text. In the examples, `<<PEM ca>>` stands for a complete PEM
certificate (the test suite generates real ones).

## Why is this bad?
Palette installs these certificates so the edge host trusts the registry's TLS certificate. A certificate
that does not load is no trust at all: every image pull from the registry fails with an `x509: certificate
signed by unknown authority` error, on the device, after the site is installed. The OS layer's
certificates can only be set when a cluster is created, so a broken one cannot be fixed later.

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
  certificates: |
    -----BEGIN CERTIFICATE-----
    MIIDVzCCAj+gAwIBAgIRANtGPo/hFkZtYRNw0KaeW54wDQYJKoZIhvcNAQELBQAw
    ----------------------------------------------------------------
    7OicCaV35lje5FSl0owu74ghAlCgMyAdKsJf615g1kKO4V5E2BMErd9Ibw==
    -----END CERTIFICATE-----
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```
```yaml
#cloud-config
stylus:
  site:
    caCerts:
      - /etc/ssl/certs/edge-ca.pem
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
  certificates: |
    <<PEM ca>>
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Source
- "Deploy Cluster with a Private Provider Registry"
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/):
  `providerCredentials.certificates` takes the registry's certificate as a block scalar, and can only be
  set on a new cluster; the page's own example is shortened with a line of dashes and would not load.
- `registries[].certificates` and `site.caCerts`: "Installer Configuration"
  (https://docs.spectrocloud.com/clusters/edge/edge-configuration/installer-reference/);
  palette-formats.md 1.1-1.3 and 2.3 (the reference says base64, CanvOS writes PEM: both are read).
- The PEM format (BEGIN/END lines with the same label, base64 body, line breaks) is RFC 7468. That a
  folded block fails is how OpenSSL's and Go's PEM readers behave; that Palette uses such a reader is an
  inference.
"""

from __future__ import annotations

from typing import Iterator, Optional

from linter.api import ALL_DOCUMENT_KINDS, Document, Issue, RuleContext, TextFix, fixes, leaf_name, pem, rule

_CONSEQUENCE = "the edge host cannot trust the registry's TLS certificate, so image pulls fail"
_FIX = "paste the complete PEM certificate of the registry's CA"
#: What is wrong with a certificate block (the message), why that happens (the start of the help), and the fix.
_PROBLEMS = {
    "truncated": ("certificate has no '-----END CERTIFICATE-----' line", "cut off when pasted?",
                  "paste the whole certificate, through its END line"),
    "no-begin": ("'-----END' line without a '-----BEGIN' line before it", "the start of the certificate is missing",
                 "paste the whole certificate, from its BEGIN line"),
    "mismatched": ("certificate block whose END label differs from its BEGIN label", "",
                   "paste the certificate again, unchanged"),
    "one-line": ("certificate on one line (line breaks folded away)",
                 "a folded '>' or a plain multi-line value joins lines", "write it as a literal block scalar ('|')"),
    "empty": ("empty certificate block", "nothing between its BEGIN and END lines", _FIX),
    "placeholder": ("certificate block is a placeholder, not a certificate",
                    "its body is a mask or template text, as documentation examples write it", _FIX),
    "armour": ("certificate BEGIN or END line without exactly five dashes each side",
               "PEM readers look for '-----BEGIN' and '-----END' and do not find them", "write five dashes, as "
               "'-----BEGIN CERTIFICATE-----'"),
    "bad-base64": ("certificate body is not valid base64",
                   "a line of dashes or other text inside the block, as in shortened documentation examples?", _FIX),
    "not-x509": ("certificate block is not an X.509 certificate", "it decodes, but not to X.509", _FIX),
}


@rule(id="PAL201", name="certificate-unparseable", kinds=ALL_DOCUMENT_KINDS, severity="error",
      tags=("tls", "certificates"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    for text in pem.pem_texts(doc):
        where = leaf_name(text.path)
        if text.field and not text.blocks:
            also = " nor base64-encoded PEM" if text.field == "caCerts" else ""
            yield Issue(
                f"{where} is not a PEM certificate{also}",
                at=text.path, part="value", value="no-pem",
                help=f"the field takes the certificate itself ('-----BEGIN CERTIFICATE-----' ... '-----END "
                     f"CERTIFICATE-----'), not a file name or a fingerprint: {_CONSEQUENCE}; {_FIX}")
            continue
        unfolding = _unfolding(doc, text)
        for block in text.blocks:
            problem = _problem(text, block)
            if problem is None:
                continue
            if problem == "not-a-certificate":
                message = f"{text.field} holds a '{block.label}' block, not a certificate"
                help = f"the field takes CA certificates ('-----BEGIN CERTIFICATE-----'): {_CONSEQUENCE}; {_FIX}"
            else:
                what, why, fix = _PROBLEMS[problem]
                message = what
                help = f"{why + ': ' if why else ''}{_CONSEQUENCE}; {fix}"
            yield Issue(message, at=text.path, span=pem.block_span(doc, text, block),
                        value=f"{block.line}:{problem}", help=help, fix=unfolding)
            unfolding = None  # the text's one fix goes on its first finding


def _unfolding(doc: Document, text: pem.PemText) -> Optional[TextFix]:
    """The fix of certificates whose only problem is a folded block scalar (``>``): make it literal (``|``), when
    every block then reads as a complete certificate (what folding did to the blocks, a line break lost or one
    kept before a more indented line, does not matter then)."""
    found = fixes.literal_block(doc, text.path)
    if found is None:
        return None
    edit, literal = found
    blocks = pem.split_pem(literal)
    if not blocks or any(pem.load_certificate(block) is None for block in blocks):
        return None
    return fixes.safe("write the certificates as a literal block scalar ('|')", edit)


def _problem(text: pem.PemText, block: pem.PemBlock) -> Optional[str]:
    if block.is_private_key:
        return None  # PAL206 private-key-in-certificates
    if not block.is_certificate:
        return "not-a-certificate" if text.field else None
    if block.problem:
        return block.problem
    return "not-x509" if pem.load_certificate(block) is None else None
