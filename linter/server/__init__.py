"""``palette-lint server``: a Language Server (LSP over stdio) on pygls and lsprotocol, installed with the
``server`` extra. :mod:`linter.server.session` decides what to lint and runs the engine; :mod:`linter.server.protocol`
speaks the protocol. Imported only by that command."""

from __future__ import annotations


def available() -> bool:
    """Whether the ``server`` extra (pygls) is installed."""
    import importlib.util

    return importlib.util.find_spec("pygls") is not None and importlib.util.find_spec("lsprotocol") is not None
