"""PEM blocks (certificates, private keys) in the strings of a document, and the certificates they hold.

PEM text sits in block scalars (``certificates: |``), plain or quoted strings, lists of strings, and JSON
strings (an export's pack values is YAML inside a JSON string, itself parsed as an embedded document). Each
block keeps the line it starts on inside its string, and :meth:`linter.document.Document.line_span` turns that
into the block's own line in the file. ``caCerts`` may also be base64-encoded PEM (the installer reference
says so); such blocks are decoded and reported at the string.

Certificates are read by ``cryptography`` (:mod:`linter.certs.certificate`), imported only when a document
holds a certificate.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import TYPE_CHECKING, Any, Iterator, Optional

from msgspec import Struct

from linter.certs.certificate import Certificate, read_certificate
from linter.model import Span, YamlPath
from linter.palette import credentials, images, macros

if TYPE_CHECKING:  # pragma: no cover
    from linter.document import Document

BEGIN_MARK = "-----BEGIN"
END_MARK = "-----END"
#: Keys whose value is certificates (one PEM string or a list): ``providerCredentials.certificates``,
#: ``externalRegistries.registries[].certificates`` and ``stylus.site.caCerts`` (palette-formats.md 1.1-1.3, 2.3).
CERTIFICATE_FIELDS = frozenset({"certificates", "caCerts"})
CERTIFICATE_LABELS = frozenset({"CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"})
#: The keys of a credentials mapping that name its registry: ``providerCredentials.registry`` and the
#: user-data registries' ``domain``.
REGISTRY_KEYS = ("registry", "domain")

# Armour lines with five dashes, as RFC 7468 writes them, or with more, as some placeholders do (read as armour
# all the same, so that one block is one block, and reported).
_BEGIN = re.compile(r"(-{5,16})BEGIN ([A-Z0-9 ]{0,64}[A-Z0-9])(-{5,16})")
_END = re.compile(r"(-{5,16})END ([A-Z0-9 ]{0,64}[A-Z0-9])(-{5,16})")
_BASE64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")
#: A body that stands for a certificate rather than being one: masks (``*****``, ``xxxx``, ``....``) and
#: template words.
_PLACEHOLDER_BODY = re.compile(r"^(?:[*#xX.•…]+|<[^<>]*>|\[[^\[\]]*\]|\{\{[^{}]*\}\})$")


class PemBlock(Struct, frozen=True):
    """One ``-----BEGIN X-----`` ... ``-----END X-----`` block of a string.

    ``line`` is the 0-based line of the string it starts on. ``problem`` is empty for a well-formed block, else
    ``truncated`` (no END line), ``no-begin`` (an END line alone), ``mismatched`` (BEGIN and END labels
    differ), ``one-line`` (its line breaks were folded away), ``empty`` (nothing between BEGIN and END),
    ``placeholder`` (a mask or template text where the body goes), ``armour`` (BEGIN or END lines without exactly
    five dashes each side, which PEM readers do not find) or ``bad-base64`` (the body does not decode). A block
    has one problem, the first of these that applies."""

    label: str
    line: int
    body: str = ""
    problem: str = ""

    @property
    def is_private_key(self) -> bool:
        return "PRIVATE KEY" in self.label

    @property
    def is_certificate(self) -> bool:
        return self.label in CERTIFICATE_LABELS

    def der(self) -> Optional[bytes]:
        if self.problem:
            return None
        try:
            return base64.b64decode(self.body, validate=True)
        except (binascii.Error, ValueError):
            return None


def split_pem(text: str) -> list[PemBlock]:
    """The PEM blocks of ``text`` in order; text between blocks (explanations, ``openssl x509 -text``
    output) is allowed by RFC 7468 and ignored."""
    blocks: list[PemBlock] = []
    label = ""
    start = 0
    armour = True
    body: list[str] = []
    for number, line in enumerate(text.split("\n")):
        begin = _BEGIN.search(line)
        end = _END.search(line)
        if begin is not None and end is not None and end.start() > begin.start():
            if label:
                blocks.append(PemBlock(label, start, "", "truncated"))
            folded = re.sub(r"\s", "", line[begin.end():end.start()])
            problem = "placeholder" if _PLACEHOLDER_BODY.match(folded) else "one-line"
            blocks.append(PemBlock(begin.group(2), number, folded, problem))
            label = ""
            continue
        if begin is not None:
            if label:
                blocks.append(PemBlock(label, start, "", "truncated"))
            label, start, body, armour = begin.group(2), number, [], _five_dashes(begin)
            if line[begin.end():].strip():
                blocks.append(PemBlock(label, start, "", "one-line"))
                label = ""
            continue
        if end is not None:
            if not label:
                blocks.append(PemBlock(end.group(2), number, "", "no-begin"))
            elif end.group(2) != label:
                blocks.append(PemBlock(label, start, "", "mismatched"))
            else:
                joined = "".join(body)
                if not joined:
                    problem = "empty"
                elif _PLACEHOLDER_BODY.match(joined):
                    problem = "placeholder"
                elif not (armour and _five_dashes(end)):
                    problem = "armour"
                else:
                    problem = "" if _BASE64.match(joined) and len(joined) % 4 == 0 else "bad-base64"
                blocks.append(PemBlock(label, start, joined, problem))
            label = ""
            continue
        if label:
            stripped = line.strip()
            if ":" in stripped and not body:  # RFC 1421 headers of legacy encrypted keys (Proc-Type: ...)
                continue
            if stripped:
                body.append(stripped)
    if label:
        blocks.append(PemBlock(label, start, "", "truncated"))
    return blocks


def _five_dashes(armour: re.Match[str]) -> bool:
    return len(armour.group(1)) == 5 and len(armour.group(3)) == 5


class PemText(Struct, frozen=True):
    """A string of a document that holds PEM text, or a certificate field (which should).

    ``field`` is ``certificates`` or ``caCerts`` when the string is (an item of) such a field, else empty;
    ``owner`` is the mapping that holds the string's key (a credentials mapping for a certificate field);
    ``encoded`` says the blocks come from base64-decoding the string, so their lines are not the file's."""

    path: YamlPath
    blocks: tuple[PemBlock, ...]
    field: str = ""
    owner: YamlPath = ()
    encoded: bool = False


