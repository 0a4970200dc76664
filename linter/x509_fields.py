"""The fields of an X.509 certificate that the rules need, and a strict reader for certificates of the common
shape that gets them without importing ``cryptography``.

Why a reader of our own: importing ``cryptography.x509`` costs 30 to 45 ms, a fifth of a pre-commit run over
a handful of files (issue 6). The certificates pasted into Palette profiles and user-data are nearly all of one
shape: X.509 v3, an RSA or NIST-curve key, a SHA-2 signature, and a few common extensions. This module reads
exactly that shape and nothing else.

The reader only ever *accepts*. It returns the fields when every byte of the certificate has the shape it
knows, and it returns None otherwise: unusual encodings, unknown extensions, other key types, and anything
malformed. On None, :func:`linter.pem.load_certificate` asks ``cryptography``. So ``cryptography`` stays the
judge of every certificate that is odd or broken (PAL201's "not an X.509 certificate"). The reader is stricter
than ``cryptography``: it keeps to DER (definite minimal lengths, no explicit defaults), rejects trailing
bytes, and checks that an EC public key's point lies on its curve. ``tests/test_x509_fields.py`` holds it to
this. For generated certificates and for thousands of mutations of them, wherever the reader returns fields,
``cryptography`` parses the same certificate and gives the same fields.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
from dataclasses import dataclass
from typing import NamedTuple, Optional

UTC = _dt.timezone.utc


@dataclass(frozen=True)
class Certificate:
    """What the rules need to know about one X.509 certificate (nothing here is secret)."""

    subject: str
    is_ca: bool
    self_signed: bool
    not_before: _dt.datetime
    not_after: _dt.datetime
    dns_names: tuple[str, ...]
    ip_addresses: tuple[str, ...]
    key_type: str  # RSA, EC, DSA, Ed25519, Ed448
    key_bits: int
    signature_hash: str  # sha256, sha1, md5, ... ("" when the algorithm has none, such as Ed25519)

    def covers(self, host: str) -> bool:
        """Whether the subject alternative names cover ``host`` (RFC 6125: a wildcard stands for exactly one
        left-most label; IP addresses only match IP entries; the common name is not used, as in Go)."""
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if address is not None:
            return any(ipaddress.ip_address(entry) == address for entry in self.ip_addresses)
        host = host.lower().rstrip(".")
        for name in self.dns_names:
            name = name.lower().rstrip(".")
            if name == host:
                return True
            if name.startswith("*.") and "." in host:
                first, rest = host.split(".", 1)
                if first and rest == name[2:]:
                    return True
        return False


class _Unfamiliar(Exception):
    """The certificate is not of the shape this reader knows: let cryptography decide."""


# ---- DER ------------------------------------------------------------------------------------------------------

SEQUENCE, SET, INTEGER, BIT_STRING, OCTET_STRING, NULL, OID, BOOLEAN = 0x30, 0x31, 0x02, 0x03, 0x04, 0x05, 0x06, 0x01
#: An AlgorithmIdentifier's NULL parameters, as RSA algorithms write them.
NULL_PARAMETERS = bytes((NULL, 0))
UTF8_STRING, PRINTABLE_STRING, IA5_STRING, UTC_TIME, GENERALIZED_TIME = 0x0C, 0x13, 0x16, 0x17, 0x18
#: Longest object identifier (in bytes) read here; the longest any certificate in practice uses is far shorter.
MAX_OID_BYTES = 63
_PRINTABLE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?")


class _Reader:
    """Consecutive DER elements between ``pos`` and ``end`` of ``data``."""

    __slots__ = ("data", "pos", "end")

    def __init__(self, data: bytes, pos: int = 0, end: Optional[int] = None) -> None:
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end

    def done(self) -> bool:
        return self.pos >= self.end

    def peek(self) -> int:
        return self.data[self.pos] if self.pos < self.end else -1

    def element(self, tag: int) -> tuple[int, int]:
        """The content bounds of the next element, which must have ``tag``; the reader moves past it."""
        data, pos = self.data, self.pos
        if pos + 2 > self.end or data[pos] != tag:
            raise _Unfamiliar
        first = data[pos + 1]
        pos += 2
        if first < 0x80:
            length = first
        else:
            count = first & 0x7F
            if count == 0 or count > 4 or pos + count > self.end or data[pos] == 0:
                raise _Unfamiliar  # indefinite or non-minimal length: not DER
            length = int.from_bytes(data[pos:pos + count], "big")
            if length < 0x80:
                raise _Unfamiliar
            pos += count
        if pos + length > self.end:
            raise _Unfamiliar
        self.pos = pos + length
        return pos, pos + length

    def inner(self, tag: int) -> _Reader:
        start, stop = self.element(tag)
        return _Reader(self.data, start, stop)

    def raw(self, tag: int) -> bytes:
        start, stop = self.element(tag)
        return self.data[start:stop]

    def whole(self, tag: int) -> bytes:
        """The next element's encoding, tag and length included."""
        begin = self.pos
        self.element(tag)
        return self.data[begin:self.pos]

    def finish(self) -> None:
        if self.pos != self.end:
            raise _Unfamiliar


