"""Real documentation sites for the crawl benchmark: Debian's Python 3.11 and PostgreSQL 15 docs, and its Rust
documentation (rust-doc: 32,000 pages, some of 10 MB: the site that shows whether a crawler's memory grows with page
size; optional, crawled when installed), served by nginx
on a free loopback port (a generated config in a temporary directory, nothing of the system's nginx touched), and
a latency-injecting TCP proxy (each response's first bytes held back a fixed time; loopback only).

    python3 bench/python/drivers/real_sites.py serve          # prints the two roots, serves until Ctrl-C (for trying)
"""
import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

SITES = {
    # name: (directory, path of the root under the server)
    "python": ("/usr/share/doc/python3.11/html", "/python/index.html"),
    "postgresql": ("/usr/share/doc/postgresql-doc-15/html", "/postgresql/index.html"),
    "rust": ("/usr/share/doc/rust-doc/html", "/rust/index.html"),
}
# Sites crawled only when installed: the others are required.
OPTIONAL = {"rust"}
NGINX = "/usr/sbin/nginx"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nothing listens on 127.0.0.1:%d after %.0f s" % (port, timeout))


def missing():
    """What is missing to serve the real sites (empty when everything is there)."""
    m = [] if os.access(NGINX, os.X_OK) else ["nginx (" + NGINX + ")"]
    m += [] if shutil.which("openssl") else ["openssl"]
    m += ["%s docs (%s)" % (n, d) for n, (d, _) in SITES.items() if n not in OPTIONAL and not os.path.isdir(d)]
    return m


def available():
    """The sites installed here, in SITES' order."""
    return [n for n, (d, _) in SITES.items() if os.path.isdir(d)]


def make_ca(directory):
    """A throwaway CA and a certificate it signed for 127.0.0.1 and localhost (openssl), in `directory`: returns
    (ca.pem, server.pem, server.key). Every crawler of the TLS regime is told to trust ca.pem."""
    ca, ca_key = os.path.join(directory, "ca.pem"), os.path.join(directory, "ca.key")
    cert, key, csr = (os.path.join(directory, n) for n in ("server.pem", "server.key", "server.csr"))
    ext = os.path.join(directory, "san.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
                    "-days", "2", "-subj", "/CN=asyncio4j bench CA"], **quiet)
    subprocess.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
                    "-subj", "/CN=127.0.0.1"], **quiet)
    subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
                    "-out", cert, "-days", "2", "-extfile", ext], **quiet)
    return ca, cert, key


def nginx_version():
    """nginx's version as a tuple of ints, e.g. (1, 22, 1)."""
    out = subprocess.run([NGINX, "-v"], capture_output=True, text=True).stderr
    return tuple(int(x) for x in out.strip().rsplit("/", 1)[1].split(".")[:3])


