#include "flinkcli/core/error.hpp"

namespace flinkcli {

int exit_code_for(ErrorClass error_class) {
  switch (error_class) {
    case ErrorClass::usage: return 1;
    case ErrorClass::config: return 2;
    case ErrorClass::unreachable: return 3;
    case ErrorClass::not_found: return 4;
    case ErrorClass::operation_failed: return 5;
    case ErrorClass::timeout: return 6;
    case ErrorClass::restore_mismatch: return 7;
    case ErrorClass::unsupported: return 8;
    case ErrorClass::protocol: return 9;
    case ErrorClass::tls: return 10;
    case ErrorClass::ambiguous: return 11;
    case ErrorClass::no_leader: return 12;
    case ErrorClass::restore_not_verified: return 14;
    case ErrorClass::bad_savepoint: return 15;
    case ErrorClass::outcome_unknown: return 16;
    case ErrorClass::storage_access: return 17;
    case ErrorClass::output: return 13;
  }
  return 1;
}

const char* error_class_name(ErrorClass error_class) {
  switch (error_class) {
    case ErrorClass::usage: return "usage";
    case ErrorClass::config: return "config";
    case ErrorClass::unreachable: return "unreachable";
    case ErrorClass::not_found: return "not_found";
    case ErrorClass::operation_failed: return "operation_failed";
    case ErrorClass::timeout: return "timeout";
    case ErrorClass::restore_mismatch: return "restore_mismatch";
    case ErrorClass::unsupported: return "unsupported";
    case ErrorClass::protocol: return "protocol";
    case ErrorClass::tls: return "tls";
    case ErrorClass::ambiguous: return "ambiguous";
    case ErrorClass::no_leader: return "no_leader";
    case ErrorClass::restore_not_verified: return "restore_not_verified";
    case ErrorClass::bad_savepoint: return "bad_savepoint";
    case ErrorClass::outcome_unknown: return "outcome_unknown";
    case ErrorClass::storage_access: return "storage_access";
    case ErrorClass::output: return "output";
  }
  return "unknown";
}

CliError::CliError(ErrorClass error_class, std::string message, std::string detail)
    : std::runtime_error(std::move(message)), m_class(error_class), m_detail(std::move(detail)) {}

CliError CliError::with_context(const std::string& context) const {
  return CliError(m_class, context + ": " + what(), m_detail);
}

}  // namespace flinkcli
