"""codec.data / address / hash32 read a well-formed hex string with one bytes.fromhex; what
it would take but geth refuses (whitespace, a non-ASCII digit) keeps geth's error."""
import pytest

from pydevnet.rpc import codec
from pydevnet.rpc.errors import ParamError

A = "ab" * 20


@pytest.mark.parametrize("v, want", [("0x", b""), ("0x00", b"\0"), ("0XaBcD", b"\xab\xcd"),
                                     ("0x" + A, bytes.fromhex(A))])
def test_data(v, want):
    assert codec.data(v) == want


@pytest.mark.parametrize("v, message", [
    ("0x ab", "invalid hex string"), ("0xa b", "invalid hex string"),
    ("0x\tab\n", "invalid hex string"), ("0x\u0660\u0660", "invalid hex string"),
    ("0x0", "hex string of odd length"), ("ab", "hex string without 0x prefix"),
    ("", "empty hex string"), (7, "cannot unmarshal number into bytes: want a hex string")])
def test_data_errors(v, message):
    with pytest.raises(ParamError) as e:
        codec.data(v)
    assert str(e.value) == message


def test_fixed_sizes():
    assert codec.address("0x" + A) == bytes.fromhex(A)
    assert codec.hash32("0x" + "cd" * 32) == b"\xcd" * 32
    for v, message in [("0x" + A[:-2], "hex string has length 38, want 40 for address"),
                       ("0x" + A[:-2] + " a", "invalid hex string"),
                       ("0x" + A[:-1] + " ", "invalid hex string")]:
        with pytest.raises(ParamError) as e:
            codec.address(v)
        assert str(e.value) == message
    with pytest.raises(ParamError, match="want 64 for hash"):
        codec.hash32("0x" + A)
