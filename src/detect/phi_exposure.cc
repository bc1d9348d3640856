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
  // The Contec network has its own alerts. Inside the site, only a policy can say a flow is not
  // one the PHI may take.
  if (contecNetwork().contains(receiver)) return;
  if (inAny(options_.site_networks, receiver) && !options_.policy) return;
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
    if (!inAny(options_.site_networks, c.dst)) {
      std::string_view locality = localityOf(devices, c.dst);
      if (locality == "unknown" && !final && devices.find(c.dst) == nullptr) return false;
      // A host on this LAN with a public address is not off-site; the policy may still judge it.
      if (locality != "local") {
        alertOffSite(c, devices, out);
        return true;
      }
    }
    if (!options_.policy) return true;
    return decideByPolicy(c, devices, final, out);
  });
}

void PhiExposureDetector::alertOffSite(const Candidate& c, const DeviceIndex& devices,
                                       events::EventSink& out) {
  events::AlertRecord a = alertFor(c, devices);
  a.signature_id = kSignatureId;
  a.signature = "MEDTAP Patient data sent in clear text to a host outside the site";
  a.category = "phi-exposure";
  a.severity = 1;
  a.attack = {"T0882 Theft of Operational Information"};
  emitAlert(c, std::move(a), out);
}

bool PhiExposureDetector::decideByPolicy(const Candidate& c, const DeviceIndex& devices, bool final,
                                         events::EventSink& out) {
  // The connection as the policy sees it: its client, its server and the server's port, whichever
  // way this PHI went (an ADT pushed back to a monitor travels on the monitor's flow).
  const events::FlowRef& f = c.flow;
  const auto j = options_.policy->judge(devices, f.src_ip, f.dest_ip, f.proto, f.dest_port,
                                        f.app_proto, final);
  if (!j) return false;
  if (j->allowed) return true;
  events::AlertRecord a = alertFor(c, devices);
  a.signature_id = kSignatureId;
  a.signature =
      "MEDTAP Patient data sent in clear text on a flow the segmentation policy does "
      "not allow";
  a.category = "phi-exposure";
  // On the site's own network, to a host the policy does not approve: a misrouted feed or a
  // forgotten interface more often than theft, and still patient data where it should not be.
  a.severity = 2;
  a.attack = {"T0882 Theft of Operational Information"};
  a.evidence.emplace_back("from_zone", j->from_zone);
  a.evidence.emplace_back("to_zone", j->to_zone);
  a.evidence.emplace_back("service", j->service);
  a.evidence.emplace_back("rule", j->rule);
  a.evidence.emplace_back("policy", options_.policy->source());
  emitAlert(c, std::move(a), out);
  return true;
}

}  // namespace medtap::detect
