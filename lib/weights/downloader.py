#!/usr/bin/env python3
"""Downloads a model's run-time weights before its server starts.

Reads the manifest written by cognix (sets of files with size, sha256 and
URLs), downloads missing files in parallel with HTTP Range requests into
<target>/.partial/, resumes from what an earlier run left there, checks each
file's sha256 and renames it into place. With `-- CMD...` it then execs CMD.

Nothing is written outside a target: directories are opened one component at
a time without following symlinks, and the files in .partial are the
downloader's own (a symlink, hard link or FIFO found there is removed, never
written through). A file already in place is trusted only when its sha256 was
checked, by this run or by an earlier one that recorded the file's identity
in <target>/.cognix-verified.json.

Every request has a deadline nothing extends (--timeout, plus its bytes at
--min-speed); a server that breaks HTTP is left for the next URL. Tokens go
only to the host of the URL they are for: HF_TOKEN to HuggingFace,
COGNIX_WEIGHTS_TOKEN to the manifest's own URLs, and a registry's Bearer
token to that registry, never to a host it redirects to. A token realm must
be https (plain http only on loopback or with --insecure).

Python >= 3.8, standard library only: the image already has Python.

Exit codes: 0 done, 1 a download or check failed, 2 a bad manifest or usage.
"""

import argparse
import base64
import errno
import hashlib
import http.client
import ipaddress
import json
import os
import re
import socket
import ssl
import stat
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
NAME_RE = re.compile(r"^[a-z0-9]+([._-][a-z0-9]+)*$")
# The characters `cognix lock` and the Nix side allow in a weight file path.
SAFE_SEGMENT_RE = re.compile(r"^[A-Za-z0-9._+=@,~-]+$")
PARTIAL_DIR = ".partial"
STAMP_FILE = ".cognix-verified.json"
RESERVED = (PARTIAL_DIR, STAMP_FILE)
BLOCK = 1 << 20
# Progress of a chunk is saved at most this often, so a killed run loses little.
STATE_EVERY = 8 << 20
MAX_REDIRECTS = 5
# Token answers and the downloader's own small files.
MAX_SMALL = 16 << 20
REDIRECTS = (301, 302, 303, 307, 308)
# Answers after which this URL cannot help; the next one is tried.
FINAL_STATUSES = (401, 403, 404, 410)


class ManifestError(Exception):
    """The manifest (or a destination) is unusable: exit 2."""


class DownloadError(Exception):
    """A file could not be downloaded or did not verify: exit 1."""


class UrlUnusable(DownloadError):
    """The server broke HTTP or asked for something refused: try the next URL."""


class TimedOut(DownloadError):
    """A request ran past its deadline."""


class HttpStatus(DownloadError):
    def __init__(self, code, reason):
        DownloadError.__init__(self, "HTTP %d %s" % (code, reason))
        self.code = code


# ---------------------------------------------------------------- manifest


def check_rel_path(where, path):
    if not isinstance(path, str) or path == "":
        raise ManifestError("%s: path must be a non-empty string" % where)
    if path.startswith("/") or "\\" in path or "\0" in path:
        raise ManifestError("%s: path %r must be relative, with '/' separators" % (where, path))
    segs = path.split("/")
    for seg in segs:
        if seg in ("", ".", ".."):
            raise ManifestError("%s: path %r has an empty, '.' or '..' segment" % (where, path))
    for seg in segs:
        if not SAFE_SEGMENT_RE.match(seg):
            raise ManifestError("%s: path %r has characters other than letters, digits and . _ - + = @ , ~" % (where, path))
    if segs[0] in RESERVED:
        raise ManifestError("%s: path %r is the reserved %s" % (where, path, segs[0]))
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
            data = json.loads(f.read(MAX_SMALL * 4).decode("utf-8"))
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


