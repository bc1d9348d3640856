#include "simulate/device.h"

#include "simulate/ntp.h"

namespace medtap::simulate {

DeviceBehaviour::DeviceBehaviour(WardContext& ctx, Host& host, const DeviceProfile& profile,
                                 std::string id, Rng rng)
    : ctx_(ctx), host_(host), profile_(profile), id_(std::move(id)), rng_(rng) {
  dhcp_id_.vendor_class = profile.dhcp.vendor_class;
  dhcp_id_.params = profile.dhcp.params;
}

void DeviceBehaviour::activate(World& w, Timestamp at, BootMode mode) {
  boot_mode_ = mode;
  w.schedule(at, *this, kBoot);
}

Duration DeviceBehaviour::jitter(double mean_s, double spread) {
  const double s = mean_s * (1.0 + rng_.uniform(-spread, spread));
  return Duration{std::max<int64_t>(1'000'000, static_cast<int64_t>(s * 1e9))};
}

void DeviceBehaviour::onEvent(World& w, uint32_t tag) {
  const Timestamp now = w.now();
  switch (tag) {
    case kBoot: {
      Timestamp ready = now;
      const Duration half_lease = seconds(ctx_.lease.lease_s / 2);
      if (profile_.addressing == Addressing::Dhcp) {
        if (boot_mode_ == BootMode::Boots) {
          ready = dhcpAcquire(w.net(), rng_, host_, *ctx_.infra, dhcp_id_, ctx_.lease, now);
          w.truth().countFor(id_, "dhcp_acquire");
          w.schedule(ready + half_lease, *this, kRenew);
        } else {
          // The lease was taken before the capture: T1 falls somewhere in the next half lease.
          w.schedule(now + Duration{rng_.range(1, half_lease.ns)}, *this, kRenew);
        }
      } else if (boot_mode_ == BootMode::Boots) {
        w.net().gratuitousArp(host_, now);
        ready = now + milliseconds(rng_.range(5, 60));
      }
      if (profile_.ntp_interval_s > 0 && ctx_.infra != nullptr) {
        w.schedule(ready + fromSeconds(rng_.uniform(1, profile_.ntp_interval_s)), *this, kNtp);
      }
      start(w, ready);
      break;
    }
    case kRenew:
      dhcpRenew(w.net(), rng_, host_, *ctx_.infra, dhcp_id_, ctx_.lease, now);
      w.truth().countFor(id_, "dhcp_renew");
      w.schedule(now + seconds(ctx_.lease.lease_s / 2), *this, kRenew);
      break;
    case kNtp:
      ntpExchange(w.net(), rng_, host_, *ctx_.infra, now);
      w.schedule(now + jitter(profile_.ntp_interval_s, 0.05), *this, kNtp);
      break;
    default:
      onTimer(w, tag);
  }
}

}  // namespace medtap::simulate
