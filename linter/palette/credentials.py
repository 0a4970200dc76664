"""Credentials in Palette files: which keys hold passwords and other secrets, which values are placeholders,
and the secret values of a file (for :mod:`linter.redact`, which keeps them out of every output)."""

from __future__ import annotations

import base64
import binascii
import functools
import re
from typing import TYPE_CHECKING, Any, Iterator, Optional, Union

from linter.palette import macros

if TYPE_CHECKING:  # pragma: no cover
    from linter.document import Document

#: Key endings (lower case, without ``-``, ``_`` and ``.``) of fields that hold a password.
_PASSWORD_ENDINGS = ("password", "passwd")
#: Key endings of the other fields that hold a secret: tokens, keys, client secrets, Docker ``auth``.
_SECRET_ENDINGS = _PASSWORD_ENDINGS + ("token", "secret", "apikey", "accesskey", "secretkey", "privatekey")
_SECRET_NAMES = {"auth", "pass", "pwd"}
USER_KEYS = frozenset({"user", "username"})
#: Values that are never secrets (booleans and nulls written as text).
_NOT_SECRETS = {"true", "false", "yes", "no", "on", "off", "null", "none", "~", ""}

#: Passwords that say "fill me in": masks, defaults and template words (compared without case and punctuation).
_PLACEHOLDER_WORDS = {
    "changeme", "changeit", "password", "passw0rd", "yourpassword", "mypassword", "enterpassword", "secret",
    "placeholder", "replaceme", "todo", "tbd", "fixme", "redacted", "masked", "dummy", "example", "xxx",
    "registrypassword", "insertpasswordhere", "passwordhere",
}
_MASK = re.compile(r"^[*#xX•.]{3,}$")
_ANGLE = re.compile(r"^<[^<>]+>$")
_SQUARE = re.compile(r"^\[[A-Za-z _-]+\]$")

Key = Union[str, int]


#: What a key holds, as bit flags (:func:`key_kind`).
SECRET, PASSWORD, USER = 1, 2, 4


@functools.lru_cache(maxsize=4096)
def _kind_of_name(key: str) -> int:
    name = re.sub(r"[-_.\s]", "", key.lower())
    if name in ("encodedpassword", "lockpasswd"):  # flags, not secrets
        return 0
    if name.endswith(_PASSWORD_ENDINGS):
        return SECRET | PASSWORD
    if name.endswith(_SECRET_ENDINGS) or name in _SECRET_NAMES:
        return SECRET
    return USER if key in USER_KEYS else 0


def key_kind(key: Any) -> int:
    """``SECRET | PASSWORD`` for ``password``, ``passwd``, ``harborAdminPassword``, ``registry_password`` (not
    ``encodedPassword``, a flag, nor ``passwordExpiry``); ``SECRET`` for tokens and the like (``edgeHostToken``,
    ``clientSecret``, ``auth``); ``USER`` for ``user`` and ``username``; else 0."""
    return _kind_of_name(key) if isinstance(key, str) else 0


def is_secret_key(key: Any) -> bool:
    return bool(key_kind(key) & SECRET)


#: A password hash as crypt(3), htpasswd or Kairos ``passwd`` keep it (``$6$salt$hash``, ``$2y$...``,
#: ``$argon2id$...``, ``user:$apr1$...``): not the password itself.
_HASHED = re.compile(r"(?:[^\s:$]{1,64}:)?\$(?:1|2[abxy]?|5|6|7|y|gy|apr1|md5|sha1|argon2(?:id|i|d)|scrypt|"
                     r"pbkdf2[-_a-z0-9]{0,16})\$[./A-Za-z0-9$=,+-]{8,}")
#: What a file generator substitutes before the file is used: ``[[ .Password ]]`` (Go templates with other
#: delimiters) anywhere, ``@PASSWORD@`` (autoconf, CI) in a ``.tmpl`` file.
_GENERATOR = re.compile(r"\[\[[^\[\]]{1,256}\]\]")
_AT_TEMPLATE = re.compile(r"@[A-Za-z_][A-Za-z0-9_]{0,127}@")
#: A run of mask characters inside a token (``ghp_xxxxxxxxxxxx``, ``AKIA****``): a shape, not a value.
_MASK_RUN = re.compile(r"x{4,}|X{4,}|\*{4,}|#{4,}|•{3,}")


