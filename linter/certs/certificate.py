"""The fields of an X.509 certificate that the rules need, read by ``cryptography``.

``cryptography`` is imported the first time a certificate is read: a run over files without PEM certificates
never imports it. A certificate is read once per run however many rules and documents ask (a memo by its DER
bytes).
"""

from __future__ import annotations

import datetime as _dt
import functools
import ipaddress
import warnings
from typing import TYPE_CHECKING, Optional

from msgspec import Struct

if TYPE_CHECKING:  # pragma: no cover
    from cryptography import x509


class Certificate(Struct, frozen=True):
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


@functools.lru_cache(maxsize=256)
def read_certificate(der: bytes) -> Optional[Certificate]:
    """The fields of the DER-encoded certificate ``der``; None when cryptography does not read it as X.509."""
    from cryptography import x509

    with warnings.catch_warnings():  # cryptography warns about odd encodings (negative serials, say)
        warnings.simplefilter("ignore")
        try:
            cert = x509.load_der_x509_certificate(der)
            dns_names, ip_addresses = _alternative_names(cert)
            key_type, key_bits = _public_key(cert)
            common_names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
            subject = str(common_names[0].value) if common_names else cert.subject.rfc4514_string()
            return Certificate(
                subject=subject or "(no subject)", is_ca=_is_ca(cert), self_signed=cert.issuer == cert.subject,
                not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc, dns_names=dns_names,
                ip_addresses=ip_addresses, key_type=key_type, key_bits=key_bits,
                signature_hash=_signature_hash(cert),
            )
        except Exception:  # any malformed DER or extension: the rule reports "not an X.509 certificate"
            return None


def _is_ca(cert: x509.Certificate) -> bool:
    from cryptography import x509

    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _alternative_names(cert: x509.Certificate) -> tuple[tuple[str, ...], tuple[str, ...]]:
    from cryptography import x509

    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return (), ()
    return tuple(names.get_values_for_type(x509.DNSName)), \
        tuple(str(address) for address in names.get_values_for_type(x509.IPAddress))


def _public_key(cert: x509.Certificate) -> tuple[str, int]:
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "EC", key.curve.key_size
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 456
    return "", 0


def _signature_hash(cert: x509.Certificate) -> str:
    try:
        algorithm = cert.signature_hash_algorithm
    except Exception:  # an algorithm cryptography does not know
        return "unknown"
    return algorithm.name if algorithm is not None else ""
