#include "jar_upload.hpp"

#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <spdlog/spdlog.h>

#include "flinkcli/core/error.hpp"
#include "flinkcli/core/text.hpp"

namespace flinkcli {

namespace {

std::string sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return to_hex(digest, length);
}

}  // namespace

std::string read_jar(const std::string& path) {
  namespace fs = std::filesystem;
  // CliFrontend.getJobJarAndDependencies' prefix: scripts grep for it.
  const std::string prefix = "Could not get job jar and dependencies from JAR file: ";
  std::error_code error;
  const auto status = fs::status(path, error);
  if (!fs::exists(status)) {
    throw CliError(ErrorClass::not_found, prefix + "JAR file does not exist: " + path);
  }
  if (!fs::is_regular_file(status)) throw CliError::usage(prefix + "JAR file is not a file: " + path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CliError::usage(prefix + "Cannot read JAR file: " + path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (content.rfind("PK\x03\x04", 0) != 0) {
    throw CliError::usage(prefix + "Not a JAR file (no ZIP header): " + path);
  }
  return content;
}

std::string upload_name(const std::string& path, const std::string& content, const std::string& run_token) {
  const std::string stem = std::filesystem::path(path).stem().string();
  return stem + "-" + sha256_hex(content).substr(0, 16) + "-" + run_token.substr(0, 8) + ".jar";
}

std::string upload_jar_copy(JobManagerApi& api, const std::string& path, const std::string& content,
                            const std::string& run_token) {
  return api.upload_jar(upload_name(path, content, run_token), content);
}

bool delete_uploaded_jar(JobManagerApi& api, const std::string& jar_id) {
  try {
    api.delete_jar(jar_id);
    return true;
  } catch (const CliError& error) {
    spdlog::warn("could not delete uploaded jar {}: {}", jar_id, error.what());
    return false;
  }
}

std::optional<int> parallelism(const ParsedArgs& args) {
  const auto text = args.value("p");
  if (!text) return std::nullopt;
  try {
    std::size_t used = 0;
    const int value = std::stoi(*text, &used);
    if (used == text->size() && value > 0) return value;
  } catch (const std::exception&) {
  }
  throw CliError::usage("The parallelism must be a positive number: " + *text);
}

}  // namespace flinkcli