def is_hashed(value: Any) -> bool:
    """Whether a password field holds a password hash (crypt, htpasswd), not the password."""
    return isinstance(value, str) and _HASHED.fullmatch(value.strip()) is not None


def is_generated(value: Any, template_file: bool = False) -> bool:
    """Whether a value is a file generator's placeholder, filled in before the file is used: ``[[ .X ]]``, and in
    a template file (``*.tmpl``) also ``@NAME@``. Like a macro, it stands for a value nobody here can know."""
    if not isinstance(value, str):
        return False
    return _GENERATOR.search(value) is not None or (template_file and _AT_TEMPLATE.search(value) is not None)


def placeholder_kind(value: Any) -> Optional[str]:
    """What kind of placeholder ``value`` is (for messages, which never quote it), or None for a real value."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or macros.contains_macro(text) or is_generated(text):
        return None  # a macro or an interpolation stands for the value, whatever its name says
    if _MASK.match(text):
        return "a masked value (a run of '*', '#', 'x' or dots, as an export or a template writes)"
    if _ANGLE.match(text) or _SQUARE.match(text):
        return "a template placeholder in brackets"
    if re.sub(r"[^a-z0-9]", "", text.lower()) in _PLACEHOLDER_WORDS:
        return "a well-known placeholder or default password"
    if not is_hashed(text) and _MASK_RUN.search(text):
        return "a value with a run of 'x', '*' or '#' where its characters go (a token's shape, not a token)"
    return None


def literal_secret(value: Any) -> Optional[str]:
    """The text of a value that is a real, literal secret: not empty, not a macro, not a placeholder, not a
    boolean or null."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.lower() in _NOT_SECRETS or macros.contains_macro(text) or placeholder_kind(text) is not None:
        return None
    return text


#: The mappings that hold one set of registry credentials, by the key they sit under.
CREDENTIAL_MAPPINGS = frozenset({"providerCredentials", "registryCredentials"})
#: The keys such a mapping (or an external registry's entry) holds; any other key of it may be a password
#: typed where a key goes (``password:`` forgotten), so it is treated as a secret and never quoted.
CREDENTIAL_KEYS = frozenset({"registry", "user", "username", "password", "encodedPassword", "certificates",
                             "domain", "insecure", "repositoryName"})
#: Keys that are field names, not passwords, although such a mapping does not take them: the names people write
#: for its fields from other tools (``cert``, ``caCert``, ``url``, ``skipVerify``...), compared in lower case
#: without ``_`` and ``-``. They are shown and never treated as secrets: redacting ``cert`` everywhere would turn
#: every "certificates" in a report into "***ificates".
FIELD_NAMES = frozenset({
    "cert", "certs", "certificate", "ca", "cacert", "cacerts", "cabundle", "cafile", "tls", "tlscert",
    "clientcert", "clientkey", "insecureskipverify", "skipverify", "skiptlsverify", "verify", "url", "uri",
    "host", "hostname", "server", "endpoint", "port", "address", "name", "email", "mirror", "mirrors",
    "namespace", "project", "repository", "path", "protocol", "scheme", "type", "auth", "token", "pass",
    "passwd", "pwd", "secret", "key", "apikey", "identitytoken", "registrytoken", "login",
})


def may_hide_a_secret(key: Key) -> bool:
    """Whether a key of a credential mapping may be a password typed where a key goes: any key but the mapping's
    own fields and the field names of :data:`FIELD_NAMES`."""
    if not isinstance(key, str) or key in CREDENTIAL_KEYS:
        return False
    return key.lower().replace("_", "").replace("-", "") not in FIELD_NAMES


def is_credential_mapping(path: tuple[Key, ...]) -> bool:
    """Whether the mapping at ``path`` holds credentials: a ``providerCredentials`` or ``registryCredentials``
    mapping, an entry of a ``registries`` list, or the mapping under a password key (``password: {...}``: a
    password typed where a key goes). A mapping under ``auth`` or ``token`` keys is ordinary configuration."""
    if not path:
        return False
    last = path[-1]
    if isinstance(last, int):
        return len(path) >= 2 and path[-2] == "registries"
    return last in CREDENTIAL_MAPPINGS or bool(key_kind(last) & PASSWORD)


#: What a YAML path shows in place of a key of a credential mapping that is not a credential key.
HIDDEN_KEY = "(key)"


