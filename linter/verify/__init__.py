"""``palette-lint verify``: online checks against the registries a profile and its user-data name.

This package is the only code in palette-lint that uses the network, and only ``palette-lint verify`` imports
it (``check`` never does; tests/test_verify_offline.py holds both to that). Its stages:

- :mod:`linter.verify.macro_values`: the macro values the user passes (environment, ``--macros FILE``);
- :mod:`linter.verify.targets`: what to verify, found in the parsed documents and clusters, each value with the
  document and YAML path it comes from;
- :mod:`linter.verify.client`: registry HTTP through httpx (TLS, challenges, logins, manifests);
- :mod:`linter.verify.checks`: the sequence for one registry and its images, bounded in time and concurrency;
- :mod:`linter.verify.observations`: what was observed, the pure data the verify rules (``rules/verify/``) read;
- :mod:`linter.verify.run`: files -> targets -> observations -> rules -> located findings -> one ``Run``.
"""


def http_client_available() -> bool:
    """Whether httpx (the ``verify`` extra) can be imported; ``check`` never asks."""
    try:
        import httpx  # noqa: F401
    except ImportError:
        return False
    return True