# ------------------------------------------------------------ directories

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def open_dir(base_fd, base_path, parts, where):
    """Opens (creating) base/parts one component at a time, refusing
    symlinks, so nothing is ever reached outside `base`. Returns
    (fd, path); the caller closes fd."""
    fd = os.dup(base_fd)
    path = base_path
    try:
        for part in parts:
            path = os.path.join(path, part)
            try:
                nfd = os.open(part, DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                try:
                    os.mkdir(part, 0o755, dir_fd=fd)
                except FileExistsError:
                    pass
                nfd = open_existing_dir(fd, part, path, where)
            except OSError as e:
                if e.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise ManifestError("%s: %s is a symlink or not a directory; refusing to write through it" % (where, path))
                raise
            os.close(fd)
            fd = nfd
    except BaseException:
        os.close(fd)
        raise
    return fd, path


def open_existing_dir(fd, part, path, where):
    try:
        return os.open(part, DIR_FLAGS, dir_fd=fd)
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.ENOTDIR):
            raise ManifestError("%s: %s is a symlink or not a directory; refusing to write through it" % (where, path))
        raise


def open_root(root):
    real = os.path.realpath(root)
    os.makedirs(real, exist_ok=True)
    return os.open(real, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC), real


# ------------------------------------------------- the downloader's own files


def remove_entry(dir_fd, name):
    try:
        os.unlink(name, dir_fd=dir_fd)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        raise DownloadError("%s is a directory where the downloader keeps a file" % name)


def open_own_file(dir_fd, name):
    """A regular file, with one link, that only this downloader writes;
    anything else under that name (a symlink, a hard link to some other
    file, a FIFO) is removed, never written through. Returns (fd, existed)."""
    flags = os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(name, flags, dir_fd=dir_fd)
    except FileNotFoundError:
        fd = None
    except OSError as e:
        if e.errno not in (errno.ELOOP, errno.EISDIR, errno.ENXIO, errno.EACCES, errno.EPERM, errno.ETXTBSY):
            raise
        fd = None
        remove_entry(dir_fd, name)
    if fd is not None:
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode) and st.st_nlink == 1:
            return fd, True
        os.close(fd)
        remove_entry(dir_fd, name)
    return os.open(name, flags | os.O_CREAT | os.O_EXCL, 0o644, dir_fd=dir_fd), False


def open_regular(dir_fd, name):
    """(fd, stat) of dir/name opened for reading when it is a regular file,
    else None: a link is not followed, and a FIFO does not block the open."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
    except OSError:
        os.close(fd)
        raise
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        return None
    return fd, st


def read_small(dir_fd, name):
    """The bytes of a small regular file (not followed through a link), or None."""
    opened = open_regular(dir_fd, name)
    if opened is None:
        return None
    fd, st = opened
    try:
        if st.st_size > MAX_SMALL:
            return None
        chunks = []
        while True:
            buf = os.read(fd, BLOCK)
            if not buf:
                return b"".join(chunks)
            chunks.append(buf)
    finally:
        os.close(fd)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def replace_with(dir_fd, name, fill):
    """Replaces dir/name with what `fill(fd)` writes, through a temporary file
    of a fresh name, created exclusively: a planted link is replaced, never
    followed."""
    tmp = "%s.%d-%s.tmp" % (name, os.getpid(), os.urandom(6).hex())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644, dir_fd=dir_fd)
    try:
        fill(fd)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        remove_entry(dir_fd, tmp)
        raise
    os.close(fd)
    os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)


def write_atomic(dir_fd, name, data):
    """Replaces dir/name with `data`."""
    replace_with(dir_fd, name, lambda fd: write_all(fd, data))


TMP_RE = re.compile(r"\.\d+-[0-9a-f]{12}\.tmp$")


def remove_stale_tmp(dir_fd):
    """Temporary files a killed run left."""
    for name in os.listdir(dir_fd):
        if TMP_RE.search(name):
            remove_entry(dir_fd, name)


def sha256_fd(fd):
    h = hashlib.sha256()
    off = 0
    while True:
        buf = os.pread(fd, BLOCK, off)
        if not buf:
            return h.hexdigest()
        h.update(buf)
        off += len(buf)


# ---------------------------------------------------------------- stamps


def identity(st):
    """What changes whenever a file's bytes may have: ctime cannot be set back."""
    return [st.st_size, st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns]


