list(APPEND analyzer_sources
  dicom/association.cc
  dicom/data_set_scanner.cc
  dicom/dicom_analyzer.cc
  dicom/dimse.cc
  dicom/message_assembler.cc
  dicom/pdu_framer.cc)
