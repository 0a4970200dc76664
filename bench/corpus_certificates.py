"""A small pool of real X.509 certificates for the benchmark corpus, built with ``cryptography``.

The pool is deterministic in its seed: the keys come from seeded numbers (an RSA root whose primes are drawn
from a seeded generator, EC P-256 keys derived from seeded integers) and every certificate is signed with
RSA PKCS#1 v1.5, whose signatures are deterministic. The same seed therefore gives byte-identical PEM text,
so the corpus stays reproducible.

Validity is set against :data:`NOW`, the clock the benchmark passes to ``palette-lint --now``: some
certificates are valid, some expired, one expires within a fortnight, one is not yet valid. Leaf certificates
carry subject alternative names for a registry host; CA certificates have ``basicConstraints: CA:TRUE``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import random
from dataclasses import dataclass
from typing import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

#: The benchmark's fixed clock (``palette-lint --now``); certificate validity is set against it.
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
NOW_TEXT = "2026-06-01T12:00:00Z"

VALID, EXPIRED, EXPIRES_SOON, NOT_YET_VALID = "valid", "expired", "expires-soon", "not-yet-valid"

_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p ** 0.5) + 1))]


@dataclass(frozen=True)
class PoolCertificate:
    """One certificate of the pool: its PEM text and what the corpus generator needs to pick it."""

    pem: str
    is_ca: bool
    state: str  # VALID, EXPIRED, EXPIRES_SOON or NOT_YET_VALID at NOW
    hosts: tuple[str, ...]  # the registry hosts its SANs cover (leaf certificates only)


@dataclass(frozen=True)
class CertificatePool:
    certificates: tuple[PoolCertificate, ...]

    def cas(self, state: str = VALID) -> list[PoolCertificate]:
        return [c for c in self.certificates if c.is_ca and c.state == state]

    def leaves_for(self, host: str, state: str = VALID) -> list[PoolCertificate]:
        return [c for c in self.certificates if not c.is_ca and c.state == state and host in c.hosts]

    def leaves_not_for(self, host: str) -> list[PoolCertificate]:
        """Valid leaf certificates issued for other hosts (a certificate pasted for the wrong registry)."""
        return [c for c in self.certificates if not c.is_ca and c.state == VALID and host not in c.hosts]


def _is_probable_prime(n: int, rng: random.Random) -> bool:
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return n in _SMALL_PRIMES
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(24):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _seeded_prime(rng: random.Random, bits: int, e: int) -> int:
    while True:
        candidate = rng.getrandbits(bits) | (3 << (bits - 2)) | 1  # top two bits set: p*q has 2*bits bits
        if (candidate - 1) % e and _is_probable_prime(candidate, rng):
            return candidate


def _seeded_rsa_key(rng: random.Random, bits: int = 2048) -> rsa.RSAPrivateKey:
    e = 65537
    p = _seeded_prime(rng, bits // 2, e)
    q = _seeded_prime(rng, bits // 2, e)
    while q == p:
        q = _seeded_prime(rng, bits // 2, e)
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q),
                                    rsa.rsa_crt_iqmp(p, q), rsa.RSAPublicNumbers(e, p * q))
    return numbers.private_key()


def _seeded_ec_key(rng: random.Random) -> ec.EllipticCurvePrivateKey:
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551  # P-256
    return ec.derive_private_key(rng.randrange(1, order), ec.SECP256R1())


def _name(common_name: str, organisation: str = "Edge Retail Example") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _window(state: str, rng: random.Random) -> tuple[dt.datetime, dt.datetime]:
    day = dt.timedelta(days=1)
    if state == EXPIRED:
        end = NOW - rng.randint(10, 400) * day
        return end - 365 * day, end
    if state == EXPIRES_SOON:
        end = NOW + rng.randint(3, 20) * day
        return end - 365 * day, end
    if state == NOT_YET_VALID:
        start = NOW + rng.randint(5, 60) * day
        return start, start + 365 * day
    start = NOW - rng.randint(30, 500) * day
    return start, start + 3 * 365 * day


def _san(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _sign(subject: x509.Name, issuer: x509.Name, public_key: object, signer: rsa.RSAPrivateKey,
          window: tuple[dt.datetime, dt.datetime], serial: int, *, ca: bool,
          sans: Sequence[str] = ()) -> str:
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(public_key)  # type: ignore[arg-type]
               .serial_number(serial).not_valid_before(window[0]).not_valid_after(window[1])
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                          encipher_only=False, decipher_only=False), critical=True)
    else:
        builder = builder.add_extension(x509.SubjectAlternativeName([_san(h) for h in sans]), critical=False)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    certificate = builder.sign(signer, hashes.SHA256(), rsa_padding=padding.PKCS1v15())
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def build_pool(seed: int, hosts: Sequence[str]) -> CertificatePool:
    """Certificates for ``hosts``: an RSA root CA (valid, plus an expired earlier issue of it), an EC
    intermediate CA, and per host a valid and an expired leaf; one leaf expires soon, one is not yet valid.
    Leaves for DNS hosts also cover the host's ``*.`` parent domain; leaves for IP hosts carry an IP SAN."""
    rng = random.Random(f"palette-lint-bench-certificates-{seed}")
    root_key = _seeded_rsa_key(rng)
    root_name = _name("Edge Retail Root CA")
    certificates: list[PoolCertificate] = []

    def serial() -> int:
        return rng.getrandbits(63) | 1

    for state in (VALID, EXPIRED):
        window = _window(state, rng)
        if state == VALID:
            window = (window[0], window[0] + dt.timedelta(days=3650))
        pem = _sign(root_name, root_name, root_key.public_key(), root_key, window, serial(), ca=True)
        certificates.append(PoolCertificate(pem, True, state, ()))
    intermediate_key = _seeded_ec_key(rng)
    intermediate_name = _name("Edge Retail Registry Issuing CA")
    pem = _sign(intermediate_name, root_name, intermediate_key.public_key(), root_key, _window(VALID, rng),
                serial(), ca=True)
    certificates.append(PoolCertificate(pem, True, VALID, ()))
    extra_states = [EXPIRES_SOON, NOT_YET_VALID]
    for index, host in enumerate(hosts):
        bare = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        sans = [bare]
        if not bare.replace(".", "").isdigit() and bare.count(".") >= 2:
            sans.append("*." + bare.split(".", 1)[1])
        states = [VALID, EXPIRED] + ([extra_states[index]] if index < len(extra_states) else [])
        for state in states:
            pem = _sign(_name(bare), root_name, _seeded_ec_key(rng).public_key(), root_key, _window(state, rng),
                        serial(), ca=False, sans=sans)
            certificates.append(PoolCertificate(pem, False, state, (host,)))
    return CertificatePool(tuple(certificates))
