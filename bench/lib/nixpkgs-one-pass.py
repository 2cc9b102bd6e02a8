"""One pass of nixpkgs' stream_layered_image.py over a layer, as documented
there: Python's tarfile, in streaming mode, over each store path and every
file under it in sorted order, into a writer that only feeds sha256. Prints
{"bytes": N, "seconds": S, "digest": "..."} on stdout.

    python3 nixpkgs-one-pass.py PATH...
"""
import hashlib
import json
import os
import sys
import tarfile
import time


class HashSink:
    """A write-only stream that keeps the sha256 and byte count, not the bytes."""

    def __init__(self):
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data):
        self.sha.update(data)
        self.size += len(data)


def tree(root):
    """The root and everything under it (what rglob("*") finds), sorted."""
    if os.path.islink(root) or not os.path.isdir(root):
        return [root]
    found = [root]
    for parent, dirs, files in os.walk(root):
        found.extend(os.path.join(parent, n) for n in dirs + files)
    return sorted(found)


def one_pass(paths, sink):
    with tarfile.open(fileobj=sink, mode="w|") as tar:
        for top in paths:
            for name in tree(top):
                info = tar.gettarinfo(name)
                info.name = "/" + info.name
                info.mtime, info.uid, info.gid, info.uname, info.gname = 1, 0, 0, "root", "root"
                if info.islnk():
                    info.type, info.linkname = tarfile.REGTYPE, ""
                    info.size = os.stat(name).st_size
                if info.isfile():
                    with open(name, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)


def main():
    sink = HashSink()
    start = time.perf_counter()
    one_pass(sys.argv[1:], sink)
    seconds = time.perf_counter() - start
    json.dump({"bytes": sink.size, "seconds": seconds, "digest": sink.sha.hexdigest()}, sys.stdout)


if __name__ == "__main__":
    main()
