"""The undo journal of StateDB (the revm habit): every change appends an entry whose first element
is the function that undoes it; a checkpoint is just the journal's length, and reverting to it
replays entries backwards. Warm-set additions, transient storage, logs and the refund counter are
journaled like balances and storage, so one mechanism reverts a failed call frame completely.
"""
from typing import Any

# The RIPEMD-160 precompile, 0x03. Mainnet block 2675119 cleared it as an empty account although the
# call that touched it ran out of gas; to preserve that history the touch of 0x03 survives a revert
# (execution-specs' incorporate_child_on_error, geth's touchChange).
RIPEMD160_ADDRESS = (3).to_bytes(20, "big")


def undo_balance(db: Any, e: tuple) -> None:
    e[1].balance = e[2]


def undo_nonce(db: Any, e: tuple) -> None:
    e[1].nonce = e[2]


def undo_storage(db: Any, e: tuple) -> None:
    e[1].storage[e[2]] = e[3]


def undo_code(db: Any, e: tuple) -> None:
    obj = e[1]
    obj.code = e[2]
    obj.code_hash = e[3]


def undo_object(db: Any, e: tuple) -> None:
    """An account was created, replaced or removed: put back the previous object (or None)."""
    db._objs[e[1]] = e[2]


def undo_warm_address(db: Any, e: tuple) -> None:
    db.warm_addresses.discard(e[1])


def undo_warm_slot(db: Any, e: tuple) -> None:
    db.warm_slots.discard(e[1])


def undo_transient(db: Any, e: tuple) -> None:
    if e[2]:
        db.transient[e[1]] = e[2]
    else:
        db.transient.pop(e[1], None)


def undo_log(db: Any, e: tuple) -> None:
    db.logs.pop()


def undo_refund(db: Any, e: tuple) -> None:
    db.refund = e[1]


def undo_touch(db: Any, e: tuple) -> None:
    if e[1] != RIPEMD160_ADDRESS:
        db.touched.discard(e[1])


def undo_created(db: Any, e: tuple) -> None:
    db.created.discard(e[1])


def undo_destructed(db: Any, e: tuple) -> None:
    db.destructed.discard(e[1])
