#!/usr/bin/env python3
"""Temporary credentials that a signature-checking S3 really accepts: `flink inspect s3://...` of
the built binary with credentials from web identity, a profile's web identity, container
credentials and IMDSv2, against moto with authentication on.

  s3_credentials.py <flink binary> <moto port> <work dir>
                    (ctest: s3_credentials; starts its own moto with scripts/s3-server.sh)

With authentication still off, moto's IAM gets a role with an S3 policy and moto's STS issues
temporary credentials for it (AssumeRoleWithWebIdentity); a savepoint tree is uploaded. moto
cannot serve the unsigned AssumeRoleWithWebIdentity once authentication is on (it answers 500),
so AWS_ENDPOINT_URL_STS, the container URI and AWS_EC2_METADATA_SERVICE_ENDPOINT point at
tests/fake/fake_aws_credentials.py, which checks each request (role ARN and the token file's
token, the container authorization token, the IMDSv2 token) and hands out those moto-issued
credentials with an expiry. Then authentication is turned on and every S3 request the client
signs with them goes to moto, which checks the session token and the signature: each source
must give exit 0; a spoiled secret (SignatureDoesNotMatch) and a missing session token are
refused (17); STS refusing the token is 17, a missing token file and a container URI on a host
that is not allowed are 2, each one stderr line naming the source; no IMDS answering costs at
most about a second and leaves the requests anonymous. A profile's role_arn/source_profile is
assumed at moto's own STS (signed AssumeRole, checked by moto), also through a chain of two roles. A bucket in another region (a
proxy in front of moto redirects requests signed for us-east-1 to eu-west-1) works after one
redirect, named with -v.

Exit 0 when every check passes, 1 otherwise, 125 (skipped) when moto is not installed for this
build and CI is not set (scripts/s3-server.sh up installs it, from PyPI, pinned).
"""
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from s3_faults import SAVEPOINT, write_fixture  # noqa: E402  (the same savepoint as the fault tests)

FAKE = os.path.join(REPO, "tests", "fake", "fake_aws_credentials.py")
SERVER = os.path.join(REPO, "scripts", "s3-server.sh")
BUCKET = "flink-state"
PREFIX = "credentials-test"
ROLE = "flink-web-identity"
WEB_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eks-service-account-token-for-the-test"
CONTAINER_TOKEN = "container-authorization-token-for-the-test"
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)
    return condition


# Run by the venv's python (boto3), authentication still off: the role, its S3 policy, the
# temporary credentials moto's STS issues for it, and the savepoint tree.
SETUP = r"""
import json, os, sys
import boto3
endpoint, root, prefix, role, out = sys.argv[1:6]
kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
iam, sts, s3 = boto3.client("iam", **kw), boto3.client("sts", **kw), boto3.client("s3", **kw)
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
         "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.example"}}]}
try:
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))
except iam.exceptions.EntityAlreadyExistsException:
    pass
iam.put_role_policy(RoleName=role, PolicyName="s3", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
arn = iam.get_role(RoleName=role)["Role"]["Arn"]
issued = sts.assume_role_with_web_identity(RoleArn=arn, RoleSessionName="s3-credentials-test",
                                           WebIdentityToken="moto-does-not-check-it", DurationSeconds=3600)["Credentials"]
# For AssumeRole from a profile: a user allowed to assume a role that may use S3.
try:
    iam.create_user(UserName="flink-assumer")
except iam.exceptions.EntityAlreadyExistsException:
    pass
iam.put_user_policy(UserName="flink-assumer", PolicyName="assume", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
for old in iam.list_access_keys(UserName="flink-assumer")["AccessKeyMetadata"]:
    iam.delete_access_key(UserName="flink-assumer", AccessKeyId=old["AccessKeyId"])
assumer = iam.create_access_key(UserName="flink-assumer")["AccessKey"]
try:
    iam.create_role(RoleName="flink-assumed", AssumeRolePolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                 "Principal": {"AWS": "arn:aws:iam::123456789012:user/flink-assumer"}}]}))
except iam.exceptions.EntityAlreadyExistsException:
    pass
iam.put_role_policy(RoleName="flink-assumed", PolicyName="s3", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "sts:AssumeRole"], "Resource": "*"}]}))
assumed_arn = iam.get_role(RoleName="flink-assumed")["Role"]["Arn"]
# For a chain: a role the sessions of flink-assumed may assume (moto checks the trust policy).
try:
    iam.create_role(RoleName="flink-chained", AssumeRolePolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}}]}))
except iam.exceptions.EntityAlreadyExistsException:
    pass
iam.put_role_policy(RoleName="flink-chained", PolicyName="s3", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
chained_arn = iam.get_role(RoleName="flink-chained")["Role"]["Arn"]
for directory, _, files in os.walk(root):
    for name in files:
        path = os.path.join(directory, name)
        s3.upload_file(path, "flink-state", prefix + "/" + os.path.relpath(path, root))
json.dump({"RoleArn": arn, "AccessKeyId": issued["AccessKeyId"], "SecretAccessKey": issued["SecretAccessKey"],
           "SessionToken": issued["SessionToken"], "AssumedRoleArn": assumed_arn, "ChainedRoleArn": chained_arn,
           "AssumerKey": assumer["AccessKeyId"], "AssumerSecret": assumer["SecretAccessKey"]}, open(out, "w"))
"""


