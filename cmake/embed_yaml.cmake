# Generates a .cc holding every YAML file under a data folder as a raw string literal, so that the
# binary needs no data files at run time (data/simulate profiles, data/fingerprints rules). Run at
# build time:
#   cmake -DROOT=<data folder> -DOUT=<file.cc> -DHEADER=<include> -DNAMESPACE=<ns>
#         -DFUNCTION=<name> -DTYPE=<struct {name, text}> [-DPATTERNS=*.yaml,*.json]
#         -P embed_yaml.cmake
# PATTERNS: which files, comma-separated (default *.yaml); a JSON file embeds the same way.
if(NOT DEFINED PATTERNS)
  set(PATTERNS "*.yaml")
endif()
string(REPLACE "," ";" patterns "${PATTERNS}")
set(yaml_files)
foreach(pattern ${patterns})
  file(GLOB_RECURSE found RELATIVE ${ROOT} ${ROOT}/${pattern})
  list(APPEND yaml_files ${found})
endforeach()
list(SORT yaml_files)
set(text "// Generated from ${ROOT} by cmake/embed_yaml.cmake. Do not edit.\n")
string(APPEND text "#include \"${HEADER}\"\n\nnamespace ${NAMESPACE} {\n\n")
string(APPEND text "const std::vector<${TYPE}>& ${FUNCTION}() {\n")
string(APPEND text "  static const std::vector<${TYPE}> kFiles = {\n")
foreach(f ${yaml_files})
  file(READ ${ROOT}/${f} body)
  string(FIND "${body}" ")medtap_yaml\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${f} contains the raw-string delimiter")
  endif()
  string(APPEND text "      {\"${f}\", R\"medtap_yaml(${body})medtap_yaml\"},\n")
endforeach()
string(APPEND text "  };\n  return kFiles;\n}\n\n}  // namespace ${NAMESPACE}\n")
file(WRITE ${OUT}.tmp "${text}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
file(REMOVE ${OUT}.tmp)
