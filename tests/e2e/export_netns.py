#!/usr/bin/env python3
"""The exported rules on real traffic (issue #8: "an nftables ruleset applied inside a network
namespace really blocks the Contec addresses while letting the allowed central-station flow
through").

Simulates a ward with the contec-backdoor scenario, analyzes it, and takes the first CMS8000
family monitor of `medtap plan isolate --format json`: its address, and the flows the rules keep
(its Contec stream to the central station, its HL7 feed). Then builds, in network namespaces whose
names carry this process's id:

    monitor (the monitor's address) --+
    peers   (each kept peer's address) +-- bridge (in a namespace of its own)
    inet    (202.114.4.119, .120) ----+

with TCP listeners on the kept ports, on a port the rules do not keep (2575 on the central
station), and on 202.114.4.119:2049 and 515 and 202.114.4.120:511. From the monitor's namespace:
  0. without rules every connection succeeds (the topology works, so a failure later is a rule);
  1. `nft -f` of `medtap export nftables` in the monitor's namespace: the Contec addresses and the
     station's other port time out, the kept flows connect; the contec_blocked and
     isolated_dropped counters count packets;
  2. the table removed, every connection succeeds again;
  3. `iptables-restore --noflush` of `medtap export iptables`: the same as 1.
Exit 77 (skipped, reason on stdout) when not root, without nft/iptables, or without namespaces.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77
CONNECT_TIMEOUT_S = 1.5
SERVER_READY_TIMEOUT_S = 10

SERVER = r"""
import socket, sys, threading
socks = []
for spec in sys.argv[1:]:
    addr, port = spec.rsplit(":", 1)
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port))); s.listen(16); socks.append(s)
def serve(s):
    while True:
        c, _ = s.accept(); c.close()
for s in socks:
    threading.Thread(target=serve, args=(s,), daemon=True).start()
print("ready", flush=True)
threading.Event().wait()
"""

CLIENT = r"""
import json, socket, sys
timeout = float(sys.argv[1]); out = {}
for spec in sys.argv[2:]:
    addr, port = spec.rsplit(":", 1)
    s = socket.socket(); s.settimeout(timeout)
    try:
        s.connect((addr, int(port))); out[spec] = True
    except OSError:
        out[spec] = False
    finally:
        s.close()
