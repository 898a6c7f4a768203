"""Reading rasd's versioned data files (lexicons, rules, dictionaries shipped in the package).

Each file is parsed once per process, with libyaml's C loader when PyYAML was built with it (several times
faster than the pure-Python loader on the larger files, which start-up pays for). Callers get the parsed
object shared between them, so they must treat it as read-only: build their own sets and tables from it.
"""
from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def read_yaml(package: str, name: str) -> Any:
    """The YAML data file ``name`` (a path relative to ``package``, e.g. "data/roles.yaml"), parsed once."""
    with resources.files(package).joinpath(name).open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)  # noqa: S506 - a safe loader, C or Python
