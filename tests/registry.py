"""Real registries for the verify tests: Debian's ``docker-registry`` (the CNCF distribution registry, 2.8) started
on 127.0.0.1 with a configuration, TLS certificates and an htpasswd file the tests generate; and the small servers
the protocol cases need beside it (a token service, a redirecting front, a recorder, a server that never answers).
Every server listens on 127.0.0.1 only and stops with its fixture.

Without the binary a test skips locally and fails under CI (``.ci/run`` installs it with apt-get)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import http.server
import ipaddress
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Iterator, Optional

import httpx

from tests.external_tools import missing

DAY = dt.timedelta(days=1)
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def registry_binary() -> str:
    found = shutil.which("docker-registry") or shutil.which("registry")
    if found is None:
        missing("docker-registry", "apt-get install -y docker-registry")
        raise AssertionError("unreachable")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---- certificates --------------------------------------------------------------------------------------------

class Pki:
    """A CA the test generates, and server certificates it signs (cryptography)."""

    def __init__(self, name: str) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        now = dt.datetime.now(dt.timezone.utc)
        self.key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self.cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                     .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                     .not_valid_before(now - DAY).not_valid_after(now + 30 * DAY)
                     .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                     .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                                    critical=True)
                     .sign(self.key, hashes.SHA256()))

    @property
    def pem(self) -> str:
        from cryptography.hazmat.primitives import serialization

        return self.cert.public_bytes(serialization.Encoding.PEM).decode("ascii")

    def server(self, directory: Path, name: str, dns: tuple[str, ...] = ("localhost",),
               ips: tuple[str, ...] = ("127.0.0.1",), expired: bool = False) -> tuple[Path, Path]:
        """A server certificate and key signed by this CA, written to ``directory``: (certificate, key)."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        now = dt.datetime.now(dt.timezone.utc)
        start, end = (now - 60 * DAY, now - 30 * DAY) if expired else (now - DAY, now + 30 * DAY)
        key = ec.generate_private_key(ec.SECP256R1())
        names = [x509.DNSName(d) for d in dns] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
                .issuer_name(self.cert.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
                .add_extension(x509.SubjectAlternativeName(names), critical=False)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                .sign(self.key, hashes.SHA256()))
        directory.mkdir(parents=True, exist_ok=True)
        cert_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + self.cert.public_bytes(
            serialization.Encoding.PEM))
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        return cert_path, key_path

    def client_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cadata=self.pem)
        return context


# ---- the registry --------------------------------------------------------------------------------------------

class Registry:
    """One docker-registry process on 127.0.0.1:``port``."""

    def __init__(self, directory: Path, cert: Path, key: Path, auth: Optional[dict[str, Any]]) -> None:
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        directory.mkdir(parents=True, exist_ok=True)
        config: dict[str, Any] = {
            "version": 0.1,
            "log": {"level": "error", "accesslog": {"disabled": True}},
            "storage": {"filesystem": {"rootdirectory": str(directory / "data")}, "delete": {"enabled": True}},
            "http": {"addr": self.host, "tls": {"certificate": str(cert), "key": str(key)}},
        }
        if auth:
            config["auth"] = auth
        path = directory / "config.yml"
        path.write_text(json.dumps(config), encoding="utf-8")  # JSON is YAML
        self.log = (directory / "registry.log").open("wb")
        self.process = subprocess.Popen([registry_binary(), "serve", str(path)], stdout=self.log,
                                        stderr=subprocess.STDOUT, cwd=directory)
        wait_for_port(self.port, self.process)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


def wait_for_port(port: int, process: Optional[subprocess.Popen[bytes]] = None, limit: float = 15) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {limit} s")


def htpasswd(path: Path, user: str, password: str) -> Path:
    """An htpasswd file with one bcrypt entry (the bcrypt package; the registry accepts only bcrypt)."""
    import bcrypt

    path.write_bytes(f"{user}:".encode() + bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)) + b"\n")
    return path


# ---- pushing a multi-architecture image through the registry API (httpx) ------------------------------------

def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def push_blob(client: Any, base: str, repository: str, data: bytes) -> str:
    digest = _digest(data)
    started = client.post(f"{base}/v2/{repository}/blobs/uploads/")
    assert started.status_code == 202, started.text
    location = started.headers["location"]
    url = location if "://" in location else base + location
    done = client.put(httpx.URL(url).copy_merge_params({"digest": digest}), content=data,
                      headers={"Content-Type": "application/octet-stream"})
    assert done.status_code == 201, done.text
    return digest


