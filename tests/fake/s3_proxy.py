"""A pass-through HTTP proxy in front of an S3 server (moto), for tests and benchmarks.

Each request goes to the server as it came, headers included (Host too: a SigV4 signature covers
it, so the server's signature check still passes), and its answer comes back as the server gave
it. Stdlib only (http.server, threaded, HTTP/1.1 keep-alive, one connection to the server per
thread). The proxy records every DeleteObjects request's keys (`batches`) and when each request
ran (`events`: start, end, kind), and may hold one back: `before(kind, number)` is called before
a request is forwarded (number: how many of that kind came before it, from 0); when it returns
False the request is not forwarded and the connection is closed without an answer.

    proxy = S3Proxy("http://127.0.0.1:19900")        # proxy.url: http://127.0.0.1:<free port>
    ...                                              # point the client's s3.endpoint at proxy.url
    proxy.close()
"""
import http.client
import http.server
import re
import threading
import time


def request_kind(method, target):
    """list (ListObjectsV2), DeleteObjects, GET, HEAD or other."""
    if method == "GET" and "list-type=2" in target:
        return "list"
    if method == "POST" and re.search(r"[?&]delete(=|&|$)", target):
        return "DeleteObjects"
    return method if method in ("GET", "HEAD") else "other"


class S3Proxy:
    def __init__(self, upstream_url, before=None):
        match = re.match(r"^http://([^:/]+):(\d+)", upstream_url)
        if not match:
            raise ValueError(f"not an http://host:port URL: {upstream_url}")
        self.upstream = (match.group(1), int(match.group(2)))
        self.before = before
        self.batches = []   # [[key, ...], ...] of each DeleteObjects, in the order they came
        self.events = []    # (start, end, kind) of each answered request
        self.counts = {}    # kind -> requests seen
        self.lock = threading.Lock()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def handler(self):
        proxy = self
        local = threading.local()

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def forward(self):
                started = time.monotonic()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                kind = request_kind(self.command, self.path)
                with proxy.lock:
                    number = proxy.counts.get(kind, 0)
                    proxy.counts[kind] = number + 1
                    if kind == "DeleteObjects":
                        proxy.batches.append([key.decode() for key in re.findall(rb"<Key>(.*?)</Key>", body)])
                if proxy.before and not proxy.before(kind, number):
                    self.close_connection = True
                    return
                connection = getattr(local, "connection", None)
                if connection is None:
                    connection = local.connection = http.client.HTTPConnection(*proxy.upstream, timeout=600)
                connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for header, value in self.headers.items():
                    connection.putheader(header, value)
                connection.endheaders(body)
                response = connection.getresponse()
                data = response.read()
                self.send_response_only(response.status, response.reason)
                for header, value in response.getheaders():
                    name = header.lower()
                    if name in ("connection", "transfer-encoding") or (name == "content-length" and self.command != "HEAD"):
                        continue
                    self.send_header(header, value)
                if self.command != "HEAD":  # a HEAD's Content-Length is the object's, passed on as it is
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                with proxy.lock:
                    proxy.events.append((started, time.monotonic(), kind))

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = forward

            def log_message(self, *args):
                pass

        return Handler
