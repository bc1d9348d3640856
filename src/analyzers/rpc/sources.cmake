list(APPEND analyzer_sources
  rpc/mount.cc
  rpc/nfs.cc
  rpc/portmap.cc
  rpc/program_names.cc
  rpc/record_marker.cc
  rpc/rpc_analyzer.cc
  rpc/rpc_message.cc)