class RegionProxy:
    """In front of moto: a request signed for another region than `region` gets S3's redirect (301
    PermanentRedirect with x-amz-bucket-region, no body for a HEAD); the others go to moto as they
    are, Host included, so that moto checks their signature."""

    def __init__(self, moto_port, region):
        redirected = self.redirected = []

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *unused):
                pass

            def handle_one(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if f"/{region}/s3/aws4_request" not in self.headers.get("Authorization", ""):
                    redirected.append(self.path)
                    xml = (b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>PermanentRedirect</Code><Message>The bucket you "
                           b"are attempting to access must be addressed using the specified endpoint.</Message></Error>")
                    self.send_response(301)
                    self.send_header("x-amz-bucket-region", region)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", "0" if self.command == "HEAD" else str(len(xml)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(xml)
                    return
                moto = http.client.HTTPConnection("127.0.0.1", moto_port, timeout=30)
                moto.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():
                    moto.putheader(name, value)
                moto.endheaders(body or None)
                answer = moto.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)) if self.command != "HEAD" else answer.getheader("Content-Length", "0"))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                moto.close()

            do_GET = do_HEAD = do_POST = handle_one

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def free_port(preferred):
    """`preferred` unless something listens there (another build's test run), else any free one."""
    for candidate in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free loopback port")


