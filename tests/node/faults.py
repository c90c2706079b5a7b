"""A store that fails writes on demand: wraps a real store (LevelDB or memory) and raises an
OSError from the next `count` batch writes (or those a predicate picks), as a full disk or an I/O
error would, before anything of the batch is applied."""
from collections.abc import Callable, Iterable, Iterator

from pydevnet.state.store import KVStore, Puts


class InjectedWriteError(OSError):
    """The write failure FaultyStore raises."""


class FaultyStore:
    def __init__(self, inner: KVStore) -> None:
        self.inner = inner
        self._fail_next = 0
        self._predicate: Callable[[dict, list], bool] | None = None
        self.failures = 0

    def fail_writes(self, count: int = 1) -> None:
        """Fail the next `count` writes."""
        self._fail_next = count

    def fail_when(self, predicate: Callable[[dict, list], bool] | None) -> None:
        """Fail every write whose (puts, deletes) satisfy `predicate` (None: stop)."""
        self._predicate = predicate

    def _check(self, puts: dict, deletes: list) -> None:
        fail = self._fail_next > 0 or (self._predicate is not None
                                       and self._predicate(puts, deletes))
        if fail:
            self._fail_next = max(0, self._fail_next - 1)
            self.failures += 1
            raise InjectedWriteError(28, "No space left on device (injected)")

    def get(self, key: bytes) -> bytes | None:
        return self.inner.get(key)

    def put(self, key: bytes, value: bytes) -> None:
        self.write_batch({key: value})

    def delete(self, key: bytes) -> None:
        self.write_batch({}, [key])

    def write_batch(self, puts: Puts, deletes: Iterable[bytes] = (),
                    sync: bool | None = None) -> None:
        puts = dict(puts) if not isinstance(puts, dict) else puts
        deletes = list(deletes)
        self._check(puts, deletes)
        self.inner.write_batch(puts, deletes, sync)

    def iterate(self, prefix: bytes = b"") -> Iterator[tuple[bytes, bytes]]:
        return self.inner.iterate(prefix)

    def close(self) -> None:
        self.inner.close()

    @property
    def closed(self) -> bool:
        return self.inner.closed
