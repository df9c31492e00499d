#pragma once
// One error type for the whole client: it knows its failure class, and the class decides the
// exit code and the stream (usage errors go to stdout, as Flink prints them).
#include <stdexcept>
#include <string>

namespace flinkcli {

enum class ErrorClass {
  usage,             // bad command line (Flink's wording, stdout)
  config,            // unreadable or invalid configuration
  unreachable,       // no connection to the JobManager
  not_found,         // job, savepoint or jar unknown to the JobManager
  operation_failed,  // the JobManager refused or failed the operation
  timeout,           // gave up waiting; the operation may still be running
  restore_mismatch,  // restore would drop state (needs --allowNonRestoredState)
  unsupported,       // a feature this client cannot provide without a JVM
  protocol,          // the server answered something that is not Flink's REST API
  tls,               // the TLS handshake failed (trust, fingerprint, client certificate, host name)
  ambiguous,         // --job-name matches several running jobs
  no_leader,         // high availability: no leading JobManager found (ZooKeeper unreachable, none published)
  restore_not_verified,  // run -s --verify-restore: the job did not report a restore from that savepoint
  bad_savepoint,     // a savepoint's _metadata is truncated, corrupted or of an unknown version
  // A request that may have reached the JobManager lost its answer (a reset, a 502/504, no
  // answer in time): whether it ran is unknown. Never "unreachable", which means nothing was sent.
  outcome_unknown,
  // Object storage refused the credentials or the request (AccessDenied, InvalidAccessKeyId,
  // SignatureDoesNotMatch, ExpiredToken, no credentials where they are needed).
  storage_access,
  output,            // stdout could not be written (disk full, ...); the action itself ran
};

// Documented in docs/exit-codes.md; scripts rely on these numbers.
int exit_code_for(ErrorClass error_class);
const char* error_class_name(ErrorClass error_class);
inline constexpr int k_interrupted_exit_code = 130;  // SIGINT (Ctrl-C)
// A wait cut short by a signal exits 128 + the signal, as a shell reports a process the signal
// killed: 129 (SIGHUP), 130 (SIGINT), 143 (SIGTERM). Class "interrupted" in every case.
inline constexpr int interrupted_exit_code(int signal_number) { return 128 + signal_number; }

class CliError : public std::runtime_error {
 public:
  CliError(ErrorClass error_class, std::string message, std::string detail = {});

  ErrorClass error_class() const { return m_class; }
  int exit_code() const { return exit_code_for(m_class); }
  // The longer story (server cause chain) shown only with --verbose.
  const std::string& detail() const { return m_detail; }

  // The same error with Flink's leading sentence in front: "<context>: <message>".
  CliError with_context(const std::string& context) const;

  static CliError usage(std::string message) { return {ErrorClass::usage, std::move(message)}; }

 private:
  ErrorClass m_class;
  std::string m_detail;
};

}  // namespace flinkcli
