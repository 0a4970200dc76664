"""Generate a deterministic corpus of Palette Edge configuration files for benchmarking.

The corpus is a repository of edge sites, ``sites/site-NNNNN/``: each directory is one cluster with exactly
one OS layer, either a standalone OS-layer values file or an infra profile, and maybe an add-on profile and
user-data:

- ``os-layer.yaml``: the values of a profile's OS layer (BYOOS ``edge-native-byoi``);
- ``profile.json`` / ``profile.yaml`` / ``profile.tf`` / ``cluster.json``: an infra profile, as a Palette export
  JSON (``spec.template.packs[]``, each pack's values one JSON string), a packs-list YAML (``packs[]`` with
  ``values: |`` blocks), a Terraform ``spectrocloud_cluster_profile`` (each pack's values a heredoc) or a
  cluster request for the Palette API (``spec.profiles[].packValues[]``), a quarter each;
- ``addon-profile.json`` / ``addon-profile.yaml``: an add-on profile in either layout;
- ``user-data``: EdgeForge installer user-data (``#cloud-config`` with ``stylus`` and ``install``);
- ``site-user-data.yaml``: site user-data (``#cloud-config``, ``stylus.site`` identity and network).

The default mix is the reference corpus of the performance issue, 2,000 OS-layer files and 500 user-data
files, plus 300 infra and 200 add-on profiles: 3,000 files in 2,300 site directories. Files are 1 to 8 KB.
About a third carry real PEM certificates from a small seeded pool (``corpus_certificates.py``): CA bundles
and leaf certificates with subject alternative names for the registry, some expired at the benchmark's
fixed clock. About one file in seven has a known problem: broken YAML or JSON, tab indentation, an unquoted
macro, a duplicate key, a token-auth registry, misplaced credentials, and a few subtler ones.

The same mix and seed always give byte-identical files. ``MANIFEST.json`` at the top lists the files by
kind (the kind palette-lint classifies each file as) and, per file, its role, format, problem, whether it
carries PEM text and whether it parses.

    python bench/generate_corpus.py /tmp/corpus                  # the reference mix, seed 1
    python bench/generate_corpus.py /tmp/corpus --files 10000    # the same mix scaled to 10,000 files
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import sys
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Optional

from corpus_certificates import (
    EXPIRED,
    EXPIRES_SOON,
    NOT_YET_VALID,
    NOW_TEXT,
    VALID,
    CertificatePool,
    PoolCertificate,
    build_pool,
)

MIN_BYTES, MAX_BYTES = 1024, 8192
#: Share of files that carry PEM text, and share that carry a problem.
PEM_SHARE = 1 / 3
FAULTY_SHARE = 0.15

#: Registries of clean files (a port, a subdomain wildcard and an IP address among them).
REGISTRIES = ["registry.corp.example:5000", "harbor.edge.example", "mirror.retail.example", "quay.example.org",
              "10.20.0.15:5000"]
#: Token-auth registries and the user names their token schemes use (palette-formats.md 7).
TOKEN_REGISTRIES = [("123456789012.dkr.ecr.us-east-1.amazonaws.com", "AWS"),
                    ("us-central1-docker.pkg.dev", "oauth2accesstoken"),
                    ("edgeretail.azurecr.io", "00000000-0000-0000-0000-000000000000")]
K8S = ["k3s", "rke2", "kubeadm"]
OS_NAMES = ["ubuntu", "opensuse-leap", "rhel"]
ADDON_PACKS = ["nginx", "prometheus-operator", "csi-rook-ceph-addon", "cert-manager", "kubevirt", "longhorn",
               "metallb"]

#: Problems per file role. ``registry-conflict`` and ``harbor-with-provider-registry`` are cluster problems:
#: the file is fine, the cluster it deploys is not.
OS_VALUES_PROBLEMS = ["unquoted-macro", "duplicate-key", "token-registry", "misplaced-credentials",
                      "username-for-user", "numeric-password", "hash-password"]
PROBLEMS = {
    "os-layer": ["broken-yaml", "tab", *OS_VALUES_PROBLEMS],
    "infra-profile.yaml": ["broken-yaml", "tab", *OS_VALUES_PROBLEMS],
    "infra-profile.json": ["broken-json", "duplicate-key-json", "tab-in-values", *OS_VALUES_PROBLEMS],
    "infra-profile.tf": [*OS_VALUES_PROBLEMS],
    "infra-profile.request": ["broken-json", *OS_VALUES_PROBLEMS],
    "addon-profile.yaml": ["broken-yaml", "tab", "duplicate-key", "harbor-with-provider-registry"],
    "addon-profile.json": ["broken-json", "duplicate-key-json", "harbor-with-provider-registry"],
    "installer-user-data": ["broken-yaml", "tab", "unquoted-macro", "duplicate-key", "token-registry",
                            "misplaced-credentials", "username-for-user", "numeric-password", "hash-password",
                            "registry-conflict"],
    "site-user-data": ["broken-yaml", "tab", "duplicate-key", "token-registry", "misplaced-credentials"],
}
#: Problems that make the whole file fail to parse (a tab inside a profile's embedded values does not).
UNPARSEABLE = frozenset({"broken-yaml", "broken-json", "tab"})

OS_LAYER, PROFILE, USER_DATA, TERRAFORM = "os-layer", "profile", "user-data", "terraform"
#: The layouts an infra profile is written in, equally often.
INFRA_LAYOUTS = ["json", "yaml", "tf", "request"]


@dataclass(frozen=True)
class Mix:
    """How many files of each role the corpus holds. Each site has one OS layer: an OS-layer file or an
    infra profile; add-on profiles and user-data go to seeded sites (a site has at most one of each)."""

    os_layers: int = 2000
    infra_profiles: int = 300
    addon_profiles: int = 200
    installer_user_data: int = 400
    site_user_data: int = 100

    @property
    def sites(self) -> int:
        return self.os_layers + self.infra_profiles

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))

    def scaled(self, files: int) -> Mix:
        """This mix in proportion, scaled to ``files`` files (largest remainders get the rounding)."""
        if files < 1:
            raise ValueError("a corpus needs at least one file")
        names = [f.name for f in fields(self)]
        exact = {name: getattr(self, name) * files / self.total for name in names}
        counts = {name: int(value) for name, value in exact.items()}
        for name in sorted(names, key=lambda n: exact[n] - counts[n], reverse=True)[:files - sum(counts.values())]:
            counts[name] += 1
        if counts["os_layers"] + counts["infra_profiles"] == 0:  # a tiny corpus still needs one site
            largest = max(names, key=lambda n: counts[n])
            counts[largest] -= 1
            counts["os_layers"] += 1
        return Mix(**counts)

    def check(self) -> None:
        if min(getattr(self, f.name) for f in fields(self)) < 0:
            raise ValueError("file counts cannot be negative")
        if self.sites < 1:
            raise ValueError("a corpus needs at least one OS-layer file or infra profile")
        for name in ("addon_profiles", "installer_user_data", "site_user_data"):
            if getattr(self, name) > self.sites:
                raise ValueError(f"{name.replace('_', ' ')} ({getattr(self, name)}) cannot outnumber the sites "
                                 f"({self.sites}: one per OS-layer file or infra profile)")


@dataclass(frozen=True)
class Site:
    """What the files of one site directory share."""

    number: int
    registry: str
    #: ``provider``: the OS layer has providerCredentials; ``external``: the user-data sets an external
    #: registry; ``public``: neither.
    mode: str
    k8s: str
    os_name: str


@dataclass(frozen=True)
class FileSpec:
    role: str
    problem: Optional[str]
    pem: bool
    target: int


# ---------------------------------------------------------------------------------------------- pieces


def _indent(text: str, indent: str) -> str:
    return "".join(f"{indent}{line}\n" if line else "\n" for line in text.rstrip("\n").split("\n"))


def _bundle(rng: random.Random, pool: CertificatePool, host: str) -> str:
    """PEM text for ``host``: a CA bundle, or a leaf (mostly valid, some expired, a few for another host or
    not valid at the clock) followed by the root CA half of the time. Hosts the pool has no leaf for (token
    registries) get a CA bundle."""
    leaves = pool.leaves_for(host, VALID)
    if not leaves or rng.random() < 0.4:
        roots = pool.cas(EXPIRED) if rng.random() < 0.1 else pool.cas(VALID)[:1]
        return "".join(c.pem for c in [*roots, *(pool.cas(VALID)[1:] if rng.random() < 0.3 else [])])
    roll = rng.random()
    candidates: list[PoolCertificate] = []
    if roll < 0.05:
        candidates = pool.leaves_not_for(host)
    elif roll < 0.1:
        candidates = pool.leaves_for(host, EXPIRES_SOON) + pool.leaves_for(host, NOT_YET_VALID)
    elif roll < 0.25:
        candidates = pool.leaves_for(host, EXPIRED)
    chosen = [rng.choice(candidates or leaves), *(pool.cas(VALID)[:1] if rng.random() < 0.5 else [])]
    return "".join(c.pem for c in chosen)


def _password(rng: random.Random) -> str:
    return base64.b32encode(rng.randbytes(10)).decode("ascii").lower()


def _stage_step(rng: random.Random, number: int) -> str:
    commands = [f"mkdir -p /var/lib/edge/{rng.choice(['data', 'logs', 'cache'])}-{number}",
                f"sysctl -w net.core.somaxconn={rng.choice([1024, 4096, 8192])}",
                f"echo 'site step {number}' >> /var/log/edge-setup.log",
                f"systemctl enable --now {rng.choice(['chronyd', 'iscsid', 'multipathd'])}",
                f"modprobe {rng.choice(['br_netfilter', 'overlay', 'iscsi_tcp', 'nbd'])}"]
    picked = rng.sample(commands, rng.randint(1, 3))
    return f"- name: step-{number:03d}\n  commands:\n" + "".join(f"    - \"{c}\"\n" for c in picked)


def _stages(rng: random.Random, room: int, stage: str, ca_pem: str = "") -> str:
    """A ``stages`` mapping of at least one step, padded with steps to about ``room`` characters; with
    ``ca_pem``, its first step installs that CA into the host's trust store (how an OS layer without
    providerCredentials trusts its registry)."""
    steps = ""
    if ca_pem:
        steps += ("- name: trust-registry-ca\n  files:\n    - path: /usr/local/share/ca-certificates/registry-ca.crt\n"
                  "      permissions: 0644\n      content: |\n" + _indent(ca_pem, "        ")
                  + "  commands:\n    - update-ca-certificates\n")
    head = f"stages:\n  {stage}:\n"
    number = 1
    while not steps or len(head) + len(_indent(steps, "    ")) < room:
        steps += _stage_step(rng, number)
        number += 1
    return head + _indent(steps, "    ")


# --------------------------------------------------------------------------------------- OS-layer values


def os_layer_values(rng: random.Random, pool: CertificatePool, site: Site, spec: FileSpec) -> str:
    """The OS layer's values (standalone file or a pack's ``values``), about ``spec.target`` characters."""
    problem = spec.problem
    registry, user = site.registry, f"edge-puller-{rng.randint(1, 99)}"
    if problem == "token-registry":
        registry, user = rng.choice(TOKEN_REGISTRIES)
    version = f"1.{rng.randint(28, 31)}.{rng.randint(0, 9)}"
    credentials_problems = {"unquoted-macro", "token-registry", "misplaced-credentials", "username-for-user",
                            "numeric-password", "hash-password", "broken-yaml"}
    with_credentials = site.mode == "provider" or problem in credentials_problems
    text = ("pack:\n  content:\n    images:\n"
            "      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'\n")
    if rng.random() < 0.4:
        text += ("  drain:\n    cordon: true\n    timeout: 60\n    gracePeriod: 60\n    ignoreDaemonSets: true\n"
                 "    deleteLocalData: true\n")
    ca_in_stages = ""
    if with_credentials:
        password = {
            "unquoted-macro": "{{.spectro.macro.REGISTRY_PASSWORD}}",
            "numeric-password": str(rng.randint(100000, 999999)),
            "hash-password": "####",
            "broken-yaml": "******",
        }.get(problem or "", "'{{.spectro.macro.REGISTRY_PASSWORD}}'")
        user_key = "username" if problem == "username-for-user" else "user"
        credentials = f"registry: {registry}\n{user_key}: {user}\n"
        if problem == "duplicate-key":
            credentials += f"{user_key}: {user}-old\n"
        credentials += f"password: {password}\n"
        if spec.pem:
            credentials += "certificates: |\n" + _indent(_bundle(rng, pool, registry), "  ")
        if problem == "misplaced-credentials":
            text += "  providerCredentials:\n" + _indent(credentials, "    ")
        else:
            text += "providerCredentials:\n" + _indent(credentials, "  ")
    elif spec.pem:
        ca_in_stages = _bundle(rng, pool, registry)
    text += (f"options:\n  system.registry: {registry}\n  system.repo: edge/{site.os_name}\n"
             f"  system.k8sDistribution: {site.k8s}\n  system.osName: {site.os_name}\n"
             f"  system.k8sVersion: v{version}\n  system.peVersion: v4.{rng.randint(3, 6)}.{rng.randint(0, 9)}\n"
             f"  system.customTag: site-{site.number:05d}\n"
             f"  system.uri: {registry}/edge/{site.os_name}-{site.k8s}:{version}-v4.5.3\n")
    if problem == "duplicate-key" and not with_credentials:
        text += f"  system.registry: {registry}\n"
    if problem == "tab":
        text = text.replace("  system.repo:", "\tsystem.repo:", 1)
    return text + _stages(rng, spec.target - len(text), "boot", ca_in_stages)


# ------------------------------------------------------------------------------------------------ profiles


def _addon_values(rng: random.Random, name: str, room: int, pem: str = "") -> str:
    text = f"charts:\n  {name}:\n    replicaCount: {rng.randint(1, 3)}\n    resources:\n      limits:\n"
    text += f"        cpu: {rng.choice(['250m', '500m', '1'])}\n        memory: {rng.choice(['256Mi', '1Gi'])}\n"
    if pem:
        text += "    config:\n      certificates: |\n" + _indent(pem, "        ")
    number = 0
    while len(text) < room:
        text += f"    extraEnv{number:02d}: \"value-{rng.randint(0, 10 ** 6)}\"\n"
        number += 1
    return text


def _harbor_values(rng: random.Random) -> str:
    return ("harbor-config:\n  auth:\n    password: '{{.spectro.macro.HARBOR_ADMIN_PASSWORD}}'\n"
            f"  storage:\n    registry: {rng.choice([100, 200, 300])}Gi\n    database: 5Gi\n"
            "  service:\n    serviceType: NodePort\n")


def _infra_packs(rng: random.Random, pool: CertificatePool, site: Site, spec: FileSpec) -> list[dict[str, str]]:
    os_spec = replace(spec, target=max(700, spec.target // 2),
                      problem=spec.problem if spec.problem in OS_VALUES_PROBLEMS else None)
    values = os_layer_values(rng, pool, site, os_spec)
    if spec.problem == "tab-in-values":
        values = values.replace("  system.repo:", "\tsystem.repo:", 1)
    packs = [
        {"name": "edge-native-byoi", "type": "spectro", "layer": "os", "version": "2.0.0", "values": values},
        {"name": f"edge-{site.k8s}", "type": "spectro", "layer": "k8s", "version": f"1.{rng.randint(28, 31)}.4",
         "values": "cluster:\n  config: |\n    flannel-backend: host-gw\n"},
        {"name": "cni-custom", "type": "spectro", "layer": "cni", "version": "0.1.0",
         "values": "manifests:\n  byo-cni:\n    contents: \"\"\n"},
    ]
    if rng.random() < 0.5:
        packs.append({"name": "csi-local-path", "type": "spectro", "layer": "csi", "version": "0.0.30",
                      "values": "storageClass:\n  name: local-path\n  reclaimPolicy: Delete\n"})
    return packs


def _addon_packs(rng: random.Random, pool: CertificatePool, site: Site, spec: FileSpec) -> list[dict[str, str]]:
    names = rng.sample(ADDON_PACKS, rng.randint(1, 3))
    room = max(300, spec.target // (len(names) + 1))
    packs = []
    for index, name in enumerate(names):
        pem = _bundle(rng, pool, site.registry) if spec.pem and index == 0 else ""
        packs.append({"name": name, "type": "spectro", "layer": "addon", "version": f"1.{rng.randint(0, 9)}.0",
                      "values": _addon_values(rng, name, room, pem)})
    if (site.mode != "provider" and rng.random() < 0.3) or spec.problem == "harbor-with-provider-registry":
        packs.append({"name": "harbor-edge-native-config", "type": "spectro", "layer": "addon",
                      "version": "1.0.0", "values": _harbor_values(rng)})
    return packs


def profile_json(rng: random.Random, pool: CertificatePool, site: Site, spec: FileSpec, kind: str) -> str:
    packs = (_infra_packs if kind == "infra" else _addon_packs)(rng, pool, site, spec)
    name = f"edge-site-{site.number:05d}-{kind}"
    document = {
        "metadata": {"name": name, "description": "Exported from Palette", "labels": {"site": f"{site.number:05d}"}},
        "spec": {"version": f"1.{rng.randint(0, 9)}.0",
                 "template": {"type": kind, "cloudType": "edge-native", "packs": packs}},
    }
    text = json.dumps(document, indent=2) + "\n"
    if spec.problem == "duplicate-key-json":
        text = text.replace(f'"name": "{name}",', f'"name": "{name}",\n    "name": "{name}-copy",', 1)
    return text


def profile_tf(rng: random.Random, pool: CertificatePool, site: Site, spec: FileSpec, kind: str) -> str:
    """A Terraform module's profile: one ``pack`` block per layer, each pack's values a ``<<-EOT`` heredoc."""
    packs = _infra_packs(rng, pool, site, spec)
    blocks = []
    for pack in packs:
        values = _indent(pack["values"].rstrip("\n"), "      ")
        blocks.append(f'  pack {{\n    name   = "{pack["name"]}"\n    type   = "{pack["type"]}"\n'
                      f'    tag    = "{pack["version"]}"\n    values = <<-EOT\n{values}\n    EOT\n  }}\n')
    return (f"# Site {site.number:05d}: its infra profile, managed with the spectrocloud provider.\n"
            f'resource "spectrocloud_cluster_profile" "site_{site.number:05d}" {{\n'
            f'  name    = "edge-site-{site.number:05d}-{kind}"\n  cloud   = "edge-native"\n  type    = "{kind}"\n'
            f'  version = "1.{rng.randint(0, 9)}.0"\n\n' + "\n".join(blocks) + "}\n")


def cluster_request(rng: random.Random, pool: CertificatePool, site: Site, spec: FileSpec, kind: str) -> str:
    """A cluster create request for the Palette API: the profile's packs as ``packValues``."""
    packs = _infra_packs(rng, pool, site, spec)
    document = {
        "metadata": {"name": f"edge-site-{site.number:05d}", "labels": {"site": f"{site.number:05d}"}},
        "spec": {"cloudConfig": {"controlPlaneEndpoint": {"host": f"10.30.{site.number % 250}.10", "type": "IP"}},
                 "machinePoolConfig": [{"poolConfig": {"name": "control-plane", "isControlPlane": True,
                                                       "useControlPlaneAsWorker": True, "size": 1}}],
                 "profiles": [{"uid": f"profile-{site.number:05d}", "packValues": [
                     {"tag": pack["version"], "name": pack["name"], "type": pack["type"], "values": pack["values"],
                      "manifests": []} for pack in packs]}]},
    }
    return json.dumps(document, indent=2) + "\n"


