#!/usr/bin/env python3
"""Downloads a model's run-time weights before its server starts.

Reads the manifest written by cognix (sets of files with size, sha256 and
URLs), downloads missing files in parallel with HTTP Range requests into
<target>/.partial/, resumes from what an earlier run left there, checks each
file's sha256 and renames it into place. With `-- CMD...` it then execs CMD.

Python >= 3.8, standard library only: the image already has Python.

Exit codes: 0 done, 1 a download or check failed, 2 a bad manifest or usage.
"""

import argparse
import hashlib
import json
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
NAME_RE = re.compile(r"^[a-z0-9]+([._-][a-z0-9]+)*$")
PARTIAL_DIR = ".partial"
BLOCK = 1 << 20
# Progress of a chunk is saved at most this often, so a killed run loses little.
STATE_EVERY = 8 << 20


class ManifestError(Exception):
    """The manifest (or a destination) is unusable: exit 2."""


class DownloadError(Exception):
    """A file could not be downloaded or did not verify: exit 1."""


# ---------------------------------------------------------------- manifest


def check_rel_path(where, path):
    if not isinstance(path, str) or path == "":
        raise ManifestError("%s: path must be a non-empty string" % where)
    if path.startswith("/") or "\\" in path or "\0" in path:
        raise ManifestError("%s: path %r must be relative, with '/' separators" % (where, path))
    for seg in path.split("/"):
        if seg in ("", ".", ".."):
            raise ManifestError("%s: path %r has an empty, '.' or '..' segment" % (where, path))
    if path.split("/")[0] == PARTIAL_DIR:
        raise ManifestError("%s: path %r is inside the reserved %s directory" % (where, path, PARTIAL_DIR))
    return path


def check_target(where, target):
    if not isinstance(target, str) or not target.startswith("/") or target == "/":
        raise ManifestError("%s: target %r must be an absolute directory other than /" % (where, target))
    for seg in target.split("/")[1:]:
        if seg in ("", ".", "..") or "\0" in seg:
            raise ManifestError("%s: target %r has an empty, '.' or '..' segment" % (where, target))
    return target


def load_manifest(path):
    try:
        with open(path, "rb") as f:
            data = json.loads(f.read().decode("utf-8"))
    except OSError as e:
        raise ManifestError("%s: cannot read manifest: %s" % (path, e.strerror or e))
    except ValueError as e:
        raise ManifestError("%s: not valid JSON: %s" % (path, e))
    if not isinstance(data, dict) or data.get("formatVersion") != 1:
        raise ManifestError("%s: formatVersion must be 1" % path)
    sets = data.get("sets")
    if not isinstance(sets, list):
        raise ManifestError("%s: sets must be a list" % path)
    seen_targets = {}
    for i, s in enumerate(sets):
        where = "%s: sets[%d]" % (path, i)
        if not isinstance(s, dict):
            raise ManifestError("%s: must be an object" % where)
        name = s.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise ManifestError("%s: name %r is not a valid weight name" % (where, name))
        target = check_target(where, s.get("target"))
        for other, other_name in seen_targets.items():
            if target == other or target.startswith(other + "/") or other.startswith(target + "/"):
                raise ManifestError("%s: target %s overlaps set %s's %s" % (where, target, other_name, other))
        seen_targets[target] = name
        files = s.get("files")
        if not isinstance(files, list):
            raise ManifestError("%s: files must be a list" % where)
        paths = set()
        for j, f in enumerate(files):
            fwhere = "%s.files[%d]" % (where, j)
            if not isinstance(f, dict):
                raise ManifestError("%s: must be an object" % fwhere)
            p = check_rel_path(fwhere, f.get("path"))
            if p in paths:
                raise ManifestError("%s: duplicate path %r" % (fwhere, p))
            for q in paths:
                if q.startswith(p + "/") or p.startswith(q + "/"):
                    raise ManifestError("%s: path %r is both a file and a directory" % (fwhere, p))
            paths.add(p)
            size = f.get("size")
            if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                raise ManifestError("%s: size must be a non-negative integer" % fwhere)
            sha = f.get("sha256")
            if not isinstance(sha, str) or not SHA256_RE.match(sha):
                raise ManifestError("%s: sha256 must be 64 lowercase hex digits" % fwhere)
            urls = f.get("urls")
            if not isinstance(urls, list) or not urls:
                raise ManifestError("%s: urls must be a non-empty list" % fwhere)
            for u in urls:
                if not isinstance(u, str) or urllib.parse.urlsplit(u).scheme not in ("http", "https"):
                    raise ManifestError("%s: url %r must be http(s)" % (fwhere, u))
    return sets