def server(command, port, work, *extra):
    env = dict(os.environ, S3_PORT=str(port), S3_WORK_DIR=work)
    return subprocess.run([SERVER, command, *extra], env=env, capture_output=True, text=True, timeout=300)


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: s3_credentials.py <flink binary> <moto port> <work dir>")
    flink_binary, port, work = os.path.abspath(sys.argv[1]), int(sys.argv[2]), os.path.abspath(sys.argv[3])
    os.makedirs(work, exist_ok=True)
    # The build's e2e moto venv serves here too (its own pid, port and log in `work`).
    shared = os.path.join(os.path.dirname(work), "s3", "venv")
    if not os.path.exists(os.path.join(work, "venv")) and os.path.isdir(shared):
        os.symlink(shared, os.path.join(work, "venv"))
    if not os.path.exists(os.path.join(work, "venv")) and not os.environ.get("CI"):
        print("s3_credentials: moto is not installed for this build (scripts/s3-server.sh up); skipped")
        return 125
    port = free_port(port)
    up = server("up", port, work)
    if up.returncode != 0:
        print(up.stderr.strip())
        return 1
    env_file = {}
    with open(os.path.join(work, "s3.env")) as handle:
        for line in handle:
            match = re.match(r"export (\w+)=(.*)", line.strip())
            if match:
                env_file[match.group(1)] = match.group(2)
    endpoint = env_file["S3_ENDPOINT"]
    scratch = tempfile.mkdtemp(prefix="s3-credentials-")
    fake = None
    try:
        tree = os.path.join(scratch, "tree")
        os.makedirs(tree)
        write_fixture(tree)
        shutil.rmtree(os.path.join(tree, "savepoints", "savepoint-fa4e00-0000truncated"), ignore_errors=True)
        issued_file = os.path.join(scratch, "issued.json")
        setup = subprocess.run([env_file["S3_PYTHON"], "-c", SETUP, endpoint, tree, PREFIX, ROLE, issued_file],
                               capture_output=True, text=True, timeout=120)
        if not check(setup.returncode == 0, "moto issues temporary credentials for a role (auth off)"):
            print(setup.stderr[-2000:])
            return 1
        with open(issued_file) as handle:
            issued = json.load(handle)
        check(issued["AccessKeyId"].startswith("ASIA"), "moto's STS issued an ASIA key with a session token")
        token_file = os.path.join(scratch, "eks-token")
        with open(token_file, "w") as handle:
            handle.write(WEB_TOKEN + "\n")
        fake = subprocess.Popen([sys.executable, FAKE, "--credentials", issued_file, "--role-arn", issued["RoleArn"],
                                 "--web-token-file", token_file, "--container-token", CONTAINER_TOKEN,
                                 "--log", os.path.join(work, "fake-credentials.log")],
                                stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        fake_port = int(re.match(r"PORT (\d+)", fake.stdout.readline()).group(1))
        fake_url = f"http://127.0.0.1:{fake_port}"

        def control(path, body=None):
            request = urllib.request.Request(fake_url + path, method="POST" if body is not None else "GET",
                                             data=json.dumps(body).encode() if body is not None else None)
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())

        home, conf = os.path.join(scratch, "home"), os.path.join(scratch, "conf")
        os.makedirs(os.path.join(home, ".aws"))
        os.makedirs(conf)
        open(os.path.join(conf, "config.yaml"), "w").close()
        target = f"s3://{BUCKET}/{PREFIX}/{SAVEPOINT}"

        def flink(env, timeout=60):
            clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FLINK_"))}
            clean.update(HOME=home, FLINK_CONF_DIR=conf, AWS_ENDPOINT_URL_S3=endpoint, AWS_REGION="us-east-1",
                         AWS_EC2_METADATA_DISABLED="true")
            clean.update(env)
            clean = {k: v for k, v in clean.items() if v is not None}
            started = time.monotonic()
            result = subprocess.run([flink_binary, "inspect", "-v", target, "-D", "client.timeout=30s"],
                                    capture_output=True, text=True, timeout=timeout, env=clean, stdin=subprocess.DEVNULL)
            result.seconds = time.monotonic() - started
            return result

        def error_line(result):
            lines = [line for line in result.stderr.splitlines()
                     if not line.startswith(("flink: debug:", "answer:", "  ")) and line.strip()]
            return lines[-1] if lines else ""

        def expect(name, result, code, pattern=None):
            line = error_line(result)
            ok = result.returncode == code and (pattern is None or re.search(pattern, result.stderr))
            if code != 0:
                ok = ok and not result.stdout.strip()
            check(bool(ok), f"{name}: exit {result.returncode} (want {code}) {line[:700]!r}")
            for secret in (issued["SecretAccessKey"], issued["SessionToken"], WEB_TOKEN, CONTAINER_TOKEN, issued["AssumerSecret"]):
                check(secret not in result.stderr + result.stdout, f"{name}: no secret or token in the output")

        web_identity = {"AWS_WEB_IDENTITY_TOKEN_FILE": token_file, "AWS_ROLE_ARN": issued["RoleArn"],
                        "AWS_ROLE_SESSION_NAME": "s3-credentials-test", "AWS_ENDPOINT_URL_STS": fake_url}
        container = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": fake_url + "/container/v1/credentials",
                     "AWS_CONTAINER_AUTHORIZATION_TOKEN": CONTAINER_TOKEN}
        with open(os.path.join(home, ".aws", "config"), "w") as handle:
            handle.write(f"[profile eks]\nweb_identity_token_file = {token_file}\nrole_arn = {issued['RoleArn']}\n"
                         f"region = us-east-1\n"
                         f"[profile deploy]\nrole_arn = {issued['AssumedRoleArn']}\nsource_profile = base\n"
                         f"[profile deploy-wrong]\nrole_arn = {issued['AssumedRoleArn']}\nsource_profile = wrong\n"
                         f"[profile chained]\nrole_arn = {issued['ChainedRoleArn']}\nsource_profile = deploy\n")
        with open(os.path.join(home, ".aws", "credentials"), "w") as handle:
            handle.write(f"[base]\naws_access_key_id = {issued['AssumerKey']}\naws_secret_access_key = {issued['AssumerSecret']}\n"
                         f"[wrong]\naws_access_key_id = {issued['AssumerKey']}\naws_secret_access_key = not-its-secret\n")
        container_token_file = os.path.join(scratch, "container-token")
        with open(container_token_file, "w") as handle:
            handle.write(CONTAINER_TOKEN)

        # No IMDS answering (a socket that never accepts): anonymous after about a second, which
        # moto refuses (anonymous requests need a public ACL, even with authentication off).
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(0)
        result = flink({"AWS_EC2_METADATA_DISABLED": None,
                        "AWS_EC2_METADATA_SERVICE_ENDPOINT": f"http://127.0.0.1:{silent.getsockname()[1]}"})
        expect("no IMDS answering: anonymous", result, 17, r"(?s)no answer within 1 ?s.*No S3 credentials were found")
        check(result.seconds < 10, f"no IMDS answering: bounded ({result.seconds:.1f} s)")
        silent.close()

        auth = server("auth", port, work, "on")
        if not check(auth.returncode == 0, "moto authentication on"):
            return 1
        expect("web identity (AWS_WEB_IDENTITY_TOKEN_FILE)", flink(web_identity), 0,
               r"S3 credentials: access key ASIA.* from web identity \(AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN\)")
        expect("web identity of a profile", flink({"AWS_PROFILE": "eks", "AWS_ENDPOINT_URL_STS": fake_url}), 0,
               r"web_identity_token_file and role_arn of AWS profile 'eks'")
        expect("container credentials (AWS_CONTAINER_AUTHORIZATION_TOKEN)", flink(container), 0,
               r"from container credentials \(AWS_CONTAINER_CREDENTIALS_FULL_URI\)")
        expect("container credentials (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)",
               flink({"AWS_CONTAINER_CREDENTIALS_FULL_URI": container["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
                      "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": container_token_file}), 0)
        expect("instance metadata (IMDSv2)",
               flink({"AWS_EC2_METADATA_DISABLED": None, "AWS_EC2_METADATA_SERVICE_ENDPOINT": fake_url}), 0,
               r"from instance metadata \(IMDSv2 at .*role flink-node-role")
        # AssumeRole is signed: moto itself serves it, checking the signature and the user's policy.
        expect("assume role from a profile (signed STS AssumeRole at moto)",
               flink({"AWS_PROFILE": "deploy", "AWS_ENDPOINT_URL_STS": endpoint}), 0,
               r"S3 credentials: access key ASIA.* from assume role \(role_arn and source_profile of AWS profile 'deploy'")
        expect("a chain of roles (the second AssumeRole signed with the first one's session)",
               flink({"AWS_PROFILE": "chained", "AWS_ENDPOINT_URL_STS": endpoint}), 0,
               r"from assume role \(role_arn and source_profile of AWS profile 'chained'")
        expect("assume role with a wrong source secret", flink({"AWS_PROFILE": "deploy-wrong", "AWS_ENDPOINT_URL_STS": endpoint}), 17,
               r"assume role \(role_arn and source_profile of AWS profile 'deploy-wrong'.*refused AssumeRole .*SignatureDoesNotMatch")
        # A bucket in another region: the first request, signed for us-east-1, is redirected; it
        # is signed for eu-west-1 and sent again once, and the bucket's next requests go there.
        proxy = RegionProxy(port, "eu-west-1")
        try:
            result = flink(dict(web_identity, AWS_ENDPOINT_URL_S3=proxy.endpoint))
            expect("a bucket in another region, after one redirect", result, 0,
                   r"bucket flink-state is in region eu-west-1, not us-east-1 \((PermanentRedirect|HTTP 301 with x-amz-bucket-region)\)")
            check(len(proxy.redirected) == 1, f"one request redirected ({len(proxy.redirected)})")
        finally:
            proxy.stop()
        log = control("/__fake/log")
        check(all(entry["ok"] for entry in log), f"the fake accepted every credentials request ({len(log)})")
        check({entry["method"] for entry in log} >= {"POST", "PUT", "GET"}, "STS, container and IMDS were each asked")

        control("/__fake/mode", {"secret_suffix": "spoiled"})
        expect("a wrong secret", flink(web_identity), 17, r"SignatureDoesNotMatch")
        control("/__fake/mode", {"omit_token": True})
        expect("no session token", flink(container), 17, r"InvalidAccessKeyId|InvalidToken|AccessDenied")
        control("/__fake/mode", {})
        expect("container authorization token wrong", flink(dict(container, AWS_CONTAINER_AUTHORIZATION_TOKEN="wrong")), 17,
               r"container credentials \(AWS_CONTAINER_CREDENTIALS_FULL_URI\).*HTTP 401")
        other_token = os.path.join(scratch, "other-token")
        with open(other_token, "w") as handle:
            handle.write("a-token-sts-does-not-accept")
        expect("STS refuses the token", flink(dict(web_identity, AWS_WEB_IDENTITY_TOKEN_FILE=other_token)), 17,
               r"web identity \(AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN\): STS at .* refused "
               r"AssumeRoleWithWebIdentity .*InvalidIdentityToken")
        expect("missing token file", flink(dict(web_identity, AWS_WEB_IDENTITY_TOKEN_FILE=os.path.join(scratch, "none"))), 2,
               r"web identity .*does not exist")
        expect("container host not allowed",
               flink({"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://192.0.2.1/creds"}), 2, r"not allowed")
    finally:
        server("auth", port, work, "off")
        server("down", port, work)
        if fake is not None:
            fake.terminate()
            fake.wait(timeout=10)
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"s3_credentials: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
