# `flink inspect s3://...` of the built binary against tests/fake/fake_s3.py on 127.0.0.1, one S3
# fault per case (HTML, endless pagination, reset mid-body, SlowDown, 500, S3's XML errors, a 403
# hiding a missing key, truncated and huge _metadata): exit code, one stderr line, no hang.
# Label unit: no cluster, no S3 server, stdlib Python only.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_test(NAME s3_faults
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/storage/s3_faults.py $<TARGET_FILE:flink>)
set_tests_properties(s3_faults PROPERTIES LABELS unit TIMEOUT 300)
