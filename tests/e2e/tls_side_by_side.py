#!/usr/bin/env python3
"""End-to-end suite for REST TLS and mutual TLS against a real Flink, our `flink` beside Java's.

Started by tests/e2e/run-e2e.sh after `FLINK_REST_TLS=both scripts/flink-cluster.sh up`: the
cluster's REST endpoint speaks mutual TLS (PKCS12 server store, client certificates required) and
a JobManager-only companion speaks TLS without client certificates (JKS server store whose key
password differs from the store password). Certificates and stores are made at test time by
flink-cluster.sh (openssl for keys and PKCS12, keytool for JKS and truststores); it also writes the client conf dirs used
here (cluster.env: FLINK_TLS_CLIENT_CONF_{TLS,MTLS}_{JKS,P12}).

* Success paths run through both clients on the same conf and compare stdout after the
  placeholders of side_by_side.py (its helpers are imported): `list` over TLS with a JKS and a
  PKCS12 truststore, over mutual TLS with a JKS keystore (key password != store password) and a
  PKCS12 keystore, each with the conf's address and with `-m https://127.0.0.1:<port>`; SHA-1
  fingerprint pinning; then `run`, `list`, `savepoint` and `run -s` (the restored job's
  latest.restored is the savepoint) over mutual TLS.
* Failure paths run through our client only (Java retries a failed handshake for about 60 s):
  exit status, one stderr line saying what to fix, no password in the output, and no wait.
"""
import concurrent.futures
import hashlib
import os
import re
import socket
import ssl
import subprocess
import sys
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import side_by_side as sbs  # noqa: E402  (reads FLINK_CLUSTER_ENV)

CLUSTER = sbs.CLUSTER
if CLUSTER.get("FLINK_REST_TLS") != "both":
    raise SystemExit("tls_side_by_side.py needs a cluster started with FLINK_REST_TLS=both "
                     f"(cluster.env says FLINK_REST_TLS={CLUSTER.get('FLINK_REST_TLS')!r})")

VERSION = CLUSTER["FLINK_VERSION"]
JAR = sbs.JAR
SCRATCH = os.path.join(sbs.WORKSPACE, "e2e-tls")
MTLS_PORT = CLUSTER["FLINK_REST_ADDRESS"].rsplit(":", 1)[1]
TLS_PORT = CLUSTER["FLINK_TLS_ONLY_REST_ADDRESS"].rsplit(":", 1)[1]
CONF = {name: CLUSTER["FLINK_TLS_CLIENT_CONF_" + name.upper().replace("-", "_")]
        for name in ("tls-jks", "tls-p12", "mtls-jks", "mtls-p12")}
TLS_DIR = CLUSTER["FLINK_TLS_DIR"]
OTHER_TRUSTSTORE = CLUSTER["FLINK_TLS_OTHER_CA_TRUSTSTORE"]
# Every password in the stores and confs: none may ever be printed.
PASSWORDS = ("p12_pass", "ts_pass", "ks_pass", "key_pass", "jks_pass", "jks_keypass", "wrong-pass-77")


def port_of(conf):
    return TLS_PORT if conf.startswith("tls-") else MTLS_PORT