def pem_texts(doc: Document) -> list[PemText]:
    """Every string of ``doc`` that holds PEM text, and every certificate field, in document order. The
    values strings of a profile's packs are skipped: they are documents of their own. Computed once per
    document (several rules read it)."""
    return doc.derived("pem.pem_texts", _find_pem_texts)


def _find_pem_texts(doc: Document) -> list[PemText]:
    text = doc.own_text
    if BEGIN_MARK not in text and END_MARK not in text and not any(f in text for f in CERTIFICATE_FIELDS):
        return []
    skip = {child.base for child in doc.children}
    found: list[PemText] = []
    for path, value in doc.walk():
        if not isinstance(value, str) or path in skip:
            continue
        key, owner = credentials.field_of(path)
        field = key if key in CERTIFICATE_FIELDS else ""
        if BEGIN_MARK in value or END_MARK in value:
            found.append(PemText(path, tuple(split_pem(value)), field, owner))
        elif field and value.strip() and not macros.contains_macro(value):
            decoded = _base64_pem(value)
            blocks = tuple(split_pem(decoded)) if decoded else ()
            found.append(PemText(path, blocks, field, owner, encoded=bool(decoded)))
    return found


def _base64_pem(value: str) -> str:
    """The PEM text ``value`` base64-encodes, or empty."""
    compact = re.sub(r"\s", "", value)
    try:
        decoded = base64.b64decode(compact, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""
    return decoded if BEGIN_MARK in decoded else ""


def block_span(doc: Document, text: PemText, block: PemBlock) -> Optional[Span]:
    """The span of the block's first line in ``doc``'s own coordinates (for ``Issue.span``); None for decoded
    blocks, which are reported at their string."""
    if text.encoded:
        return None
    return doc.line_span(text.path, block.line)


def registry_of(doc: Document, text: PemText) -> tuple[str, YamlPath]:
    """The registry host (port dropped, lower case) a certificate field is given for, and the path of that
    field; empty when the field is not in a credentials mapping or the registry is a macro."""
    if not text.field:
        return "", ()
    owner = doc.get(text.owner)
    if not isinstance(owner, dict):
        return "", ()
    for key in REGISTRY_KEYS:
        value = owner.get(key)
        if isinstance(value, str) and value.strip() and not macros.contains_macro(value):
            return host_of(value), text.owner + (key,)
    return "", ()


def host_of(registry: str) -> str:
    """``https://user@Harbor.example.com:8443/edge`` -> ``harbor.example.com``; ``[fd00::1]:5000`` -> ``fd00::1``.
    Unlike :func:`linter.images.registry_host`, Docker Hub's aliases are kept: a certificate names the host
    itself."""
    value, _path = images.split_registry(registry)
    if value.startswith("["):
        return value[1:].split("]", 1)[0].lower()
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.lower().rstrip(".")


# ---- certificates ---------------------------------------------------------------------------------------------


def load_certificate(block: PemBlock) -> Optional[Certificate]:
    """The certificate of a well-formed CERTIFICATE block; None when it does not decode to X.509."""
    if not block.is_certificate:
        return None
    der = block.der()
    if not der:
        return None
    return read_certificate(der)


def certificates(doc: Document) -> Iterator[tuple[PemText, PemBlock, Certificate]]:
    """Every certificate that parses, anywhere in ``doc``, with the string and block it comes from."""
    for text in pem_texts(doc):
        for block in text.blocks:
            if block.is_certificate and not block.problem:
                cert = load_certificate(block)
                if cert is not None:
                    yield text, block, cert


def describe(cert: Certificate) -> str:
    """How a message names a certificate: its subject's common name (public information)."""
    return f"the {'CA ' if cert.is_ca else ''}certificate '{cert.subject}'"


def day(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d")
