"""Generate a deterministic corpus of Palette Edge configuration files for benchmarking.

The corpus is a tree of edge sites, ``sites/site-NNNNN/``, each holding one profile layer and one EdgeForge
``user-data`` file, as a repository of edge sites would:

- ``os-layer.yaml``: the values of a profile's OS layer (BYOOS ``edge-native-byoi``);
- ``profile.json``: a Palette export JSON (``spec.template.packs[]``, each pack's values a JSON string);
- ``profile.yaml``: a packs-list profile (``packs[]`` with ``values: |`` blocks);
- ``user-data``: installer user-data (``#cloud-config`` with ``stylus``).

Files are 1-8 KB. Some carry PEM-looking certificate blocks (random base64, not real certificates) and
about one in six carries a known problem (a duplicate key, ``username`` for ``user``, an unquoted macro, a
numeric or commented-out password, a tab in the indentation). The same ``--seed`` and ``--files`` always
give byte-identical files. ``MANIFEST.json`` at the top lists the files by kind.

    python bench/generate_corpus.py --files 3000 --seed 1 /tmp/corpus
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import sys
from pathlib import Path

REGISTRIES = ["registry.corp.example:5000", "harbor.edge.example", "mirror.retail.example",
              "123456789012.dkr.ecr.us-east-1.amazonaws.com", "ghcr.io", "quay.example.org"]
K8S = ["k3s", "rke2", "kubeadm"]
OS_NAMES = ["ubuntu", "opensuse-leap", "rhel"]
ADDON_PACKS = ["harbor-edge-native-config", "nginx", "prometheus-operator", "csi-rook-ceph-addon",
               "cert-manager", "kubevirt", "longhorn", "metallb"]
PROBLEMS = ["duplicate-key", "username", "unquoted-macro", "numeric-password", "hash-password", "tab"]


def pem_block(rng: random.Random, indent: str) -> str:
    """A certificate-looking PEM block: 64-column base64 of random bytes, indented for a block scalar."""
    body = base64.b64encode(rng.randbytes(rng.randint(300, 900))).decode("ascii")
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "".join(f"{indent}{line}\n" for line in
                   ["-----BEGIN CERTIFICATE-----", *lines, "-----END CERTIFICATE-----"])


def _stage_step(rng: random.Random, number: int, indent: str) -> str:
    commands = [f"mkdir -p /var/lib/edge/{rng.choice(['data', 'logs', 'cache'])}-{number}",
                f"sysctl -w net.core.somaxconn={rng.choice([1024, 4096, 8192])}",
                f"echo 'site step {number}' >> /var/log/edge-setup.log",
                f"systemctl enable --now {rng.choice(['chronyd', 'iscsid', 'multipathd'])}"]
    picked = rng.sample(commands, rng.randint(1, 3))
    return (f"{indent}- name: step-{number:03d}\n{indent}  commands:\n"
            + "".join(f"{indent}    - \"{c}\"\n" for c in picked))


def _pad_stages(rng: random.Random, text: str, target: int, indent: str, stage: str = "boot") -> str:
    """Append ``stages.<stage>`` steps until the text reaches ``target`` characters."""
    pad = f"{indent}stages:\n{indent}  {stage}:\n"
    number = 1
    while len(text) + len(pad) < target:
        pad += _stage_step(rng, number, indent + "    ")
        number += 1
    return text + pad if number > 1 else text


def os_layer_values(rng: random.Random, problem: str | None, target: int, indent: str = "") -> str:
    registry = rng.choice(REGISTRIES)
    k8s = rng.choice(K8S)
    os_name = rng.choice(OS_NAMES)
    version = f"1.{rng.randint(28, 31)}.{rng.randint(0, 9)}"
    user = "AWS" if registry.endswith("amazonaws.com") else f"edge-puller-{rng.randint(1, 99)}"
    user_key = "username" if problem == "username" else "user"
    if problem == "unquoted-macro":
        password = "{{.spectro.macro.REGISTRY_PASSWORD}}"
    elif problem == "numeric-password":
        password = str(rng.randint(100000, 999999))
    elif problem == "hash-password":
        password = "####"
    else:
        password = "'{{.spectro.macro.REGISTRY_PASSWORD}}'"
    i = indent
    text = (f"{i}pack:\n{i}  content:\n{i}    images:\n"
            f"{i}      - image: '{{{{.spectro.pack.edge-native-byoi.options.system.uri}}}}'\n"
            f"{i}providerCredentials:\n{i}  registry: {registry}\n{i}  {user_key}: {user}\n")
    if problem == "duplicate-key":
        text += f"{i}  {user_key}: {user}-old\n"
    text += f"{i}  password: {password}\n"
    if rng.random() < 0.3:
        text += f"{i}  certificates: |\n" + pem_block(rng, i + "    ")
    text += (f"{i}options:\n{i}  system.registry: {registry}\n{i}  system.repo: edge/{os_name}\n"
             f"{i}  system.k8sDistribution: {k8s}\n{i}  system.osName: {os_name}\n"
             f"{i}  system.k8sVersion: v{version}\n{i}  system.peVersion: v4.{rng.randint(3, 6)}.{rng.randint(0, 9)}\n"
             f"{i}  system.customTag: site-{rng.randint(1, 9999):04d}\n"
             f"{i}  system.uri: {registry}/edge/{os_name}-{k8s}:{version}-v4.5.3\n")
    if problem == "tab":
        text = text.replace(f"{i}  system.repo:", f"{i}\tsystem.repo:", 1)
    return _pad_stages(rng, text, target, indent)


def user_data(rng: random.Random, problem: str | None, target: int, site: int) -> str:
    registry = rng.choice(REGISTRIES)
    name_key = "username" if problem != "username" else "user"
    password = ("{{.spectro.macro.EDGE_REGISTRY_PASSWORD}}" if problem == "unquoted-macro"
                else str(rng.randint(100000, 999999)) if problem == "numeric-password"
                else "\"" + base64.b32encode(rng.randbytes(10)).decode("ascii").lower() + "\"")
    text = ("#cloud-config\nstylus:\n  site:\n    paletteEndpoint: api.spectrocloud.com\n"
            f"    projectName: edge-{rng.choice(['retail', 'factory', 'warehouse'])}\n"
            f"    name: site-{site:05d}\n    tags:\n      region: {rng.choice(['eu', 'us', 'apac'])}\n"
            f"      tier: {rng.choice(['gold', 'silver', 'bronze'])}\n")
    if problem == "duplicate-key":
        text += f"    name: site-{site:05d}-b\n"
    if rng.random() < 0.3:
        text += "    caCerts:\n      - |\n" + pem_block(rng, "        ")
    if rng.random() < 0.5:
        text += (f"  registryCredentials:\n    domain: {registry}\n    {name_key}: robot-edge\n"
                 f"    password: {password}\n    insecure: false\n")
    else:
        text += (f"  externalRegistries:\n    registries:\n      - domain: {registry}/spectro-images\n"
                 f"        {name_key}: edge-mirror\n        password: {password}\n"
                 "    registryMappingRules:\n"
                 f"      us-docker.pkg.dev/palette-images: {registry}/spectro-images\n")
    text += "install:\n  poweroff: true\n"
    if problem == "tab":
        text = text.replace("  poweroff:", "\tpoweroff:", 1)
    # user-data pads with user set-up steps at initramfs.
    return _pad_stages(rng, text, target, "", stage="initramfs")


def _addon_values(rng: random.Random, name: str, target: int) -> str:
    text = f"charts:\n  {name}:\n    replicaCount: {rng.randint(1, 3)}\n    resources:\n      limits:\n"
    text += f"        cpu: {rng.choice(['250m', '500m', '1'])}\n        memory: {rng.choice(['256Mi', '1Gi'])}\n"
    number = 0
    while len(text) < target:
        text += f"    extraEnv{number:02d}: \"value-{rng.randint(0, 10 ** 6)}\"\n"
        number += 1
    return text


def _packs(rng: random.Random, problem: str | None, target: int) -> list[dict[str, str]]:
    k8s = rng.choice(K8S)
    os_target = max(600, target // 2)
    packs = [
        {"name": "edge-native-byoi", "type": "spectro", "layer": "os", "version": "2.0.0",
         "values": os_layer_values(rng, problem, os_target)},
        {"name": f"edge-{k8s}", "type": "spectro", "layer": "k8s", "version": f"1.{rng.randint(28, 31)}.4",
         "values": "cluster:\n  config: |\n    flannel-backend: host-gw\n"},
        {"name": "cni-custom", "type": "spectro", "layer": "cni", "version": "0.1.0",
         "values": "manifests:\n  byo-cni:\n    contents: \"\"\n"},
    ]
    for addon in rng.sample(ADDON_PACKS, rng.randint(1, 3)):
        packs.append({"name": addon, "type": "spectro", "layer": "addon", "version": f"1.{rng.randint(0, 9)}.0",
                      "values": _addon_values(rng, addon, max(200, target // 6))})
    return packs


def profile_json(rng: random.Random, problem: str | None, target: int, site: int) -> str:
    document = {
        "metadata": {"name": f"edge-site-{site:05d}-infra", "description": "Exported from Palette", "labels": {}},
        "spec": {"version": f"1.{rng.randint(0, 9)}.0",
                 "template": {"type": "cluster", "cloudType": "edge-native",
                              "packs": _packs(rng, None if problem == "tab" else problem, target)}},
    }
    return json.dumps(document, indent=2) + "\n"


def profile_yaml(rng: random.Random, problem: str | None, target: int, site: int) -> str:
    text = (f"# Infra profile of site {site:05d} (packs-list layout).\nname: edge-site-{site:05d}-infra\n"
            "type: infra\ncloudType: edge-native\npacks:\n")
    for pack in _packs(rng, None if problem == "tab" else problem, target):
        text += (f"  - name: {pack['name']}\n    type: {pack['type']}\n    layer: {pack['layer']}\n"
                 f"    version: \"{pack['version']}\"\n    values: |\n")
        text += "".join(f"      {line}\n" if line else "\n" for line in pack["values"].rstrip("\n").split("\n"))
    return text


MIN_BYTES, MAX_BYTES = 1024, 8192
LAYER_KINDS = [("os-layer.yaml", "os-layer", 0.4), ("profile.json", "profile", 0.3), ("profile.yaml", "profile", 0.3)]


def generate(target_dir: Path, files: int, seed: int) -> dict[str, list[str]]:
    """Write ``files`` files (rounded up to an even number: two per site) and return the manifest."""
    rng = random.Random(seed)
    manifest: dict[str, list[str]] = {"os-layer": [], "profile": [], "user-data": []}
    sites = (files + 1) // 2
    for site in range(1, sites + 1):
        directory = target_dir / "sites" / f"site-{site:05d}"
        directory.mkdir(parents=True, exist_ok=True)
        roll = rng.random()
        cumulative = 0.0
        layer_name, layer_kind = LAYER_KINDS[-1][:2]
        for name, kind, share in LAYER_KINDS:
            cumulative += share
            if roll < cumulative:
                layer_name, layer_kind = name, kind
                break
        for name, kind in ((layer_name, layer_kind), ("user-data", "user-data")):
            problem = rng.choice(PROBLEMS) if rng.random() < 1 / 6 else None
            target = rng.randint(MIN_BYTES, MAX_BYTES)
            text = ""
            while not text or len(text) > MAX_BYTES:  # profiles can overshoot: aim lower until one fits
                if name == "os-layer.yaml":
                    text = os_layer_values(rng, problem, target)
                elif name == "profile.json":
                    text = profile_json(rng, problem, target, site)
                elif name == "profile.yaml":
                    text = profile_yaml(rng, problem, target, site)
                else:
                    text = user_data(rng, problem, target, site)
                target = int(target * 0.8)
            (directory / name).write_text(text, encoding="utf-8", newline="\n")
            manifest[kind].append(f"sites/site-{site:05d}/{name}")
    (target_dir / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, help="directory to write the corpus into (created if missing)")
    parser.add_argument("--files", type=int, default=3000, help="number of files (default: 3000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    args = parser.parse_args(argv)
    if args.files < 2:
        parser.error("--files must be at least 2")
    if args.target.exists() and any(args.target.iterdir()):
        parser.error(f"{args.target} is not empty")
    args.target.mkdir(parents=True, exist_ok=True)
    manifest = generate(args.target, args.files, args.seed)
    counts = ", ".join(f"{len(v)} {k}" for k, v in manifest.items())
    print(f"wrote {sum(len(v) for v in manifest.values())} files ({counts}) to {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
