# End-to-end tests against a real Flink cluster (label e2e), one per pinned version and suite, run
# one after the other (RUN_SERIAL: two clusters on 2 cores would slow both). e2e_tls_* starts the
# cluster with REST mutual TLS and a TLS-only JobManager (tests/e2e/tls_side_by_side.py).
foreach(flink_version 1.20.5 2.3.0)
  add_test(NAME e2e_flink_${flink_version}
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/run-e2e.sh ${flink_version} main)
  set_tests_properties(e2e_flink_${flink_version} PROPERTIES
    LABELS e2e RUN_SERIAL TRUE TIMEOUT 1500 SKIP_RETURN_CODE 125
    ENVIRONMENT "OUR_FLINK=$<TARGET_FILE:flink>")
  add_test(NAME e2e_tls_flink_${flink_version}
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/run-e2e.sh ${flink_version} tls)
  set_tests_properties(e2e_tls_flink_${flink_version} PROPERTIES
    LABELS e2e RUN_SERIAL TRUE TIMEOUT 600 SKIP_RETURN_CODE 125
    ENVIRONMENT "OUR_FLINK=$<TARGET_FILE:flink>")
endforeach()
