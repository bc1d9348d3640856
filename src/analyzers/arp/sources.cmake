list(APPEND analyzer_sources arp/arp_analyzer.cc)
