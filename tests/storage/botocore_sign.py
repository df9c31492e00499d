#!/usr/bin/env python3
"""S3 requests signed by botocore's own S3SigV4Auth at a fixed time, printed as JSON.

StorageSigV4.SameAsBotocore (tests/unit/storage_sigv4_test.cpp) signs the same requests with
our signer and compares every header signing adds. botocore is what moto re-computes the
signature with, so agreeing with it is what an S3 test server accepts. Run with the botocore
that scripts/fetch-test-data.sh installs into <build>/test-data/botocore-venv/.
"""
import base64
import datetime
import hashlib
import json
import sys
from urllib.parse import quote

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

TIME = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
HOST = "127.0.0.1:9000"

CASES = [
    {
        "name": "GET object with query and Range, user-agent not signed",
        "method": "GET",
        "path": "/flink-state/savepoints/savepoint-a b+c~/_metadata",
        "query": [["versionId", "v 1/+"], ["partNumber", "1"]],
        "headers": [["Range", "bytes=0-1023"], ["User-Agent", "flink-cli/0.1"]],
        "body": "",
        "region": "us-east-1",
        "token": None,
    },
    {
        "name": "POST ?delete with a body and Content-MD5",
        "method": "POST",
        "path": "/flink-state",
        "query": [["delete", ""]],
        "headers": [
            ["Content-Type", "application/xml"],
            ["Content-MD5", "placeholder"],
        ],
        "body": '<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>'
        "savepoints/savepoint-a-b/_metadata</Key></Object><Quiet>true</Quiet></Delete>",
        "region": "eu-central-1",
        "token": None,
    },
    {
        "name": "ListObjectsV2 with a session token",
        "method": "GET",
        "path": "/flink-state",
        "query": [["list-type", "2"], ["prefix", "savepoints/"], ["delimiter", "/"]],
        "headers": [["Expect", "100-continue"]],
        "body": "",
        "region": "us-east-1",
        "token": "FwoGZXIvYXdzEBYaDH/+token==",
    },
]


def sign(case):
    body = case["body"].encode()
    headers = [list(h) for h in case["headers"]]
    for header in headers:
        if header[0] == "Content-MD5":
            header[1] = base64.b64encode(hashlib.md5(body).digest()).decode()
    # botocore's serializer puts the key into the URL encoded once, '/' and '~' kept.
    url = "http://" + HOST + quote(case["path"], safe="/~")
    request = AWSRequest(
        method=case["method"], url=url, headers=dict(headers), data=body,
        params=dict(case["query"]),
    )
    credentials = Credentials("AKIAFLINKCLITEST", "s3cr3t/Key+EXAMPLE", case["token"])
    botocore.auth.get_current_datetime = lambda: TIME
    botocore.auth.S3SigV4Auth(credentials, "s3", case["region"]).add_auth(request)
    signed = {name: request.headers[name] for name in (
        "X-Amz-Date", "X-Amz-Content-SHA256", "X-Amz-Security-Token", "Authorization",
    ) if name in request.headers}
    return dict(case, headers=[["Host", HOST]] + headers, signed=signed)


def main():
    json.dump({"botocore": botocore.__version__, "time": TIME.isoformat(),
               "access_key_id": "AKIAFLINKCLITEST", "secret_access_key": "s3cr3t/Key+EXAMPLE",
               "cases": [sign(case) for case in CASES]}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
