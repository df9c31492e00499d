#!/usr/bin/env python3
"""Helper of scripts/s3-server.sh, run with the moto venv's python (boto3/botocore pinned there).

  s3-server.py setup <endpoint> <env-file> <port> <venv-python>
      With moto's authentication off: the bucket flink-state, the IAM user `flink` with an
      allow-all S3 policy and its access key, the IAM user `flink-denied` with no policy and its
      key; writes <env-file> (sourceable `export` lines). Keys already named in <env-file> that
      moto still knows are kept, so `up` on a running server does not change them.
  s3-server.py auth <endpoint> on|off
      POST /moto-api/reset-auth with body 0 (on: every request from now on must be signed with a
      key moto's IAM knows, and the policies are evaluated) or inf (off).
  s3-server.py selftest <env-file>
      Turns authentication on, checks that moto enforces it (the right key works; a wrong secret
      is 403 SignatureDoesNotMatch, an unknown key 403 InvalidAccessKeyId, the user without a
      policy 403 AccessDenied, a request that signs User-Agent 403 SignatureDoesNotMatch, as
      Flink's S3A client does), then turns it off again. Exit 1 if any check fails.
Errors: one line on stderr, exit 1.
"""
import http.client
import json
import os
import shlex
import sys
import urllib.parse
import urllib.request

BUCKET = "flink-state"
USER = "flink"
DENIED_USER = "flink-denied"
REGION = "us-east-1"
ALLOW_ALL_S3 = json.dumps({"Version": "2012-10-17",
                           "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})


def fail(message):
    print(f"s3-server: error: {message}", file=sys.stderr)
    sys.exit(1)


def load_env(path):
    env = {}
    if os.path.exists(path):
        with open(path) as handle:
            for line in handle:
                line = line.strip()
                if line.startswith("export ") and "=" in line:
                    name, _, value = line[len("export "):].partition("=")
                    parts = shlex.split(value)
                    env[name] = parts[0] if parts else ""
    return env


def set_auth(endpoint, on):
    """Returns moto's previous INITIAL_NO_AUTH_ACTION_COUNT."""
    request = urllib.request.Request(endpoint + "/moto-api/reset-auth", data=b"0" if on else b"inf",
                                     method="POST", headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.loads(response.read())
    if answer.get("status") != "ok":
        fail(f"moto refused reset-auth: {answer}")
    return answer.get("PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT")


def client(service, endpoint, key="setup", secret="setup", **config):
    import boto3
    from botocore.config import Config
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id=key,
                        aws_secret_access_key=secret,
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                                      connect_timeout=5, read_timeout=30, **config))


def ensure_key(iam, user, key_id):
    """The access key of `user`: `key_id` (secret from the env file) if moto still has it, else new."""
    from botocore.exceptions import ClientError
    try:
        iam.get_user(UserName=user)
    except ClientError:
        iam.create_user(UserName=user)
    existing = [k["AccessKeyId"] for k in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]]
    if key_id and key_id in existing:
        return None
    created = iam.create_access_key(UserName=user)["AccessKey"]
    return created["AccessKeyId"], created["SecretAccessKey"]


def setup(endpoint, env_file, port, python):
    from botocore.exceptions import ClientError
    set_auth(endpoint, on=False)
    s3 = client("s3", endpoint)
    try:
        s3.create_bucket(Bucket=BUCKET)
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    iam = client("iam", endpoint)
    old = load_env(env_file)
    keys = {}
    for user, prefix in ((USER, "S3"), (DENIED_USER, "S3_DENIED")):
        new = ensure_key(iam, user, old.get(f"{prefix}_ACCESS_KEY"))
        keys[prefix] = new or (old[f"{prefix}_ACCESS_KEY"], old[f"{prefix}_SECRET_KEY"])
    iam.put_user_policy(UserName=USER, PolicyName="s3-all", PolicyDocument=ALLOW_ALL_S3)
    values = {
        "S3_ENDPOINT": endpoint,
        "S3_PORT": port,
        "S3_REGION": REGION,
        "S3_BUCKET": BUCKET,
        "S3_ACCESS_KEY": keys["S3"][0],
        "S3_SECRET_KEY": keys["S3"][1],
        "S3_DENIED_ACCESS_KEY": keys["S3_DENIED"][0],
        "S3_DENIED_SECRET_KEY": keys["S3_DENIED"][1],
        "S3_PYTHON": python,
        "S3_SERVER_SCRIPT": os.path.join(os.path.dirname(os.path.abspath(__file__)), "s3-server.sh"),
    }
    tmp = env_file + ".tmp"
    with open(tmp, "w") as handle:
        handle.write("# Written by scripts/s3-server.sh up; source it. moto on loopback, test keys only.\n")
        for name, value in values.items():
            handle.write(f"export {name}={shlex.quote(str(value))}\n")
    os.replace(tmp, env_file)


