"""Check a wheelhouse file against the hash a lock recorded, before the
offline fetchurl serves it (Nix checks the output again).

Usage: fetchurl-check.py FILE HASH
"""

import sys

from hashes import expected_hex, sha256_of


def main():
    path, h = sys.argv[1], sys.argv[2]
    try:
        want = expected_hex(h)
    except ValueError as e:
        sys.exit(f"fetchurl: {e}")
    got = sha256_of(path)
    if got != want:
        sys.exit(f"fetchurl: {path} has sha256 {got}, but the lock says {h}; delete it and run scripts/fetch-wheels again")


if __name__ == "__main__":
    main()
