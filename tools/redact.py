"""One redaction for everything lamopt writes: run records, reports, checkpoints, logs.

`redact(value)` returns a copy of a JSON-like value (mappings, lists, tuples, strings; anything else passes
through) in which
- a mapping entry whose key names a secret (api_key, token, secret, password, authorization, ...) has its
  value replaced,
- every known secret value is cut out of every string: the values of such environment variables
  (OPENAI_API_KEY, LAMOPT_LLM_API_KEY, LAMOPT_CHAT_TOKEN, HF_TOKEN, ...) and whatever the program registered
  with `register_secret` (the API key a caller passed in code),
- credentials in URLs (https://user:password@host) and bearer tokens are masked.
"""

from __future__ import annotations

import os
import re
import threading
from typing import Any

MASK = "[redacted]"
SECRET_NAME = re.compile(
    r"(^|[_-])(api[_-]?key|(secret|access|private)[_-]?key|token|secret|passw(or)?d|authori[sz]ation|credentials?)$",
    re.IGNORECASE,
)
"""Names of settings, fields and environment variables that hold secrets (not "tokens", a count)."""
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@", re.IGNORECASE)
_BEARER = re.compile(r"(?P<word>bearer\s+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
_MIN_SECRET_CHARS = 6
"""Shorter values are not cut out of text: they would mangle ordinary words and numbers."""

_registered: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret that lives in no environment variable (e.g. an API key passed in code)."""
    if value and len(value) >= _MIN_SECRET_CHARS:
        with _lock:
            _registered.add(value)


def known_secrets() -> list[str]:
    """Secret values to cut out of text, longest first (so a key that contains another is cut whole)."""
    found = {v for k, v in os.environ.items() if SECRET_NAME.search(k) and len(v) >= _MIN_SECRET_CHARS}
    with _lock:
        found |= _registered
    return sorted(found, key=len, reverse=True)


def redact(value: Any) -> Any:
    return _redact(value, known_secrets())


def _redact(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        return _redact_text(value, secrets)
    if isinstance(value, dict):
        return {
            key: (MASK if value[key] and isinstance(key, str) and SECRET_NAME.search(key) else _redact(value[key], secrets))
            for key in value
        }
    if isinstance(value, list):
        return [_redact(item, secrets) for item in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):  # a named tuple keeps its type and fields
        return tuple(_redact(item, secrets) for item in value)
    return value


def _redact_text(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _URL_CREDENTIALS.sub(lambda m: f"{m['scheme']}{MASK}@", text)
    return _BEARER.sub(lambda m: f"{m['word']}{MASK}", text)