def _integer(content: bytes) -> int:
    if not content or (len(content) > 1 and (content[0] == 0 and content[1] < 0x80
                                             or content[0] == 0xFF and content[1] >= 0x80)):
        raise _Unfamiliar
    return int.from_bytes(content, "big", signed=True)


def _oid(content: bytes) -> str:
    if not content or len(content) > MAX_OID_BYTES or content[-1] & 0x80:
        raise _Unfamiliar
    arcs: list[int] = []
    value = 0
    fresh = True
    for byte in content:
        if fresh and byte == 0x80:
            raise _Unfamiliar  # a leading zero group: not minimal
        value = (value << 7) | (byte & 0x7F)
        fresh = not byte & 0x80
        if fresh:
            if value >= 1 << 63:
                raise _Unfamiliar
            arcs.append(value)
            value = 0
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(arc) for arc in head + arcs[1:])


def _bits(content: bytes) -> bytes:
    """A BIT STRING's bytes; its padding bits must be zero."""
    if not content or content[0] > 7 or (len(content) == 1 and content[0]):
        raise _Unfamiliar
    if content[0] and content[-1] & ((1 << content[0]) - 1):
        raise _Unfamiliar
    return content[1:]


def _octets(content: bytes) -> bytes:
    """A BIT STRING that holds whole bytes (a key, a signature): no unused bits."""
    if not content or content[0]:
        raise _Unfamiliar
    return content[1:]


def _ascii(content: bytes) -> str:
    if not content.isascii():
        raise _Unfamiliar
    return content.decode("ascii")


# ---- algorithms -----------------------------------------------------------------------------------------------

#: Signature algorithm -> (hash name as cryptography names it, whether NULL parameters may stand for absent ones).
_SIGNATURES = {
    "1.2.840.113549.1.1.4": ("md5", True),
    "1.2.840.113549.1.1.5": ("sha1", True),
    "1.2.840.113549.1.1.14": ("sha224", True),
    "1.2.840.113549.1.1.11": ("sha256", True),
    "1.2.840.113549.1.1.12": ("sha384", True),
    "1.2.840.113549.1.1.13": ("sha512", True),
    "1.2.840.10045.4.1": ("sha1", False),
    "1.2.840.10045.4.3.1": ("sha224", False),
    "1.2.840.10045.4.3.2": ("sha256", False),
    "1.2.840.10045.4.3.3": ("sha384", False),
    "1.2.840.10045.4.3.4": ("sha512", False),
    "1.3.101.112": ("", False),  # Ed25519
    "1.3.101.113": ("", False),  # Ed448
}
RSA_ENCRYPTION, EC_PUBLIC_KEY, ED25519, ED448 = "1.2.840.113549.1.1.1", "1.2.840.10045.2.1", "1.3.101.112", "1.3.101.113"


class _Curve(NamedTuple):
    bits: int
    p: int
    b: int  # y^2 = x^3 - 3x + b (mod p): every NIST prime curve has a = -3