def load_stamps(dest_fd):
    raw = read_small(dest_fd, STAMP_FILE)
    if raw is None:
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
        files = data.get("files") if data.get("formatVersion") == 1 else None
        return dict(files) if isinstance(files, dict) else {}
    except (ValueError, AttributeError, TypeError):
        return {}


def save_stamps(dest_fd, stamps):
    body = json.dumps({"formatVersion": 1, "files": stamps}, sort_keys=True).encode("utf-8")
    write_atomic(dest_fd, STAMP_FILE, body)


# ---------------------------------------------------------------- HTTP


def origin(url):
    p = urllib.parse.urlsplit(url)
    return (p.scheme, p.hostname, p.port or (443 if p.scheme == "https" else 80))


def is_loopback(host):
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Exchange:
    """One HTTP GET with a deadline nothing extends: a timer shuts the
    socket when it passes, however the peer trickles its bytes."""

    def __init__(self, url, headers, args, budget):
        p = urllib.parse.urlsplit(url)
        if p.scheme == "https":
            self.conn = http.client.HTTPSConnection(p.hostname, p.port, timeout=args.timeout, context=ssl.create_default_context())
        else:
            self.conn = http.client.HTTPConnection(p.hostname, p.port, timeout=args.timeout)
        self.url = url
        self.budget = budget
        self.expired = False
        self.started = time.monotonic()
        self.timer = threading.Timer(budget, self._expire)
        self.timer.daemon = True
        self.timer.start()
        target = (p.path or "/") + ("?" + p.query if p.query else "")
        try:
            self.conn.request("GET", target, headers=headers)
            self.resp = self.conn.getresponse()
        except BaseException as e:
            self.close()
            raise self.failure(e)

    def _expire(self):
        self.expired = True
        sock = self.conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def extend(self, seconds):
        """More time, for bytes the server sends that were not asked for."""
        self.timer.cancel()
        remaining = self.budget - (time.monotonic() - self.started)
        self.budget += seconds
        self.timer = threading.Timer(max(0.0, remaining + seconds), self._expire)
        self.timer.daemon = True
        self.timer.start()

    def failure(self, e):
        """The error to report for `e`, which a deadline may have caused."""
        if self.expired:
            return TimedOut("timed out after %.0f s" % self.budget)
        if isinstance(e, socket.timeout):
            return TimedOut("timed out: nothing received for %.0f s" % self.conn.timeout)
        if isinstance(e, (http.client.IncompleteRead, http.client.RemoteDisconnected)):
            return DownloadError("connection closed early")
        if isinstance(e, http.client.HTTPException):
            return UrlUnusable("malformed HTTP answer (%s)" % (type(e).__name__ + (": " + str(e)[:100] if str(e) else "")))
        if isinstance(e, OSError):
            return DownloadError(e.strerror or str(e))
        return e

    def header(self, name):
        return self.resp.getheader(name)

    def read(self, n):
        try:
            buf = self.resp.read(n)
        except (http.client.HTTPException, OSError, ValueError) as e:
            raise self.failure(e)
        if not buf and self.expired:
            raise self.failure(None)
        return buf

    def close(self):
        self.timer.cancel()
        try:
            self.conn.close()
        except OSError:
            pass


def static_bearer(url):
    """HF_TOKEN for HuggingFace, COGNIX_WEIGHTS_TOKEN for other manifest URLs."""
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


