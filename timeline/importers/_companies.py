"""Company names from other data, resolved through the registry's names and aliases.

Matching is the store's own: case-insensitive after Unicode normalisation (``fold_name``). A
``--company-map`` file (YAML ``name: canonical``) is consulted first; names still unknown are
counted, with a suggestion each, so the import can stop and list them all at once.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from timeline.errors import UsageError
from timeline.model import Registry
from timeline.text import did_you_mean, fold_name, visible


def read_company_map(path: Path) -> dict[str, str]:
    """The ``name: canonical`` pairs of a YAML file, keyed by folded name."""
    import yaml

    from timeline.store import yaml_loader

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml_loader())  # noqa: S506 - the safe loader
    except OSError as error:
        raise UsageError(f"--company-map: cannot read {path}: {error.strerror}") from None
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise UsageError(f"--company-map: {path} is not a YAML file of `name: canonical` lines ({error})") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise UsageError(f"--company-map: {path} must be a YAML mapping of `name: canonical` lines of text")
    return {fold_name(k): v for k, v in data.items()}


class Companies:
    """Resolves names for one import; remembers the unknown ones and the ones to register."""

    def __init__(self, registry: Registry, mapping: dict[str, str], register_new: bool) -> None:
        self.registry = registry
        self.mapping = mapping
        self.register_new = register_new
        self.new: dict[str, str] = {}  # folded -> the spelling first seen, registered by this import
        self.unknown: Counter[str] = Counter()
        self.spelling: dict[str, str] = {}

    def resolve(self, name: str) -> str | None:
        """The canonical name, or None (and the name counted as unknown)."""
        target = self.mapping.get(fold_name(name), name)
        canonical = self.registry.resolve(target)
        if canonical is not None:
            return canonical
        key = fold_name(target)
        if key in self.new:
            return self.new[key]
        if self.register_new:
            self.new[key] = " ".join(target.split())
            return self.new[key]
        self.unknown[key] += 1
        self.spelling.setdefault(key, target)
        return None

    def unknown_report(self, limit: int | None = None) -> list[str]:
        """``  NAME (COUNT rows) (did you mean 'X'?)`` lines, most frequent first."""
        names = self.registry.all_names()
        rows = sorted(self.unknown.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = rows if limit is None else rows[:limit]
        lines = [
            f"  {visible(self.spelling[k])} ({n} row{'s' if n != 1 else ''}){did_you_mean(self.spelling[k], names)}"
            for k, n in shown
        ]
        if len(rows) > len(shown):
            lines.append(f"  ... and {len(rows) - len(shown)} more (all are listed by --dry-run)")
        return lines
