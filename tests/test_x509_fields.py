"""The certificate reader of :mod:`linter.x509_fields` against cryptography.

The contract: wherever the reader returns fields, cryptography parses the same bytes and gives the same fields;
where it returns None, cryptography decides. Checked on certificates generated here (every key type, hash and
extension the reader knows, and some it must leave to cryptography), on every single-byte change of three of
them, and on hypothesis' changes of them. The common shapes must be read without cryptography: that is the
reader's reason to exist (the pre-commit target of issue 6).
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
from typing import Any, Callable, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter import pem
from linter.x509_fields import Certificate, read_certificate
from tests.certs import catalogue
from tests.helpers import FIXED_NOW

DAY = dt.timedelta(days=1)


def _agrees(der: bytes) -> Optional[Certificate]:
    """The reader's answer, after checking it against cryptography's."""
    fast = read_certificate(der)
    if fast is not None:
        slow = pem.parse_with_cryptography(der)
        assert slow is not None, f"the reader accepts what cryptography refuses: {der.hex()}"
        assert fast == slow, f"the reader and cryptography differ: {fast} != {slow}"
    return fast


@functools.lru_cache(maxsize=None)
def _keys() -> dict[str, Any]:
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    return {
        "rsa-2048": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "rsa-1024": rsa.generate_private_key(public_exponent=65537, key_size=1024),
        "rsa-3-exponent": rsa.generate_private_key(public_exponent=3, key_size=1024),
        "p224": ec.generate_private_key(ec.SECP224R1()),
        "p256": ec.generate_private_key(ec.SECP256R1()),
        "p384": ec.generate_private_key(ec.SECP384R1()),
        "p521": ec.generate_private_key(ec.SECP521R1()),
        "secp256k1": ec.generate_private_key(ec.SECP256K1()),
        "brainpool": ec.generate_private_key(ec.BrainpoolP256R1()),
        "ed25519": ed25519.Ed25519PrivateKey.generate(),
        "ed448": ed448.Ed448PrivateKey.generate(),
        "dsa": dsa.generate_private_key(key_size=1024),
    }


def _certificate(key: str = "rsa-2048", signer: str = "rsa-2048", hash_name: Optional[str] = "sha256",
                 extensions: tuple[str, ...] = ("basic", "san"), subject: Optional[list[tuple[str, str]]] = None,
                 before: dt.datetime = FIXED_NOW - 30 * DAY, after: dt.datetime = FIXED_NOW + 365 * DAY,
                 self_signed: bool = False, serial: int = 1234) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    keys = _keys()
    attributes = subject if subject is not None else [("O", "Example Edge"), ("CN", "harbor.example.com")]
    oids = {"O": NameOID.ORGANIZATION_NAME, "CN": NameOID.COMMON_NAME, "C": NameOID.COUNTRY_NAME,
            "OU": NameOID.ORGANIZATIONAL_UNIT_NAME}
    name = x509.Name([x509.NameAttribute(oids[k], v) for k, v in attributes])
    issuer = name if self_signed else x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Example Edge CA")])
    signing_key = keys[key] if self_signed else keys[signer]
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer).public_key(keys[key].public_key())
               .serial_number(serial).not_valid_before(before).not_valid_after(after))
    add: dict[str, Callable[[Any], Any]] = {
        "basic": lambda b: b.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True),
        "ca": lambda b: b.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True),
        "ca-path": lambda b: b.add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True),
        "san": lambda b: b.add_extension(x509.SubjectAlternativeName([
            x509.DNSName("harbor.example.com"), x509.DNSName("*.edge.example.com"),
            x509.IPAddress(ipaddress.ip_address("10.10.254.254")), x509.IPAddress(ipaddress.ip_address("fd00::1")),
            x509.RFC822Name("ops@example.com"), x509.UniformResourceIdentifier("https://harbor.example.com/"),
        ]), critical=False),
        "san-dirname": lambda b: b.add_extension(x509.SubjectAlternativeName([
            x509.DNSName("harbor.example.com"), x509.DirectoryName(name)]), critical=False),
        "key-usage": lambda b: b.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=True, data_encipherment=False,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True),
        "ca-key-usage": lambda b: b.add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False),
            critical=True),
        "eku": lambda b: b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                                ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False),
        "ski": lambda b: b.add_extension(x509.SubjectKeyIdentifier.from_public_key(keys[key].public_key()),
                                         critical=False),
        "aki": lambda b: b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            keys[signer].public_key()), critical=False),
        "crl": lambda b: b.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            [x509.UniformResourceIdentifier("http://crl.example.com/ca.crl")], None, None, None)]),
            critical=False),
    }
    for extension in extensions:
        builder = add[extension](builder)
    algorithm = None if hash_name is None else getattr(hashes, hash_name.upper())()
    return builder.sign(signing_key, algorithm).public_bytes(serialization.Encoding.DER)


#: Certificates of the shapes the reader must read itself, by what they show.
COMMON = {
    "rsa leaf with SANs": dict(),
    "rsa 1024": dict(key="rsa-1024"),
    "rsa exponent 3": dict(key="rsa-3-exponent"),
    "self-signed CA": dict(self_signed=True, extensions=("ca", "ca-key-usage", "ski")),
    "CA with a path length": dict(self_signed=True, extensions=("ca-path",)),
    "EC P-224": dict(key="p224"),
    "EC P-256 signed by P-256": dict(key="p256", signer="p256"),
    "EC P-384 signed with SHA-384": dict(key="p384", signer="p384", hash_name="sha384"),
    "EC P-521 signed with SHA-512": dict(key="p521", signer="p521", hash_name="sha512"),
    "Ed25519": dict(key="ed25519", signer="ed25519", hash_name=None),
    "Ed448": dict(key="ed448", signer="ed448", hash_name=None),
    "SHA-224": dict(hash_name="sha224"),
    "every common extension": dict(extensions=("basic", "san", "key-usage", "eku", "ski", "aki")),
    "no extensions (v3 without any)": dict(extensions=()),
    "a UTF-8 common name": dict(subject=[("CN", "Registre de l'usine à Zürich")]),
    "a PrintableString country": dict(subject=[("C", "DE"), ("CN", "harbor.example.com")]),
    "valid until 2060 (GeneralizedTime)": dict(after=dt.datetime(2060, 1, 1, tzinfo=dt.timezone.utc)),
    "valid from 1950 (UTCTime, 20th century)": dict(before=dt.datetime(1950, 1, 1, tzinfo=dt.timezone.utc)),
}

#: Certificates the reader must leave to cryptography (which reads them all).
UNFAMILIAR = {
    "secp256k1 key": dict(key="secp256k1"),
    "Brainpool key": dict(key="brainpool"),
    "DSA key": dict(key="dsa"),
    "no common name": dict(subject=[("O", "Example Edge"), ("OU", "Edge")]),
    "a CRL distribution point": dict(extensions=("basic", "crl")),
    "a directory name among the SANs": dict(extensions=("san-dirname",)),
}


@pytest.mark.parametrize("case", sorted(COMMON))
def test_common_shapes_are_read_without_cryptography_and_agree(case: str) -> None:
    der = _certificate(**COMMON[case])  # type: ignore[arg-type]
    assert _agrees(der) is not None


@pytest.mark.parametrize("case", sorted(UNFAMILIAR))
def test_unfamiliar_shapes_are_left_to_cryptography(case: str) -> None:
    der = _certificate(**UNFAMILIAR[case])  # type: ignore[arg-type]
    assert read_certificate(der) is None
    assert pem.load_certificate(_block(der)) is not None  # cryptography reads them


def test_fields_read_from_a_leaf() -> None:
    cert = _agrees(_certificate(extensions=("basic", "san", "key-usage", "eku", "ski", "aki")))
    assert cert is not None
    assert (cert.subject, cert.is_ca, cert.self_signed) == ("harbor.example.com", False, False)
    assert cert.dns_names == ("harbor.example.com", "*.edge.example.com")
    assert cert.ip_addresses == ("10.10.254.254", "fd00::1")
    assert (cert.key_type, cert.key_bits, cert.signature_hash) == ("RSA", 2048, "sha256")
    assert cert.not_before == FIXED_NOW.replace(microsecond=0) - 30 * DAY


def test_the_catalogues_certificates_are_read_without_cryptography_but_one() -> None:
    """tests/test_certificates.py checks that cryptography is imported only for the one it cannot read."""
    unread = []
    for name, text in catalogue().items():
        for block in pem.split_pem(text):
            if block.is_certificate and not block.problem:
                der = block.der()
                assert der is not None
                if _agrees(der) is None:
                    unread.append(name)
    assert unread == ["secp256k1"]


def _block(der: bytes) -> pem.PemBlock:
    import base64

    return pem.PemBlock("CERTIFICATE", 0, base64.b64encode(der).decode("ascii"))


@functools.lru_cache(maxsize=None)
def _bases() -> tuple[bytes, ...]:
    return (_certificate(extensions=("basic", "san", "key-usage", "eku", "ski", "aki")),
            _certificate(key="p256", signer="p256", self_signed=True, extensions=("ca-path", "ski")),
            _certificate(key="ed25519", signer="p384", hash_name="sha384", extensions=("san",),
                         after=dt.datetime(2060, 1, 1, tzinfo=dt.timezone.utc)))


@pytest.mark.parametrize("base", range(3))
def test_every_single_byte_change_agrees(base: int) -> None:
    """Each byte of a certificate set to 0x00, 0xff, flipped in its low or high bit, or the next value: where the
    reader still reads it, cryptography must read it the same."""
    der = _bases()[base]
    read = 0
    for index in range(len(der)):
        for value in {0x00, 0xFF, der[index] ^ 0x01, der[index] ^ 0x80, (der[index] + 1) & 0xFF} - {der[index]}:
            changed = der[:index] + bytes([value]) + der[index + 1:]
            read += _agrees(changed) is not None
    assert read > 0  # changes inside the signature keep a readable certificate: the check did run


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.integers(0, 2), edits=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 10**6),
                                                      st.binary(min_size=0, max_size=4)), min_size=1, max_size=4))
def test_hypothesis_changes_agree(base: int, edits: list[tuple[int, int, bytes]]) -> None:
    """Bytes inserted, removed, replaced; the certificate cut short or extended."""
    der = bytearray(_bases()[base])
    for kind, where, data in edits:
        at = where % (len(der) + 1)
        if kind == 0:
            der[at:at] = data
        elif kind == 1:
            del der[at:at + len(data) + 1]
        elif kind == 2:
            der[at:at + len(data)] = data
        elif kind == 3:
            del der[at:]
        else:
            der.extend(data)
    _agrees(bytes(der))
