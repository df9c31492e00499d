# `flink inspect s3://...` of the built binary with temporary credentials from web identity, a
# profile's web identity, container credentials and IMDSv2 (tests/fake/fake_aws_credentials.py
# hands out credentials moto's STS issued), signed requests checked by moto with authentication
# on. It starts its own moto (scripts/s3-server.sh) on FLINKCLI_CREDENTIALS_S3_PORT with its own
# workspace, reusing the build's moto venv; skipped (125) when moto is not installed for this
# build outside CI. About 10 s.
set(FLINKCLI_CREDENTIALS_S3_PORT 19906 CACHE STRING "Loopback port of the moto server the s3_credentials test starts")
add_test(NAME s3_credentials
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/storage/s3_credentials.py $<TARGET_FILE:flink>
                 ${FLINKCLI_CREDENTIALS_S3_PORT} ${CMAKE_BINARY_DIR}/s3-credentials)
set_tests_properties(s3_credentials PROPERTIES LABELS s3 TIMEOUT 600 SKIP_RETURN_CODE 125 RUN_SERIAL TRUE)