def shown_path(path: tuple[Key, ...]) -> tuple[Key, ...]:
    """``path`` as a finding shows it: a key of a credential mapping that is not a credential key (it may be a
    password typed where a key goes) is shown as ``(key)``. Built this way, a path never needs redacting."""
    if not any(may_hide_a_secret(step) for step in path[1:]):
        return path
    return tuple(HIDDEN_KEY if index and may_hide_a_secret(step) and is_credential_mapping(path[:index]) else step
                 for index, step in enumerate(path))


def credential_mapping_keys(doc: Document) -> set[str]:
    """The keys of a document's credential mappings (:func:`is_credential_mapping`) that may hide a secret
    (:func:`may_hide_a_secret`): possibly secrets, so redacted wherever they would be printed (a message, a YAML path). The mappings
    are found in the document's table of nodes, without walking its data."""
    found: set[str] = set()
    for path, info in doc.nodes.items():
        if info.tag == "map" and is_credential_mapping(path):
            mapping = doc.get(path)
            if isinstance(mapping, dict):
                found.update(str(key) for key in mapping if may_hide_a_secret(str(key)))
    return found


def field_of(path: tuple[Key, ...]) -> tuple[str, tuple[Key, ...]]:
    """The key a value belongs to (a list item belongs to its list's key) and the path of the mapping that
    holds that key: ``(..., "certificates", 0)`` -> ``("certificates", (...))``."""
    index = len(path) - 1
    while index >= 0 and isinstance(path[index], int):
        index -= 1
    if index < 0:
        return "", ()
    key = path[index]
    return (key if isinstance(key, str) else ""), path[:index]


def credential_fields(data: Any) -> Iterator[tuple[tuple[Key, ...], Any, int]]:
    """(path, value, :func:`key_kind`) of every scalar under a secret or user key, at any depth. The items of a
    list under such a key count too; the entries of a mapping under it do not (``auth: {username: ...}``)."""
    stack: list[tuple[tuple[Key, ...], Any, int]] = [((), data, 0)]
    seen: set[int] = set()
    while stack:
        here, value, kind = stack.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, dict):
            for key, item in value.items():
                item_kind = key_kind(key)
                if isinstance(item, (dict, list)):
                    stack.append((here + (key,), item, item_kind))
                elif item_kind:
                    yield here + (key,), item, item_kind
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, (dict, list)):
                    stack.append((here + (index,), item, kind))
                elif kind:
                    yield here + (index,), item, kind


def document_fields(doc: Document) -> list[tuple[tuple[Key, ...], Any, int]]:
    """:func:`credential_fields` of a document's data, found once and shared by every rule that asks."""
    return doc.derived("credentials.fields", lambda d: list(credential_fields(d.data)))


# ---- the secret values of a file, for redaction ------------------------------------------------------------

# The scan of raw text is linear: every repetition in these patterns is bounded, and the key before each ``:`` or
# ``=`` is read backwards from it, at most MAX_KEY characters. Patterns as text, which re compiles (and caches) the
# first time raw text is scanned (a value with an "@" or a private key, a file that does not parse).
#: The longest key, URL user or password, and value the raw-text scan reads.
MAX_KEY, MAX_URL_PART, MAX_VALUE = 128, 256, 4096
_URL_PASSWORD = (r"[A-Za-z][A-Za-z0-9+.-]{0,31}://[^\s:/@\"']{0,256}:([^\s/\"']{1,256})@(?=[A-Za-z0-9\[])")
_BARE_URL_PASSWORD = (r"(?:^|[\s\"'(=\[,])[^\s:/@\"'<>\[\]{}]{0,256}:([^\s/\"'<>]{1,256})@(?=[A-Za-z0-9\[])")
_LABEL = r"(?:[A-Z0-9]{1,32} ){0,8}PRIVATE KEY(?: BLOCK)?"
#: A private key's body: up to its END line, the next BEGIN line (a block cut short), or the end of the text.
_PRIVATE_KEY_BLOCK = (rf"-----BEGIN {_LABEL}-----((?:(?!-----(?:BEGIN|END) )[\s\S]){{0,65536}})"
                      rf"(?:-----END {_LABEL}-----)?")
#: Before a separator (read backwards): blanks, an optional closing quote, the key (at most MAX_KEY characters).
_REVERSED_KEY = r"[ \t]{0,32}[\"']?([\w.-]{1,128})"
_SECRET_WORDS = ("pass", "token", "secret", "key", "auth")


