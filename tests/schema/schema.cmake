# The built binary in JSON and quiet mode against a fake JobManager on 127.0.0.1 (Python), every
# document validated against its schema in docs/schemas/ (python3-jsonschema, installed by
# scripts/install-deps.sh). Label unit: no cluster needed.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_test(NAME json_output_schemas
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/schema/validate_json_output.py
                 $<TARGET_FILE:flink> ${PROJECT_SOURCE_DIR}/docs/schemas)
set_tests_properties(json_output_schemas PROPERTIES LABELS unit TIMEOUT 120)
