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
# ZooKeeper high availability (tests/e2e/ha_side_by_side.py): a cluster of its own with two
# JobManagers and a failover; about 2 minutes.
add_test(NAME e2e_ha_flink_1.20.5
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/run-e2e.sh 1.20.5 ha)
set_tests_properties(e2e_ha_flink_1.20.5 PROPERTIES
  LABELS e2e RUN_SERIAL TRUE TIMEOUT 900 SKIP_RETURN_CODE 125
  ENVIRONMENT "OUR_FLINK=$<TARGET_FILE:flink>;FLINK_HA_WORK_DIR=${CMAKE_BINARY_DIR}/flink-ha/1.20.5")
