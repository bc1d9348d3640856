list(APPEND analyzer_sources
  lpd/control_file.cc
  lpd/lpd_analyzer.cc)