#: The NIST prime curves (FIPS 186-4, D.1.2), by their named-curve object identifier.
_CURVES = {
    "1.3.132.0.33": _Curve(224, 2**224 - 2**96 + 1,
                           0xB4050A850C04B3ABF54132565044B0B7D7BFD8BA270B39432355FFB4),
    "1.2.840.10045.3.1.7": _Curve(256, 2**256 - 2**224 + 2**192 + 2**96 - 1,
                                  0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B),
    "1.3.132.0.34": _Curve(384, 2**384 - 2**128 - 2**96 + 2**32 - 1,
                           int("B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875A"
                               "C656398D8A2ED19D2A85C8EDD3EC2AEF", 16)),
    "1.3.132.0.35": _Curve(521, 2**521 - 1,
                           int("051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E"
                               "156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00", 16)),
}
#: The RSA modulus sizes read here, in bits; keys outside them go to cryptography.
RSA_BITS = (512, 16384)


def _algorithm(reader: _Reader) -> tuple[str, Optional[bytes]]:
    """An AlgorithmIdentifier: its object identifier and its parameters' encoding (None when absent)."""
    inner = reader.inner(SEQUENCE)
    oid = _oid(inner.raw(OID))
    params = None if inner.done() else inner.data[inner.pos:inner.end]
    if params is not None:
        probe = _Reader(params)
        probe.element(probe.peek())
        probe.finish()
    return oid, params


def _signature_hash(oid: str, params: Optional[bytes]) -> str:
    known = _SIGNATURES.get(oid)
    if known is None:
        raise _Unfamiliar
    name, null_params = known
    if params is not None and not (null_params and params == NULL_PARAMETERS):
        raise _Unfamiliar
    return name


def _public_key(reader: _Reader) -> tuple[str, int]:
    spki = reader.inner(SEQUENCE)
    oid, params = _algorithm(spki)
    key = _octets(spki.raw(BIT_STRING))
    spki.finish()
    if oid == RSA_ENCRYPTION:
        if params != NULL_PARAMETERS:
            raise _Unfamiliar
        numbers = _Reader(key).inner(SEQUENCE)
        modulus = _integer(numbers.raw(INTEGER))
        exponent = _integer(numbers.raw(INTEGER))
        numbers.finish()
        bits = modulus.bit_length()
        if not RSA_BITS[0] <= bits <= RSA_BITS[1] or modulus % 2 == 0 or exponent < 3 or exponent % 2 == 0 \
                or exponent >= modulus:
            raise _Unfamiliar
        return "RSA", bits
    if oid == EC_PUBLIC_KEY:
        if params is None:
            raise _Unfamiliar
        named = _Reader(params)
        curve = _CURVES.get(_oid(named.raw(OID)))
        named.finish()
        if curve is None:
            raise _Unfamiliar
        size = (curve.bits + 7) // 8
        if len(key) != 1 + 2 * size or key[0] != 4:
            raise _Unfamiliar  # compressed or hybrid points go to cryptography
        x, y = int.from_bytes(key[1:1 + size], "big"), int.from_bytes(key[1 + size:], "big")
        p = curve.p
        if x >= p or y >= p or (y * y - (x * x * x - 3 * x + curve.b)) % p:
            raise _Unfamiliar
        return "EC", curve.bits
    if oid in (ED25519, ED448) and params is None:
        if len(key) != (32 if oid == ED25519 else 57):
            raise _Unfamiliar
        return ("Ed25519", 256) if oid == ED25519 else ("Ed448", 456)
    raise _Unfamiliar


# ---- names and times ------------------------------------------------------------------------------------------

COMMON_NAME = "2.5.4.3"
_Name = tuple[tuple[str, str], ...]


