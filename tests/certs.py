"""Test certificates, generated during the test run with cryptography against the injected clock (FIXED_NOW), so
no fixture rots with time.

Fixtures and rule-doc examples name them with a placeholder, ``<<PEM name>>`` (several joined with ``+`` make a
bundle), which :mod:`tests.fixture_expansion` replaces with the PEM text before the linter sees the file.

| name | what it is |
|---|---|
| ``ca`` | a self-signed CA, "Example Edge Registry CA", RSA 2048, SHA-256 |
| ``leaf`` | a server certificate signed by ``ca``: SANs harbor.example.com, *.edge.example.com, 10.10.254.254 |
| ``ec-p256`` | like ``leaf`` with an EC P-256 key (strong) |
| ``expired`` | like ``leaf``, expired 30 days before the clock |
| ``expires-soon`` | like ``leaf``, expires 10 days after the clock |
| ``expires-at-the-clock`` | like ``leaf``, ``notAfter`` at the clock's very second (RFC 5280: still valid then) |
| ``valid-from-the-clock`` | like ``leaf``, ``notBefore`` at the clock's very second (valid from then on) |
| ``not-yet-valid`` | like ``leaf``, valid from 30 days after the clock |
| ``rsa1024`` | like ``leaf`` with an RSA 1024-bit key |
| ``sha1`` | like ``leaf``, signed by ``ca`` with SHA-1 |
| ``ec-p224`` | like ``leaf`` with an EC P-224 key (weak) |
| ``rsa1024-sha1`` | like ``leaf`` with an RSA 1024-bit key, signed by ``ca`` with SHA-1 (weak twice) |
| ``dsa1024`` | like ``leaf`` with a DSA 1024-bit key (weak) |
| ``sha1-intermediate`` | an intermediate CA ("Example Edge Issuing CA") signed by ``ca`` with SHA-1 |
| ``sha1-root`` | a self-signed CA ("Example Edge Legacy Root CA"), RSA 2048, signed by itself with SHA-1 |
| ``secp256k1`` | like ``leaf`` with a secp256k1 key: a shape :mod:`linter.x509_fields` leaves to cryptography |
| ``other-host`` | like ``leaf``, SANs registry.other.example only |
| ``no-san`` | like ``leaf``, common name harbor.example.com and no SANs |
| ``private-key`` | the leaf's private key, PKCS#8 (``PRIVATE KEY``) |
| ``rsa-private-key`` | an RSA private key in the traditional OpenSSL form (``RSA PRIVATE KEY``) |
| ``public-key`` | the leaf's public key (``PUBLIC KEY``: not a certificate) |
| ``truncated`` | ``ca`` with its last three lines cut off (no END line) |
| ``expires-in-a-day`` | like ``leaf``, expires one day after the clock |
| ``five-names`` | like ``leaf``, SANs for five store registries (store-01 to store-05.edge.example.net), no IP |
| ``six-names`` | like ``five-names`` with a sixth store registry (store-06.edge.example.net) |
| ``ca-end-line-indented`` | ``ca`` with two more spaces before its END line, as a careless paste leaves it |
| ``ca-titled`` | ``ca`` after a title line, with two more spaces before its BEGIN line (a careless paste) |
| ``ca-six-dashes`` | ``ca`` with six dashes each side of its BEGIN and END labels (armour PEM readers miss) |
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
from typing import Any, Optional

from tests.helpers import FIXED_NOW

DAY = dt.timedelta(days=1)
SANS = ("harbor.example.com", "*.edge.example.com")
SAN_IPS = ("10.10.254.254",)
STORES = tuple(f"store-{number:02d}.edge.example.net" for number in range(1, 7))


@functools.lru_cache(maxsize=None)
def catalogue(now: dt.datetime = FIXED_NOW) -> dict[str, str]:
    """Every test PEM by name (see the module docstring), valid relative to ``now``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa
    from cryptography.x509.oid import NameOID

    def name(common: str) -> Any:
        return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Edge"),
                          x509.NameAttribute(NameOID.COMMON_NAME, common)])

    def pem(cert: Any) -> str:
        return cert.public_bytes(serialization.Encoding.PEM).decode("ascii").strip()

    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = name("Example Edge Registry CA")
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(now - 365 * DAY).not_valid_after(now + 10 * 365 * DAY)
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))

    def leaf(serial: int, *, key: Any = leaf_key, before: dt.datetime = now - 30 * DAY,
             after: dt.datetime = now + 365 * DAY, sans: Optional[tuple[str, ...]] = SANS,
             ips: tuple[str, ...] = SAN_IPS, hash_algorithm: Optional[str] = None,
             common: str = "harbor.example.com", is_ca: bool = False) -> str:
        builder = (x509.CertificateBuilder().subject_name(name(common)).issuer_name(ca_name)
                   .public_key(key.public_key()).serial_number(serial).not_valid_before(before)
                   .not_valid_after(after)
                   .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True))
        if sans is not None:
            entries = [x509.DNSName(n) for n in sans] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
            builder = builder.add_extension(x509.SubjectAlternativeName(entries), critical=False)
        cert = builder.sign(ca_key, hashes.SHA256())
        return pem(cert) if hash_algorithm is None else _resigned_with_sha1(cert, ca_key)

    ca_pem = pem(ca)
    legacy_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    legacy_name = name("Example Edge Legacy Root CA")
    legacy_root = (x509.CertificateBuilder().subject_name(legacy_name).issuer_name(legacy_name)
                   .public_key(legacy_key.public_key()).serial_number(20).not_valid_before(now - 365 * DAY)
                   .not_valid_after(now + 10 * 365 * DAY)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(legacy_key, hashes.SHA256()))
    return {
        "ca": ca_pem,
        "leaf": leaf(2),
        "ec-p256": leaf(3, key=ec.generate_private_key(ec.SECP256R1())),
        "expired": leaf(4, before=now - 400 * DAY, after=now - 30 * DAY),
        "expires-soon": leaf(5, before=now - 355 * DAY, after=now + 10 * DAY),
        "not-yet-valid": leaf(6, before=now + 30 * DAY, after=now + 400 * DAY),
        "expires-at-the-clock": leaf(13, before=now - 365 * DAY, after=now),
        "valid-from-the-clock": leaf(14, before=now, after=now + 365 * DAY),
        "rsa1024": leaf(7, key=rsa.generate_private_key(public_exponent=65537, key_size=1024)),
        "sha1": leaf(8, hash_algorithm="sha1"),
        "ec-p224": leaf(9, key=ec.generate_private_key(ec.SECP224R1())),
        "rsa1024-sha1": leaf(15, key=rsa.generate_private_key(public_exponent=65537, key_size=1024),
                             hash_algorithm="sha1"),
        "dsa1024": leaf(16, key=dsa.generate_private_key(key_size=1024)),
        "sha1-intermediate": leaf(17, sans=None, common="Example Edge Issuing CA", is_ca=True,
                                  hash_algorithm="sha1"),
        "sha1-root": _resigned_with_sha1(legacy_root, legacy_key),
        "secp256k1": leaf(12, key=ec.generate_private_key(ec.SECP256K1())),
        "other-host": leaf(10, sans=("registry.other.example",), ips=(), common="registry.other.example"),
        "no-san": leaf(11, sans=None),
        "private-key": leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()).decode("ascii").strip(),
        "rsa-private-key": rsa.generate_private_key(public_exponent=65537, key_size=1024).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption()).decode("ascii").strip(),
        "public-key": leaf_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii").strip(),
        "truncated": "\n".join(ca_pem.splitlines()[:-3]),
        "expires-in-a-day": leaf(21, before=now - 364 * DAY, after=now + DAY),
        "five-names": leaf(22, sans=STORES[:5], ips=(), common="store-01.edge.example.net"),
        "six-names": leaf(23, sans=STORES, ips=(), common="store-01.edge.example.net"),
        "ca-end-line-indented": ca_pem.replace("-----END", "  -----END"),
        "ca-titled": "Example Edge Registry CA\n" + ca_pem.replace("-----BEGIN", "  -----BEGIN"),
        "ca-six-dashes": ca_pem.replace("-----", "------"),
    }


