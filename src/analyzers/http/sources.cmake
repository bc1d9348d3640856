list(APPEND analyzer_sources
  http/http_analyzer.cc
  http/http_message.cc
  http/message_stream.cc)
