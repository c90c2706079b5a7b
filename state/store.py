"""Key-value stores under the trie and the chain: an in-memory dict and LevelDB (plyvel).

Both implement the `KVStore` protocol: byte keys to byte values, single puts and deletes, an atomic
`write_batch` (the trie's nodes and the chain's head pointer land together or not at all) and
ordered prefix iteration. Both are safe to share between threads: plyvel's DB is thread-safe, and
the memory store guards its dict with a lock so that a batch is never seen half-applied.

Durability (LevelDB): a batch written without sync is in the kernel's page cache when the call
returns, so it survives any crash of the node process (SIGKILL included) and is lost only if the
machine itself goes down before the kernel flushes it. That is the default, as in geth and most
databases; `LevelDBStore(path, fsync=True)` (devnet --fsync) makes every batch wait for the disk,
for machine-crash durability. `write_batch(..., sync=None)` follows the store's policy; True or
False overrides it for one batch.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Protocol, Union

import plyvel

Puts = Union[dict[bytes, bytes], Iterable[tuple[bytes, bytes]]]


class KVStore(Protocol):
    """The interface every store offers (for type hints; no runtime check)."""

    def get(self, key: bytes) -> bytes | None: ...

    def put(self, key: bytes, value: bytes) -> None: ...

    def delete(self, key: bytes) -> None: ...

    def write_batch(self, puts: Puts, deletes: Iterable[bytes] = (),
                    sync: bool | None = None) -> None: ...

    def iterate(self, prefix: bytes = b"") -> Iterator[tuple[bytes, bytes]]: ...

    def close(self) -> None: ...


_BYTES_ONLY = {bytes}


def _pairs(puts: Puts) -> dict[bytes, bytes] | list[tuple[bytes, bytes]]:
    """The puts as a dict or a list of (key, value), type-checked before anything is written.
    A dict of plain bytes (every block's batch) is checked by two C-level passes over its types
    and returned as it is."""
    if type(puts) is dict and set(map(type, puts)) <= _BYTES_ONLY \
            and set(map(type, puts.values())) <= _BYTES_ONLY:
        return puts
    pairs = list(puts.items()) if isinstance(puts, dict) else list(puts)
    for key, value in pairs:
        if not isinstance(key, bytes) or not isinstance(value, bytes):
            raise TypeError(f"store keys and values must be bytes, got {type(key)} -> {type(value)}")
    return pairs


def _keys(deletes: Iterable[bytes]) -> list[bytes]:
    keys = list(deletes)
    for key in keys:
        if not isinstance(key, bytes):
            raise TypeError(f"store keys must be bytes, got {type(key)}")
    return keys


class MemoryStore:
    """A dict behind a lock: for tests, the state-test runner and ephemeral chains."""

    def __init__(self) -> None:
        self._data: dict[bytes, bytes] = {}
        self._lock = threading.Lock()
        self._closed = False

    def __len__(self) -> int:
        return len(self._data)

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("store is closed")

    def get(self, key: bytes) -> bytes | None:
        self._check_open()
        return self._data.get(key)

    def put(self, key: bytes, value: bytes) -> None:
        self.write_batch(((key, value),))

    def delete(self, key: bytes) -> None:
        self.write_batch((), (key,))

    def write_batch(self, puts: Puts, deletes: Iterable[bytes] = (),
                    sync: bool | None = None) -> None:
        """Apply every put, then every delete, atomically (a key in both ends up deleted).

        Inputs are validated before the dict is touched, so a bad entry writes nothing.
        """
        pairs = _pairs(puts)
        keys = _keys(deletes)
        with self._lock:
            self._check_open()
            self._data.update(pairs)
            for key in keys:
                self._data.pop(key, None)

    def iterate(self, prefix: bytes = b"") -> Iterator[tuple[bytes, bytes]]:
        """(key, value) pairs whose key starts with `prefix`, in key order, from a snapshot."""
        with self._lock:
            self._check_open()
            snapshot = [(k, v) for k, v in self._data.items() if k.startswith(prefix)]
        snapshot.sort()
        return iter(snapshot)

    def close(self) -> None:
        self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> MemoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class StoreOpenError(OSError):
    """The database cannot be opened (locked by another process, corrupt, not permitted)."""


# LevelDB keeps each open table file's index block in memory (and maps the file), 1,000 tables
# by default: with ~2 MB tables that memory grew with the chain, ~1 MB per 10,000 blocks, up to
# ~25 MB. 100 bounds it to a few MB; a read from a table out of the cache reopens it (two reads).
MAX_OPEN_FILES = 100


class LevelDBStore:
    """A LevelDB database on disk (plyvel), safe to share between threads.

    `write_batch` is atomic. Writes are fsync'd only with `fsync=True` (see the module
    docstring): without it they survive a crash of the process, not of the machine.
    """

    def __init__(self, path: str, create_if_missing: bool = True, fsync: bool = False) -> None:
        self.path = path
        self.fsync = fsync
        try:
            self._db = plyvel.DB(str(path), create_if_missing=create_if_missing,
                                 max_open_files=MAX_OPEN_FILES)
        except plyvel.IOError as e:
            if "lock" in str(e).lower():  # LevelDB holds an exclusive lock on <path>/LOCK
                raise StoreOpenError(
                    f"{path} is in use by another process (another devnet holds its lock): "
                    f"stop that node or choose another data directory") from None
            raise StoreOpenError(f"{path}: {e}") from None
        except plyvel.Error as e:  # Corruption, bad options
            raise StoreOpenError(f"{path}: {e}") from None

    def get(self, key: bytes) -> bytes | None:
        return self._db.get(key)

    def put(self, key: bytes, value: bytes) -> None:
        self._db.put(key, value, sync=self.fsync)

    def delete(self, key: bytes) -> None:
        self._db.delete(key, sync=self.fsync)

    def write_batch(self, puts: Puts, deletes: Iterable[bytes] = (),
                    sync: bool | None = None) -> None:
        """Apply every put, then every delete, in one LevelDB write batch (all or nothing),
        synced to disk if `sync` (None: the store's `fsync` policy)."""
        pairs = _pairs(puts)
        keys = _keys(deletes)
        if sync is None:
            sync = self.fsync
        with self._db.write_batch(transaction=True, sync=sync) as batch:
            for key, value in pairs.items() if type(pairs) is dict else pairs:
                batch.put(key, value)
            for key in keys:
                batch.delete(key)

    def iterate(self, prefix: bytes = b"") -> Iterator[tuple[bytes, bytes]]:
        """(key, value) pairs whose key starts with `prefix`, in key order, from a snapshot."""
        it = self._db.iterator(prefix=prefix) if prefix else self._db.iterator()
        with it:
            yield from it

    def close(self) -> None:
        if not self._db.closed:
            self._db.close()

    @property
    def closed(self) -> bool:
        return self._db.closed

    def __enter__(self) -> LevelDBStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
