# Builds one layering probe and checks the outcome: EXPECT=pass must compile; EXPECT=fail must
# fail because HEADER cannot be found (not for any other reason).
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
                RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(EXPECT STREQUAL "pass")
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${TARGET} should compile but did not:\n${output}")
  endif()
else()
  if(result EQUAL 0)
    message(FATAL_ERROR "${TARGET} compiled: a wrong-way include of ${HEADER} is not stopped")
  endif()
  string(FIND "${output}" "${HEADER}: No such file or directory" found)
  if(found EQUAL -1)
    message(FATAL_ERROR "${TARGET} failed for another reason than the missing ${HEADER}:\n${output}")
  endif()
endif()
message(STATUS "${TARGET}: ${EXPECT} as expected")