def secrets_in_text(text: str) -> set[str]:
    """Secret values found in raw text, for files that may not parse: ``password: x`` lines (also inside JSON
    strings, whose ``\\n`` escapes are read as line breaks), URL credentials and private key blocks."""
    found: set[str] = set()
    if not text:
        return found
    if "PRIVATE KEY" in text:
        for match in re.finditer(_PRIVATE_KEY_BLOCK, text):
            found.add(match.group(1).replace("\\n", "\n").replace("\\r", ""))
    if "@" in text:
        found.update(url_passwords(text))
    if any(word in text.lower() for word in _SECRET_WORDS):
        for line in re.split(r"\n|\\n", text):
            if any(word in line.lower() for word in _SECRET_WORDS):
                found.update(_line_secrets(line))
    return found


def url_passwords(text: str) -> set[str]:
    """The passwords of ``user:password@host`` URLs in ``text`` (the password runs to the last ``@`` before the
    host: ``robot:S3cr3t@CANARY@host`` has the password ``S3cr3t@CANARY``)."""
    return {m.group(1) for pattern in (_URL_PASSWORD, _BARE_URL_PASSWORD) for m in re.finditer(pattern, text)}


def _line_secrets(line: str) -> set[str]:
    """The values of the secret keys (``password: x``, ``"token": "y"``) of one line."""
    found: set[str] = set()
    for separator in re.finditer(r"[:=]", line):
        before = line[max(0, separator.start() - MAX_KEY - 34):separator.start()][::-1]
        key = re.match(_REVERSED_KEY, before)
        if key is None or not is_secret_key(key.group(1)[::-1]):
            continue
        value = _value_text(line[separator.end():separator.end() + MAX_VALUE])
        if value and literal_secret(value) is not None:
            found.add(value)
    return found


def _value_text(raw: str) -> str:
    """The value of a ``key: value`` line: quotes removed, a trailing comment or JSON punctuation dropped."""
    text = raw.strip()
    if text[:1] in ("'", '"'):
        quote = text[0]
        end = text.find(quote, 1)
        while quote == '"' and end > 0 and text[end - 1] == "\\":
            end = text.find(quote, end + 1)
        return text[1:end] if end > 0 else text[1:]
    text = re.split(r"\s+#", text, maxsplit=1)[0]
    return text.rstrip(",}] ").strip()


def secrets_in_data(data: Any) -> set[str]:
    """Secret values of parsed data, in one pass: the values of secret fields (a base64 ``encodedPassword``
    decoded too), and the URL credentials and private keys in any string or key."""
    found: set[str] = set()
    stack: list[tuple[Any, int]] = [(data, 0)]
    seen: set[int] = set()
    while stack:
        value, kind = stack.pop()
        if isinstance(value, (dict, list)):
            if id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value, dict):
                for key, item in value.items():
                    if isinstance(key, str) and "@" in key:
                        found.update(secrets_in_text(key))
                    stack.append((item, key_kind(key) & SECRET))
            else:
                stack.extend((item, kind) for item in value)
            continue
        if kind:
            found.update(_secret_values(value))
        if isinstance(value, str) and ("@" in value or "PRIVATE KEY" in value):
            found.update(secrets_in_text(value))
    return found


def document_secrets(doc: Document) -> set[str]:
    """The secret values of a document, as :func:`secrets_in_data` finds them, from the credential fields
    found once per document; strings are scanned for URL credentials and private keys only when the
    document's text holds an ``@`` or a private key at all."""
    found: set[str] = set()
    for _path, value, kind in document_fields(doc):
        if kind & SECRET:
            found.update(_secret_values(value))
    found.update(credential_mapping_keys(doc))
    own = doc.own_text
    if "@" in own or "PRIVATE KEY" in own:
        found.update(secrets_in_data(doc.data))
    return found


def _secret_values(value: Any) -> list[str]:
    """The secret a secret field's value holds (none for a macro, a placeholder, an empty value), and what
    it decodes to when it is base64 text (an ``encodedPassword``)."""
    text = literal_secret(value)
    if text is None:
        return []
    decoded = _base64_text(text)
    return [text, decoded] if decoded else [text]


def _base64_text(text: str) -> Optional[str]:
    if len(text) < 8 or len(text) % 4:
        return None
    try:
        decoded = base64.b64decode(text, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return decoded if decoded.isprintable() else None