def profile_yaml(rng: random.Random, pool: CertificatePool, site: Site, spec: FileSpec, kind: str) -> str:
    packs = (_infra_packs if kind == "infra" else _addon_packs)(rng, pool, site, spec)
    text = (f"# {kind.capitalize()} profile of site {site.number:05d} (packs-list layout).\n"
            f"name: edge-site-{site.number:05d}-{kind}\ndescription: Managed in git\ntype: {kind}\n"
            f"cloudType: edge-native\nversion: \"1.{rng.randint(0, 9)}.0\"\n")
    if spec.problem == "duplicate-key" and kind == "add-on":  # an infra profile's duplicate is in its OS values
        text += "type: cluster\n"
    if spec.problem == "broken-yaml":  # a key indented under a plain scalar
        text += "  description: edge sites\n"
    text += "packs:\n"
    for pack in packs:
        text += (f"  - name: {pack['name']}\n    type: {pack['type']}\n    layer: {pack['layer']}\n"
                 f"    version: \"{pack['version']}\"\n    values: |\n" + _indent(pack["values"], "      "))
    if spec.problem == "tab":
        text = text.replace("    layer:", "\tlayer:", 1)
    return text


# ---------------------------------------------------------------------------------------------- user-data


def installer_user_data(rng: random.Random, pool: CertificatePool, site: Site, spec: FileSpec) -> str:
    problem = spec.problem
    registry, name_key = site.registry, "user" if problem == "username-for-user" else "username"
    username = rng.choice(["robot-edge", "edge-mirror", "svc-edge"])
    if problem == "token-registry":
        registry, username = rng.choice(TOKEN_REGISTRIES)
    password = {
        "unquoted-macro": "{{.spectro.macro.EDGE_REGISTRY_PASSWORD}}",
        "numeric-password": str(rng.randint(100000, 999999)),
        "hash-password": "####",
        "broken-yaml": "******",
    }.get(problem or "", f"\"{_password(rng)}\"")
    pem = _bundle(rng, pool, registry) if spec.pem else ""
    text = ("#cloud-config\nstylus:\n  site:\n    paletteEndpoint: api.spectrocloud.com\n"
            f"    projectName: edge-{rng.choice(['retail', 'factory', 'warehouse'])}\n"
            f"    name: site-{site.number:05d}\n    tags:\n      region: {rng.choice(['eu', 'us', 'apac'])}\n"
            f"      tier: {rng.choice(['gold', 'silver', 'bronze'])}\n")
    if problem == "duplicate-key":
        text += f"    name: site-{site.number:05d}-b\n"
    # An external registry when the site uses one, and wherever the problem lives in its credentials.
    with_registry = site.mode == "external" or problem not in (None, "tab", "duplicate-key")
    single = with_registry and (problem == "misplaced-credentials" or rng.random() < 0.5)
    certificates_in_registry = with_registry and not single and bool(pem) and rng.random() < 0.5
    if pem and not certificates_in_registry:
        text += "    caCerts:\n      - |\n" + _indent(pem, "        ")
    install = "install:\n  poweroff: true\n"
    if single:
        block = (f"registryCredentials:\n  domain: {registry}\n  {name_key}: {username}\n"
                 f"  password: {password}\n  insecure: false\n")
    elif with_registry:
        block = (f"externalRegistries:\n  registries:\n    - domain: {registry}/spectro-images\n"
                 f"      {name_key}: {username}\n      password: {password}\n")
        if certificates_in_registry:
            block += "      certificates:\n        - |\n" + _indent(pem, "          ")
        block += f"  registryMappingRules:\n    us-docker.pkg.dev/palette-images: {registry}/spectro-images\n"
    else:
        block = ""
    if problem == "misplaced-credentials":  # at the root of the file instead of under stylus
        text += install + block
    else:
        text += (_indent(block, "  ") if block else "") + install
    if problem == "tab":
        text = text.replace("  poweroff:", "\tpoweroff:", 1)
    return text + _stages(rng, spec.target - len(text), "initramfs")