def _name(reader: _Reader) -> _Name:
    """A Name whose relative names each hold one attribute with a UTF8, Printable or IA5 string, as
    (object identifier, value) pairs in order."""
    name = reader.inner(SEQUENCE)
    attributes = []
    while not name.done():
        relative = name.inner(SET)
        pair = relative.inner(SEQUENCE)
        relative.finish()
        oid = _oid(pair.raw(OID))
        tag = pair.peek()
        content = pair.raw(tag)
        pair.finish()
        if tag == UTF8_STRING:
            try:
                value = content.decode("utf-8")
            except UnicodeDecodeError:
                raise _Unfamiliar from None
        elif tag == PRINTABLE_STRING and all(byte in _PRINTABLE for byte in content):
            value = content.decode("ascii")
        elif tag == IA5_STRING:
            value = _ascii(content)
        else:
            raise _Unfamiliar
        attributes.append((oid, value))
    return tuple(attributes)


def _time(reader: _Reader) -> _dt.datetime:
    """A UTCTime (YYMMDDHHMMSSZ) or, from 2050 on, a GeneralizedTime (YYYYMMDDHHMMSSZ), as RFC 5280 has them."""
    tag = reader.peek()
    text = reader.raw(tag)
    if tag == UTC_TIME and len(text) == 13:
        digits = text[:12]
    elif tag == GENERALIZED_TIME and len(text) == 15:
        digits = text[:14]
    else:
        raise _Unfamiliar
    if text[-1:] != b"Z" or not digits.isdigit():
        raise _Unfamiliar
    if tag == UTC_TIME:
        yy = int(digits[:2])
        year, rest = (1900 if yy >= 50 else 2000) + yy, digits[2:]
    else:
        year, rest = int(digits[:4]), digits[4:]
        if year < 2050:
            raise _Unfamiliar  # RFC 5280 wants UTCTime until 2049: leave the exception to cryptography
    month, day, hour, minute, second = (int(rest[i:i + 2]) for i in range(0, 10, 2))
    try:
        return _dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        raise _Unfamiliar from None


# ---- extensions -----------------------------------------------------------------------------------------------

BASIC_CONSTRAINTS, SUBJECT_ALT_NAME = "2.5.29.19", "2.5.29.17"
SUBJECT_KEY_ID, AUTHORITY_KEY_ID, KEY_USAGE, EXTENDED_KEY_USAGE = "2.5.29.14", "2.5.29.35", "2.5.29.15", "2.5.29.37"
DNS_NAME, IP_ADDRESS, EMAIL, URI = 0x82, 0x87, 0x81, 0x86


def _basic_constraints(value: _Reader) -> bool:
    body = value.inner(SEQUENCE)
    value.finish()
    is_ca = False
    if body.peek() == BOOLEAN:
        if body.raw(BOOLEAN) != b"\xff":
            raise _Unfamiliar  # DER leaves out the default FALSE
        is_ca = True
    if body.peek() == INTEGER:
        if not is_ca or _integer(body.raw(INTEGER)) < 0:
            raise _Unfamiliar  # a path length without cA is refused by cryptography
    body.finish()
    return is_ca


def _alternative_names(value: _Reader) -> tuple[tuple[str, ...], tuple[str, ...]]:
    names = value.inner(SEQUENCE)
    value.finish()
    if names.done():
        raise _Unfamiliar
    dns: list[str] = []
    addresses: list[str] = []
    while not names.done():
        tag = names.peek()
        content = names.raw(tag)
        if tag == DNS_NAME:
            dns.append(_ascii(content))
        elif tag == IP_ADDRESS and len(content) in (4, 16):
            addresses.append(str(ipaddress.ip_address(content)))
        elif tag in (EMAIL, URI):
            _ascii(content)
        else:
            raise _Unfamiliar
    return tuple(dns), tuple(addresses)


def _check_key_usage(value: _Reader) -> None:
    bits = _bits(value.raw(BIT_STRING))
    value.finish()
    if len(bits) != 1 or not bits[0] or bits[0] & 0x01:
        raise _Unfamiliar  # empty, a trailing zero byte, or encipherOnly/decipherOnly (need keyAgreement)


def _check_extended_key_usage(value: _Reader) -> None:
    purposes = value.inner(SEQUENCE)
    value.finish()
    if purposes.done():
        raise _Unfamiliar
    while not purposes.done():
        _oid(purposes.raw(OID))


