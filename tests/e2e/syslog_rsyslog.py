#!/usr/bin/env python3
"""Alerts reach a real rsyslogd (issue #6, outputs): UDP and TCP, RFC 5424 and CEF.

Starts `rsyslogd -n` on a private configuration (imudp and imtcp on free ports of 127.0.0.1,
every message written to a file through a template of rsyslog's own parsed properties: msgid,
app-name, severity, facility, structured-data, msg), runs `medtap analyze --syslog URL` on a
simulated ward with the contec-backdoor scenario, and checks that rsyslog received every alert of
eve.json: its sid in the structured data rsyslog parsed, the severity mapping (alert 1 crit,
2 warning, 3 notice), facility local0, msgid "alert", app-name "medtap", and the MSG the alert's
EVE line (RFC 5424) or a CEF record with the sid and the CEF severity (1 -> 10, 2 -> 7, 3 -> 4).
Then a server that is not there (a closed TCP port): analysis completes and the summary counts
syslog_send_failed.

Exits 77 (skipped) when rsyslogd is not installed.
Usage: syslog_rsyslog.py MEDTAP
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SYSLOG_SEVERITY = {1: 2, 2: 4, 3: 5}
CEF_SEVERITY = {1: 10, 2: 7, 3: 4}
LOCAL0 = 16


def free_port(kind):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_rsyslog(rsyslogd, tmp):
    udp, tcp = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_STREAM)
    out = os.path.join(tmp, "received.log")
    conf = os.path.join(tmp, "rsyslog.conf")
    with open(conf, "w") as f:
        f.write(f'''global(workDirectory="{tmp}" maxMessageSize="16k")
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="{udp}")
input(type="imtcp" address="127.0.0.1" port="{tcp}")
template(name="fields" type="list") {{
  property(name="msgid") constant(value="\\t")
  property(name="app-name") constant(value="\\t")
  property(name="syslogseverity") constant(value="\\t")
  property(name="syslogfacility") constant(value="\\t")
  property(name="structured-data") constant(value="\\t")
  property(name="msg" droplastlf="on") constant(value="\\n")
}}
*.* action(type="omfile" file="{out}" template="fields" flushOnTXEnd="on" asyncWriting="off")
''')
    proc = subprocess.Popen([rsyslogd, "-n", "-f", conf, "-i", os.path.join(tmp, "rsyslog.pid")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 20
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"rsyslogd exited: {proc.stdout.read().decode(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", tcp), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        raise SystemExit("rsyslogd did not listen within 20 s")
    time.sleep(0.5)  # imudp starts with imtcp; give it the same moment
    return proc, udp, tcp, out


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", errors="replace") as f:
        return [line.rstrip("\n").split("\t", 5) for line in f if line.strip()]


def wait_for(path, count, since):
    deadline = time.time() + 15
    while time.time() < deadline:
        lines = read_lines(path)[since:]
        if len(lines) >= count:
            return lines
        time.sleep(0.2)
    return read_lines(path)[since:]


def eve_alerts(run_dir):
    out = []
    with open(os.path.join(run_dir, "eve.json")) as f:
        for line in f:
            e = json.loads(line)
            if e["event_type"] == "alert":
                out.append(e)
    return out


def sd_params(sd):
    m = re.match(r'^\[medtap@32473((?: [^=\] ]+="(?:[^"\\]|\\.)*")*)\]$', sd)
    if not m:
        return None
    return {k: re.sub(r'\\(.)', r'\1', v)
            for k, v in re.findall(r' ([^=\] ]+)="((?:[^"\\]|\\.)*)"', m.group(1))}


def check(received, alerts, fmt, label, errors):
    if len(received) != len(alerts):
        errors.append(f"{label}: rsyslog received {len(received)} messages, eve.json has "
                      f"{len(alerts)} alerts")
    by_sid = {}
    for fields in received:
        if len(fields) != 6:
            errors.append(f"{label}: unparsed line {fields}")
            continue
        msgid, app, sev, fac, sd, msg = fields
        if msgid != "alert" or app != "medtap" or fac != str(LOCAL0):
            errors.append(f"{label}: msgid/app-name/facility {msgid!r} {app!r} {fac!r}")
        if fmt == "rfc5424":
            params = sd_params(sd)
            if params is None:
                errors.append(f"{label}: structured data not parsed by rsyslog: {sd!r}")
                continue
            eve = json.loads(msg.strip())
            sid = int(params["sid"])
            if eve["alert"]["signature_id"] != sid:
                errors.append(f"{label}: sid {sid} but MSG holds {eve['alert']['signature_id']}")
            if params["severity"] != str(eve["alert"]["severity"]):
                errors.append(f"{label}: sd severity {params['severity']}")
            if params.get("device_id") != eve["device"]["id"]:
                errors.append(f"{label}: sd device_id {params.get('device_id')}")
        else:
            m = re.match(r'^CEF:0\|medtap\|medtap\|[^|]+\|(\d+)\|(?:[^|\\]|\\.)+\|(\d+)\|(.*)$',
                         msg.strip())
            if not m or sd != "-":
                errors.append(f"{label}: not a CEF record: {msg[:120]!r} (sd {sd!r})")
                continue
            sid = int(m.group(1))
            if "cnt=" not in m.group(3) or "deviceExternalId=" not in m.group(3):
                errors.append(f"{label}: CEF extension misses cnt/deviceExternalId")
        by_sid.setdefault(sid, []).append((int(sev), m.group(2) if fmt == "cef" else None))
    for a in alerts:
        sid, severity = a["alert"]["signature_id"], a["alert"]["severity"]
        got = by_sid.get(sid)
        if not got:
            errors.append(f"{label}: alert {sid} not received")
            continue
        sev, cef_sev = got.pop()
        if sev != SYSLOG_SEVERITY[severity]:
            errors.append(f"{label}: alert {sid} severity {severity} sent as {sev}")
        if fmt == "cef" and int(cef_sev) != CEF_SEVERITY[severity]:
            errors.append(f"{label}: alert {sid} CEF severity {cef_sev}")


def main():
    medtap = os.path.abspath(sys.argv[1])
    rsyslogd = shutil.which("rsyslogd") or ("/usr/sbin/rsyslogd"
                                            if os.path.exists("/usr/sbin/rsyslogd") else None)
    if rsyslogd is None:
        print("SKIP: rsyslogd is not installed (apt-get install rsyslog)")
        return 77
    tmp = tempfile.mkdtemp(prefix="medtap-syslog-")
    proc = None
    try:
        env = dict(os.environ, MEDTAP_SECRET_FILE=os.path.join(tmp, "secret.key"))
        pcap = os.path.join(tmp, "ward.pcap")
        subprocess.run([medtap, "simulate", "-o", pcap, "--beds", "4", "--duration", "3m",
                        "--scenario", "contec-backdoor"], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        proc, udp, tcp, out = start_rsyslog(rsyslogd, tmp)
        errors = []
        seen = 0
        for label, url, fmt in [("udp rfc5424", f"udp://127.0.0.1:{udp}", "rfc5424"),
                                ("tcp rfc5424", f"tcp://127.0.0.1:{tcp}", "rfc5424"),
                                ("udp cef", f"udp://127.0.0.1:{udp}", "cef"),
                                ("tcp cef", f"tcp://127.0.0.1:{tcp}", "cef")]:
            run_dir = os.path.join(tmp, label.replace(" ", "-"))
            r = subprocess.run([medtap, "analyze", pcap, "-o", run_dir, "--syslog", url,
                                "--syslog-format", fmt], capture_output=True, text=True, env=env)
            if r.returncode != 0:
                errors.append(f"{label}: medtap analyze exited {r.returncode}: {r.stderr}")
                continue
            alerts = eve_alerts(run_dir)
            if not alerts:
                errors.append(f"{label}: the contec-backdoor ward raised no alert")
            if f"{len(alerts)} sent, syslog_send_failed 0" not in r.stdout:
                errors.append(f"{label}: summary does not say every alert was sent: {r.stdout}")
            received = wait_for(out, len(alerts), seen)
            seen += len(received)
            check(received, alerts, fmt, label, errors)
            print(f"{label}: {len(alerts)} alerts, {len(received)} received by rsyslog")
        # A server that is not there: the run completes, the failures are counted.
        dead = free_port(socket.SOCK_STREAM)
        r = subprocess.run([medtap, "analyze", pcap, "-o", os.path.join(tmp, "dead"), "--syslog",
                            f"tcp://127.0.0.1:{dead}"], capture_output=True, text=True, env=env)
        m = re.search(r"0 sent, syslog_send_failed (\d+)", r.stdout)
        if r.returncode != 0 or not m or int(m.group(1)) == 0:
            errors.append(f"dead server: exit {r.returncode}, summary {r.stdout!r}")
        else:
            print(f"dead server: run completed, syslog_send_failed {m.group(1)}")
        for e in errors:
            print("FAIL", e)
        return 1 if errors else 0
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
