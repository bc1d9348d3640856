list(APPEND analyzer_sources
  tls/certificate.cc
  tls/hello.cc
  tls/record_framer.cc
  tls/tls_analyzer.cc)
