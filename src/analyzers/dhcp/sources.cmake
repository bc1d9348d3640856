list(APPEND analyzer_sources
  dhcp/dhcp_analyzer.cc
  dhcp/dhcp_parser.cc)
