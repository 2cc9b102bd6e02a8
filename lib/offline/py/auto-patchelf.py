"""Make prebuilt ELF files in a store path find their libraries, as nixpkgs'
autoPatchelfHook does: each needed library not found through the file's own
run path is looked up in the output itself, then in the search directories
(buildInputs' lib/, addAutoPatchelfSearchPath); the directory that has it is
appended to the run path. A library found nowhere fails the build unless an
--ignore pattern matches it (driver libraries the host mounts at run time).

Usage: auto-patchelf.py OUT [--search DIR]... [--ignore GLOB]... [--interpreter LDSO]
"""

import argparse
import fnmatch
import os
import sys

from elf import elf_files, make_writable, patchelf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--search", action="append", default=[])
    ap.add_argument("--ignore", action="append", default=[])
    ap.add_argument("--interpreter")
    args = ap.parse_args()

    elves = list(elf_files(args.out))
    own_dirs = []
    for p in elves:
        if ".so" in os.path.basename(p) and os.path.dirname(p) not in own_dirs:
            own_dirs.append(os.path.dirname(p))
    search = own_dirs + [d for d in args.search if os.path.isdir(d)]

    missing = []
    for path in elves:
        code, needed = patchelf("--print-needed", path)
        if code != 0:
            continue
        code, interp = patchelf("--print-interpreter", path)
        if code == 0 and interp and args.interpreter:
            make_writable(path)
            patchelf("--set-interpreter", args.interpreter, path)
        _, old = patchelf("--print-rpath", path)
        origin = os.path.dirname(path)
        rpath = [e for e in old.split(":") if e]
        dirs = [e.replace("$ORIGIN", origin).replace("${ORIGIN}", origin) for e in rpath]
        added = []
        for lib in needed.split():
            if any(os.path.exists(os.path.join(d, lib)) for d in dirs + added):
                continue
            hit = next((d for d in search if os.path.exists(os.path.join(d, lib))), None)
            if hit is not None:
                added.append(hit)
            elif not any(fnmatch.fnmatch(lib, g) or g == "*" for g in args.ignore):
                missing.append((os.path.relpath(path, args.out), lib))
        if added:
            make_writable(path)
            code, _ = patchelf("--set-rpath", ":".join(rpath + added), path)
            if code != 0:
                sys.exit(f"auto-patchelf: patchelf --set-rpath failed on {path}")
    if missing:
        for f, lib in missing:
            print(f"auto-patchelf: {f} needs {lib}, found in no search path", file=sys.stderr)
        sys.exit("auto-patchelf: could not satisfy every dependency (add the package to buildInputs, or to autoPatchelfIgnoreMissingDeps)")


if __name__ == "__main__":
    main()
