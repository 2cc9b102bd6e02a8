"""ELF files and patchelf, for host-copy.py and auto-patchelf.py."""

import os
import subprocess


def is_elf(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(root):
    """Regular ELF files below root, in a stable order."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            p = os.path.join(dirpath, name)
            if not os.path.islink(p) and is_elf(p):
                yield p


def patchelf(*args):
    """(exit code, stdout) of patchelf."""
    r = subprocess.run(["patchelf", *args], capture_output=True, text=True)
    return r.returncode, r.stdout.strip() or r.stderr.strip()


def make_writable(path):
    os.chmod(path, os.stat(path).st_mode | 0o200)
