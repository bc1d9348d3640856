#include "detect/phi_exposure.h"

#include <variant>

#include "detect/alert_builder.h"
#include "detect/contec.h"
#include "events/ends.h"

namespace medtap::detect {

namespace {

enum Kind { kHl7, kDicom, kContec };

}  // namespace

void PhiExposureDetector::emit(const events::Event& e) {
  if (!e.flow) return;
  const events::Ends ends = events::endsOf(e);
  const IpAddress& sender = ends.sender.ip;
  const IpAddress& receiver = ends.receiver.ip;
  const uint16_t port = ends.receiver.port;
  // Inside the site, or the Contec network (its own alerts): nothing to decide later.
  if (inAny(options_.site_networks, receiver) || contecNetwork().contains(receiver)) return;
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, events::Hl7Message>) {
          if (body.patient.empty()) return;
          candidates_.add(kHl7, e, sender, receiver, port);
          candidates_.last()->notePatient(body.patient);
        } else if constexpr (std::is_same_v<T, events::DicomMessage>) {
          if (body.patient_name_token.empty() && body.patient_id_token.empty()) return;
          candidates_.add(kDicom, e, sender, receiver, port);
          Candidate* c = candidates_.last();
          if (!body.patient_name_token.empty()) c->fields.insert("(0010,0010) patient name");
          if (!body.patient_id_token.empty()) {
            c->fields.insert("(0010,0020) patient ID");
            c->noteToken(body.patient_id_token);
          }
        } else if constexpr (std::is_same_v<T, events::ContecCmsBlock>) {
          if (!body.patient) return;
          candidates_.add(kContec, e, sender, receiver, port);
          candidates_.last()->fields.insert("Contec patient record (name, id, birth date)");
        }
      },
      e.body);
}

void PhiExposureDetector::decide(const DeviceIndex& devices, bool final, events::EventSink& out) {
  candidates_.decideEach([&](const Candidate& c) {
    std::string_view locality = localityOf(devices, c.dst);
    if (locality == "unknown" && !final && devices.find(c.dst) == nullptr) return false;
    if (locality == "local") return true;  // a host on this LAN with a public address: not off-site
    events::AlertRecord a = alertFor(c, devices);
    a.signature_id = 9000201;
    a.signature = "MEDTAP Patient data sent in clear text to a host outside the site";
    a.category = "phi-exposure";
    a.severity = 1;
    a.attack = {"T0882 Theft of Operational Information"};
    emitAlert(c, std::move(a), out);
    return true;
  });
}

}  // namespace medtap::detect
