#!/usr/bin/env python3
"""report.html and report.md on a simulated contec-backdoor ward (issue #6, outputs).

Simulates a ward with the contec-backdoor scenario, runs `medtap analyze`, and checks:
  - the Contec section comes first, answers "Are we affected? Yes." and names every device
    inventory.json tags cms8000-family (id, IP, MAC), with the Contec alerts it raised;
  - "Advisories affecting this site" comes right after it, before "Devices by risk", and lists
    ICSMA-25-030-01 with every CMS8000-family device (affected or potentially affected, and why)
    and the advisory's remediation text from its CSAF document, in both files;
  - every alert of eve.json (signature id, device, destination) is in the alerts section;
  - every device with an alert has a communication map, with an edge to each alert's peer;
  - report.html is self-contained: no <script>, no src= or <link> loads, no CSS url() or
    @import; the only href are <a> links; python's html.parser sees balanced tags;
  - report.md holds the same headings in the same order and the same alert rows;
  - a second run of the same capture writes byte-identical reports (no wall clock).
Then a vitals-tamper ward (issue #7): the "Vital-sign integrity" section has a trend chart (SVG)
for every bed with a 9000601-9000607 alert, a shaded window on the right device over every
tampered window of the ground truth, the same windows as table rows in report.md, and no
patient identifier.
Usage: report_contents.py MEDTAP
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from html import escape as html_escape
from html.parser import HTMLParser

VOID = {"meta", "br", "img", "hr", "input", "link", "source", "col", "area", "base", "wbr"}
SVG_LEAVES = {"rect", "line", "circle", "path", "polygon", "polyline"}


class Structure(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.headings = [], [], []
        self.loads, self.hrefs, self.in_heading, self.text = [], [], None, ""

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "srcset", "data", "poster") or (name == "href" and tag != "a"):
                self.loads.append(f"<{tag} {name}={value}>")
            if name == "href" and tag == "a":
                self.hrefs.append(value)
            if name.startswith("on"):
                self.loads.append(f"<{tag} {name}>")
        if tag in ("script", "link", "iframe", "object", "embed", "img"):
            self.loads.append(f"<{tag}>")
        if tag in ("h2", "h3"):
            self.in_heading, self.text = tag, ""
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag not in SVG_LEAVES and tag not in VOID:
            self.errors.append(f"self-closed <{tag}/>")

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()
        if tag == self.in_heading:
            self.headings.append((tag, self.text.strip()))
            self.in_heading = None

    def handle_data(self, data):
        if self.in_heading:
            self.text += data


def sections(html):
    """Text of each <h2> section, in order: [(title, body)]."""
    parts = re.split(r"<h2>", html)[1:]
    return [(p.split("</h2>", 1)[0], p) for p in parts]


def seconds(ts):
    return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


def vitals_report(medtap, tmp, env, errors):
    """The trend charts of a vitals-tamper ward against its ground truth."""
    pcap = os.path.join(tmp, "vitals.pcap")
    subprocess.run([medtap, "simulate", "-o", pcap, "--beds", "12", "--duration", "30m",
                    "--seed", "5", "--scenario", "vitals-tamper"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    out = os.path.join(tmp, "vitals")
    subprocess.run([medtap, "analyze", pcap, "-o", out], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    html = open(os.path.join(out, "report.html"), encoding="utf-8").read()
    md = open(os.path.join(out, "report.md"), encoding="utf-8").read()
    truth = json.load(open(os.path.splitext(pcap)[0] + ".truth.json"))
    alerts = [e for e in map(json.loads, open(os.path.join(out, "eve.json")))
              if e["event_type"] == "alert" and e["alert"]["category"] == "vitals-integrity"]
    p = Structure()
    p.feed(html)
    p.close()
    errors += [f"vitals html: {e}" for e in p.errors[:5]]
    section = dict(sections(html)).get("Vital-sign integrity")
    if section is None:
        errors.append(f"no Vital-sign integrity section ({len(alerts)} vitals alerts)")
        return
    charts = {}
    for m in re.finditer(r'<svg [^>]*class="vitals-trend" data-bed="([^"]*)"(.*?)</svg>',
                         section, re.S):
        charts[m.group(1)] = m.group(2)
    beds = {a["evidence"]["bed"] for a in alerts if a["evidence"].get("bed")}
    for bed in sorted(beds):
        if bed not in charts:
            errors.append(f"no trend chart for flagged bed {bed}")
    shaded = []  # (bed, device, start, end, check)
    for bed, svg in charts.items():
        for m in re.finditer(r'<rect class="vitals-flag" data-check="([^"]*)" data-sid="\d+" '
                             r'data-device="([^"]*)" data-parameter="[^"]*" '
                             r'data-start="(-?\d+)" data-end="(-?\d+)"', svg):
            shaded.append((bed, m.group(2), int(m.group(3)), int(m.group(4)), m.group(1)))
    ip_of = {d["id"]: d["ip"] for d in truth["devices"]}
    end = seconds(truth["run"]["end"]) if "end" in truth.get("run", {}) else float("inf")
    windows = 0
    for sc in truth["scenarios"]:
        if sc["name"] != "vitals-tamper":
            continue
        for e in sc["events"]:
            windows += 1
            d = e["detail"]
            ips = {ip_of[e["device"]]} | ({ip_of[d["monitored_by"]]} if "monitored_by" in d
                                          else set())
            start = seconds(e["time"])
            until = seconds(d["until"]) if "until" in d else end
            # The shaded window overlaps the tampered one (a replay's reaches back to the first
            # sighting of what it replays, a time window to the time the observations claim).
            if not any(dev in ips and s <= until and t >= start for _, dev, s, t, _ in shaded):
                errors.append(f"no shaded window for {e['action']} at bed {d.get('bed')} "
                              f"({sorted(ips)}) from {e['time']}")
    md_section = md.split("## Vital-sign integrity", 1)[-1].split("\n## ", 1)[0]
    if "| bed | parameter | window | check | min | mean | max |" not in md_section:
        errors.append("report.md: no vital-sign table")
    for bed in sorted(beds & set(charts)):
        if f"| {bed} |" not in md_section:
            errors.append(f"report.md: no row for bed {bed}")
    for text, name in ((html, "report.html"), (md, "report.md")):
        if re.search(r"SIM\d{7}", text):
            errors.append(f"{name} holds a patient id")
    print(f"vitals-tamper: {len(alerts)} vitals alerts, {len(beds)} flagged beds, "
          f"{len(charts)} charts, {len(shaded)} shaded windows over {windows} tampered windows")


def main():
    medtap = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="medtap-report-")
    errors = []
    try:
        env = dict(os.environ, MEDTAP_SECRET_FILE=os.path.join(tmp, "secret.key"))
        pcap = os.path.join(tmp, "ward.pcap")
        subprocess.run([medtap, "simulate", "-o", pcap, "--beds", "4", "--duration", "3m",
                        "--scenario", "contec-backdoor"], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        out = os.path.join(tmp, "run")
        subprocess.run([medtap, "analyze", pcap, "-o", out], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        html = open(os.path.join(out, "report.html"), encoding="utf-8").read()
        md = open(os.path.join(out, "report.md"), encoding="utf-8").read()
        devices = json.load(open(os.path.join(out, "inventory.json")))
        alerts = [e for e in map(json.loads, open(os.path.join(out, "eve.json")))
                  if e["event_type"] == "alert"]
        family = [d for d in devices if "cms8000-family" in d.get("tags", [])]
        if not alerts or not family:
            errors.append(f"the scenario gave {len(alerts)} alerts, {len(family)} CMS8000 devices")

        # Self-contained, well formed.
        p = Structure()
        p.feed(html)
        p.close()
        errors += [f"html: {e}" for e in p.errors[:5]]
        if p.stack:
            errors.append(f"html: unclosed {p.stack}")
        errors += [f"html loads something: {x}" for x in p.loads]
        errors += [f"html links to {h}" for h in p.hrefs if not h.startswith("https://")]
        for bad in ("<script", "url(", "@import"):
            if bad in html.lower():
                errors.append(f"html holds {bad}")

        # Contec first, right devices.
        secs = sections(html)
        if not secs or not secs[0][0].startswith("Contec CMS8000"):
            errors.append(f"first section is {secs[0][0] if secs else None!r}, not Contec")
        else:
            contec = secs[0][1]
            if "Are we affected? Yes." not in contec:
                errors.append("Contec section does not say we are affected")
            for d in family:
                for value in [d["id"]] + d.get("ips", []) + d.get("macs", []):
                    if value not in contec:
                        errors.append(f"Contec section misses {value} of {d['id']}")
            for a in alerts:
                if a["alert"]["signature_id"] // 100 == 90001 and \
                        a["alert"]["signature"] not in contec:
                    errors.append(f"Contec section misses {a['alert']['signature']}")
            if "icsma-25-030-01" not in contec.lower() or "What to do" not in contec:
                errors.append("Contec section has no advice or advisory link")
        titles = [t for t, _ in secs]
        expected = ["Advisories affecting this site", "Devices by risk", "Alerts by severity",
                    "Timeline", "Communication maps"]
        if titles[1:] != expected:
            errors.append(f"sections {titles}")

        # Advisories first, with the CMS8000 family and the CSAF remediations.
        remedy = "Per FDA recommendation, CISA recommends users remove any Contec CMS8000 " \
                 "devices from their networks."
        adv = dict(secs).get("Advisories affecting this site", "")
        adv_md = md.split("## Advisories affecting this site", 1)[-1].split("## Devices by", 1)[0]
        icsma = adv.split("ICSMA-25-030-01", 1)[-1].split("<h3>", 1)[0] if adv else ""
        if "ICSMA-25-030-01" not in adv or "ICSMA-25-030-01" not in adv_md:
            errors.append("advisories section does not list ICSMA-25-030-01")
        for d in family:
            if d["id"] not in icsma or d["id"] not in adv_md:
                errors.append(f"advisories section: ICSMA-25-030-01 misses {d['id']}")
        if not re.search(r"<td>(affected|potentially affected)</td>", icsma):
            errors.append("advisories section gives no status")
        if remedy not in icsma or remedy not in adv_md:
            errors.append("advisories section misses the advisory's remediation text")
        if "CVE-2025-0626" not in icsma:
            errors.append("advisories section misses the CVEs")
        if md.find("## Advisories affecting this site") > md.find("## Devices by risk"):
            errors.append("md: advisories come after Devices by risk")

        # Every alert, in both files.
        by_title = dict(secs)
        alert_html = by_title.get("Alerts by severity", "")
        alert_md = md.split("## Alerts by severity", 1)[-1].split("## Timeline", 1)[0]
        for a in alerts:
            sid, dev = str(a["alert"]["signature_id"]), a["device"]["id"]
            dest = a["evidence"].get("destination", "-")
            row_html = f"<td>{sid}</td>"
            # The signature tells apart two advisories matched to one device (9000701).
            sig = a["alert"]["signature"]
            rows = [r for r in alert_html.split("<tr>") if row_html in r and dev in r and
                    f"<td>{dest}</td>" in r and html_escape(sig, quote=False) in r]
            if len(rows) != 1:
                errors.append(f"html: alert {sid} {dev} {dest} in {len(rows)} rows")
            md_rows = [r for r in alert_md.splitlines()
                       if r.startswith(f"| {sid} |") and dev in r and f"| {dest} |" in r
                       and sig.replace("|", "\\|") in r]
            if len(md_rows) != 1:
                errors.append(f"md: alert {sid} {dev} {dest} in {len(md_rows)} rows")
            maps = by_title.get("Communication maps", "")
            if f"<h3>{dev} (" not in maps:
                errors.append(f"no communication map for {dev}")
            # An alert about the device itself (an advisory) has no flow, so no edge to draw.
            if "dest_ip" not in a:
                continue
            peer = a["dest_ip"]
            if not re.search(rf"<td>{re.escape(peer)}[ <][^\n]*<td>yes</td>", maps):
                errors.append(f"map of {dev} has no alert edge to {peer}")
        if 'stroke="#c0392b"' not in html:
            errors.append("no red edge drawn")

        # The Markdown mirrors the HTML.
        md_headings = [("h2" if l.startswith("## ") else "h3", l.split(" ", 1)[1])
                       for l in md.splitlines() if l.startswith(("## ", "### "))]
        html_headings = [(t, re.sub(r"&amp;", "&", h)) for t, h in p.headings]
        if md_headings != html_headings:
            errors.append(f"headings differ: md {md_headings} html {html_headings}")

        # Deterministic.
        again = os.path.join(tmp, "again")
        subprocess.run([medtap, "analyze", pcap, "-o", again], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        for name in ("report.html", "report.md"):
            if open(os.path.join(out, name), "rb").read() != \
                    open(os.path.join(again, name), "rb").read():
                errors.append(f"{name} differs between two runs of the same capture")
        print(f"{len(alerts)} alerts, {len(family)} CMS8000 devices, report.html {len(html)} "
              f"bytes, report.md {len(md)} bytes, {len(html_headings)} headings")
        vitals_report(medtap, tmp, env, errors)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for e in errors:
        print("FAIL", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