def site_user_data(rng: random.Random, pool: CertificatePool, site: Site, spec: FileSpec) -> str:
    problem = spec.problem
    octet = site.number % 250 + 2
    text = (f"#cloud-config\nstylus:\n  site:\n    name: site-{site.number:05d}\n"
            f"    hostName: edge-{site.number:05d}-a\n    tags:\n      store: \"{rng.randint(1, 9999):04d}\"\n"
            "    network:\n      interfaces:\n        enp1s0:\n          type: static\n"
            f"          ipAddress: 10.{site.number // 250 % 250}.{octet}.10\n          mask: 24\n"
            f"          gateway: 10.{site.number // 250 % 250}.{octet}.1\n          nameserver: 10.0.0.53\n")
    if problem == "duplicate-key":
        text += f"    hostName: edge-{site.number:05d}-b\n"
    if problem == "broken-yaml":
        text += "    ntpServers:\n      - time.corp.example\n     - pool.ntp.org\n"
    if spec.pem:
        text += "    caCerts:\n      - |\n" + _indent(_bundle(rng, pool, site.registry), "        ")
    if problem in ("token-registry", "misplaced-credentials"):
        registry, username = rng.choice(TOKEN_REGISTRIES) if problem == "token-registry" else (site.registry,
                                                                                                 "robot-edge")
        block = (f"registryCredentials:\n  domain: {registry}\n  username: {username}\n"
                 f"  password: \"{_password(rng)}\"\n")
        text += block if problem == "misplaced-credentials" else _indent(block, "  ")
    if problem == "tab":
        text = text.replace("          mask:", "\t  mask:", 1)
    return text + _stages(rng, spec.target - len(text), "network.after")