class Nginx:
    """nginx on 127.0.0.1:PORT (plain) and 127.0.0.1:TLS_PORT (TLS 1.2/1.3, a throwaway CA: `ca`) serving
    /python/ and /postgresql/ (or `sites`: {name: directory}, each under /name/), with its own prefix, config, logs
    and pid. http2: the TLS listener offers HTTP/2 by ALPN (`http2 on`; `listen ... http2` before nginx 1.25.1).
    With log=True, access.log has a line "STATUS BYTES_SENT" per response (headers included): what a client
    received, counted by the server."""

    def __init__(self, sites=None, http2=False, log=False):
        self.dir = tempfile.mkdtemp(prefix="a4j-nginx-")
        self.port = free_port()
        self.tls_port = free_port()
        self.ca, cert, key = make_ca(self.dir)
        self.log = os.path.join(self.dir, "access.log") if log else None
        sites = sites or {n: SITES[n][0] for n in available()}
        locations = "".join("    location /%s/ { alias %s/; }\n" % (n, d) for n, d in sites.items())
        listen_http2, http2_on = "", ""
        if http2:
            if nginx_version() >= (1, 25, 1):
                http2_on = "    http2 on;\n"
            else:
                listen_http2 = " http2"
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write("""daemon off;
worker_processes 1;
pid %(dir)s/nginx.pid;
error_log %(dir)s/error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  %(access_log)s
  sendfile on;
  keepalive_requests 100000;
  client_body_temp_path %(dir)s/body;
  proxy_temp_path %(dir)s/proxy;
  fastcgi_temp_path %(dir)s/fastcgi;
  uwsgi_temp_path %(dir)s/uwsgi;
  scgi_temp_path %(dir)s/scgi;
  server {
    listen 127.0.0.1:%(port)d;
    listen 127.0.0.1:%(tls)d ssl%(listen_http2)s;
%(http2_on)s    ssl_certificate %(cert)s;
    ssl_certificate_key %(key)s;
    ssl_protocols TLSv1.2 TLSv1.3;
%(locations)s  }
}
""" % {"dir": self.dir, "port": self.port, "tls": self.tls_port, "cert": cert, "key": key,
       "locations": locations, "listen_http2": listen_http2, "http2_on": http2_on,
       "access_log": "log_format sent '$status $bytes_sent';\n  access_log %s sent;" % self.log if log
                     else "access_log off;"})
        self.proc = subprocess.Popen([NGINX, "-p", self.dir, "-c", conf, "-e", os.path.join(self.dir, "error.log")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_port(self.port)
            wait_port(self.tls_port)
        except RuntimeError:
            self.close()
            raise

    def responses_since(self, offset):
        """(responses by status, bytes sent) logged after byte `offset` of access.log, and the new offset. nginx
        writes each line when its response is done, so a crawl that ended has all of its lines there."""
        statuses, sent = {}, 0
        with open(self.log, "rb") as f:
            f.seek(offset)
            data = f.read()
        for line in data.decode().splitlines():
            status, size = line.split()
            statuses[status] = statuses.get(status, 0) + 1
            sent += int(size)
        return statuses, sent, offset + len(data)

    def log_size(self):
        return os.path.getsize(self.log) if os.path.exists(self.log) else 0

    def root(self, site, port=None, tls=False):
        """The site's first page: on `port` if given, else on nginx's own port for the scheme."""
        port = port or (self.tls_port if tls else self.port)
        return "%s://127.0.0.1:%d%s" % ("https" if tls else "http", port, SITES[site][1])

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class LatencyProxy:
    """A TCP proxy on its own thread and event loop (uvloop when installed): 127.0.0.1:port -> 127.0.0.1:target;
    the first bytes of each response (the server's first data after a request's bytes) wait `delay` seconds."""

    def __init__(self, target, delay=0.02):
        self.target, self.delay, self.port = target, delay, free_port()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        if not self.ready.wait(10):
            raise RuntimeError("the latency proxy did not start")

    def _run(self):
        try:
            import uvloop
            loop = uvloop.new_event_loop()
        except ImportError:
            loop = asyncio.new_event_loop()
        self.loop = loop
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", self.port, backlog=1024))
        self.server = server
        self.ready.set()
        loop.run_forever()
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()

    async def _client(self, creader, cwriter):
        try:
            sreader, swriter = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            cwriter.close()
            return
        pending = asyncio.Event()

        async def requests():
            try:
                while data := await creader.read(65536):
                    pending.set()
                    swriter.write(data)
                    await swriter.drain()
            finally:
                swriter.close()

        async def responses():
            try:
                while data := await sreader.read(65536):
                    if pending.is_set():
                        pending.clear()
                        await asyncio.sleep(self.delay)
                    cwriter.write(data)
                    await cwriter.drain()
            finally:
                cwriter.close()

        await asyncio.gather(requests(), responses(), return_exceptions=True)

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] != "serve":
        print(__doc__)
        sys.exit(2)
    gone = missing()
    if gone:
        sys.exit("real_sites: missing " + ", ".join(gone) + " (bench/peers/install)")
    n = Nginx()
    p = LatencyProxy(n.port)
    try:
        for s in available():
            print(n.root(s), " (20 ms: %s; TLS: %s, CA %s)" % (n.root(s, p.port), n.root(s, n.tls_port, True), n.ca),
                  flush=True)
        signal.sigwait([signal.SIGINT, signal.SIGTERM])
    finally:
        p.close()
        n.close()
