#!/usr/bin/env python3
"""A loopback stand-in for the services that hand out temporary AWS credentials, checking each
request as the real one would, and answering with credentials given to it (moto-issued ones in
tests/storage/s3_credentials.py, so that S3 requests signed with them can be checked by moto).

  fake_aws_credentials.py --credentials FILE --role-arn ARN --web-token-file FILE
                          --container-token TOKEN [--log FILE]

FILE holds {"AccessKeyId", "SecretAccessKey", "SessionToken"}. Prints "PORT <n>" when it listens
on 127.0.0.1. Serves:

  POST /                      STS AssumeRoleWithWebIdentity (form body): unsigned (no
                              Authorization), RoleArn the given ARN, WebIdentityToken the token
                              file's content (read at each request): else STS's XML error, 403
                              AccessDenied or InvalidIdentityToken.
  GET  /container/...         container credentials: Authorization must be the container token
                              (else 401); JSON with Token and Expiration.
  PUT  /latest/api/token      IMDSv2: needs X-aws-ec2-metadata-token-ttl-seconds; a session token.
  GET  /latest/meta-data/iam/security-credentials/[role]   with X-aws-ec2-metadata-token: the role
                              name, then its credentials (JSON with Code Success); else 401.
  GET  /__fake/log            the requests so far: [{"method", "path", "ok", "why"}]
  POST /__fake/mode           {"secret_suffix": "x"} spoils the secret handed out, {"omit_token":
                              true} leaves the session token out, {"expires_in": seconds}
                              (default 3600); {} resets.

Credentials expire `expires_in` seconds after each answer. Test-only; stdlib only.
"""
import argparse
import datetime
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

IMDS_TOKEN = "imds-session-token-0123456789"
IMDS_ROLE = "flink-node-role"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--credentials", required=True)
    parser.add_argument("--role-arn", required=True)
    parser.add_argument("--web-token-file", required=True)
    parser.add_argument("--container-token", required=True)
    parser.add_argument("--log")
    args = parser.parse_args()
    with open(args.credentials) as handle:
        issued = json.load(handle)
    lock = threading.Lock()
    log = []
    mode = {}

    def credentials():
        secret = issued["SecretAccessKey"] + mode.get("secret_suffix", "")
        token = None if mode.get("omit_token") else issued["SessionToken"]
        expiry = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=mode.get("expires_in", 3600))
        return issued["AccessKeyId"], secret, token, expiry.strftime("%Y-%m-%dT%H:%M:%SZ")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *unused):
            pass

        def record(self, ok, why=""):
            with lock:
                log.append({"method": self.command, "path": self.path, "ok": ok, "why": why})
            if args.log:
                with open(args.log, "a") as out:
                    out.write(f"{self.command} {self.path} {'ok' if ok else 'refused: ' + why}\n")

        def reply(self, status, body, content_type="text/plain"):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def sts_error(self, status, code, message):
            self.record(False, code)
            self.reply(status, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                               f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>r</RequestId></ErrorResponse>",
                       "text/xml")

        def do_POST(self):
            body = self.body()
            if self.path == "/__fake/mode":
                with lock:
                    mode.clear()
                    mode.update(json.loads(body or b"{}"))
                return self.reply(200, "{}", "application/json")
            if self.path != "/":
                return self.reply(404, "")
            form = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
            if self.headers.get("Authorization"):
                return self.sts_error(400, "InvalidRequest", "AssumeRoleWithWebIdentity is not signed by the SDKs")
            if form.get("Action") != "AssumeRoleWithWebIdentity" or form.get("Version") != "2011-06-15":
                return self.sts_error(400, "InvalidAction", "unexpected action")
            if not form.get("RoleSessionName"):
                return self.sts_error(400, "ValidationError", "RoleSessionName missing")
            if form.get("RoleArn") != args.role_arn:
                return self.sts_error(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
            with open(args.web_token_file) as handle:
                expected = handle.read().strip()
            if form.get("WebIdentityToken") != expected:
                return self.sts_error(400, "InvalidIdentityToken", "The web identity token that was passed could not be validated")
            key, secret, token, expiry = credentials()
            self.record(True)
            self.reply(200, "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                            "<AssumeRoleWithWebIdentityResult><Credentials>"
                            f"<AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>"
                            f"<SessionToken>{token or ''}</SessionToken><Expiration>{expiry}</Expiration>"
                            "</Credentials><AssumedRoleUser><Arn>assumed</Arn></AssumedRoleUser>"
                            "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>", "text/xml")

        def json_credentials(self, imds):
            key, secret, token, expiry = credentials()
            document = {"AccessKeyId": key, "SecretAccessKey": secret, "Expiration": expiry}
            if token:
                document["Token"] = token
            if imds:
                document.update(Code="Success", Type="AWS-HMAC", LastUpdated=expiry)
            self.record(True)
            self.reply(200, json.dumps(document), "application/json")

        def do_PUT(self):
            self.body()
            if self.path != "/latest/api/token":
                return self.reply(404, "")
            if not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
                self.record(False, "no TTL header")
                return self.reply(400, "")
            self.record(True)
            self.reply(200, IMDS_TOKEN)

        def do_GET(self):
            if self.path == "/__fake/log":
                with lock:
                    return self.reply(200, json.dumps(log), "application/json")
            if self.path.startswith("/container/"):
                if self.headers.get("Authorization") != args.container_token:
                    self.record(False, "wrong or no Authorization")
                    return self.reply(401, "")
                return self.json_credentials(False)
            prefix = "/latest/meta-data/iam/security-credentials/"
            if self.path.startswith(prefix):
                if self.headers.get("X-aws-ec2-metadata-token") != IMDS_TOKEN:
                    self.record(False, "no IMDSv2 token")
                    return self.reply(401, "")
                role = self.path[len(prefix):]
                if not role:
                    self.record(True)
                    return self.reply(200, IMDS_ROLE)
                if role != IMDS_ROLE:
                    return self.reply(404, "")
                return self.json_credentials(True)
            self.reply(404, "")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