def push_manifest(client: Any, base: str, repository: str, reference: str, body: dict[str, Any],
                  media_type: str) -> tuple[str, int]:
    data = json.dumps(body, separators=(",", ":")).encode()
    answer = client.put(f"{base}/v2/{repository}/manifests/{reference}", content=data,
                        headers={"Content-Type": media_type})
    assert answer.status_code == 201, answer.text
    return _digest(data), len(data)


def push_image(client: Any, base: str, repository: str, tag: str, architectures: tuple[str, ...],
               index: bool = True) -> None:
    """Push ``repository:tag``: an OCI index of one tiny image per architecture, or (``index=False``) the single
    manifest of the first architecture."""
    entries = []
    for arch in architectures:
        config = json.dumps({"architecture": arch, "os": "linux",
                             "rootfs": {"type": "layers", "diff_ids": []}}).encode()
        layer = f"palette-lint test layer {arch}".encode()
        config_digest = push_blob(client, base, repository, config)
        layer_digest = push_blob(client, base, repository, layer)
        manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                    "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": len(config)},
                    "layers": [{"mediaType": OCI_LAYER, "digest": layer_digest, "size": len(layer)}]}
        if not index:
            push_manifest(client, base, repository, tag, manifest, OCI_MANIFEST)
            return
        digest, size = push_manifest(client, base, repository, _digest(json.dumps(
            manifest, separators=(",", ":")).encode()), manifest, OCI_MANIFEST)
        entries.append({"mediaType": OCI_MANIFEST, "digest": digest, "size": size,
                        "platform": {"architecture": arch, "os": "linux"}})
    push_manifest(client, base, repository, tag, {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries},
                  OCI_INDEX)


# ---- small servers beside the registry ---------------------------------------------------------------------

class Recorder:
    """What a test server saw: the Authorization header of every request (None when absent)."""

    def __init__(self) -> None:
        self.authorizations: list[Optional[str]] = []
        self.lock = threading.Lock()

    def add(self, value: Optional[str]) -> None:
        with self.lock:
            self.authorizations.append(value)


class SideServer:
    """A threaded HTTPS server on 127.0.0.1 with a handler function ``handle(handler) -> None``."""

    def __init__(self, handle: Any, cert: Path, key: Path) -> None:
        recorder = self.recorder = Recorder()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                recorder.add(self.headers.get("Authorization"))
                handle(self)

            do_HEAD = do_GET  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = int(self.server.server_address[1])
        self.host = f"127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def reply(handler: http.server.BaseHTTPRequestHandler, status: int, body: bytes = b"",
          headers: Optional[dict[str, str]] = None) -> None:
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


class SilentServer:
    """A port that accepts connections (the kernel's backlog) and never answers: a registry that hangs."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = int(self.socket.getsockname()[1])
        self.host = f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.socket.close()


# ---- a token service (the registry's `auth: token`) ----------------------------------------------------------

def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class TokenSigner:
    """Signs registry tokens (JWT, RS256, the signing certificate in the ``x5c`` header) with a key whose
    self-signed certificate the registry's ``rootcertbundle`` holds."""

    def __init__(self, directory: Path, issuer: str, service: str) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID

        now = dt.datetime.now(dt.timezone.utc)
        self.issuer, self.service = issuer, service
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "palette-lint test token signer")])
        self.cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                     .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                     .not_valid_before(now - DAY).not_valid_after(now + 30 * DAY)
                     .sign(self.key, hashes.SHA256()))
        directory.mkdir(parents=True, exist_ok=True)
        self.bundle = directory / "token-signer.pem"
        self.bundle.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def token(self, subject: str, access: list[dict[str, Any]]) -> str:
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding

        now = int(time.time())
        header = {"alg": "RS256", "typ": "JWT",
                  "x5c": [base64.b64encode(self.cert.public_bytes(serialization.Encoding.DER)).decode("ascii")]}
        claims = {"iss": self.issuer, "sub": subject, "aud": self.service, "exp": now + 300, "nbf": now - 10,
                  "iat": now, "jti": _b64url(hashlib.sha256(str(time.monotonic_ns()).encode()).digest()[:12]),
                  "access": access}
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        signature = self.key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{_b64url(signature)}"


def token_handler(signer: TokenSigner) -> Any:
    """A token endpoint: anonymous requests get a token with no access (as Docker Hub's do for private
    repositories); it never checks credentials, it only records them."""

    def handle(handler: http.server.BaseHTTPRequestHandler) -> None:
        body = json.dumps({"token": signer.token("", [])}).encode()
        reply(handler, 200, body, {"Content-Type": "application/json"})

    return handle


def wait_all(servers: Iterator[Any]) -> None:
    for server in servers:
        wait_for_port(server.port)
