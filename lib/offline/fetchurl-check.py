"""Check a wheelhouse file against the hash a lock recorded, before the
offline fetchurl serves it (Nix checks the output again).

Usage: fetchurl-check.py FILE HASH   (sha256:HEX, sha256-BASE64, HEX or Nix base32)
"""

import base64
import hashlib
import sys

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


def expected_digest(h):
    if h.startswith("sha256-"):
        return base64.b64decode(h[len("sha256-"):])
    h = h.removeprefix("sha256:")
    if len(h) == 64:
        return bytes.fromhex(h)
    if len(h) == 52:
        return nix32_decode(h)
    sys.exit(f"fetchurl: unsupported hash {h!r} (expected sha256)")


def main():
    path, h = sys.argv[1], sys.argv[2]
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if digest.digest() != expected_digest(h):
        sys.exit(f"fetchurl: {path} has sha256 {digest.hexdigest()}, but the lock says {h}; delete it and run scripts/fetch-wheels again")


if __name__ == "__main__":
    main()
