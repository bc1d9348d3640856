// CT and MR modalities storing studies to the PACS: an association per study, one C-STORE per
// image (the image's P-DATA travels as one TCP transfer, then the PACS's C-STORE-RSP), then the
// release. A study is spread over events image by image, so the frames queued ahead of the clock
// stay within one image.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "simulate/device.h"
#include "simulate/dicom_ul.h"
#include "simulate/physiology.h"
#include "simulate/tcp_session.h"

namespace medtap::simulate {

class Modality : public DeviceBehaviour {
 public:
  Modality(WardContext& ctx, Host& host, const DeviceProfile& profile, std::string id, Rng rng,
           const DeviceProfile& pacs_profile);

 protected:
  void start(World& w, Timestamp t) override;
  void onTimer(World& w, uint32_t tag) override;

 private:
  enum Tag : uint32_t { kStudy = kFirstOwnTag, kImage };

  void beginStudy(World& w);
  void storeImage(World& w);
  void endStudy(World& w, Timestamp at);
  void buildDataset(int instance);
  std::string uid(std::string_view kind, uint64_t a, uint64_t b) const;

  const DeviceProfile& pacs_profile_;
  dicom::Association assoc_;
  std::vector<uint8_t> phantom_;  // one slice of pixel data, rotated per instance
  std::unique_ptr<TcpSession> session_;
  Patient patient_;
  int images_ = 0;
  int next_image_ = 0;
  uint64_t study_ = 0;
  Timestamp study_time_;
  std::string dataset_;
  std::string stream_;
  std::string sop_instance_;
  uint64_t study_bytes_ = 0;
};

}  // namespace medtap::simulate