# ------------------------------------------------------------ destinations


def safe_dir(base, rel_parts, where):
    """Creates base/rel_parts one component at a time, refusing symlinks so
    nothing is ever written outside `base`. Returns the directory path."""
    cur = base
    for part in rel_parts:
        cur = os.path.join(cur, part)
        try:
            st = os.lstat(cur)
        except FileNotFoundError:
            try:
                os.mkdir(cur, 0o755)
            except FileExistsError:
                pass
            st = os.lstat(cur)
        if os.path.islink(cur) or not os.path.isdir(cur):
            raise ManifestError("%s: %s is a symlink or not a directory; refusing to write through it" % (where, cur))
        del st
    return cur


def set_root(root, target, where):
    """The set's destination directory, created without following symlinks
    below `root`."""
    root_real = os.path.realpath(root)
    os.makedirs(root_real, exist_ok=True)
    return safe_dir(root_real, target.strip("/").split("/"), where)


# ---------------------------------------------------------------- HTTP


def auth_header(url):
    host = urllib.parse.urlsplit(url).hostname or ""
    token = os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN")
    hf_hosts = ("huggingface.co", "hf.co", urllib.parse.urlsplit(os.environ.get("HF_ENDPOINT", "")).hostname)
    if token and (host in hf_hosts or host.endswith(".huggingface.co")):
        return "Bearer " + token
    token = os.environ.get("COGNIX_WEIGHTS_TOKEN")
    if token:
        return "Bearer " + token
    return None


_registry_tokens = {}
_registry_lock = threading.Lock()


def registry_token(challenge, timeout):
    """Anonymous (or COGNIX_WEIGHTS_REGISTRY_AUTH basic) token for an OCI
    registry's `WWW-Authenticate: Bearer realm=…,service=…,scope=…`."""
    params = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
    realm = params.pop("realm", None)
    if not realm:
        return None
    key = (realm, params.get("service"), params.get("scope"))
    with _registry_lock:
        if key in _registry_tokens:
            return _registry_tokens[key]
    query = urllib.parse.urlencode(sorted(params.items()))
    req = urllib.request.Request(realm + ("&" if "?" in realm else "?") + query)
    basic = os.environ.get("COGNIX_WEIGHTS_REGISTRY_AUTH")
    if basic:
        import base64
        req.add_header("Authorization", "Basic " + base64.b64encode(basic.encode()).decode())
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        body = json.loads(resp.read().decode("utf-8"))
    token = body.get("token") or body.get("access_token")
    with _registry_lock:
        _registry_tokens[key] = token
    return token


def open_range(url, start, end, timeout):
    """GET url for bytes [start, end). Returns (response, skip) where skip is
    how many leading bytes to drop (servers that ignore Range send it all)."""
    headers = {"User-Agent": "cognix-weights/1", "Accept-Encoding": "identity"}
    if end > start:
        headers["Range"] = "bytes=%d-%d" % (start, end - 1)
    bearer = auth_header(url)
    for attempt in (0, 1):
        req = urllib.request.Request(url, headers=headers)
        if bearer:
            # Not carried over redirects: presigned CDN URLs reject extra auth.
            req.add_unredirected_header("Authorization", bearer)
        try:
            resp = urllib.request.urlopen(req, timeout=timeout)
        except urllib.error.HTTPError as e:
            challenge = e.headers.get("WWW-Authenticate", "") if e.headers else ""
            if e.code == 401 and attempt == 0 and challenge.lower().startswith("bearer "):
                token = registry_token(challenge[7:], timeout)
                if token:
                    bearer = "Bearer " + token
                    continue
            raise
        if resp.status == 206:
            m = re.match(r"bytes (\d+)-(\d+)/", resp.headers.get("Content-Range", ""))
            if not m or int(m.group(1)) != start:
                resp.close()
                raise DownloadError("server answered range %d- with Content-Range %r"
                                    % (start, resp.headers.get("Content-Range")))
            return resp, 0
        if resp.status == 200:
            return resp, start
        resp.close()
        raise DownloadError("unexpected HTTP status %d" % resp.status)
    raise DownloadError("registry authentication failed")


