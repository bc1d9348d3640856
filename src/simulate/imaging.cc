#include "simulate/imaging.h"

#include <algorithm>
#include <cstring>

#include "simulate/byte_writer.h"
#include "simulate/sim_time.h"

namespace medtap::simulate {

namespace {
constexpr uint8_t kStorageContext = 1;
constexpr uint8_t kVerificationContext = 3;
}  // namespace

Modality::Modality(WardContext& ctx, Host& host, const DeviceProfile& profile, std::string id,
                   Rng rng, const DeviceProfile& pacs_profile)
    : DeviceBehaviour(ctx, host, profile, std::move(id), rng), pacs_profile_(pacs_profile) {
  const DicomProfile& d = profile.dicom;
  assoc_.called_ae = pacs_profile.dicom.ae_title;
  assoc_.calling_ae = d.ae_title;
  assoc_.contexts.push_back(
      {kStorageContext,
       d.sop_class_uid,
       {std::string(dicom::kExplicitVrLittleEndian), std::string(dicom::kImplicitVrLittleEndian)}});
  assoc_.contexts.push_back({kVerificationContext,
                             std::string(dicom::kVerificationSopClass),
                             {std::string(dicom::kImplicitVrLittleEndian)}});
  assoc_.requestor_max_pdu = d.max_pdu;
  assoc_.requestor_impl_uid = d.implementation_class_uid;
  assoc_.requestor_impl_version = d.implementation_version_name;
  assoc_.acceptor_max_pdu = pacs_profile.dicom.max_pdu;
  assoc_.acceptor_impl_uid = pacs_profile.dicom.implementation_class_uid;
  assoc_.acceptor_impl_version = pacs_profile.dicom.implementation_version_name;

  // A phantom slice: an elliptical body with a bright ring (bone in CT, fat in MR) and noise.
  const int rows = d.rows, cols = d.columns;
  const bool ct = d.modality == "CT";
  phantom_.resize(static_cast<size_t>(rows) * cols * 2);
  Rng noise = rng_.fork(7);
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < cols; ++x) {
      const double dx = (x - cols / 2.0) / (cols * 0.42), dy = (y - rows / 2.0) / (rows * 0.34);
      const double r = dx * dx + dy * dy;
      double v = 0;
      if (r < 1.0) v = ct ? 1064 : 420;
      if (r > 0.82 && r < 1.0) v = ct ? 1724 : 900;
      if (r < 1.0) v += static_cast<double>(noise.range(-24, 24));
      const auto px = static_cast<uint16_t>(v < 0 ? 0 : v);
      const size_t at = (static_cast<size_t>(y) * cols + x) * 2;
      phantom_[at] = static_cast<uint8_t>(px);
      phantom_[at + 1] = static_cast<uint8_t>(px >> 8);
    }
  }
}

std::string Modality::uid(std::string_view kind, uint64_t a, uint64_t b) const {
  // Under the vendor's root: <root>.<host>.<kind>.<study>.<n>, within 64 characters (PS3.5 9.1).
  std::string u = profile_.dicom.implementation_class_uid + "." + std::to_string(host_.index + 1) +
                  "." + std::string(kind) + "." + std::to_string(a);
  if (b != 0) u += "." + std::to_string(b);
  return u.substr(0, 64);
}

void Modality::start(World& w, Timestamp t) {
  // A busy scanner: the first study of the capture starts early, so that even a short capture
  // shows imaging; later studies follow at the profile's average interval.
  const double first_s =
      std::min(profile_.dicom.study_interval_s, static_cast<double>(ctx_.nominal.ns) / 1e9);
  w.schedule(t + fromSeconds(rng_.uniform(0.02, 0.25) * first_s), *this, kStudy);
}

void Modality::onTimer(World& w, uint32_t tag) {
  if (tag == kStudy) beginStudy(w);
  if (tag == kImage) storeImage(w);
}

void Modality::beginStudy(World& w) {
  ++study_;
  study_time_ = w.now();
  Rng prng = rng_.fork(1000 + study_);
  patient_ = makePatient(prng, static_cast<int>(study_ % 90));
  images_ = static_cast<int>(rng_.range(profile_.dicom.images_min, profile_.dicom.images_max));
  next_image_ = 1;
  study_bytes_ = 0;
  session_ =
      std::make_unique<TcpSession>(w.net(), w.frames(), rng_, host_, *ctx_.pacs,
                                   pacs_profile_.dicom.port, ctx_.lossBetween(host_, *ctx_.pacs));
  session_->setLoss(LossPoint::BeforeCapture, LossShape::TailOnly);
  w.truth().notePort("dicom", pacs_profile_.dicom.port);
  Timestamp at = session_->connect(w.now());
  stream_.clear();
  dicom::appendAssociateRq(stream_, assoc_);
  at = session_->send(Dir::ToServer, bytesOf(stream_), at, AckPolicy::Piggyback);
  stream_.clear();
  dicom::appendAssociateAc(stream_, assoc_);
  at = session_->send(Dir::ToClient, bytesOf(stream_), at + microseconds(rng_.range(400, 3000)),
                      AckPolicy::Piggyback);
  w.truth().count("dicom.associations");
  w.truth().countFor(id_, "dicom_associations");
  w.schedule(at + microseconds(rng_.range(100, 800)), *this, kImage);
}

