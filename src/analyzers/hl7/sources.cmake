list(APPEND analyzer_sources
  hl7/hl7_analyzer.cc
  hl7/hl7_escape.cc
  hl7/hl7_header.cc
  hl7/hl7_message.cc
  hl7/hl7_segments.cc
  hl7/mllp_framer.cc
  hl7/raw_framer.cc)