def registry_token(challenge, args):
    """Anonymous (or COGNIX_WEIGHTS_REGISTRY_AUTH basic) token for an OCI
    registry's `WWW-Authenticate: Bearer realm=…,service=…,scope=…`. The
    realm must be https (http only on loopback or with --insecure), and its
    redirects are not followed: the credentials are for it alone."""
    params = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
    realm = params.pop("realm", None)
    if not realm:
        raise UrlUnusable("the registry asked for a token without naming a token realm")
    p = urllib.parse.urlsplit(realm)
    if not p.hostname or not (p.scheme == "https" or (p.scheme == "http" and (args.insecure or is_loopback(p.hostname)))):
        raise UrlUnusable("token realm %s is not https; pass --insecure to allow plain http" % realm[:200])
    key = (realm, params.get("service"), params.get("scope"))
    with _registry_lock:
        if key in _registry_tokens:
            return _registry_tokens[key]
    query = urllib.parse.urlencode(sorted(params.items()))
    headers = {"User-Agent": "cognix-weights/1"}
    basic = os.environ.get("COGNIX_WEIGHTS_REGISTRY_AUTH")
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(basic.encode()).decode()
    ex = Exchange(realm + ("&" if "?" in realm else "?") + query, headers, args, args.timeout)
    try:
        if ex.resp.status != 200:
            raise UrlUnusable("token realm %s answered HTTP %d" % (realm[:200], ex.resp.status))
        raw = ex.read(MAX_SMALL + 1)
        if len(raw) > MAX_SMALL:
            raise UrlUnusable("token realm %s answered more than %d bytes" % (realm[:200], MAX_SMALL))
    finally:
        ex.close()
    try:
        body = json.loads(raw.decode("utf-8"))
        token = body.get("token") or body.get("access_token")
    except (ValueError, AttributeError):
        token = None
    if not isinstance(token, str) or not token:
        raise UrlUnusable("token realm %s gave no token" % realm[:200])
    with _registry_lock:
        _registry_tokens[key] = token
    return token


def open_range(url, start, end, args):
    """GET url for bytes [start, end). Returns (exchange, skip) where skip is
    how many leading bytes to drop (servers that ignore Range send it all).
    Redirects are followed; credentials never leave the URL's own origin."""
    budget = args.timeout + float(end - start) / args.min_speed
    home = origin(url)
    bearer = static_bearer(url)
    current = url
    hops = 0
    challenged = False
    while True:
        headers = {"User-Agent": "cognix-weights/1", "Accept-Encoding": "identity"}
        if end > start:
            headers["Range"] = "bytes=%d-%d" % (start, end - 1)
        if bearer and origin(current) == home:
            headers["Authorization"] = bearer
        ex = Exchange(current, headers, args, budget)
        status = ex.resp.status
        if status in REDIRECTS:
            location = ex.header("Location")
            ex.close()
            nxt = urllib.parse.urljoin(current, location or "")
            if not location or urllib.parse.urlsplit(nxt).scheme not in ("http", "https"):
                raise UrlUnusable("redirect to %r" % (location or "")[:200])
            hops += 1
            if hops > MAX_REDIRECTS:
                raise UrlUnusable("more than %d redirects" % MAX_REDIRECTS)
            current = nxt
            continue
        if status == 401 and not challenged and origin(current) == home:
            challenge = ex.header("WWW-Authenticate") or ""
            ex.close()
            if not challenge.lower().startswith("bearer "):
                raise HttpStatus(401, "Unauthorized")
            bearer = "Bearer " + registry_token(challenge[7:], args)
            challenged = True
            current = url
            continue
        if status == 206:
            m = re.match(r"bytes (\d+)-(\d+)/", ex.header("Content-Range") or "")
            if not m or int(m.group(1)) != start:
                ex.close()
                raise UrlUnusable("server answered range %d- with Content-Range %r" % (start, (ex.header("Content-Range") or "")[:100]))
            return ex, 0
        if status == 200:
            if start > 0:
                ex.extend(float(start) / args.min_speed)
            return ex, start
        reason = ex.resp.reason
        ex.close()
        raise HttpStatus(status, reason)