void Modality::buildDataset(int instance) {
  const DicomProfile& d = profile_.dicom;
  const bool ct = d.modality == "CT";
  dataset_.clear();
  dicom::DatasetWriter ds(dataset_);
  sop_instance_ = uid("3", study_, static_cast<uint64_t>(instance));
  ds.text(0x0008, 0x0005, "CS", "ISO_IR 100");
  ds.text(0x0008, 0x0008, "CS", "ORIGINAL\\PRIMARY\\AXIAL");
  ds.text(0x0008, 0x0016, "UI", d.sop_class_uid);
  ds.text(0x0008, 0x0018, "UI", sop_instance_);
  ds.text(0x0008, 0x0020, "DA", dicomDate(study_time_));
  ds.text(0x0008, 0x0030, "TM", dicomTime(study_time_));
  ds.text(0x0008, 0x0050, "SH", "ACC" + std::to_string(500000 + host_.index * 1000 + study_));
  ds.text(0x0008, 0x0060, "CS", d.modality);
  ds.text(0x0008, 0x0070, "LO", profile_.vendor);
  ds.text(0x0008, 0x1090, "LO", profile_.model);
  ds.text(0x0010, 0x0010, "PN", patient_.family + "^" + patient_.given);
  ds.text(0x0010, 0x0020, "LO", patient_.mrn);
  ds.text(0x0010, 0x0030, "DA", patient_.birth_date);
  ds.text(0x0010, 0x0040, "CS", patient_.sex == Sex::Female ? "F" : "M");
  ds.text(0x0018, 0x0050, "DS", ct ? "1.0" : "4.0");
  ds.text(0x0018, 0x1020, "LO", profile_.firmware);
  ds.text(0x0020, 0x000D, "UI", uid("1", study_, 0));
  ds.text(0x0020, 0x000E, "UI", uid("2", study_, 1));
  ds.text(0x0020, 0x0011, "IS", "1");
  ds.text(0x0020, 0x0013, "IS", std::to_string(instance));
  ds.us(0x0028, 0x0002, 1);
  ds.text(0x0028, 0x0004, "CS", "MONOCHROME2");
  ds.us(0x0028, 0x0010, d.rows);
  ds.us(0x0028, 0x0011, d.columns);
  ds.us(0x0028, 0x0100, 16);
  ds.us(0x0028, 0x0101, ct ? 12 : 16);
  ds.us(0x0028, 0x0102, ct ? 11 : 15);
  ds.us(0x0028, 0x0103, 0);
  if (ct) {
    ds.text(0x0028, 0x1050, "DS", "40");
    ds.text(0x0028, 0x1051, "DS", "400");
    ds.text(0x0028, 0x1052, "DS", "-1024");
    ds.text(0x0028, 0x1053, "DS", "1");
  }
  // Pixel data: the phantom shifted by a few rows per slice, so neighbouring slices differ.
  const size_t row_bytes = static_cast<size_t>(d.columns) * 2;
  const size_t at = ds.binary(0x7FE0, 0x0010, "OW", phantom_.size());
  const size_t shift = (static_cast<size_t>(instance) * 3 % d.rows) * row_bytes;
  std::memcpy(&dataset_[at], phantom_.data() + shift, phantom_.size() - shift);
  std::memcpy(&dataset_[at + phantom_.size() - shift], phantom_.data(), shift);
}

void Modality::storeImage(World& w) {
  if (!session_ || !session_->established()) return;
  const int instance = next_image_++;
  buildDataset(instance);
  stream_.clear();
  const auto message_id = static_cast<uint16_t>(instance);
  dicom::appendCStoreRq(stream_, kStorageContext, message_id, profile_.dicom.sop_class_uid,
                        sop_instance_, dataset_, pacs_profile_.dicom.max_pdu);
  Timestamp at = session_->send(Dir::ToServer, bytesOf(stream_), w.now(), AckPolicy::Piggyback);
  study_bytes_ += stream_.size();
  stream_.clear();
  dicom::appendCStoreRsp(stream_, kStorageContext, message_id, profile_.dicom.sop_class_uid,
                         sop_instance_);
  // The archive writes the object before it answers.
  at = session_->send(Dir::ToClient, bytesOf(stream_), at + microseconds(rng_.range(1500, 12000)),
                      AckPolicy::Immediate);
  w.truth().count("dicom.c_store");
  w.truth().countFor(id_, "dicom_c_store");
  if (next_image_ > images_) {
    endStudy(w, at);
  } else {
    w.schedule(at + microseconds(rng_.range(100, 1500)), *this, kImage);
  }
}

void Modality::endStudy(World& w, Timestamp at) {
  stream_.clear();
  dicom::appendReleaseRq(stream_);
  at = session_->send(Dir::ToServer, bytesOf(stream_), at + microseconds(rng_.range(200, 2000)),
                      AckPolicy::Piggyback);
  stream_.clear();
  dicom::appendReleaseRp(stream_);
  at = session_->send(Dir::ToClient, bytesOf(stream_), at + microseconds(rng_.range(100, 800)),
                      AckPolicy::Piggyback);
  at = session_->close(Dir::ToServer, at + microseconds(rng_.range(100, 900)));
  w.truth().countFor(id_, "dicom_bytes", study_bytes_);
  w.truth().count("dicom.bytes", study_bytes_);
  // Scheduled patients: the gaps vary, but studies do not pile up the way Poisson arrivals would.
  w.schedule(at + fromSeconds(profile_.dicom.study_interval_s * rng_.uniform(0.5, 1.5)), *this,
             kStudy);
}

}  // namespace medtap::simulate