# --------------------------------------------------------------------------------------------- the corpus

#: role -> (file name, manifest kind, builder). Profiles pick JSON or YAML per file.
FILE_NAMES = {"os-layer": "os-layer.yaml", "infra-profile.json": "profile.json",
              "infra-profile.yaml": "profile.yaml", "infra-profile.tf": "profile.tf",
              "infra-profile.request": "cluster.json", "addon-profile.json": "addon-profile.json",
              "addon-profile.yaml": "addon-profile.yaml", "installer-user-data": "user-data",
              "site-user-data": "site-user-data.yaml"}
KINDS = {"os-layer": OS_LAYER, "infra-profile.json": PROFILE, "infra-profile.yaml": PROFILE,
         "infra-profile.tf": TERRAFORM, "infra-profile.request": PROFILE, "addon-profile.json": PROFILE,
         "addon-profile.yaml": PROFILE, "installer-user-data": USER_DATA, "site-user-data": USER_DATA}
#: The format of each role's file: yaml, json or hcl.
FORMATS = {"infra-profile.json": "json", "infra-profile.request": "json", "infra-profile.tf": "hcl",
           "addon-profile.json": "json"}


def _render(rng: random.Random, pool: CertificatePool, site: Site, spec: FileSpec) -> str:
    role = spec.role
    if role == "os-layer":
        return os_layer_values(rng, pool, site, spec)
    if role == "installer-user-data":
        return installer_user_data(rng, pool, site, spec)
    if role == "site-user-data":
        return site_user_data(rng, pool, site, spec)
    kind = "infra" if role.startswith("infra") else "add-on"
    build = {".json": profile_json, ".tf": profile_tf, ".request": cluster_request}.get(
        role[role.rfind("."):], profile_yaml)
    return build(rng, pool, site, spec, kind)


