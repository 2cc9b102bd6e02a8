"""Describe this machine for the offline package set, as JSON on stdout.

The offline set is evaluated in pure mode (as a flake's nixpkgs), where Nix
may not look at host files. What it must know at evaluation time (versions,
which Pythons exist, where the tools are) is probed here, before evaluation;
the files themselves are read only by its builders.

Usage: probe-host.py [--wheelhouse DIR] [--tools-bin DIR]
"""

import argparse
import glob
import json
import os
import platform
import re
import shutil
import subprocess

QUERY = (
    "import json, sys, sysconfig; print(json.dumps({'version': '%d.%d.%d' % sys.version_info[:3], "
    "'final': sys.version_info.releaselevel == 'final', 'implementation': sys.implementation.name, "
    "'prefix': sys.base_prefix, 'ldlibrary': sysconfig.get_config_var('LDLIBRARY') or '', "
    "'libdir': sysconfig.get_config_var('LIBDIR') or ''}))"
)


def python_candidates():
    pyenv = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    # Upstream builds (pyenv) first: closest to nixpkgs' CPython.
    yield from sorted(glob.glob(os.path.join(pyenv, "versions", "3.*", "bin", "python3.[0-9]*")))
    for d in ("/usr/local/bin", "/usr/bin"):
        yield from sorted(glob.glob(os.path.join(d, "python3.[0-9]*")))


def probe_pythons():
    found = {}
    for exe in python_candidates():
        if not re.fullmatch(r"python3\.\d+", os.path.basename(exe)) or not os.access(exe, os.X_OK):
            continue
        r = subprocess.run([exe, "-I", "-c", QUERY], capture_output=True, text=True)
        if r.returncode != 0:
            continue
        info = json.loads(r.stdout)
        if info["implementation"] != "cpython" or not info["final"]:
            continue
        minor = ".".join(info["version"].split(".")[:2])
        if int(minor.split(".")[1]) < 9:
            continue
        info["executable"] = os.path.realpath(exe)
        best = found.get(minor)
        if best is None or tuple(map(int, info["version"].split("."))) > tuple(map(int, best["version"].split("."))):
            found[minor] = info
    return dict(sorted(found.items()))


def debian_packages():
    r = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package}\t${Version}\t${db:Status-Abbrev}\n"], capture_output=True, text=True
    )
    out = {}
    for line in r.stdout.splitlines():
        name, version, status = (line.split("\t") + ["", ""])[:3]
        if status.startswith("ii"):
            out[name.split(":")[0]] = version
    return dict(sorted(out.items()))


def which(name, extra=None):
    path = shutil.which(name, path=os.pathsep.join(filter(None, [extra, os.environ.get("PATH", "")])))
    return os.path.realpath(path) if path else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheelhouse", default=os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "cognix", "wheelhouse"))
    ap.add_argument("--tools-bin", default=None)
    args = ap.parse_args()
    libc = os.confstr("CS_GNU_LIBC_VERSION") or ""
    facts = {
        "system": f"{platform.machine()}-linux",
        "glibc": libc.split(" ")[-1] if libc.startswith("glibc") else None,
        "pythons": probe_pythons(),
        "debian": debian_packages(),
        "tools": {
            "bash": which("bash"),
            "busybox": which("busybox"),
            "ldd": which("ldd"),
            "node": which("node"),
            "patchelf": which("patchelf"),
            # Builders' scripts run with the system's own python3.
            "python3": "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else which("python3"),
            "uv": which("uv", args.tools_bin),
        },
        "wheelhouse": os.path.abspath(args.wheelhouse),
    }
    print(json.dumps(facts, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
