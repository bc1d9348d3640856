# `medtap simulate` end to end: determinism through the CLI, tshark finds nothing malformed and
# counts the HL7 messages and DICOM stores the sidecar claims. Included from tests/CMakeLists.txt.
add_test(NAME e2e_simulate_tshark
         COMMAND ${CMAKE_SOURCE_DIR}/tests/e2e/simulate_tshark.py $<TARGET_FILE:medtap>)
set_tests_properties(e2e_simulate_tshark PROPERTIES
  TIMEOUT 900 SKIP_RETURN_CODE 77 LABELS e2e)
