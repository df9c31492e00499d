# What ships besides the binary: the completion and man page tests in the GoogleTest binary
# (unit/completion_test.cpp, unit/reference_test.cpp) read the sources and the generated files;
# the install tests (label "install") lay out `cmake --install` in a scratch DESTDIR and build the
# .deb with cpack into a scratch directory, and run what they produced, never installing it
# system-wide.
target_compile_definitions(flinkcli_tests PRIVATE FLINKCLI_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                           FLINKCLI_GENERATED_DIR="${FLINKCLI_GENERATED}")
add_dependencies(flinkcli_tests flinkcli_reference)

add_test(NAME install_layout
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/install/install_test.sh ${CMAKE_BINARY_DIR} ${PROJECT_VERSION}
                 $<IF:$<BOOL:${FLINKCLI_SCDOC}>,man,no-man>)
add_test(NAME install_deb_package
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/install/deb_test.sh ${CMAKE_BINARY_DIR} ${PROJECT_VERSION}
                 $<IF:$<BOOL:${FLINKCLI_SCDOC}>,man,no-man>)
# Skipped (exit 77) when a tool they need is missing: cpack's DEB generator needs dpkg-deb and
# dpkg-shlibdeps (scripts/install-deps.sh installs dpkg-dev).
set_tests_properties(install_layout install_deb_package PROPERTIES
                     LABELS install TIMEOUT 300 SKIP_RETURN_CODE 77)