def _sized(rng: random.Random, pool: CertificatePool, site: Site, spec: FileSpec) -> str:
    """The file's text within MIN_BYTES..MAX_BYTES: the texts only approach their target, so aim again until one
    fits."""
    for _attempt in range(20):
        text = _render(rng, pool, site, spec)
        size = len(text.encode("utf-8"))
        if size > MAX_BYTES:
            spec = replace(spec, target=int(spec.target * 0.8))
        elif size < MIN_BYTES:
            spec = replace(spec, target=spec.target + MIN_BYTES - size + 100)
        else:
            break
    if spec.problem == "broken-json":  # a truncated export
        text = text[:max(int(len(text) * 0.7), min(MIN_BYTES, len(text) - 40))]
    return text


#: Cluster problems need a site whose OS layer has providerCredentials.
CLUSTER_PROBLEMS = frozenset({"registry-conflict", "harbor-with-provider-registry"})


def _spec(rng: random.Random, role: str, site: Site, faulty_share: float) -> FileSpec:
    problem = None
    if rng.random() < faulty_share:
        problem = rng.choice([p for p in PROBLEMS[role] if site.mode == "provider" or p not in CLUSTER_PROBLEMS])
    return FileSpec(role, problem, rng.random() < PEM_SHARE, rng.randint(MIN_BYTES, MAX_BYTES))