def error_code(call):
    """(HTTP status, S3 error code) of a boto3 call that is expected to fail; (200, None) if not."""
    from botocore.exceptions import ClientError
    try:
        call()
        return 200, None
    except ClientError as error:
        return error.response["ResponseMetadata"]["HTTPStatusCode"], error.response["Error"]["Code"]


def signed_user_agent_status(endpoint, key, secret):
    """Status of a ListObjectsV2 signed with User-Agent in SignedHeaders, as the AWS SDK for Java v1 does."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    class SignsUserAgent(S3SigV4Auth):
        def headers_to_sign(self, request):
            headers = super().headers_to_sign(request)
            headers["user-agent"] = request.headers["User-Agent"]
            return headers

    url = f"{endpoint}/{BUCKET}?list-type=2"
    request = AWSRequest(method="GET", url=url, headers={"User-Agent": "aws-sdk-java/1.12.779 flink-s3a-probe"})
    SignsUserAgent(Credentials(key, secret), "s3", REGION).add_auth(request)
    signed = request.headers["Authorization"]
    if "user-agent" not in signed:
        fail("the probe did not sign user-agent")
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", parts.path + "?" + parts.query, headers=dict(request.headers.items()))
    response = connection.getresponse()
    body = response.read().decode(errors="replace")
    connection.close()
    return response.status, body


def selftest(env_file):
    env = load_env(env_file)
    endpoint = env["S3_ENDPOINT"]
    key, secret = env["S3_ACCESS_KEY"], env["S3_SECRET_KEY"]
    failures = []

    def check(condition, what):
        print(("ok   " if condition else "FAIL ") + what, flush=True)
        if not condition:
            failures.append(what)

    set_auth(endpoint, on=True)
    try:
        good = client("s3", endpoint, key, secret)
        check(error_code(lambda: good.list_objects_v2(Bucket=BUCKET, MaxKeys=1))[0] == 200,
              "auth on: the IAM key lists the bucket")
        check(error_code(lambda: good.put_object(Bucket=BUCKET, Key="selftest/probe", Body=b"x"))[0] == 200
              and error_code(lambda: good.delete_object(Bucket=BUCKET, Key="selftest/probe"))[0] in (200, 204),
              "auth on: the IAM key puts and deletes")
        wrong = client("s3", endpoint, key, secret + "x")
        got = error_code(lambda: wrong.list_objects_v2(Bucket=BUCKET, MaxKeys=1))
        check(got == (403, "SignatureDoesNotMatch"), f"auth on: a wrong secret is 403 SignatureDoesNotMatch {got}")
        unknown = client("s3", endpoint, "AKIAUNKNOWNKEY000000", secret)
        got = error_code(lambda: unknown.list_objects_v2(Bucket=BUCKET, MaxKeys=1))
        check(got == (403, "InvalidAccessKeyId"), f"auth on: an unknown key is 403 InvalidAccessKeyId {got}")
        denied = client("s3", endpoint, env["S3_DENIED_ACCESS_KEY"], env["S3_DENIED_SECRET_KEY"])
        got = error_code(lambda: denied.list_objects_v2(Bucket=BUCKET, MaxKeys=1))
        check(got == (403, "AccessDenied"), f"auth on: the user without a policy is 403 AccessDenied {got}")
        status, body = signed_user_agent_status(endpoint, key, secret)
        check(status == 403 and "SignatureDoesNotMatch" in body,
              f"auth on: a request that signs User-Agent is refused ({status}, SignatureDoesNotMatch)")
    finally:
        set_auth(endpoint, on=False)
    anyone = client("s3", endpoint, "anything", "anything")
    check(error_code(lambda: anyone.list_objects_v2(Bucket=BUCKET, MaxKeys=1))[0] == 200,
          "auth off: any key is accepted again")
    if failures:
        fail(f"{len(failures)} selftest check(s) failed: " + "; ".join(failures))


def main(argv):
    try:
        if len(argv) == 6 and argv[1] == "setup":
            setup(argv[2], argv[3], argv[4], argv[5])
        elif len(argv) == 4 and argv[1] == "auth" and argv[3] in ("on", "off"):
            previous = set_auth(argv[2], on=argv[3] == "on")
            print(f"auth {argv[3]} (moto's previous INITIAL_NO_AUTH_ACTION_COUNT: {previous})")
        elif len(argv) == 3 and argv[1] == "selftest":
            selftest(argv[2])
        else:
            fail("usage: s3-server.py setup <endpoint> <env-file> <port> <python> | auth <endpoint> on|off"
                 " | selftest <env-file>")
    except SystemExit:
        raise
    except Exception as error:  # one line, whatever broke
        fail(f"{type(error).__name__}: {' '.join(str(error).split())[:300]}")


if __name__ == "__main__":
    main(sys.argv)