# ---------------------------------------------------------------- jobs


class FileJob:
    """One distinct file (by sha256) of a set, split into chunks."""

    def __init__(self, set_name, dest_fd, dest_path, entry, chunk_size):
        self.set_name = set_name
        self.dest_fd = dest_fd
        self.dest_path = dest_path
        self.sha256 = entry["sha256"]
        self.size = entry["size"]
        self.urls = entry["urls"]
        self.paths = [entry["path"]]
        self.chunk_size = chunk_size
        self.partial_fd = None
        self.fd = None
        self.part = self.sha256 + ".part"
        self.state_name = self.part + ".state"
        n = max(1, -(-self.size // chunk_size))
        self.chunks = [(i * chunk_size, min(self.size, (i + 1) * chunk_size)) for i in range(n)]
        self.done = [0] * n
        self.lock = threading.Lock()
        self.remaining = n
        self.failed = None

    def label(self):
        return "%s/%s" % (self.set_name, self.paths[0])

    def open(self, partial_fd):
        """Opens the partial file and resumes from its state when both are
        the downloader's own and match. The state lists byte intervals
        already written, so a run with another chunk size still resumes."""
        self.partial_fd = partial_fd
        self.fd, existed = open_own_file(partial_fd, self.part)
        state = read_small(partial_fd, self.state_name) if existed else None
        try:
            st = json.loads(state.decode("utf-8")) if state is not None else None
            if st is not None and st.get("size") == self.size and os.fstat(self.fd).st_size == self.size:
                intervals = [(int(a), int(b)) for a, b in st.get("written", [])]
                for i, (s, e) in enumerate(self.chunks):
                    for a, b in intervals:
                        if a <= s < b:
                            self.done[i] = min(b, e) - s
                            break
                return
        except (ValueError, TypeError, AttributeError):
            pass
        self.done = [0] * len(self.chunks)
        os.ftruncate(self.fd, 0)
        os.ftruncate(self.fd, self.size)
        self.save_state()

    def save_state(self):
        written = [[s, s + d] for (s, _), d in zip(self.chunks, self.done) if d > 0]
        write_atomic(self.partial_fd, self.state_name, json.dumps({"size": self.size, "written": written}).encode("utf-8"))

    def discard(self):
        for name in (self.part, self.state_name):
            remove_entry(self.partial_fd, name)

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

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
        # Per set: (dest fd, path, {relative path: [sha256, identity...]}, the stamps as loaded).
        self.sets = []

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
                stalled = False
                try:
                    self.fetch_range(job, idx, url)
                    if job.done[idx] >= end - start:
                        return
                    last_error = "connection closed after %d of %d bytes" % (start + job.done[idx], job.size)
                except HttpStatus as e:
                    last_error = str(e)
                    if e.code in FINAL_STATUSES:
                        break  # Retrying cannot help; try the next URL.
                except UrlUnusable as e:
                    last_error = str(e)
                    break
                except TimedOut as e:
                    last_error = str(e)
                    stalled = True
                except (DownloadError, OSError) as e:
                    last_error = str(e)
                # Progress resets the count, unless the request ran out of
                # time: a trickle would otherwise be retried forever.
                failures = 0 if job.done[idx] > before and not stalled else failures + 1
            if job.done[idx] >= end - start or job.failed is not None:
                return
        raise DownloadError("%s: download failed from %s: %s" % (job.label(), last_url, last_error))

    def fetch_range(self, job, idx, url):
        start, end = job.chunks[idx]
        offset = start + job.done[idx]
        ex, skip = open_range(url, offset, end, self.args)
        since_save = 0
        try:
            while skip > 0:
                buf = ex.read(min(BLOCK, skip))
                if not buf:
                    return
                skip -= len(buf)
            while offset < end:
                buf = ex.read(min(BLOCK, end - offset))
                if not buf:
                    break
                os.pwrite(job.fd, buf, offset)
                offset += len(buf)
                job.done[idx] += len(buf)
                since_save += len(buf)
                self.add_bytes(len(buf))
                if since_save >= STATE_EVERY:
                    os.fsync(job.fd)
                    with job.lock:
                        job.save_state()
                    since_save = 0
        finally:
            ex.close()
            os.fsync(job.fd)
            with job.lock:
                job.save_state()

    def finish(self, job):
        got = sha256_fd(job.fd)
        if got != job.sha256:
            # Corrupt bytes must not be resumed from.
            job.discard()
            raise DownloadError("%s: sha256 mismatch for %s: expected %s, got %s"
                                % (job.label(), " or ".join(job.urls), job.sha256, got))
        os.fchmod(job.fd, 0o644)
        placed = False
        for rel in job.paths:
            parts = rel.split("/")
            where = "%s/%s" % (job.set_name, rel)
            parent_fd, parent = open_dir(job.dest_fd, job.dest_path, parts[:-1], where)
            try:
                name = parts[-1]
                refuse_link_or_dir(parent_fd, name, os.path.join(parent, name), where)
                if not placed:
                    os.replace(job.part, name, src_dir_fd=job.partial_fd, dst_dir_fd=parent_fd)
                    placed = True
                else:
                    copy_into(job.fd, parent_fd, name)
                os.fsync(parent_fd)
                st = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
                self.stamp(job.dest_fd, rel, job.sha256, st)
            finally:
                os.close(parent_fd)
        remove_entry(job.partial_fd, job.state_name)

    def stamp(self, dest_fd, rel, sha, st):
        with self.lock:
            for entry in self.sets:
                if entry[0] == dest_fd:
                    entry[2][rel] = [sha] + identity(st)

    def run_chunk(self, job, idx):
        try:
            self.fetch_chunk(job, idx)
        except Exception as e:  # A peer's misbehaviour is an error message, never a crash.
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
            except Exception as e:
                job.failed = e

    def in_place(self, parent_fd, name, path, entry, stamps, where):
        """True when the file is already there with the right bytes."""
        try:
            st = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
        except FileNotFoundError:
            return False
        if stat.S_ISLNK(st.st_mode) or stat.S_ISDIR(st.st_mode):
            raise ManifestError("%s: %s is a symlink or directory; refusing to use it" % (where, path))
        if not stat.S_ISREG(st.st_mode) or st.st_size != entry["size"]:
            return False
        recorded = stamps.get(entry["path"])
        if not self.args.verify_existing and recorded == [entry["sha256"]] + identity(st):
            return True
        opened = open_regular(parent_fd, name)
        if opened is None:
            return False
        fd, fst = opened
        try:
            ok = sha256_fd(fd) == entry["sha256"]
        finally:
            os.close(fd)
        if ok:
            stamps[entry["path"]] = [entry["sha256"]] + identity(fst)
        return ok

    def plan(self, sets):
        root_fd, root_path = open_root(self.args.root)
        jobs = []
        try:
            for i, s in enumerate(sets):
                where = "sets[%d] (%s)" % (i, s["name"])
                dest_fd, dest_path = open_dir(root_fd, root_path, s["target"].strip("/").split("/"), where)
                stamps = load_stamps(dest_fd)
                self.sets.append((dest_fd, dest_path, stamps, dict(stamps)))
                by_sha = {}
                for f in s["files"]:
                    parts = f["path"].split("/")
                    fwhere = "%s/%s" % (s["name"], f["path"])
                    parent_fd, parent = open_dir(dest_fd, dest_path, parts[:-1], fwhere)
                    try:
                        ready = self.in_place(parent_fd, parts[-1], os.path.join(parent, parts[-1]), f, stamps, fwhere)
                    finally:
                        os.close(parent_fd)
                    if ready:
                        self.skipped_files += 1
                        continue
                    job = by_sha.get(f["sha256"])
                    if job is None:
                        job = FileJob(s["name"], dest_fd, dest_path, f, self.args.chunk_size)
                        by_sha[f["sha256"]] = job
                        jobs.append(job)
                    else:
                        job.paths.append(f["path"])
                if by_sha:
                    partial_fd, _ = open_dir(dest_fd, dest_path, [PARTIAL_DIR], where)
                    remove_stale_tmp(partial_fd)
                    for job in by_sha.values():
                        job.partial_fd = partial_fd
        finally:
            os.close(root_fd)
        return jobs

    def run(self, sets):
        jobs = self.plan(sets)
        try:
            for job in jobs:
                job.open(job.partial_fd)
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
            for dest_fd, _path, stamps, loaded in self.sets:
                if stamps != loaded:
                    save_stamps(dest_fd, stamps)
            for job in jobs:
                if job.failed is None:
                    cleanup_partial(job.dest_fd)
        finally:
            for job in jobs:
                job.close()
            for fd in {job.partial_fd for job in jobs if job.partial_fd is not None}:
                os.close(fd)
            for entry in self.sets:
                os.close(entry[0])
        return not self.errors


def refuse_link_or_dir(parent_fd, name, path, where):
    try:
        st = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode) or stat.S_ISDIR(st.st_mode):
        raise ManifestError("%s: %s is a symlink or directory; refusing to replace it" % (where, path))


def copy_into(src_fd, dir_fd, name):
    """A copy of src_fd's bytes at dir/name, through a fresh temporary file."""

    def fill(fd):
        off = 0
        while True:
            buf = os.pread(src_fd, BLOCK, off)
            if not buf:
                break
            write_all(fd, buf)
            off += len(buf)

    replace_with(dir_fd, name, fill)


def cleanup_partial(dest_fd):
    try:
        os.rmdir(PARTIAL_DIR, dir_fd=dest_fd)
    except OSError:
        pass


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
    env = os.environ.get
    p = argparse.ArgumentParser(prog="weights_downloader", description=__doc__.split("\n")[0])
    p.add_argument("--manifest", default=env("COGNIX_WEIGHTS_MANIFEST"))
    p.add_argument("--root", default=env("COGNIX_WEIGHTS_ROOT", "/"),
                   help="directory prepended to every target (default: $COGNIX_WEIGHTS_ROOT or /)")
    p.add_argument("--jobs", type=int, default=int(env("COGNIX_WEIGHTS_JOBS", "8")))
    p.add_argument("--chunk-size", type=int, default=64 << 20)
    p.add_argument("--retries", type=int, default=5, help="attempts per URL after the first (default 5)")
    p.add_argument("--backoff", type=float, default=0.5, help="first retry delay in seconds (doubles, at most 30)")
    p.add_argument("--timeout", type=float, default=float(env("COGNIX_WEIGHTS_TIMEOUT", "60")),
                   help="seconds a request may take besides its bytes, and the longest silence (default 60)")
    p.add_argument("--min-speed", type=float, default=float(env("COGNIX_WEIGHTS_MIN_SPEED", "16384")),
                   help="slowest download accepted in bytes/s: a request gets --timeout plus its bytes at this speed (default 16384)")
    p.add_argument("--insecure", action="store_true", default=env("COGNIX_WEIGHTS_INSECURE", "") not in ("", "0"),
                   help="allow plain-http token realms on other machines")
    p.add_argument("--verify-existing", action="store_true", help="re-hash files already in place, recorded or not")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    args = p.parse_args(argv)
    if not args.manifest:
        p.error("--manifest (or COGNIX_WEIGHTS_MANIFEST) is required")
    if args.jobs < 1 or args.chunk_size < 1 or args.retries < 0:
        p.error("--jobs and --chunk-size must be >= 1, --retries >= 0")
    if not args.timeout > 0 or not args.min_speed > 0:
        p.error("--timeout and --min-speed must be > 0")
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
    except (OSError, DownloadError) as e:
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
