#include "simulate/monitors.h"

#include <algorithm>

#include "simulate/dns.h"
#include "simulate/https_visit.h"

namespace medtap::simulate {

OruMessage oruTemplate(const DeviceProfile& p, const Host& h, const std::string& receiving_app,
                       const std::string& receiving_facility) {
  OruMessage m;
  m.dialect = p.hl7.dialect;
  m.version = p.hl7.version;
  m.sending_facility = p.hl7.facility;
  m.receiving_application = receiving_app;
  m.receiving_facility = receiving_facility;
  if (p.hl7.dialect == Hl7Dialect::Mdc) {
    // PCD-01 devices name themselves and their EUI-64 in MSH-3 (IHE PCD TF-2 B.1).
    m.equipment = eui64FromMac(h.mac.bytes.data());
    m.sending_application = p.hl7.application + "^" + m.equipment + "^EUI-64";
    m.zone = Hl7Zone::Utc;
  } else {
    m.sending_application = p.hl7.application;
    m.zone = Hl7Zone::Omit;
  }
  m.device_code = p.hl7.device_code;
  return m;
}

// ---------------------------------------------------------------------------------------------
// BedsideMonitor

BedsideMonitor::BedsideMonitor(WardContext& ctx, Host& host, const DeviceProfile& profile,
                               std::string id, Rng rng, int bed, Patient patient, Host& central,
                               std::string central_id, const DeviceProfile& central_profile)
    : DeviceBehaviour(ctx, host, profile, std::move(id), rng),
      bed_(bed),
      patient_(std::move(patient)),
      physiology_(rng_.fork(1), patient_, ctx.start),
      link_(host, central, profile.hl7.port, ctx.lossBetween(host, central), rng_, id_,
            std::move(central_id)) {
  msg_ = oruTemplate(profile, host, central_profile.hl7.application, central_profile.hl7.facility);
  msg_.patient = &patient_;
  msg_.unit = ctx.unit;
  msg_.bed = bed;
}

void BedsideMonitor::start(World& w, Timestamp t) {
  // The first message goes out within one interval; the connection opens with it.
  w.schedule(t + fromSeconds(rng_.uniform(0.2, profile_.hl7.interval_s)), *this, kSend);
}

void BedsideMonitor::onTimer(World& w, uint32_t tag) {
  switch (tag) {
    case kSend:
      sendSample(w);
      // A spiking monitor keeps its usual rate (every 10 s for most): the jump must be seen at
      // the spacing HL7 monitors really use (docs/DETECTIONS.md 9000602).
      w.schedule(w.now() + jitter(profile_.hl7.interval_s, 0.02), *this, kSend);
      break;
    case kTamperStart:
      break;  // the mode took effect at the scheduled time; see sendSample
    case kNewPeer:
      newPeerVisit(w);
      w.schedule(w.now() + jitter(300, 0.2), *this, kNewPeer);
      break;
  }
}

void BedsideMonitor::sendSample(World& w) {
  const Timestamp now = w.now();
  const bool tampering = tamper_ != Tamper::None && now >= tamper_at_;
  if (tampering && tamper_ == Tamper::Replay && !recorded_.empty()) {
    // Old messages, byte for byte: same control ids, same observation times.
    const auto& [framed, fields] = recorded_[replay_next_++ % recorded_.size()];
    link_.exchangeFramed(w, framed, fields, now);
    w.truth().countFor(id_, "hl7_replayed");
    return;
  }
  Vitals v = physiology_.sample(now);
  if (tampering && tamper_ == Tamper::Freeze) {
    v = frozen_;
    v.nibp_fresh = false;
  } else if (tampering && tamper_ == Tamper::Impossible) {
    // Values no living patient shows, and pairs that contradict each other.
    const int k = static_cast<int>(control_ % 3);
    v.hr = k == 0 ? 312 : (k == 1 ? 0 : 275);
    v.pr = k == 1 ? 88 : v.hr;
    v.spo2 = k == 2 ? 127 : 104;
    v.spo2_valid = Validity::Valid;
    v.temp_c = k == 0 ? 47.9 : 36.8;
    v.rr = k == 1 ? 95 : 18;
  } else if (tampering && tamper_ == Tamper::Spike) {
    // One message in ten shows both rates 150 /min higher; the next is back to the patient's.
    if (control_ % 10 == 0) {
      v.hr += 150;
      v.pr = v.hr;
    }
  } else if (tampering && tamper_ == Tamper::Disagree) {
    // The ECG rate is not this patient's: 60 /min above what the oximeter counts.
    v.hr = v.pr + 60;
  }
  last_ = v;
  // A clock set back, then forward: the observation times lie, the values are the patient's.
  Timestamp obs = now;
  if (tampering && tamper_ == Tamper::Time)
    obs = now >= ahead_at_ ? now + kTimeAhead : now + Duration{-kTimeBack.ns};
  vitalsObservations(msg_.dialect, v, obs, msg_.observations);
  msg_.time = now;
  msg_.control_id = profile_.hl7.application.substr(0, 3) + std::to_string(100000 + bed_) + "-" +
                    std::to_string(++control_);
  if (!profile_.hl7.note.empty() && v.nibp_fresh) {
    msg_.note = hl7Escape(profile_.hl7.note);
  } else {
    msg_.note.clear();
  }
  const Timestamp acked = link_.exchange(w, msg_, now);
  if (other_bed_ != nullptr && now >= other_from_ && now < other_until_) {
    // The same values again, for the other bed and its patient: the central station now hears
    // two devices for that bed.
    other_msg_ = msg_;
    other_msg_.patient = &other_bed_->patient();
    other_msg_.bed = other_bed_->bed();
    other_msg_.note.clear();
    other_msg_.control_id = profile_.hl7.application.substr(0, 3) +
                            std::to_string(100000 + other_bed_->bed()) + "-X" +
                            std::to_string(++other_control_);
    link_.exchange(w, other_msg_, acked + microseconds(rng_.range(200, 2000)));
    w.truth().countFor(id_, "hl7_for_other_bed");
  }
  if (tamper_ == Tamper::Replay && !tampering && recorded_.size() < kReplayMessages) {
    recorded_.emplace_back(link_.lastFramed(), msg_);
  }
}

void BedsideMonitor::tamperFrom(World& w, Tamper mode, Timestamp at) {
  tamper_ = mode;
  tamper_at_ = at;
  if (mode == Tamper::Freeze) {
    // The displayed values stick at whatever the patient shows at that moment.
    Physiology copy = physiology_;
    frozen_ = copy.sample(at);
  }
  w.schedule(at, *this, kTamperStart);
}

void BedsideMonitor::shiftTimesFrom(World& w, Timestamp back_at, Timestamp ahead_at) {
  ahead_at_ = ahead_at;
  tamperFrom(w, Tamper::Time, back_at);
}

void BedsideMonitor::alsoSendForBed(const BedsideMonitor& other, Timestamp from, Timestamp until) {
  other_bed_ = &other;
  other_from_ = from;
  other_until_ = until;
}

void BedsideMonitor::talkToNewPeerFrom(World& w, Host& peer, std::string name, Timestamp at) {
  new_peer_ = &peer;
  new_peer_name_ = std::move(name);
  w.schedule(at, *this, kNewPeer);
}

void BedsideMonitor::newPeerVisit(World& w) {
  Timestamp at = w.now();
  if (ctx_.infra != nullptr) {
    at = dnsLookup(w.net(), rng_, host_, *ctx_.infra, new_peer_name_, new_peer_->ip, at);
  }
  HttpsVisit v;
  v.sni = new_peer_name_;
  v.kind = tls::ClientKind::Embedded;
  v.requests = static_cast<int>(rng_.range(1, 3));
  v.request_bytes = static_cast<size_t>(rng_.range(4'000, 24'000));  // an upload
  v.response_min = 200;
  v.response_max = 900;
  v.loss = ctx_.wan_loss;
  httpsVisit(w, rng_, host_, *new_peer_, v, at + microseconds(rng_.range(100, 900)));
  w.truth().countFor(id_, "new_peer_connections");
}

// ---------------------------------------------------------------------------------------------
// CentralStation

CentralStation::CentralStation(WardContext& ctx, Host& host, const DeviceProfile& profile,
                               std::string id, Rng rng)
    : DeviceBehaviour(ctx, host, profile, std::move(id), rng) {
  const DeviceProfile& ie = *ctx.profiles->find(ctx.profiles->ward.interface_engine);
  msg_ = oruTemplate(profile, host, ie.hl7.application, ie.hl7.facility);
  msg_.unit = ctx.unit;
  link_ = std::make_unique<Hl7Link>(host, *ctx.interface_engine, ie.hl7.port,
                                    ctx.lossBetween(host, *ctx.interface_engine), rng_, id_,
                                    "interface-engine");
  link_->setReceiver(ctx.hl7_router);
}

void CentralStation::start(World& w, Timestamp t) {
  if (monitors_.empty() || !profile_.has_hl7) return;
  w.schedule(t + fromSeconds(rng_.uniform(5, profile_.hl7.interval_s)), *this, kForward);
}

void CentralStation::onTimer(World& w, uint32_t tag) {
  if (tag != kForward) return;
  Timestamp at = w.now();
  for (BedsideMonitor* m : monitors_) {
    if (!m->lastVitals()) continue;
    Vitals v = *m->lastVitals();
    v.nibp_fresh = false;  // the minute summary carries the periodic parameters only
    vitalsObservations(msg_.dialect, v, at, msg_.observations);
    msg_.patient = &m->patient();
    msg_.bed = m->bed();
    msg_.time = at;
    msg_.control_id = "CS" + std::to_string(host_.index) + "-" + std::to_string(++control_);
    at = link_->exchange(w, msg_, at) + microseconds(rng_.range(50, 400));
  }
  link_->close(at + milliseconds(rng_.range(5, 50)));
  w.schedule(w.now() + jitter(profile_.hl7.interval_s, 0.01), *this, kForward);
}

// ---------------------------------------------------------------------------------------------
// InfusionPump

InfusionPump::InfusionPump(WardContext& ctx, Host& host, const DeviceProfile& profile,
                           std::string id, Rng rng, int bed)
    : DeviceBehaviour(ctx, host, profile, std::move(id), rng), bed_(bed) {
  const DeviceProfile& ie = *ctx.profiles->find(ctx.profiles->ward.interface_engine);
  msg_ = oruTemplate(profile, host, ie.hl7.application, ie.hl7.facility);
  msg_.unit = ctx.unit;
  msg_.bed = bed;
  link_ = std::make_unique<Hl7Link>(host, *ctx.interface_engine, profile.hl7.port,
                                    ctx.lossBetween(host, *ctx.interface_engine), rng_, id_,
                                    "interface-engine");
  link_->setReceiver(ctx.hl7_router);
  rate_ml_h_ = static_cast<double>(rng_.range(5, 250));
}

void InfusionPump::start(World& w, Timestamp t) {
  w.schedule(t + fromSeconds(rng_.uniform(1, profile_.hl7.interval_s)), *this, kReport);
}

void InfusionPump::onTimer(World& w, uint32_t tag) {
  if (tag != kReport) return;
  const Timestamp now = w.now();
  // Rates change when a nurse titrates; most reports repeat the running rate.
  if (rng_.chance(0.05))
    rate_ml_h_ = std::clamp(rate_ml_h_ + rng_.range(-20, 20) * 1.0, 1.0, 500.0);
  msg_.observations.clear();
  Observation rate;
  rate.code = "157784^MDC_FLOW_FLUID_PUMP^MDC";
  rate.value = std::to_string(static_cast<int>(rate_ml_h_));
  rate.units = "265266^MDC_DIM_MILLI_L_PER_HR^MDC";
  rate.time = now;
  rate.sub_id = "1.1.1.1";
  msg_.observations.push_back(rate);
  msg_.time = now;
  msg_.control_id = profile_.hl7.application.substr(0, 3) + std::to_string(bed_) + "-" +
                    std::to_string(++control_);
  link_->exchange(w, msg_, now);
  w.schedule(now + jitter(profile_.hl7.interval_s, 0.02), *this, kReport);
}

}  // namespace medtap::simulate