print(json.dumps(out))
"""


def run(cmd, check=False):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and p.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), p.stderr.decode().strip()))
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def expect(ok, what, failures):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


class Lab:
    """The namespaces, the bridge and the listeners; everything removed by close()."""

    def __init__(self):
        self.ns = {n: "medtap-%s-%d" % (n, os.getpid()) for n in ("br", "mon", "peers", "inet")}
        self.servers = []

    def ip(self, ns, *args):
        return run(["ip", "netns", "exec", self.ns[ns], *args], check=True)

    def build(self, monitor_ip, peer_ips):
        for name in self.ns.values():
            run(["ip", "netns", "add", name], check=True)
        self.ip("br", "ip", "link", "add", "br0", "type", "bridge")
        self.ip("br", "ip", "link", "set", "br0", "up")
        for end in ("mon", "peers", "inet"):
            # veth created in the bridge's namespace, one end moved to the host's namespace.
            self.ip("br", "ip", "link", "add", "p-" + end, "type", "veth", "peer", "name", "eth0",
                    "netns", self.ns[end])
            self.ip("br", "ip", "link", "set", "p-" + end, "master", "br0", "up")
            self.ip(end, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
            self.ip(end, "ip", "link", "set", "lo", "up")
            self.ip(end, "ip", "link", "set", "eth0", "up")
        self.ip("mon", "ip", "addr", "add", monitor_ip + "/32", "dev", "eth0")
        for ip in peer_ips:
            self.ip("peers", "ip", "addr", "add", ip + "/32", "dev", "eth0")
        for ip in ("202.114.4.119", "202.114.4.120"):
            self.ip("inet", "ip", "addr", "add", ip + "/32", "dev", "eth0")
        # Everything is on one link: on-link routes, ARP answers for any local address.
        for end, dests in (("mon", peer_ips + ["202.114.4.0/24"]), ("peers", [monitor_ip]),
                           ("inet", [monitor_ip])):
            for d in dests:
                self.ip(end, "ip", "route", "replace", d, "dev", "eth0")

    def listen(self, ns, specs):
        p = subprocess.Popen(["ip", "netns", "exec", self.ns[ns], sys.executable, "-c", SERVER,
                              *specs], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.servers.append(p)
        deadline = time.monotonic() + SERVER_READY_TIMEOUT_S
        line = p.stdout.readline().decode()
        if line.strip() != "ready" or time.monotonic() > deadline:
            raise RuntimeError("listener in %s did not start: %s" % (ns, p.stderr.read().decode()))

    def connect(self, specs):
        _, out, _ = self.ip("mon", sys.executable, "-c", CLIENT, str(CONNECT_TIMEOUT_S), *specs)
        return json.loads(out)

    def close(self):
        for p in self.servers:
            p.kill()
            p.wait()
        for name in self.ns.values():
            run(["ip", "netns", "del", name])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("medtap")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("SKIP: needs root for network namespaces")
        return SKIP
    for tool in ("ip", "nft", "iptables-restore"):
        if not shutil.which(tool):
            print("SKIP: %s not installed" % tool)
            return SKIP
    probe = "medtap-probe-%d" % os.getpid()
    if run(["ip", "netns", "add", probe])[0] != 0:
        print("SKIP: network namespaces unavailable")
        return SKIP
    run(["ip", "netns", "del", probe])

    failures = []
    with tempfile.TemporaryDirectory() as work:
        env_run = lambda cmd: subprocess.run(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=dict(os.environ, MEDTAP_SECRET_FILE=os.path.join(work, "secret.key"),
                     TMPDIR=work))
        capture = os.path.join(work, "ward.pcap")
        out = os.path.join(work, "out")
        db = os.path.join(out, "medtap.db")
        for cmd in ([args.medtap, "simulate", "--beds", "8", "--duration", "3m", "--seed", "5",
                     "--scenario", "contec-backdoor", "-o", capture],
                    [args.medtap, "analyze", capture, "-o", out]):
            p = env_run(cmd)
            if p.returncode != 0:
                print("FAIL: %s: %s" % (cmd[1], p.stderr.decode()))
                return 1
        plan = json.loads(env_run([args.medtap, "plan", "isolate", "--db", db, "--format",
                                   "json"]).stdout)
        if not plan["devices"]:
            print("FAIL: no cms8000-family device in the plan")
            return 1
        dev = plan["devices"][0]
        monitor = dev["ips"][0]
        kept = [f for f in dev["flows"] if f["fate"] == "kept" and f["direction"] == "outbound"
                and f["proto"] == "tcp"]
        station = [f for f in kept if f["peer_class"] == "central-station"]
        expect(bool(station), "%s keeps a flow to its central station: %s" %
               (dev["id"], ["%s:%d %s" % (f["peer_ip"], f["port"], f["app"]) for f in kept]),
               failures)
        if not station:
            return 1
        allowed = sorted({"%s:%d" % (f["peer_ip"], f["port"]) for f in kept})
        other_port = "%s:2575" % station[0]["peer_ip"]
        contec = ["202.114.4.119:2049", "202.114.4.119:515", "202.114.4.120:511"]
        nft_file, ipt_file = os.path.join(work, "r.nft"), os.path.join(work, "r.iptables")
        env_run([args.medtap, "export", "nftables", "--db", db, "-o", nft_file])
        env_run([args.medtap, "export", "iptables", "--db", db, "-o", ipt_file])

        lab = Lab()
        try:
            lab.build(monitor, sorted({f["peer_ip"] for f in kept}))
            lab.listen("peers", allowed + [other_port])
            lab.listen("inet", contec)
            everything = allowed + [other_port] + contec

            def check(phase, blocked_expected):
                got = lab.connect(everything)
                for spec in everything:
                    want = spec not in blocked_expected
                    expect(got[spec] == want, "%s: %s %s" % (
                        phase, spec, "connects" if want else "is dropped"), failures)

            check("no rules", set())
            lab.ip("mon", "nft", "-f", nft_file)
            check("nftables", set(contec + [other_port]))
            _, counters, _ = lab.ip("mon", "nft", "list", "counters", "table", "inet", "medtap")
            expect("contec_blocked" in counters and "packets 0 " not in
                   counters.split("contec_blocked", 1)[1].split("}", 1)[0],
                   "nftables: contec_blocked counts packets", failures)
            expect("packets 0 " not in counters.split("isolated_dropped", 1)[1].split("}", 1)[0],
                   "nftables: isolated_dropped counts packets", failures)
            lab.ip("mon", "nft", "delete", "table", "inet", "medtap")
            check("rules removed", set())
            lab.ip("mon", "iptables-restore", "--noflush", ipt_file)
            check("iptables", set(contec + [other_port]))
        except RuntimeError as e:
            expect(False, str(e), failures)
        finally:
            lab.close()
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
