"""Typed readers for environment variables; a bad value is a loud configuration error."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    """Read a string, or the contents of the file named by NAME_FILE (container secrets)."""
    file_name = os.environ.get(f"{name}_FILE", "")
    if file_name:
        with open(file_name, encoding="utf-8") as f:
            return f.read().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Read a True/False environment variable; anything else is a configuration error."""
    raw = os.environ.get(name, "")
    if not raw:
        return default
    try:
        return {"True": True, "False": False}[raw]
    except KeyError:
        raise ImproperlyConfigured(
            f"{name} must be True or False, not {raw!r}"
        ) from None


def env_int(name: str, default: int) -> int:
    """Read an integer environment variable."""
    raw = os.environ.get(name, "")
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {raw!r}"
        ) from None


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list."""
    raw = os.environ.get(name, "")
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
