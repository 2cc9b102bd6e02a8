"""Copy host files into a Nix store path and make them self-contained.

The offline package set builds store paths from the host's own programs and
libraries (a CPython, Debian packages). Copied as they are, they would still
load the host's libraries from /lib and /usr/lib, which an image does not
have. This script copies the files, bundles the shared libraries their ELF
files load (as the host's `ldd` resolves them) unless a provider store path
already has them, and rewrites each ELF file with patchelf: the interpreter
(PT_INTERP) points at the glibc store path and the run path at the output's
lib/ and the providers' lib/ directories.

Usage: host-copy.py SPEC.json (the output is $out), where SPEC is
  {"copies": [{"from": host path, "to": path in out,
               "exclude": [fnmatch patterns on relative paths]}],
   "debs": [Debian packages whose files are copied too],
   "dirs": {host directory as dpkg lists it: where its files go in out},
   "providers": [store paths whose lib/ is searched before bundling],
   "interpreter": path of ld-linux in the glibc store path, or null,
   "patch": true to bundle and rewrite ELF files,
   "optional": [fnmatch patterns of ELF files left out when the host lacks
                a library they load]}
"""

import fnmatch
import json
import os
import re
import shutil
import stat
import subprocess
import sys

from elf import elf_files, make_writable, patchelf

LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(\S+)")
NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found")


def fail(message):
    print(f"host-copy: {message}", file=sys.stderr)
    sys.exit(1)


def excluded(rel, patterns):
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(os.path.basename(rel), p) for p in patterns)


def copy_entry(src, dst, root, rel, patterns):
    """Copy src to dst; symlinks that stay inside the copied tree are kept."""
    if excluded(rel, patterns):
        return
    st = os.lstat(src)
    if stat.S_ISLNK(st.st_mode):
        target = os.readlink(src)
        resolved = os.path.realpath(os.path.join(os.path.dirname(src), target))
        if not os.path.isabs(target) and resolved.startswith(root + os.sep):
            os.symlink(target, dst)
            return
        if not os.path.exists(src):
            return  # dangling on the host: nothing to copy
        src = resolved
        st = os.stat(src)
    if stat.S_ISDIR(st.st_mode):
        os.makedirs(dst, exist_ok=True)
        for name in sorted(os.listdir(src)):
            copy_entry(os.path.join(src, name), os.path.join(dst, name), root, f"{rel}/{name}" if rel else name, patterns)
    elif stat.S_ISREG(st.st_mode):
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(src, dst)
        os.chmod(dst, 0o755 if st.st_mode & 0o111 else 0o644)


def needed_from_host(path):
    """Sonames and host paths of everything `path` loads, transitively."""
    r = subprocess.run(["ldd", path], capture_output=True, text=True)
    if r.returncode != 0:
        return {}, []  # static, or not loadable here: nothing to bundle
    found, missing = {}, []
    for line in r.stdout.splitlines():
        m = NOT_FOUND.match(line)
        if m:
            missing.append(m.group(1))
            continue
        m = LDD_LINE.match(line)
        if m and m.group(2).startswith("/"):
            found[m.group(1)] = m.group(2)
    return found, missing


def deb_copies(debs, dirs):
    """Files directly under the listed directories of each package (dpkg -L)."""
    for deb in debs:
        listed = subprocess.run(["dpkg", "-L", deb], capture_output=True, text=True)
        if listed.returncode != 0:
            fail(f"dpkg -L {deb}: {listed.stderr.strip()}")
        for f in listed.stdout.split("\n"):
            parent, base = os.path.split(f)
            if parent in dirs and (os.path.isfile(f) or os.path.islink(f)):
                yield {"from": f, "to": os.path.join(dirs[parent], base), "why": f"file of {deb}"}


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    out = os.environ["out"]
    os.makedirs(out, exist_ok=True)
    for c in spec.get("copies", []) + list(deb_copies(spec.get("debs", []), spec.get("dirs", {}))):
        src = c["from"]
        if not os.path.lexists(src):
            fail(f"{src} is not on this machine ({c.get('why', 'needed by the offline package set')})")
        root = os.path.realpath(src)
        copy_entry(src, os.path.join(out, c["to"]), root, "", c.get("exclude", []))

    if not spec.get("patch"):
        return
    libdir = os.path.join(out, "lib")
    provided = set()
    for p in spec["providers"]:
        d = os.path.join(p, "lib")
        if os.path.isdir(d):
            provided.update(os.listdir(d))

    # Bundle what the host resolves and no provider has.
    originals = list(elf_files(out))
    for path in originals:
        found, missing = needed_from_host(path)
        missing = [m for m in missing if m not in provided and not os.path.exists(os.path.join(libdir, m))]
        rel = os.path.relpath(path, out)
        if missing and excluded(rel, spec.get("optional", [])):
            # An optional module (as CPython's extensions are): left out, as
            # a build without that library leaves it out.
            print(f"host-copy: leaving out {rel}: it needs {', '.join(missing)}, which this machine does not have", file=sys.stderr)
            os.remove(path)
            continue
        if missing:
            fail(f"{rel} needs {', '.join(missing)}, which this machine does not have")
        for soname, host_path in sorted(found.items()):
            if soname in provided or os.path.exists(os.path.join(libdir, soname)):
                continue
            os.makedirs(libdir, exist_ok=True)
            shutil.copyfile(host_path, os.path.join(libdir, soname))
            os.chmod(os.path.join(libdir, soname), 0o755)

    runpath = ":".join([libdir] + [os.path.join(p, "lib") for p in spec["providers"]])
    interpreter = spec.get("interpreter")
    for path in elf_files(out):
        make_writable(path)
        code, _ = patchelf("--print-interpreter", path)
        if code == 0 and interpreter:
            code, err = patchelf("--set-interpreter", interpreter, path)
            if code != 0:
                fail(f"patchelf --set-interpreter {path}: {err}")
        code, needed = patchelf("--print-needed", path)
        if code != 0 or not needed:
            continue  # not dynamic
        _, old = patchelf("--print-rpath", path)
        # $ORIGIN entries point inside the package (wheel-style layouts): keep them.
        keep = [e for e in old.split(":") if e.startswith("$ORIGIN")]
        code, err = patchelf("--set-rpath", ":".join(keep + [runpath]), path)
        if code != 0:
            fail(f"patchelf --set-rpath {path}: {err}")


if __name__ == "__main__":
    main()
