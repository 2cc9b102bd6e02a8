"""sha256 of files and the hash notations locks use, for fetchurl-check.py
and fetch-wheels.py: sha256:HEX, sha256-BASE64 (SRI), HEX, Nix base32."""

import base64
import hashlib

NIX32 = "0123456789abcdfghijklmnpqrsvwxyz"


def nix32_decode(s):
    out = bytearray(32)
    for n, c in enumerate(reversed(s)):
        digit = NIX32.index(c)
        b = n * 5
        i, j = b // 8, b % 8
        out[i] |= (digit << j) & 0xFF
        if i + 1 < 32:
            out[i + 1] |= digit >> (8 - j)
    return bytes(out)


def expected_hex(h):
    """The hex sha256 a hash notation names; ValueError for anything else."""
    if h.startswith("sha256-"):
        return base64.b64decode(h[len("sha256-"):]).hex()
    bare = h.removeprefix("sha256:")
    if len(bare) == 64:
        return bytes.fromhex(bare).hex()
    if len(bare) == 52:
        return nix32_decode(bare).hex()
    raise ValueError(f"unsupported hash {h!r} (expected sha256)")


def sha256_of(path):
    d = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            d.update(block)
    return d.hexdigest()
