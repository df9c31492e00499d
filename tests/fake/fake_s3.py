#!/usr/bin/env python3
"""A small S3 fake on 127.0.0.1 for the faults a real S3 server (or moto) does not produce.

Serves the files of a directory as objects of one bucket, path-style (/<bucket>/<key>):
ListObjectsV2 (prefix, delimiter, max-keys, continuation tokens), HeadObject, GetObject (with
Range) and HeadBucket. Stdlib only (http.server, threaded, HTTP/1.1 keep-alive).

  fake_s3.py --dir <d> [--bucket flink-state] [--prefix savepoints] [--port 0] [--log <file>]
             [--access-key <id>] [--mode <mode>] [--count N] [--huge-size BYTES] [--page-size N]
  Objects: every file under <d>, as key <prefix>/<path relative to d>.
  Prints `PORT <n>` on stdout once it listens (--port 0: a free port).
  --log: one JSON line per request: method, target, headers, status, bytes of body sent (body_bytes),
         mode; the control requests are not logged.
  --access-key: every S3 request must carry an `Authorization: AWS4-HMAC-SHA256 Credential=<id>/...`
         header (the signature is not checked: moto does that); else 403 AccessDenied.

Modes (--mode, or POST /__fake/mode with JSON {"mode": ..., "count": N}); with count N > 0 the fault
answers the first N requests it applies to, then the fake behaves normally; 0 = forever:
  ok              normal S3
  html            any S3 request: 200 text/html (a captive portal, a web server)
  endless-list    ListObjectsV2 always IsTruncated=true with a new continuation token and no key
                  (pages with keys beyond the ones asked for end a lookup early: S3 lists in key order)
  reset-body      GetObject: the headers with the full Content-Length, half the body, then a TCP reset
  slowdown        503 SlowDown (S3's XML error body)
  internal        500 InternalError
  error:<Code>    S3's XML error <Code> for every S3 request (HEAD: the status without a body):
                  NoSuchBucket 404, NoSuchKey 404, AccessDenied 403, InvalidAccessKeyId 403,
                  SignatureDoesNotMatch 403, ExpiredToken 400, any other 400
  no-list         a user with s3:GetObject but not s3:ListBucket: listings 403 AccessDenied, HEAD of a
                  missing key 403 with no body (S3 then cannot say "missing"), GET of one 403 XML
  stall           no answer for 30 s (then a normal one): a server that hangs
  huge            HEAD/GET of keys ending in _metadata report --huge-size bytes (default 1 GiB), GET
                  streams zeros until the client stops reading (body_bytes in the log says how far)
Control (never logged): POST /__fake/mode {"mode","count"}; POST /__fake/reset (mode ok, log emptied);
GET /__fake/log (the log as a JSON list).
"""
import argparse
import email.utils
import hashlib
import html
import json
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ERRORS = {"NoSuchBucket": (404, "The specified bucket does not exist"),
          "NoSuchKey": (404, "The specified key does not exist."),
          "AccessDenied": (403, "Access Denied"),
          "InvalidAccessKeyId": (403, "The AWS Access Key Id you provided does not exist in our records."),
          "SignatureDoesNotMatch": (403, "The request signature we calculated does not match the signature you "
                                         "provided. Check your key and signing method."),
          "ExpiredToken": (400, "The provided token has expired."),
          "SlowDown": (503, "Please reduce your request rate."),
          "InternalError": (500, "We encountered an internal error. Please try again.")}


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.bucket = args.bucket
        self.access_key = args.access_key
        self.huge_size = args.huge_size
        self.page_size = args.page_size
        self.log_path = args.log
        self.objects = {}
        for root, _, files in os.walk(args.dir):
            for name in files:
                path = os.path.join(root, name)
                key = os.path.relpath(path, args.dir).replace(os.sep, "/")
                if args.prefix:
                    key = args.prefix.strip("/") + "/" + key
                with open(path, "rb") as handle:
                    self.objects[key] = handle.read()
        self.mtime = email.utils.formatdate(time.time(), usegmt=True)
        self.log = []
        self.pages = 0
        self.set_mode(args.mode, args.count)

    def set_mode(self, mode, count=0):
        with self.lock:
            self.mode, self.remaining = mode, int(count)

    def fault(self, applies):
        """The current fault if it applies to this request (and uses one of its count), else None."""
        with self.lock:
            if self.mode == "ok" or not applies(self.mode):
                return None
            if self.remaining == 0:
                return self.mode
            if self.remaining > 0:
                self.remaining -= 1
                if self.remaining == 0:
                    self.remaining = -1  # spent: normal from now on
                return self.mode
            return None

    def record(self, entry):
        with self.lock:
            self.log.append(entry)
            if self.log_path:
                with open(self.log_path, "a") as handle:
                    handle.write(json.dumps(entry) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeS3"
    sys_version = ""

    def log_message(self, *args):  # the JSON log says it all
        pass

    # --- plumbing ----------------------------------------------------------------------------
    def send(self, status, body=b"", content_type="application/xml", headers=None, head=False, s3=True):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if s3:  # what S3 answers carry; a web server's page does not
            self.send_header("x-amz-request-id", hashlib.md5(self.path.encode()).hexdigest()[:16].upper())
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head and body:
            self.wfile.write(body)
            self.sent += len(body)
        self.status = status

    def error(self, code, resource="", head=False):
        status, message = ERRORS.get(code, (400, code))
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{html.escape(message)}'
                f'</Message><Resource>{html.escape(resource)}</Resource><RequestId>FAKE</RequestId></Error>').encode()
        self.send(status, b"" if head else body, head=head)

    def handle_one(self, head=False):
        self.sent, self.status = 0, None
        parts = urllib.parse.urlsplit(self.path)
        if parts.path.startswith("/__fake/"):
            return self.control(parts.path)
        state = self.server.state
        entry = {"method": self.command, "target": self.path, "headers": dict(self.headers.items()), "mode": state.mode}
        try:
            self.s3(parts, head)
        except (BrokenPipeError, ConnectionResetError):
            self.status = self.status or "client closed"
        finally:
            entry.update(status=self.status, body_bytes=self.sent)
            state.record(entry)

    def control(self, path):
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if path == "/__fake/mode" and self.command == "POST":
            request = json.loads(body or b"{}")
            state.set_mode(request.get("mode", "ok"), request.get("count", 0))
            return self.send(200, b'{"status":"ok"}', "application/json")
        if path == "/__fake/reset" and self.command == "POST":
            state.set_mode("ok")
            with state.lock:
                state.log.clear()
                state.pages = 0
            return self.send(200, b'{"status":"ok"}', "application/json")
        if path == "/__fake/log" and self.command == "GET":
            with state.lock:
                data = json.dumps(state.log).encode()
            return self.send(200, data, "application/json")
        return self.send(404, b'{"error":"unknown control request"}', "application/json")

    # --- S3 ----------------------------------------------------------------------------------
    def s3(self, parts, head):
        state = self.server.state
        if self.headers.get("Content-Length"):
            self.rfile.read(int(self.headers["Content-Length"]))
        segments = parts.path.lstrip("/").split("/", 1)
        bucket = urllib.parse.unquote(segments[0])
        key = urllib.parse.unquote(segments[1]) if len(segments) > 1 else ""
        query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        listing = self.command == "GET" and not key and "list-type" in query
        get_object = self.command == "GET" and key

        if state.access_key:
            auth = self.headers.get("Authorization", "")
            if not auth.startswith(f"AWS4-HMAC-SHA256 Credential={state.access_key}/"):
                return self.error("AccessDenied", parts.path, head)

        fault = state.fault(lambda mode: mode in ("html", "slowdown", "internal") or mode.startswith("error:")
                            or (mode == "endless-list" and listing) or (mode == "reset-body" and get_object)
                            or mode in ("no-list", "huge", "stall"))
        if fault == "stall":
            time.sleep(30)
        if fault == "html":
            page = b"<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>It works!</h1></body></html>"
            return self.send(200, page, "text/html; charset=utf-8", head=head, s3=False)
        if fault == "slowdown":
            return self.error("SlowDown", parts.path, head)
        if fault == "internal":
            return self.error("InternalError", parts.path, head)
        if fault and fault.startswith("error:"):
            return self.error(fault[len("error:"):], parts.path, head)

        if bucket != state.bucket:
            return self.error("NoSuchBucket", bucket, head)
        if not key:
            if listing:
                if fault == "no-list":
                    return self.error("AccessDenied", parts.path)
                return self.list_objects(query, endless=fault == "endless-list")
            if self.command == "HEAD":
                return self.send(200, head=True)
            return self.error("InvalidRequest", parts.path, head)

        if fault == "huge" and key.endswith("_metadata"):
            return self.huge(head)
        data = state.objects.get(key)
        if data is None:
            if fault == "no-list":
                return self.error("AccessDenied", parts.path, head)
            return self.error("NoSuchKey", parts.path, head)
        headers = {"ETag": '"%s"' % hashlib.md5(data).hexdigest(), "Last-Modified": state.mtime,
                   "Accept-Ranges": "bytes"}
        status, body = 200, data
        spec = self.headers.get("Range")
        if spec and spec.startswith("bytes="):
            first, _, last = spec[len("bytes="):].partition("-")
            start = int(first) if first else max(0, len(data) - int(last))
            end = min(int(last), len(data) - 1) if first and last else len(data) - 1
            if start >= len(data):
                return self.error("InvalidRange", parts.path, head)
            status, body = 206, data[start:end + 1]
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
        if fault == "reset-body" and not head:
            return self.reset_mid_body(status, body, headers)
        return self.send(status, body, "binary/octet-stream", headers, head=head)

    def list_objects(self, query, endless):
        state = self.server.state
        prefix, delimiter = query.get("prefix", ""), query.get("delimiter", "")
        max_keys = min(int(query.get("max-keys") or 1000), state.page_size)
        token = query.get("continuation-token")
        if endless:
            with state.lock:
                state.pages += 1
                page = state.pages
            return self.list_result(query, [], [], True, f"endless-{page}")
        keys = sorted(k for k in state.objects if k.startswith(prefix))
        contents, prefixes = [], []
        for k in keys:
            rest = k[len(prefix):]
            if delimiter and delimiter in rest:
                common = prefix + rest.split(delimiter, 1)[0] + delimiter
                if common not in prefixes:
                    prefixes.append(common)
            else:
                contents.append((k, len(state.objects[k])))
        entries = [("c", k, s) for k, s in contents] + [("p", p, 0) for p in prefixes]
        entries.sort(key=lambda e: e[1])
        start = int(token) if token else 0
        chunk = entries[start:start + max_keys]
        truncated = start + max_keys < len(entries)
        return self.list_result(query, [(k, s) for t, k, s in chunk if t == "c"],
                                [k for t, k, _ in chunk if t == "p"], truncated,
                                str(start + max_keys) if truncated else None)

    def list_result(self, query, contents, prefixes, truncated, next_token):
        state = self.server.state
        url = query.get("encoding-type") == "url"

        def enc(text):  # encoding-type=url: keys, prefixes and the delimiter URL-encoded, as S3 does
            return html.escape(urllib.parse.quote(text, safe="/") if url else text)
        out = ['<?xml version="1.0" encoding="UTF-8"?>',
               '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
               f"<Name>{state.bucket}</Name><Prefix>{enc(query.get('prefix', ''))}</Prefix>",
               f"<KeyCount>{len(contents) + len(prefixes)}</KeyCount><MaxKeys>{query.get('max-keys', '1000')}</MaxKeys>"]
        if query.get("delimiter"):
            out.append(f"<Delimiter>{enc(query['delimiter'])}</Delimiter>")
        if url:
            out.append("<EncodingType>url</EncodingType>")
        out.append(f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>")
        if query.get("continuation-token"):
            out.append(f"<ContinuationToken>{html.escape(query['continuation-token'])}</ContinuationToken>")
        if next_token:
            out.append(f"<NextContinuationToken>{html.escape(next_token)}</NextContinuationToken>")
        modified = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        for key, size in contents:
            out.append(f"<Contents><Key>{enc(key)}</Key><LastModified>{modified}</LastModified>"
                       f'<ETag>"{hashlib.md5(key.encode()).hexdigest()}"</ETag><Size>{size}</Size>'
                       f"<StorageClass>STANDARD</StorageClass></Contents>")
        for common in prefixes:
            out.append(f"<CommonPrefixes><Prefix>{enc(common)}</Prefix></CommonPrefixes>")
        out.append("</ListBucketResult>")
        return self.send(200, "".join(out).encode())

    def reset_mid_body(self, status, body, headers):
        self.send_response(status)
        self.send_header("Content-Type", "binary/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        half = body[:max(1, len(body) // 2)]
        self.wfile.write(half)
        self.wfile.flush()
        self.sent, self.status = len(half), "reset"
        # SO_LINGER 0: close() sends a RST, not a FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def huge(self, head):
        size = self.server.state.huge_size
        self.send_response(200)
        self.send_header("Content-Type", "binary/octet-stream")
        self.send_header("Content-Length", str(size))
        self.send_header("ETag", '"huge"')
        self.send_header("Last-Modified", self.server.state.mtime)
        self.end_headers()
        self.status = 200
        if head:
            return
        block = bytes(64 << 10)
        self.connection.settimeout(5)
        try:
            while self.sent < size:
                n = min(len(block), size - self.sent)
                self.wfile.write(block[:n])
                self.sent += n
        except (OSError, socket.timeout):
            self.close_connection = True

    def do_GET(self):
        self.handle_one()

    def do_HEAD(self):
        self.handle_one(head=True)

    def do_POST(self):
        self.handle_one()

    def do_PUT(self):
        self.handle_one()

    def do_DELETE(self):
        self.handle_one()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--bucket", default="flink-state")
    parser.add_argument("--prefix", default="")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log")
    parser.add_argument("--access-key")
    parser.add_argument("--mode", default="ok")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--huge-size", type=int, default=1 << 30)
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(args)
    print(f"PORT {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
