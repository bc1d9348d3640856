list(APPEND analyzer_sources
  dns/dns_analyzer.cc
  dns/dns_name.cc
  dns/dns_parser.cc
  dns/tcp_framer.cc)