#: AlgorithmIdentifier DER of sha256WithRSAEncryption and sha1WithRSAEncryption: the same length.
_SHA256_RSA = bytes.fromhex("300d06092a864886f70d01010b0500")
_SHA1_RSA = bytes.fromhex("300d06092a864886f70d0101050500")


def _resigned_with_sha1(cert: Any, ca_key: Any) -> str:
    """``cert`` signed again by ``ca_key`` with SHA-1. cryptography no longer signs certificates with SHA-1, so
    the SHA-256 certificate's algorithm identifiers are swapped for SHA-1's (same length, so every DER length
    stays right) and its to-be-signed part is signed with a prehashed SHA-1 digest."""
    import hashlib

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, utils

    der = cert.public_bytes(serialization.Encoding.DER)
    tbs = cert.tbs_certificate_bytes
    sha1_tbs = tbs.replace(_SHA256_RSA, _SHA1_RSA)
    signature = ca_key.sign(hashlib.sha1(sha1_tbs).digest(), padding.PKCS1v15(), utils.Prehashed(hashes.SHA1()))
    resigned = der.replace(tbs, sha1_tbs).replace(_SHA256_RSA, _SHA1_RSA).replace(cert.signature, signature)
    loaded = x509.load_der_x509_certificate(resigned)
    algorithm = loaded.signature_hash_algorithm
    assert algorithm is not None and algorithm.name == "sha1"
    ca_key.public_key().verify(loaded.signature, loaded.tbs_certificate_bytes, padding.PKCS1v15(), hashes.SHA1())
    return loaded.public_bytes(serialization.Encoding.PEM).decode("ascii").strip()
