#include "simulate/ntp.h"

#include "simulate/byte_writer.h"
#include "simulate/sim_time.h"

namespace medtap::simulate {

void appendNtpPacket(std::string& out, uint8_t server_stratum, uint32_t reference_id,
                     uint64_t origin, uint64_t receive, uint64_t transmit) {
  ByteWriter w(out);
  const bool server = server_stratum != 0;
  w.u8(server ? 0x24 : 0x23);  // LI 0, VN 4, mode 4 or 3
  w.u8(server_stratum);
  w.u8(10);                                        // poll 2^10 s
  w.u8(static_cast<uint8_t>(server ? -23 : -20));  // precision
  w.be32(server ? 0x00000A3D : 0);                 // root delay (16.16 s)
  w.be32(server ? 0x00001F5C : 0x00010000);        // root dispersion
  w.be32(server ? reference_id : 0);
  w.be64(server ? receive - (uint64_t{37} << 32) : 0);  // reference time: last sync
  w.be64(origin);
  w.be64(receive);
  w.be64(transmit);
}

Timestamp ntpExchange(Network& net, Rng& rng, Host& client, Host& server, Timestamp t) {
  std::string buf;
  // Clients with slightly wrong clocks: the transmit time they write is off by a few ms.
  const uint64_t client_tx = ntpTimestamp(t + Duration{rng.range(-8'000'000, 8'000'000)});
  appendNtpPacket(buf, 0, 0, 0, 0, client_tx);
  Timestamp at = net.udp(client, kNtpPort, server, kNtpPort, bytesOf(buf), t);
  const Timestamp rx = at + server.delay;
  const Timestamp tx = rx + microseconds(rng.range(15, 80));
  buf.clear();
  appendNtpPacket(buf, 3, ipFromOctets(10, 1, 0, 5), client_tx, ntpTimestamp(rx), ntpTimestamp(tx));
  return net.udp(server, kNtpPort, client, kNtpPort, bytesOf(buf), tx + server.delay);
}

}  // namespace medtap::simulate
