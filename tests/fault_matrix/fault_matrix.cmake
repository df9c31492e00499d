# The fault-injection matrix (signals, resets, leader elections and JobManager restarts, per action
# and phase) against the built binary and a scripted fake JobManager on 127.0.0.1; it also checks
# that docs/fault-matrix.md lists each cell's outcome. Label unit: no cluster needed.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_test(NAME fault_matrix
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/fault_matrix/fault_matrix.py
                 $<TARGET_FILE:flink> ${PROJECT_SOURCE_DIR}/docs/fault-matrix.md)
set_tests_properties(fault_matrix PROPERTIES LABELS unit TIMEOUT 300)
