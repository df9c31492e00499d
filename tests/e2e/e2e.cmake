# End-to-end tests against a real Flink cluster (label e2e), one per pinned version, run one
# after the other (RUN_SERIAL: two clusters on 2 cores would slow both).
foreach(flink_version 1.20.5 2.3.0)
  add_test(NAME e2e_flink_${flink_version}
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/run-e2e.sh ${flink_version})
  set_tests_properties(e2e_flink_${flink_version} PROPERTIES
    LABELS e2e RUN_SERIAL TRUE TIMEOUT 1500 SKIP_RETURN_CODE 125
    ENVIRONMENT "OUR_FLINK=$<TARGET_FILE:flink>")
endforeach()
