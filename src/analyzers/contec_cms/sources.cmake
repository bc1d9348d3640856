list(APPEND analyzer_sources
  contec_cms/block_framer.cc
  contec_cms/blocks.cc
  contec_cms/contec_analyzer.cc)