def _check_key_identifier(value: _Reader) -> None:
    value.raw(OCTET_STRING)
    value.finish()


def _check_authority_key_identifier(value: _Reader) -> None:
    body = value.inner(SEQUENCE)
    value.finish()
    body.raw(0x80)  # keyIdentifier only: an issuer name and serial go to cryptography
    body.finish()


_CHECKS = {
    KEY_USAGE: _check_key_usage,
    EXTENDED_KEY_USAGE: _check_extended_key_usage,
    SUBJECT_KEY_ID: _check_key_identifier,
    AUTHORITY_KEY_ID: _check_authority_key_identifier,
}


# ---- the certificate ------------------------------------------------------------------------------------------


def read_certificate(der: bytes) -> Optional[Certificate]:
    """The fields of a DER certificate of the common shape (see the module docstring); None when it is not of
    that shape, which says nothing about whether it is a certificate."""
    try:
        return _read(der)
    except (_Unfamiliar, ValueError, IndexError):
        return None


def _read(der: bytes) -> Certificate:
    whole = _Reader(der)
    outer = whole.inner(SEQUENCE)
    whole.finish()  # no bytes after the certificate
    tbs = outer.inner(SEQUENCE)
    outer_algorithm = outer.whole(SEQUENCE)
    _octets(outer.raw(BIT_STRING))
    outer.finish()
    return _read_tbs(tbs, outer_algorithm)


def _read_tbs(tbs: _Reader, outer_algorithm: bytes) -> Certificate:
    version = 0
    if tbs.peek() == 0xA0:
        explicit = tbs.inner(0xA0)
        version = _integer(explicit.raw(INTEGER))
        explicit.finish()
        if version != 2:
            raise _Unfamiliar  # v2 is rare and v1 must not be written out in DER
    serial = _integer(tbs.raw(INTEGER))
    if serial <= 0:
        raise _Unfamiliar  # cryptography warns about these, and may refuse them
    if tbs.whole(SEQUENCE) != outer_algorithm:
        raise _Unfamiliar
    signature_hash = _signature_hash(*_algorithm(_Reader(outer_algorithm)))
    issuer = _name(tbs)
    validity = tbs.inner(SEQUENCE)
    not_before, not_after = _time(validity), _time(validity)
    validity.finish()
    subject = _name(tbs)
    key_type, key_bits = _public_key(tbs)
    is_ca = False
    dns_names: tuple[str, ...] = ()
    ip_addresses: tuple[str, ...] = ()
    if not tbs.done():
        if version != 2:
            raise _Unfamiliar
        wrapper = tbs.inner(0xA3)
        extensions = wrapper.inner(SEQUENCE)
        wrapper.finish()
        if extensions.done():
            raise _Unfamiliar
        seen: set[str] = set()
        while not extensions.done():
            extension = extensions.inner(SEQUENCE)
            oid = _oid(extension.raw(OID))
            if oid in seen:
                raise _Unfamiliar
            seen.add(oid)
            if extension.peek() == BOOLEAN and extension.raw(BOOLEAN) != b"\xff":
                raise _Unfamiliar  # DER leaves out the default FALSE
            value = extension.inner(OCTET_STRING)
            extension.finish()
            if oid == BASIC_CONSTRAINTS:
                is_ca = _basic_constraints(value)
            elif oid == SUBJECT_ALT_NAME:
                dns_names, ip_addresses = _alternative_names(value)
            elif oid in _CHECKS:
                _CHECKS[oid](value)
            else:
                raise _Unfamiliar
    tbs.finish()
    common_names = [value for oid, value in subject if oid == COMMON_NAME]
    if not common_names:
        raise _Unfamiliar  # cryptography writes the RFC 4514 form of such a subject
    return Certificate(
        subject=common_names[0] or "(no subject)", is_ca=is_ca, self_signed=issuer == subject,
        not_before=not_before, not_after=not_after, dns_names=dns_names, ip_addresses=ip_addresses,
        key_type=key_type, key_bits=key_bits, signature_hash=signature_hash,
    )
