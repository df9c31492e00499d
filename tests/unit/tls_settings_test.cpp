// The REST TLS keys as Flink reads them (SecurityOptions, SSLUtils): defaults, the generic fallbacks, 1.x's
// security.ssl.enabled, what is required together, and fingerprints.
#include <gtest/gtest.h>

#include "flinkcli/config/rest_settings.hpp"
#include "flinkcli/config/tls_settings.hpp"
#include "flinkcli/core/error.hpp"

namespace flinkcli::testing {
namespace {

Configuration conf(const std::vector<std::pair<std::string, std::string>>& values) {
  Configuration config;
  for (const auto& [key, value] : values) config.set(key, value, "config.yaml");
  return config;
}

std::string config_error(const Configuration& config, std::optional<int> major = std::nullopt) {
  try {
    read_tls_settings(config, major);
  } catch (const CliError& error) {
    EXPECT_EQ(error.exit_code(), 2);
    return error.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

TEST(TlsSettingsTest, OffByDefaultAndThenNothingElseIsRead) {
  const auto settings = read_tls_settings(conf({{"security.ssl.rest.cert.fingerprint", "not hex"},
                                                {"security.ssl.rest.truststore", "/x"}}),
                                          std::nullopt);
  EXPECT_FALSE(settings.enabled);
  EXPECT_FALSE(settings.truststore);
}

TEST(TlsSettingsTest, Defaults) {
  const auto settings = read_tls_settings(conf({{"security.ssl.rest.enabled", "true"}}), 2);
  EXPECT_TRUE(settings.enabled);
  EXPECT_FALSE(settings.mutual);
  EXPECT_FALSE(settings.truststore);
  EXPECT_FALSE(settings.keystore);
  EXPECT_FALSE(settings.verify_hostname);
  EXPECT_TRUE(settings.fingerprints.empty());
  EXPECT_EQ(settings.protocols, std::vector<std::string>{"TLSv1.2"});
  EXPECT_EQ(settings.algorithms, (std::vector<std::string>{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                                                           "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}));
}

// 1.20: security.ssl.rest.enabled, else security.ssl.enabled; 2.x removed the latter.
TEST(TlsSettingsTest, SecuritySslEnabledCountsForFlink1AndUnknownVersions) {
  const auto legacy = conf({{"security.ssl.enabled", "true"}});
  EXPECT_TRUE(read_tls_settings(legacy, std::nullopt).enabled);
  EXPECT_TRUE(read_tls_settings(legacy, 1).enabled);
  EXPECT_EQ(read_tls_settings(legacy, 1).enabled_key, "security.ssl.enabled");
  const auto on_2x = read_tls_settings(legacy, 2);
  EXPECT_FALSE(on_2x.enabled);
  ASSERT_EQ(on_2x.notes.size(), 1u);
  EXPECT_NE(on_2x.notes[0].find("security.ssl.enabled is ignored"), std::string::npos);
  EXPECT_FALSE(read_tls_settings(conf({{"security.ssl.enabled", "true"}, {"security.ssl.rest.enabled", "false"}}),
                                 1).enabled);
  // The scheme of the endpoint follows, without -m.
  const auto settings = make_rest_settings(legacy, [](const std::string&) { return std::nullopt; });
  EXPECT_EQ(settings.endpoint.url(), "https://localhost:8081");
  EXPECT_EQ(make_rest_settings(legacy, [](const std::string&) { return std::nullopt; }, 2).endpoint.url(),
            "http://localhost:8081");
}

TEST(TlsSettingsTest, StoresFallBackToTheGenericKeys) {
  const auto generic = read_tls_settings(conf({{"security.ssl.rest.enabled", "true"},
                                               {"security.ssl.truststore", "/generic.jks"},
                                               {"security.ssl.truststore-password", "g"}}),
                                         std::nullopt);
  ASSERT_TRUE(generic.truststore);
  EXPECT_EQ(generic.truststore->path.value, "/generic.jks");
  EXPECT_EQ(generic.truststore->path.key, "security.ssl.truststore");
  EXPECT_EQ(generic.truststore->password.key, "security.ssl.truststore-password");
  EXPECT_EQ(generic.truststore->type.value, "pkcs12");

  const auto rest = read_tls_settings(conf({{"security.ssl.rest.enabled", "true"},
                                            {"security.ssl.truststore", "/generic.jks"},
                                            {"security.ssl.rest.truststore", "/rest.jks"},
                                            {"security.ssl.truststore-password", "g"},
                                            {"security.ssl.rest.truststore-type", "JKS"}}),
                                      std::nullopt);
  EXPECT_EQ(rest.truststore->path.value, "/rest.jks");
  EXPECT_EQ(rest.truststore->password.value, "g");  // each key falls back on its own
  EXPECT_EQ(rest.truststore->type.value, "JKS");

  const auto mutual = read_tls_settings(conf({{"security.ssl.rest.enabled", "true"},
                                              {"security.ssl.rest.authentication-enabled", "true"},
                                              {"security.ssl.keystore", "/k.p12"},
                                              {"security.ssl.keystore-password", "kp"},
                                              {"security.ssl.rest.key-password", "kk"}}),
                                        std::nullopt);
  ASSERT_TRUE(mutual.keystore && mutual.key_password);
  EXPECT_TRUE(mutual.mutual);
  EXPECT_EQ(mutual.keystore->path.key, "security.ssl.keystore");
  EXPECT_EQ(mutual.key_password->key, "security.ssl.rest.key-password");
}

TEST(TlsSettingsTest, WhatFlinkRequiresTogether) {
  const std::pair<std::string, std::string> on{"security.ssl.rest.enabled", "true"};
  EXPECT_NE(config_error(conf({on, {"security.ssl.rest.truststore", "/t.jks"}}))
                .find("security.ssl.rest.truststore-password or security.ssl.truststore-password is missing"),
            std::string::npos);
  EXPECT_NE(config_error(conf({on, {"security.ssl.truststore-password", "x"}}))
                .find("security.ssl.rest.truststore or security.ssl.truststore is missing"),
            std::string::npos);
  EXPECT_NE(config_error(conf({on, {"security.ssl.rest.truststore", ""}, {"security.ssl.truststore-password", "x"}}))
                .find("security.ssl.rest.truststore is empty"),
            std::string::npos);
  const std::pair<std::string, std::string> mutual{"security.ssl.rest.authentication-enabled", "true"};
  EXPECT_NE(config_error(conf({on, mutual})).find("security.ssl.rest.keystore or security.ssl.keystore is missing"),
            std::string::npos);
  EXPECT_NE(config_error(conf({on, mutual, {"security.ssl.rest.keystore", "/k"}}))
                .find("security.ssl.rest.keystore-password or security.ssl.keystore-password is missing"),
            std::string::npos);
  // The key password never falls back to the keystore password.
  const std::string no_key_password =
      config_error(conf({on, mutual, {"security.ssl.rest.keystore", "/k"}, {"security.ssl.rest.keystore-password", "secret-kp"}}));
  EXPECT_NE(no_key_password.find("security.ssl.rest.key-password or security.ssl.key-password is missing"),
            std::string::npos);
  EXPECT_EQ(no_key_password.find("secret-kp"), std::string::npos);
  // Without mutual TLS the keystore is not read (Flink's client loads it only for mTLS).
  EXPECT_FALSE(read_tls_settings(conf({on, {"security.ssl.rest.keystore", "/k"}}), std::nullopt).keystore);
  EXPECT_NE(config_error(conf({on, {"security.ssl.rest.verify-hostname", "yes"}}))
                .find("Invalid value 'yes' for security.ssl.rest.verify-hostname"),
            std::string::npos);
  EXPECT_NE(config_error(conf({on, mutual, {"security.ssl.rest.authentication-enabled", "maybe"}}))
                .find("security.ssl.rest.authentication-enabled"),
            std::string::npos);
}

TEST(TlsSettingsTest, Fingerprints) {
  EXPECT_EQ(normalize_fingerprint("65:7F:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:99:D9"),
            "657f0a1b2c3d4e5f60718293a4b5c6d7e8f999d9");
  EXPECT_EQ(normalize_fingerprint("657f0a1b2c3d4e5f60718293a4b5c6d7e8f999d9"), "657f0a1b2c3d4e5f60718293a4b5c6d7e8f999d9");
  EXPECT_FALSE(normalize_fingerprint("657f0a1b2c3d4e5f60718293a4b5c6d7e8f999d"));     // 39
  EXPECT_FALSE(normalize_fingerprint("657f0a1b2c3d4e5f60718293a4b5c6d7e8f999d9aa"));  // 42 (SHA-256 is not SHA-1)
  EXPECT_FALSE(normalize_fingerprint("zz7f0a1b2c3d4e5f60718293a4b5c6d7e8f999d9"));
  const auto settings = read_tls_settings(
      conf({{"security.ssl.rest.enabled", "true"},
            {"security.ssl.rest.cert.fingerprint",
             "65:7F:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:99:D9, 0000000000000000000000000000000000000000"}}),
      std::nullopt);
  EXPECT_EQ(settings.fingerprints, (std::vector<std::string>{"657f0a1b2c3d4e5f60718293a4b5c6d7e8f999d9",
                                                             "0000000000000000000000000000000000000000"}));
  EXPECT_NE(config_error(conf({{"security.ssl.rest.enabled", "true"}, {"security.ssl.rest.cert.fingerprint", "AB:CD"}}))
                .find("Invalid value 'AB:CD' in security.ssl.rest.cert.fingerprint"),
            std::string::npos);
}

TEST(TlsSettingsTest, ProtocolsAndAlgorithmsSplitOnCommas) {
  const auto settings = read_tls_settings(conf({{"security.ssl.rest.enabled", "true"},
                                                {"security.ssl.protocol", "TLSv1.2, TLSv1.3"},
                                                {"security.ssl.algorithms", "TLS_AES_128_GCM_SHA256"}}),
                                          std::nullopt);
  EXPECT_EQ(settings.protocols, (std::vector<std::string>{"TLSv1.2", "TLSv1.3"}));
  EXPECT_EQ(settings.algorithms, std::vector<std::string>{"TLS_AES_128_GCM_SHA256"});
}

}  // namespace
}  // namespace flinkcli::testing
