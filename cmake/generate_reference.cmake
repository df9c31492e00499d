# Writes what the built client generates from its own tables, in the install layout under OUT_DIR
# (`cmake -P`, run by the build after each link of flink; see install.cmake):
#   bash-completion/completions/flink, zsh/vendor-completions/_flink,
#   fish/vendor_completions.d/flink.fish, and with SCDOC man/man1/flink.1.gz (flink --man | scdoc).
foreach(variable FLINK OUT_DIR)
  if(NOT ${variable})
    message(FATAL_ERROR "generate_reference.cmake: ${variable} is not set")
  endif()
endforeach()

function(generate output)
  get_filename_component(directory ${output} DIRECTORY)
  file(MAKE_DIRECTORY ${directory})
  execute_process(COMMAND ${ARGN} OUTPUT_FILE ${output}.tmp RESULTS_VARIABLE results
                  ERROR_VARIABLE errors)
  foreach(result IN LISTS results)
    if(NOT result EQUAL 0)
      file(REMOVE ${output}.tmp)
      message(FATAL_ERROR "generating ${output} failed (${results}): ${errors}")
    endif()
  endforeach()
  file(RENAME ${output}.tmp ${output})
endfunction()

generate(${OUT_DIR}/bash-completion/completions/flink ${FLINK} --completion bash)
generate(${OUT_DIR}/zsh/vendor-completions/_flink ${FLINK} --completion zsh)
generate(${OUT_DIR}/fish/vendor_completions.d/flink.fish ${FLINK} --completion fish)
if(SCDOC)
  # gzip -n: no name or time stamp in the header, so the page is reproducible.
  generate(${OUT_DIR}/man/man1/flink.1.gz ${FLINK} --man COMMAND ${SCDOC} COMMAND gzip -9 -n)
endif()
