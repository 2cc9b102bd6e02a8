"""Download the wheels a model's lock names into the local wheelhouse, with
pip (the ordinary PyPI client), checking each against the lock's sha256.
The offline package set's fetchurl serves them from there; Nix itself never
contacts a Python package index.

Usage: fetch-wheels.py WHEELHOUSE [--json] < wheels.json
  wheels.json: [{"name": FILE, "url": URL, "hash": "sha256:HEX" | "sha256-B64"}]
Progress goes to stderr on a terminal; --json prints one summary object.
"""

import json
import os
import subprocess
import sys
import tempfile

from hashes import expected_hex, sha256_of


def target_flags(filename):
    """pip refuses a wheel for another Python or platform unless told the target."""
    parts = filename[: -len(".whl")].split("-")
    python, abi, platforms = parts[-3], parts[-2], parts[-1]
    if platforms == "any":
        return []
    flags = ["--only-binary=:all:", "--abi", abi]
    for tag in python.split("."):
        if tag.startswith("cp") and tag[2:].isdigit():
            flags += ["--python-version", f"{tag[2]}.{tag[3:]}", "--implementation", "cp"]
            break
    for p in platforms.split("."):
        flags += ["--platform", p]
    return flags


def main():
    wheelhouse = sys.argv[1]
    as_json = "--json" in sys.argv[2:]
    tty = sys.stderr.isatty() and not as_json
    wheels = json.load(sys.stdin)
    os.makedirs(wheelhouse, exist_ok=True)
    fetched, present = [], []
    for i, w in enumerate(sorted(wheels, key=lambda w: w["name"])):
        dest = os.path.join(wheelhouse, w["name"])
        try:
            want = expected_hex(w["hash"])
        except ValueError as e:
            sys.exit(f"fetch-wheels: {w['name']}: {e}")
        if os.path.exists(dest) and sha256_of(dest) == want:
            present.append(w["name"])
            continue
        if tty:
            print(f"[{i + 1}/{len(wheels)}] {w['name']}", file=sys.stderr)
        with tempfile.TemporaryDirectory(dir=wheelhouse, prefix=".fetch-") as tmp:
            requirement = f"{w['name'].split('-')[0]} @ {w['url']}"
            cmd = [sys.executable, "-m", "pip", "--isolated", "download", "--no-deps", "--quiet",
                   "--disable-pip-version-check", "--dest", tmp, *target_flags(w["name"]), requirement]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f"fetch-wheels: pip could not download {w['url']}:\n{r.stderr.strip()}")
            got = os.path.join(tmp, w["name"])
            if not os.path.exists(got):
                files = os.listdir(tmp)
                if len(files) != 1:
                    sys.exit(f"fetch-wheels: pip saved {files} for {w['url']}")
                got = os.path.join(tmp, files[0])
            digest = sha256_of(got)
            if digest != want:
                sys.exit(f"fetch-wheels: {w['url']} has sha256 {digest}, but the lock says {w['hash']}")
            os.replace(got, dest)
        fetched.append(w["name"])
    if as_json:
        print(json.dumps({"wheelhouse": wheelhouse, "fetched": fetched, "present": present}, sort_keys=True))
    elif fetched or tty:
        print(f"fetch-wheels: {len(fetched)} fetched, {len(present)} already in {wheelhouse}", file=sys.stderr)


if __name__ == "__main__":
    main()
