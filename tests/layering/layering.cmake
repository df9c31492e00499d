# Proves that the layering holds: for each pair below a probe source of layer L includes a
# public header of layer M, built with exactly L's include roots and links. Allowed pairs must
# compile; wrong-way pairs must fail with "No such file or directory" for that header. The probes
# are excluded from the normal build; ctest builds each one (label unit).
set(FLINKCLI_PROBES
  # layer     includes   header                   expect
  "core       config     configuration.hpp        fail"
  "core       api        jobmanager_api.hpp       fail"
  "config     api        jobmanager_api.hpp       fail"
  "config     commands   command.hpp              fail"
  "api        rest       http_jobmanager_api.hpp  fail"
  "rest       commands   command.hpp              fail"
  "commands   rest       http_jobmanager_api.hpp  fail"
  "commands   cli        cli.hpp                  fail"
  "config     core       error.hpp                pass"
  "rest       api        jobmanager_api.hpp       pass"
  "commands   config     configuration.hpp        pass"
  "cli        rest       http_jobmanager_api.hpp  pass"
  "tls        rest       http_jobmanager_api.hpp  fail"
  "tls        commands   command.hpp              fail"
  "tls        api        jobmanager_api.hpp       fail"
  "config     tls        keystore.hpp             fail"
  "commands   tls        tls_context.hpp          fail"
  "tls        config     tls_settings.hpp         pass"
  "rest       tls        tls_context.hpp          pass"
  "core       output     report.hpp               fail"
  "config     output     report.hpp               fail"
  "api        output     report.hpp               fail"
  "output     config     configuration.hpp        fail"
  "output     api        jobmanager_api.hpp       fail"
  "output     commands   command.hpp              fail"
  "output     core       console.hpp              pass"
  "commands   output     report.hpp               pass"
  "metadata   config     configuration.hpp        fail"
  "metadata   api        jobmanager_api.hpp       fail"
  "metadata   output     report.hpp               fail"
  "metadata   commands   command.hpp              fail"
  "core       metadata   savepoint_metadata.hpp   fail"
  "rest       metadata   savepoint_metadata.hpp   fail"
  "metadata   core       error.hpp                pass"
  "commands   metadata   savepoint_metadata.hpp   pass"
  "core       ha         leader_source.hpp        fail"
  "config     ha         ha_settings.hpp          fail"
  "api        ha         leader_source.hpp        fail"
  "rest       ha         leader_source.hpp        fail"
  "ha         api        jobmanager_api.hpp       fail"
  "ha         rest       http_jobmanager_api.hpp  fail"
  "ha         commands   command.hpp              fail"
  "ha         config     configuration.hpp        pass"
  "commands   ha         leader_source.hpp        pass"
  "storage    rest       http_jobmanager_api.hpp  fail"
  "storage    commands   command.hpp              fail"
  "storage    cli        cli.hpp                  fail"
  "storage    api        jobmanager_api.hpp       fail"
  "storage    output     report.hpp               fail"
  "core       storage    location.hpp             fail"
  "config     storage    s3_settings.hpp          fail"
  "storage    config     configuration.hpp        pass"
  "storage    core       error.hpp                pass"
  "http       rest       http_jobmanager_api.hpp  fail"
  "http       commands   command.hpp              fail"
  "http       api        jobmanager_api.hpp       fail"
  "http       storage    location.hpp             fail"
  "http       tls        tls_context.hpp          fail"
  "commands   http       http_connection.hpp      fail"
  "commands   storage    snapshot_store.hpp       pass"
  "config     http       http_connection.hpp      fail"
  "rest       http       http_connection.hpp      pass"
  "storage    http       http_connection.hpp      pass"
  "http       config     configuration.hpp        pass"
)
foreach(probe IN LISTS FLINKCLI_PROBES)
  string(REGEX REPLACE " +" ";" fields "${probe}")
  list(GET fields 0 LAYER)
  list(GET fields 1 INCLUDED)
  list(GET fields 2 HEADER)
  list(GET fields 3 expect)
  set(name layering_probe_${LAYER}_includes_${INCLUDED})
  configure_file(${CMAKE_CURRENT_SOURCE_DIR}/layering/probe.cpp.in
                 ${CMAKE_CURRENT_BINARY_DIR}/layering/${name}.cpp @ONLY)
  add_library(${name} OBJECT EXCLUDE_FROM_ALL ${CMAKE_CURRENT_BINARY_DIR}/layering/${name}.cpp)
  # The layer's own usage requirements plus its private links, as its sources get them.
  target_link_libraries(${name} PRIVATE flinkcli_${LAYER})
  if(LAYER STREQUAL "cli")
    target_link_libraries(${name} PRIVATE flinkcli_rest)
  endif()
  if(LAYER STREQUAL "rest")
    target_link_libraries(${name} PRIVATE flinkcli_tls)
  endif()
  if(LAYER STREQUAL "storage")
    target_link_libraries(${name} PRIVATE flinkcli_http)
  endif()
  add_test(NAME ${name}
           COMMAND ${CMAKE_COMMAND} -DTARGET=${name} -DEXPECT=${expect}
                   -DHEADER=flinkcli/${INCLUDED}/${HEADER} -DBUILD_DIR=${CMAKE_BINARY_DIR}
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/layering/build_probe.cmake)
  # ninja must not run twice at once in one build tree
  set_tests_properties(${name} PROPERTIES LABELS unit RESOURCE_LOCK build_tree TIMEOUT 120)
endforeach()
