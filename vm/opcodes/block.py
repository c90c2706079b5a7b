"""Block information: BLOCKHASH ... BLOBBASEFEE (0x40-0x4a, SELFBALANCE aside). PREVRANDAO
(EIP-4399) replaces DIFFICULTY; BLOBHASH is EIP-4844's, BLOBBASEFEE EIP-7516's."""
from pydevnet.vm.opcodes.environment import push_word

BLOCKHASH_WINDOW = 256


def blockhash(f, pc):
    s = f.stack
    n = s[-1]
    cur = f.block.number
    h = None
    if cur - BLOCKHASH_WINDOW <= n < cur:
        h = f.block.block_hash(n)
    s[-1] = int.from_bytes(h, "big") if h else 0
    return pc + 1


def coinbase(f, pc):
    return push_word(f, pc, int.from_bytes(f.block.coinbase, "big"))


def timestamp(f, pc):
    return push_word(f, pc, f.block.timestamp)


def number(f, pc):
    return push_word(f, pc, f.block.number)


def prevrandao(f, pc):
    return push_word(f, pc, f.block.prevrandao)


def gaslimit(f, pc):
    return push_word(f, pc, f.block.gas_limit)


def chainid(f, pc):
    return push_word(f, pc, f.block.chain_id)


def basefee(f, pc):
    return push_word(f, pc, f.block.base_fee)


def blobhash(f, pc):
    s = f.stack
    i = s[-1]
    hashes = f.tx.blob_hashes
    s[-1] = int.from_bytes(hashes[i], "big") if i < len(hashes) else 0
    return pc + 1


def blobbasefee(f, pc):
    return push_word(f, pc, f.block.blob_base_fee)