def sha1_fingerprint(pem_path):
    with open(pem_path) as handle:
        der = ssl.PEM_cert_to_DER_cert(handle.read())
    digest = hashlib.sha1(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


SERVER_FINGERPRINT = sha1_fingerprint(CLUSTER["FLINK_TLS_SERVER_CERT_PEM"])

# side_by_side's rest()/post_json() use urllib: the mTLS endpoint needs our CA and a client cert.
_context = ssl.create_default_context(cafile=CLUSTER["FLINK_TLS_CA_PEM"])
_context.load_cert_chain(CLUSTER["FLINK_TLS_CLIENT_CERT_PEM"], CLUSTER["FLINK_TLS_CLIENT_KEY_PEM"])
urllib.request.install_opener(urllib.request.build_opener(urllib.request.HTTPSHandler(context=_context)))


def ours(conf, *args):
    return sbs.run_client(sbs.OUR_FLINK, args, env={"FLINK_CONF_DIR": CONF[conf]})


def java(conf, *args):
    return sbs.run_client(sbs.JAVA_FLINK, args, env={"FLINK_CONF_DIR": CONF[conf]})


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


TIMINGS = []


class TlsSideBySide(unittest.TestCase):
    """Steps run in name order; the walkthrough steps share jobs and savepoints."""
    jobs = {}
    savepoints = {}
    compare = sbs.SideBySide.compare

    @classmethod
    def setUpClass(cls):
        os.makedirs(SCRATCH, exist_ok=True)
        for job in sbs.rest("/jobs/overview")["jobs"]:
            if job["state"] in ("RUNNING", "CREATED", "INITIALIZING", "RESTARTING"):
                sbs.rest(f"/jobs/{job['jid']}?mode=cancel", method="PATCH")

    def compare_and_show(self, case, our_result, java_result):
        """side_by_side.py's comparison; our stdout is shown (after placeholders) for the log."""
        TIMINGS.append((case, our_result.seconds, java_result.seconds))
        self.compare(case, our_result, java_result)
        print("".join(f"  | {line}\n" for line in sbs.normalize(our_result.out)), end="", file=sys.stderr)

    def side_by_side(self, case, conf, *args):
        our_result, java_result = ours(conf, *args), java(conf, *args)
        self.compare_and_show(case, our_result, java_result)
        self.assertEqual(our_result.rc, 0, our_result)
        return our_result, java_result

    def fails(self, rc, conf, *args):
        """Our client alone: exit `rc` at once, one line on stderr, no password anywhere."""
        result = ours(conf, *args)
        print(f"\n[{conf} {' '.join(args)}] ours {result.seconds:.2f} s rc {result.rc}\n  {result.err.strip()}",
              file=sys.stderr)
        self.assertEqual(result.rc, rc, result)
        self.assertEqual(len(result.err.strip().splitlines()), 1, result)
        self.assertLess(result.seconds, 10, f"not at once (a retry loop?): {result}")
        for password in PASSWORDS:
            self.assertNotIn(password, result.out + result.err, result)
        return result

    # --- failures, our client only ---------------------------------------------------------------

    def test_01_untrusted_server(self):
        """A truststore holding another CA: the handshake fails, naming the truststore (Java:
        PKIX path building failed ... after ~60 s of retries)."""
        result = self.fails(10, "tls-p12", "list", "-Dsecurity.ssl.rest.truststore=" + OTHER_TRUSTSTORE)
        self.assertIn(OTHER_TRUSTSTORE, result.err)
        self.assertIn("not trusted", result.err)
        self.assertIn(f"127.0.0.1:{TLS_PORT}", result.err)

    def test_02_wrong_truststore_password(self):
        """Exit 2 before any request, naming the file and the key (Java: "Keystore was tampered
        with, or password was incorrect" for JKS, "keystore password was incorrect" for PKCS12)."""
        nobody = closed_port()
        for conf, store in (("tls-jks", "ca-trust.jks"), ("tls-p12", "ca-trust.p12")):
            for address in ([], ["-m", f"https://127.0.0.1:{nobody}"]):
                with self.subTest(conf=conf, address=address):
                    result = self.fails(2, conf, "list", *address,
                                        "-Dsecurity.ssl.rest.truststore-password=wrong-pass-77")
                    self.assertIn(os.path.join(TLS_DIR, store), result.err)
                    self.assertIn("security.ssl.rest.truststore-password", result.err)
                    self.assertNotIn("Waiting for response", result.out)

    def test_03_wrong_key_and_keystore_passwords(self):
        result = self.fails(2, "mtls-jks", "list", "-Dsecurity.ssl.rest.key-password=wrong-pass-77")
        self.assertIn(os.path.join(TLS_DIR, "client.jks"), result.err)
        self.assertIn("security.ssl.rest.key-password", result.err)
        result = self.fails(2, "mtls-p12", "list", "-Dsecurity.ssl.rest.keystore-password=wrong-pass-77")
        self.assertIn(os.path.join(TLS_DIR, "client.p12"), result.err)
        self.assertIn("security.ssl.rest.keystore-password", result.err)

    def test_04_mtls_server_without_client_certificate(self):
        """No keystore configured against the mutual-TLS endpoint (Java: "Received fatal alert:
        bad_certificate" after ~60 s): the hint names the keys to set."""
        result = self.fails(10, "tls-p12", "list", "-m", f"https://127.0.0.1:{MTLS_PORT}")
        self.assertIn("client certificate", result.err)
        self.assertIn("security.ssl.rest.authentication-enabled", result.err)
        self.assertIn("security.ssl.rest.keystore", result.err)

    def test_05_client_certificate_the_server_rejects(self):
        """A client certificate issued by a CA the JobManager's truststore does not hold."""
        keystore = os.path.join(SCRATCH, "stranger.p12")
        subprocess.run(["bash", "-euo", "pipefail", "-c", """
            cd "$1"
            openssl req -newkey rsa:2048 -nodes -keyout stranger.key -out stranger.csr -subj /CN=stranger
            printf 'extendedKeyUsage=clientAuth\\n' > stranger.ext
            openssl x509 -req -in stranger.csr -CA "$2/other-ca.pem" -CAkey "$2/other-ca.key" -CAcreateserial \
                -CAserial stranger.srl -out stranger.pem -days 2 -extfile stranger.ext
            openssl pkcs12 -export -in stranger.pem -inkey stranger.key -name stranger -out stranger.p12 \
                -passout pass:p12_pass""", "-", SCRATCH, TLS_DIR], check=True, capture_output=True)
        result = self.fails(10, "mtls-p12", "list", "-Dsecurity.ssl.rest.keystore=" + keystore)
        self.assertIn("rejected our client certificate", result.err)
        self.assertIn(keystore, result.err)

    def test_06_wrong_fingerprint(self):
        """Pinning replaces the chain check: an unknown fingerprint fails, showing the server's
        (Java: "server certificate with unknown fingerprint: CN=localhost")."""
        wrong = ":".join(["AB"] * 20)
        result = self.fails(10, "tls-p12", "list", "-Dsecurity.ssl.rest.cert.fingerprint=" + wrong)
        self.assertIn("fingerprint", result.err)
        self.assertIn(SERVER_FINGERPRINT, result.err)

    def test_07_plain_http_to_a_tls_port(self):
        """`-m host:port` means http (as in Flink): the TLS port answers 301 to https. Java fails
        after ~60 s ("Response was neither of the expected type ..." on 1.20, an NPE on 2.x)."""
        for conf in ("tls-p12", "mtls-p12"):
            with self.subTest(conf=conf):
                port = port_of(conf)
                result = self.fails(9, conf, "list", "-m", f"127.0.0.1:{port}")
                self.assertIn(f"https://127.0.0.1:{port}", result.err)
                self.assertIn("301", result.err)

    # --- success paths, side by side ---------------------------------------------------------------

    def test_10_list_over_tls_and_mutual_tls(self):
        cases = [(f"list ({conf}{', -m https' if address else ''})", conf, ["list"] + address)
                 for conf in ("tls-jks", "tls-p12", "mtls-jks", "mtls-p12")
                 for address in ([], ["-m", f"https://127.0.0.1:{port_of(conf)}"])]
        # The JVM start dominates: two Java clients at a time, ours meanwhile.
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            java_results = [pool.submit(java, conf, *args) for _, conf, args in cases]
            our_results = [ours(conf, *args) for _, conf, args in cases]
            java_results = [future.result() for future in java_results]
        for (case, _, _), our_result, java_result in zip(cases, our_results, java_results):
            with self.subTest(case=case):
                self.compare_and_show(case, our_result, java_result)
                self.assertEqual(our_result.rc, 0, our_result)
                self.assertIn("No running jobs.", our_result.out)

    def test_11_fingerprint_pinning(self):
        """The right fingerprint with a truststore that trusts nothing of the server's: accepted."""
        self.side_by_side("list, pinned fingerprint", "tls-p12", "list",
                          "-Dsecurity.ssl.rest.truststore=" + OTHER_TRUSTSTORE,
                          "-Dsecurity.ssl.rest.cert.fingerprint=" + SERVER_FINGERPRINT.lower())

    def test_12_verify_hostname(self):
        """security.ssl.rest.verify-hostname: the certificate has IP:127.0.0.1 (ours only: Java
        1.20 has no such key)."""
        result = ours("tls-jks", "list", "-Dsecurity.ssl.rest.verify-hostname=true")
        self.assertEqual(result.rc, 0, result)

    # --- mutual TLS walkthrough: run, list, savepoint, run -s ------------------------------------

    def test_20_mtls_run(self):
        args = ["run", "-d", JAR, "--name", "e2e-tls-walk"]
        sbs.wait_until(lambda: sbs.rest("/overview")["slots-available"] >= 2, "2 free task slots", 60)
        our_result, java_result = self.side_by_side("run over mTLS", "mtls-jks", *args)
        self.jobs["ours"] = sbs.job_id_from_submission(our_result)
        self.jobs["java"] = sbs.job_id_from_submission(java_result)
        for job in self.jobs.values():
            sbs.wait_running_with_state(job)

    def test_21_mtls_list_running(self):
        our_result, _ = self.side_by_side("list -r over mTLS", "mtls-p12", "list", "-r")
        for job in self.jobs.values():
            self.assertIn(f"{job} : e2e-tls-walk (RUNNING)", our_result.out)

    def test_22_mtls_savepoint(self):
        our_result = ours("mtls-jks", "savepoint", self.jobs["ours"])
        java_result = java("mtls-jks", "savepoint", self.jobs["java"])
        self.compare_and_show("savepoint over mTLS", our_result, java_result)
        for result, side in ((our_result, "ours"), (java_result, "java")):
            self.assertEqual(result.rc, 0, result)
            path = sbs.savepoint_path_from(result)
            self.assertTrue(sbs.local_path(path).startswith(CLUSTER["FLINK_SAVEPOINT_PATH_LOCAL"]), path)
            self.assertTrue(os.path.exists(os.path.join(sbs.local_path(path), "_metadata")), path)
            self.savepoints[side] = path
        # The savepointed jobs make room for the restored ones: cancelled by our client, over mTLS.
        for job in self.jobs.values():
            result = ours("mtls-p12", "cancel", job)
            self.assertEqual(result.rc, 0, result)
            sbs.wait_for_state(job, ("CANCELED",))

    def test_23_mtls_run_from_savepoint(self):
        sbs.wait_until(lambda: sbs.rest("/overview")["slots-available"] >= 2, "2 free task slots", 60)
        results = {}
        for side, client in (("ours", ours), ("java", java)):
            results[side] = client("mtls-p12", "run", "-d", "-s", self.savepoints[side], JAR,
                                   "--name", "e2e-tls-restored")
        self.compare_and_show("run -s over mTLS", results["ours"], results["java"])
        for side, result in results.items():
            self.assertEqual(result.rc, 0, result)
            job = sbs.job_id_from_submission(result)
            sbs.wait_running_with_state(job)
            restored = sbs.rest(f"/jobs/{job}/checkpoints")["latest"]["restored"]
            self.assertEqual(restored["external_path"], self.savepoints[side])
            self.assertTrue(restored["is_savepoint"])
            sbs.rest(f"/jobs/{job}?mode=cancel", method="PATCH")


if __name__ == "__main__":
    started = time.monotonic()
    program = unittest.main(verbosity=2, exit=False)
    print(f"\ntls_side_by_side on Flink {VERSION}: {time.monotonic() - started:.1f} s "
          f"(ours / java per side-by-side case):", file=sys.stderr)
    for case, our_seconds, java_seconds in TIMINGS:
        print(f"  {case}: {our_seconds:.2f} s / {java_seconds:.2f} s", file=sys.stderr)
    sys.exit(0 if program.result.wasSuccessful() else 1)
