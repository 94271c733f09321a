"""Reading data nobody vouches for: a user's files and text, a batch file, a sandboxed child's result.

Every reader here has a size cap, refuses what is not a regular file (a FIFO would block, a directory or a
device would surprise), is opened non-blocking, decodes text strictly, refuses YAML aliases (the
"billion laughs" bomb) and caps the nesting depth of JSON and YAML, so that no input can hang the reader,
exhaust its memory or blow its stack: each failure is one `UntrustedDataError` with a sentence.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

MAX_DEPTH = 32
"""Deepest nesting of lists and mappings accepted in JSON or YAML input."""


class UntrustedDataError(ValueError):
    """The data is unusable; the message says why, for a person to read."""


def read_capped(path: str | Path, max_bytes: int, what: str, *, follow_symlinks: bool = True) -> bytes:
    """The bytes of a regular file of at most `max_bytes`, read without ever blocking."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow_symlinks else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise UntrustedDataError(f"{what} {path} does not exist") from None
    except OSError as exc:
        raise UntrustedDataError(f"{what} {path} cannot be opened: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise UntrustedDataError(f"{what} {path} is a directory, not a file")
        if not stat.S_ISREG(mode):
            raise UntrustedDataError(f"{what} {path} is not a regular file")
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise UntrustedDataError(f"{what} {path} is larger than the limit of {_size(max_bytes)}")
        return b"".join(chunks)
    finally:
        os.close(fd)


def decode_text(raw: bytes, what: str) -> str:
    """UTF-8 text, or an error saying it looks like binary data."""
    if b"\x00" in raw:
        raise UntrustedDataError(f"{what} looks like binary data (it holds NUL bytes), not text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UntrustedDataError(f"{what} is not UTF-8 text (byte {exc.start} does not decode)") from None
    check_text(text, what)
    return text


_BINARY = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""Control characters other than whitespace, and surrogates (undecodable bytes smuggled into a str)."""


def check_text(text: str, what: str) -> None:
    """Refuse text that holds binary: NUL, undecodable bytes smuggled in as surrogates, control characters."""
    found = _BINARY.search(text)
    if found:
        char = found.group()
        kind = "a byte that is not UTF-8" if "\ud800" <= char <= "\udfff" else "a control character"
        raise UntrustedDataError(
            f"{what} looks like binary data, not text (character {found.start() + 1} is U+{ord(char):04X}, {kind})"
        )


def loads_json(text: str, what: str, max_depth: int = MAX_DEPTH) -> Any:
    try:
        value = json.loads(text)
    except RecursionError:
        raise UntrustedDataError(f"{what} is nested more than {max_depth} levels deep") from None
    except ValueError as exc:
        raise UntrustedDataError(f"{what} does not parse as JSON: {str(exc).splitlines()[0]}") from None
    check_depth(value, what, max_depth)
    return value


class _NoAliasLoader(yaml.SafeLoader):
    """YAML's safe loader without anchors and aliases: an alias bomb (a 342-byte file that expands to
    billions of nodes when walked) is refused before anything is built."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not accepted: write the values out", event.start_mark
            )
        return super().compose_node(parent, index)


def loads_yaml(text: str, what: str, max_depth: int = MAX_DEPTH) -> Any:
    try:
        value = yaml.load(text, Loader=_NoAliasLoader)
    except RecursionError:
        raise UntrustedDataError(f"{what} is nested more than {max_depth} levels deep") from None
    except yaml.YAMLError as exc:
        raise UntrustedDataError(f"{what} does not parse as YAML: {' '.join(str(exc).split())[:300]}") from None
    check_depth(value, what, max_depth)
    return value


def check_depth(value: Any, what: str, max_depth: int = MAX_DEPTH) -> None:
    """Walk the value without recursion; refuse nesting deeper than `max_depth`."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth >= max_depth:
                raise UntrustedDataError(f"{what} is nested more than {max_depth} levels deep")
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


def _size(n: int) -> str:
    return f"{n / (1 << 20):g} MiB" if n >= 1 << 20 else f"{n / 1024:g} KiB"
