"""The event store: find it, read it strictly, validate it, cache it, describe it as a schema.

This is the library's entry point for reading: ``load(path)`` gives a validated ``Store`` or
raises ``StoreError`` listing every problem as ``FILE:LINE:COL``; ``load_cached`` does the same
through a cache that is never stale.
"""

from timeline.store._cache import cache_dir, load_cached, read_content, write_content
from timeline.store._find import STORE_NAME, StoreLocation, find_store, packaged_store, store_files
from timeline.store._load import Store, load, load_bytes, load_text
from timeline.store._schema import store_schema
from timeline.store._yaml import read_text, yaml_loader

__all__ = [
    "STORE_NAME",
    "Store",
    "StoreLocation",
    "cache_dir",
    "find_store",
    "load",
    "load_bytes",
    "load_cached",
    "load_text",
    "packaged_store",
    "read_content",
    "read_text",
    "store_files",
    "store_schema",
    "write_content",
    "yaml_loader",
]
