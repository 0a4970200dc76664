"""A minimal Language Server Protocol client for the tests: start a server over stdio, open documents, wait
for the diagnostics it publishes, ask for hovers. Enough to drive yaml-language-server as an editor would."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable, Optional

Message = dict[str, Any]


class LanguageServer:
    """One server process; use as a context manager so it is always stopped."""

    def __init__(self, command: list[str], root: Path, settings: dict[str, Any], timeout: float = 30.0,
                 env: Optional[dict[str, str]] = None) -> None:
        self.command = command
        self.root = root
        self.settings = settings
        self.timeout = timeout
        self.env = env
        self._next_id = 0
        self._process: Optional[subprocess.Popen[bytes]] = None
        self._versions: dict[str, int] = {}
        self._inbox: queue.Queue[Optional[Message]] = queue.Queue()
        #: Every message the server sent, in order (the canary test reads them all).
        self.received: list[Message] = []
        self._backlog: list[Message] = []  # diagnostics published while waiting for something else
        self._raw: list[bytes] = []

    @property
    def raw(self) -> bytes:
        """Everything the server wrote to its standard output, as bytes."""
        return b"".join(self._raw)

    def __enter__(self) -> LanguageServer:
        self._process = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, env=self.env)
        threading.Thread(target=self._reader, daemon=True).start()
        self.call("initialize", {"processId": os.getpid(), "rootUri": self.root.as_uri(),
                                 "capabilities": {"workspace": {"configuration": True,
                                                                "didChangeWatchedFiles": {"dynamicRegistration": True}},
                                                  "textDocument": {"hover": {"contentFormat": ["markdown",
                                                                                               "plaintext"]}}}})
        self._notify("initialized", {})
        self._notify("workspace/didChangeConfiguration", {"settings": self.settings})
        return self

    def __exit__(self, *exc: object) -> None:
        process = self._process
        if process is None:
            return
        try:
            self.call("shutdown", None)
            self._notify("exit", None)
            process.wait(timeout=5)
        except Exception:  # a server that does not stop cleanly is stopped here
            process.kill()
            process.wait(timeout=5)

    # ---- what the tests use ----------------------------------------------------------------------------
    def diagnostics(self, path: Path, text: Optional[str] = None) -> list[Message]:
        """Open (or re-open) ``path`` and return the diagnostics the server publishes for it."""
        uri = path.as_uri()
        version = self._versions.get(uri, 0) + 1
        self._versions[uri] = version
        if version > 1:
            self._notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        self._notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": version,
            "text": path.read_text(encoding="utf-8") if text is None else text}})
        published = self._wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                               and m["params"]["uri"] == uri)
        diagnostics: list[Message] = published["params"]["diagnostics"]
        return diagnostics

    def hover(self, path: Path, line: int, character: int) -> str:
        """The hover text at a 0-based position of an open document ("" when there is none)."""
        result = self.call("textDocument/hover", {"textDocument": {"uri": path.as_uri()},
                                                  "position": {"line": line, "character": character}})
        if not result:
            return ""
        contents = result.get("contents")
        if isinstance(contents, dict):
            return str(contents.get("value", ""))
        if isinstance(contents, list):
            return "\n".join(c if isinstance(c, str) else str(c.get("value", "")) for c in contents)
        return str(contents or "")

    def open(self, path: Path, text: Optional[str] = None) -> list[Message]:
        """Open ``path`` (once) and return the diagnostics published for that version."""
        uri = path.as_uri()
        self._versions[uri] = 1
        self._notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1,
            "text": path.read_text(encoding="utf-8") if text is None else text}})
        return self.published(uri, 1)

    def change(self, path: Path, text: str) -> list[Message]:
        """Replace the open document's text (a full change) and return the diagnostics of the new version."""
        uri = path.as_uri()
        version = self._versions.get(uri, 0) + 1
        self._versions[uri] = version
        self._notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                "contentChanges": [{"text": text}]})
        return self.published(uri, version)

    def published(self, uri: str, version: Optional[int] = None) -> list[Message]:
        """The next diagnostics published for ``uri`` (for ``version`` when given)."""
        def wanted(m: Message) -> bool:
            return m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri \
                and (version is None or m["params"].get("version") == version)

        # A server may publish for several files at once, in any order: what came while waiting for another
        # file is kept for this call.
        message = next((m for m in self._backlog if wanted(m)), None)
        if message is not None:
            self._backlog.remove(message)
        else:
            message = self._wait(wanted)
        diagnostics: list[Message] = message["params"]["diagnostics"]
        return diagnostics

    def forget_published(self) -> None:
        """Drop the diagnostics kept from earlier publications (the next :meth:`published` waits for new ones)."""
        self._backlog.clear()

    def notify(self, method: str, params: Any) -> None:
        self._notify(method, params)

    def wait_for(self, wanted: Callable[[Message], bool]) -> Message:
        return self._wait(wanted)

    # ---- the protocol ----------------------------------------------------------------------------------
    def call(self, method: str, params: Any) -> Any:
        self._next_id += 1
        number = self._next_id
        self._send({"jsonrpc": "2.0", "id": number, "method": method, "params": params})
        reply = self._wait(lambda m: m.get("id") == number and "method" not in m)
        if "error" in reply:
            raise RuntimeError(f"{method} failed: {reply['error']}")
        return reply.get("result")

    def _notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def _send(self, message: Message) -> None:
        assert self._process is not None and self._process.stdin is not None
        body = json.dumps(message).encode("utf-8")
        self._process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self._process.stdin.flush()

    def _wait(self, wanted: Callable[[Message], bool]) -> Message:
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._read(deadline)
            if "method" in message and "id" in message:  # a request from the server: answer it
                self._answer(message)
            elif wanted(message):
                return message
            elif message.get("method") == "textDocument/publishDiagnostics":
                self._backlog.append(message)

    def _answer(self, request: Message) -> None:
        result: Any = None
        if request["method"] == "workspace/configuration":
            result = [self.settings.get(item.get("section", ""), None) for item in request["params"]["items"]]
        self._send({"jsonrpc": "2.0", "id": request["id"], "result": result})

    def _read(self, deadline: float) -> Message:
        try:
            message = self._inbox.get(timeout=max(deadline - time.monotonic(), 0.001))
        except queue.Empty:
            raise TimeoutError(f"{self.command[0]} sent nothing expected within {self.timeout} s") from None
        if message is None:
            raise EOFError(f"{self.command[0]} closed its output")
        return message

    def _reader(self) -> None:
        """Parse the server's messages (``Content-Length`` framed JSON) into the inbox; None at the end."""
        assert self._process is not None and self._process.stdout is not None
        stream = self._process.stdout
        try:
            while True:
                length = None
                while True:
                    line = stream.readline()
                    if not line:
                        return
                    if line in (b"\r\n", b"\n"):
                        break
                    name, _, value = line.decode("ascii").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                if length is not None:
                    body = stream.read(length)
                    self._raw.append(body)
                    message = json.loads(body)
                    self.received.append(message)
                    self._inbox.put(message)
        finally:
            self._inbox.put(None)