# ---------------------------------------------------------------- jobs


class FileJob:
    """One distinct file (by sha256) of a set, split into chunks."""

    def __init__(self, set_name, dest, entry, chunk_size):
        self.set_name = set_name
        self.dest = dest
        self.sha256 = entry["sha256"]
        self.size = entry["size"]
        self.urls = entry["urls"]
        self.paths = [entry["path"]]
        self.chunk_size = chunk_size
        partial = os.path.join(dest, PARTIAL_DIR)
        self.part = os.path.join(partial, self.sha256 + ".part")
        self.state_path = self.part + ".state"
        n = max(1, -(-self.size // chunk_size))
        self.chunks = [(i * chunk_size, min(self.size, (i + 1) * chunk_size)) for i in range(n)]
        self.done = [0] * n
        self.lock = threading.Lock()
        self.remaining = n
        self.failed = None

    def label(self):
        return "%s/%s" % (self.set_name, self.paths[0])

    def load_state(self):
        """Resumes from a previous run's partial file, if it matches. The
        state lists byte intervals already written, so a run with another
        chunk size still resumes."""
        try:
            with open(self.state_path, "r") as f:
                st = json.load(f)
            if st.get("size") == self.size and os.path.getsize(self.part) == self.size:
                intervals = [(int(a), int(b)) for a, b in st.get("written", [])]
                for i, (s, e) in enumerate(self.chunks):
                    for a, b in intervals:
                        if a <= s < b:
                            self.done[i] = min(b, e) - s
                            break
                return
        except (OSError, ValueError, TypeError):
            pass
        self.done = [0] * len(self.chunks)
        fd = os.open(self.part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.ftruncate(fd, self.size)
        finally:
            os.close(fd)
        self.save_state()

    def save_state(self):
        tmp = self.state_path + ".tmp"
        with open(tmp, "w") as f:
            written = [[s, s + d] for (s, _), d in zip(self.chunks, self.done) if d > 0]
            json.dump({"size": self.size, "written": written}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.state_path)

    def bytes_done(self):
        return sum(self.done)


class Downloader:
    def __init__(self, args, progress):
        self.args = args
        self.progress = progress
        self.total = 0
        self.completed = 0
        self.lock = threading.Lock()
        self.errors = []
        self.downloaded_files = 0
        self.skipped_files = 0

    def add_bytes(self, n):
        with self.lock:
            self.completed += n
        self.progress.update(self.completed, self.total)

    def fetch_chunk(self, job, idx):
        start, end = job.chunks[idx]
        last_error, last_url = None, job.urls[0]
        for url in job.urls:
            failures = 0
            while job.done[idx] < end - start and job.failed is None:
                if failures > self.args.retries:
                    break
                if failures:
                    time.sleep(min(self.args.backoff * (2 ** (failures - 1)), 30.0))
                before = job.done[idx]
                last_url = url
                try:
                    self.fetch_range(job, idx, url)
                    if job.done[idx] >= end - start:
                        return
                    last_error = "connection closed after %d of %d bytes" % (start + job.done[idx], job.size)
                except urllib.error.HTTPError as e:
                    last_error = "HTTP %d %s" % (e.code, e.reason)
                    if e.code in (401, 403, 404, 410):
                        break  # Retrying cannot help; try the next URL.
                except (urllib.error.URLError, OSError, DownloadError) as e:
                    last_error = str(getattr(e, "reason", None) or e)
                # A connection that made progress is not counted as a failure.
                failures = 0 if job.done[idx] > before else failures + 1
            if job.done[idx] >= end - start or job.failed is not None:
                return
        raise DownloadError("%s: download failed from %s: %s" % (job.label(), last_url, last_error))

    def fetch_range(self, job, idx, url):
        start, end = job.chunks[idx]
        offset = start + job.done[idx]
        resp, skip = open_range(url, offset, end, self.args.timeout)
        fd = os.open(job.part, os.O_WRONLY)
        since_save = 0
        try:
            with resp:
                while skip > 0:
                    buf = resp.read(min(BLOCK, skip))
                    if not buf:
                        return
                    skip -= len(buf)
                while offset < end:
                    buf = resp.read(min(BLOCK, end - offset))
                    if not buf:
                        break
                    os.pwrite(fd, buf, offset)
                    offset += len(buf)
                    job.done[idx] += len(buf)
                    since_save += len(buf)
                    self.add_bytes(len(buf))
                    if since_save >= STATE_EVERY:
                        os.fsync(fd)
                        with job.lock:
                            job.save_state()
                        since_save = 0
        finally:
            os.fsync(fd)
            os.close(fd)
            with job.lock:
                job.save_state()

    def finish(self, job):
        h = hashlib.sha256()
        with open(job.part, "rb") as f:
            while True:
                buf = f.read(BLOCK)
                if not buf:
                    break
                h.update(buf)
        got = h.hexdigest()
        if got != job.sha256:
            # Corrupt bytes must not be resumed from.
            for p in (job.part, job.state_path):
                try:
                    os.unlink(p)
                except OSError:
                    pass
            raise DownloadError("%s: sha256 mismatch for %s: expected %s, got %s"
                                % (job.label(), " or ".join(job.urls), job.sha256, got))
        first = None
        for rel in job.paths:
            parts = rel.split("/")
            parent = safe_dir(job.dest, parts[:-1], "%s/%s" % (job.set_name, rel))
            final = os.path.join(parent, parts[-1])
            if os.path.islink(final) or os.path.isdir(final):
                raise ManifestError("%s/%s: %s is a symlink or directory; refusing to replace it"
                                    % (job.set_name, rel, final))
            if first is None:
                os.chmod(job.part, 0o644)
                os.replace(job.part, final)
                first = final
            else:
                tmp = final + ".cognix-tmp"
                with open(first, "rb") as src, open(tmp, "wb") as dst:
                    while True:
                        buf = src.read(BLOCK)
                        if not buf:
                            break
                        dst.write(buf)
                    dst.flush()
                    os.fsync(dst.fileno())
                os.replace(tmp, final)
        try:
            os.unlink(job.state_path)
        except OSError:
            pass
        dir_fd = os.open(job.dest, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def run_chunk(self, job, idx):
        try:
            self.fetch_chunk(job, idx)
        except (DownloadError, ManifestError, OSError) as e:
            with job.lock:
                if job.failed is None:
                    job.failed = e
            return
        with job.lock:
            job.remaining -= 1
            last = job.remaining == 0 and job.failed is None
        if last:
            try:
                self.finish(job)
                with self.lock:
                    self.downloaded_files += len(job.paths)
            except (DownloadError, ManifestError, OSError) as e:
                job.failed = e

    def plan(self, sets):
        jobs = []
        for i, s in enumerate(sets):
            where = "sets[%d] (%s)" % (i, s["name"])
            dest = set_root(self.args.root, s["target"], where)
            by_sha = {}
            for f in s["files"]:
                parts = f["path"].split("/")
                parent = safe_dir(dest, parts[:-1], "%s/%s" % (s["name"], f["path"]))
                final = os.path.join(parent, parts[-1])
                if os.path.islink(final):
                    raise ManifestError("%s/%s: %s is a symlink; refusing to use it" % (s["name"], f["path"], final))
                if os.path.isfile(final) and os.path.getsize(final) == f["size"] and (
                        not self.args.verify_existing or sha256_file(final) == f["sha256"]):
                    self.skipped_files += 1
                    continue
                job = by_sha.get(f["sha256"])
                if job is None:
                    job = FileJob(s["name"], dest, f, self.args.chunk_size)
                    by_sha[f["sha256"]] = job
                    jobs.append(job)
                else:
                    job.paths.append(f["path"])
            if by_sha:
                safe_dir(dest, [PARTIAL_DIR], where)
        return jobs

    def run(self, sets):
        jobs = self.plan(sets)
        for job in jobs:
            job.load_state()
            self.total += job.size
            self.completed += job.bytes_done()
        tasks = [(job, i) for job in jobs for i in range(len(job.chunks))]
        with ThreadPoolExecutor(max_workers=self.args.jobs) as pool:
            for f in [pool.submit(self.run_chunk, job, i) for job, i in tasks]:
                f.result()
        self.progress.done()
        for job in jobs:
            if job.failed is not None:
                self.errors.append(str(job.failed))
        for job in jobs:
            if job.failed is None:
                cleanup_partial(job.dest)
        return not self.errors


def cleanup_partial(dest):
    try:
        os.rmdir(os.path.join(dest, PARTIAL_DIR))
    except OSError:
        pass


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            buf = f.read(BLOCK)
            if not buf:
                return h.hexdigest()
            h.update(buf)


# ---------------------------------------------------------------- output


class Progress:
    """A single updating line on a terminal; silent otherwise."""

    def __init__(self, enabled):
        self.enabled = enabled
        self.last = 0.0
        self.lock = threading.Lock()

    def update(self, done, total):
        if not self.enabled:
            return
        now = time.monotonic()
        with self.lock:
            if now - self.last < 0.2 and done < total:
                return
            self.last = now
            pct = 100.0 * done / total if total else 100.0
            sys.stderr.write("\rweights: %s / %s (%.0f%%)" % (human(done), human(total), pct))
            sys.stderr.flush()

    def done(self):
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


def human(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return ("%d %s" % (n, unit)) if unit == "B" else ("%.1f %s" % (n, unit))
        n /= 1024.0
    return str(n)


def parse_args(argv):
    cmd = []
    if "--" in argv:
        i = argv.index("--")
        argv, cmd = argv[:i], argv[i + 1:]
    p = argparse.ArgumentParser(prog="weights_downloader", description=__doc__.split("\n")[0])
    p.add_argument("--manifest", default=os.environ.get("COGNIX_WEIGHTS_MANIFEST"))
    p.add_argument("--root", default=os.environ.get("COGNIX_WEIGHTS_ROOT", "/"),
                   help="directory prepended to every target (default: $COGNIX_WEIGHTS_ROOT or /)")
    p.add_argument("--jobs", type=int, default=int(os.environ.get("COGNIX_WEIGHTS_JOBS", "8")))
    p.add_argument("--chunk-size", type=int, default=64 << 20)
    p.add_argument("--retries", type=int, default=5)
    p.add_argument("--backoff", type=float, default=0.5, help="first retry delay in seconds (doubles)")
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--verify-existing", action="store_true", help="re-hash files already in place")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    args = p.parse_args(argv)
    if not args.manifest:
        p.error("--manifest (or COGNIX_WEIGHTS_MANIFEST) is required")
    if args.jobs < 1 or args.chunk_size < 1 or args.retries < 0:
        p.error("--jobs and --chunk-size must be >= 1, --retries >= 0")
    return args, cmd


def main(argv):
    args, cmd = parse_args(argv)
    progress = Progress(sys.stderr.isatty() and not args.json)
    dl = Downloader(args, progress)
    try:
        sets = load_manifest(args.manifest)
        ok = dl.run(sets)
    except ManifestError as e:
        sys.stderr.write("weights: error: %s\n" % e)
        if args.json:
            sys.stdout.write(json.dumps({"ok": False, "errors": [str(e)]}, sort_keys=True) + "\n")
        return 2
    except OSError as e:
        sys.stderr.write("weights: error: %s\n" % e)
        return 1
    if args.json:
        sys.stdout.write(json.dumps({"ok": ok, "downloaded": dl.downloaded_files, "skipped": dl.skipped_files,
                                     "bytes": dl.total, "errors": dl.errors}, sort_keys=True) + "\n")
    for err in dl.errors:
        sys.stderr.write("weights: error: %s\n" % err)
    if not ok:
        return 1
    if cmd:
        sys.stdout.flush()
        sys.stderr.flush()
        os.execvp(cmd[0], cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