def generate(target_dir: Path, mix: Mix = Mix(), seed: int = 1, faulty_share: float = FAULTY_SHARE) -> dict[str, Any]:
    """Write the corpus of ``mix`` into ``target_dir`` and return its manifest (also written as MANIFEST.json).
    ``faulty_share`` is the chance that a file carries a problem."""
    mix.check()
    rng = random.Random(seed)
    pool = build_pool(seed, REGISTRIES)
    layers = ["os-layer"] * mix.os_layers + ["infra"] * mix.infra_profiles
    rng.shuffle(layers)
    addon_sites = set(rng.sample(range(mix.sites), mix.addon_profiles))
    installer_sites = set(rng.sample(range(mix.sites), mix.installer_user_data))
    site_data_sites = set(rng.sample(range(mix.sites), mix.site_user_data))
    files: dict[str, dict[str, Any]] = {}
    for index, layer in enumerate(layers):
        has_user_data = index in installer_sites or index in site_data_sites
        modes = {"provider": 55, "external": 25 if has_user_data else 0, "public": 20}
        site = Site(number=index + 1, registry=rng.choice(REGISTRIES),
                    mode=rng.choices(list(modes), weights=list(modes.values()))[0],
                    k8s=rng.choice(K8S), os_name=rng.choice(OS_NAMES))
        roles = [layer if layer == "os-layer" else f"infra-profile.{rng.choice(INFRA_LAYOUTS)}"]
        if index in addon_sites:
            roles.append(f"addon-profile.{rng.choice(['json', 'yaml'])}")
        if index in installer_sites:
            roles.append("installer-user-data")
        if index in site_data_sites:
            roles.append("site-user-data")
        directory = target_dir / "sites" / f"site-{site.number:05d}"
        directory.mkdir(parents=True, exist_ok=True)
        for role in roles:
            spec = _spec(rng, role, site, faulty_share)
            text = _sized(rng, pool, site, spec)
            (directory / FILE_NAMES[role]).write_text(text, encoding="utf-8", newline="\n")
            files[f"sites/site-{site.number:05d}/{FILE_NAMES[role]}"] = {
                "kind": KINDS[role], "role": role.split(".")[0], "format": FORMATS.get(role, "yaml"),
                "problem": spec.problem, "pem": "-----BEGIN CERTIFICATE-----" in text,
                "parses": spec.problem not in UNPARSEABLE}
    by_kind: dict[str, list[str]] = {OS_LAYER: [], PROFILE: [], TERRAFORM: [], USER_DATA: []}
    for path, entry in files.items():
        by_kind[entry["kind"]].append(path)
    manifest = {"generator": "bench/generate_corpus.py", "seed": seed, "now": NOW_TEXT, "mix": asdict(mix),
                "sites": mix.sites, "kinds": by_kind, "files": files}
    (target_dir / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def load_manifest(corpus: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((corpus / "MANIFEST.json").read_text(encoding="utf-8"))
    return manifest


def summary(manifest: dict[str, Any]) -> str:
    """One line: files by kind, sites, the PEM and faulty shares."""
    files = manifest["files"]
    pem = sum(1 for entry in files.values() if entry["pem"])
    faulty = sum(1 for entry in files.values() if entry["problem"])
    kinds = ", ".join(f"{len(paths)} {kind}" for kind, paths in manifest["kinds"].items())
    return (f"{len(files)} files ({kinds}) in {manifest['sites']} site directories; "
            f"{pem / max(1, len(files)):.0%} with PEM certificates, {faulty / max(1, len(files)):.0%} with a problem")


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, help="directory to write the corpus into (created; must be empty)")
    parser.add_argument("--files", type=int, help="scale the default mix to this many files (default: 3000)")
    for field in fields(Mix):
        option = "--" + field.name.replace("_", "-")
        parser.add_argument(option, type=int, metavar="N",
                            help=f"number of {field.name.replace('_', ' ')} (default {field.default}, or scaled "
                                 "with --files)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    args = parser.parse_args(argv)
    mix = Mix().scaled(args.files) if args.files else Mix()
    overrides = {f.name: getattr(args, f.name) for f in fields(Mix) if getattr(args, f.name) is not None}
    mix = replace(mix, **overrides)
    try:
        mix.check()
    except ValueError as exc:
        parser.error(str(exc))
    if args.target.exists() and any(args.target.iterdir()):
        parser.error(f"{args.target} is not empty")
    args.target.mkdir(parents=True, exist_ok=True)
    manifest = generate(args.target, mix, args.seed)
    print(f"wrote {summary(manifest)} to {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
