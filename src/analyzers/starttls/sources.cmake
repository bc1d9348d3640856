list(APPEND analyzer_sources
  starttls/preamble.cc
  starttls/starttls_analyzer.cc)
