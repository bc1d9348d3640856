#include "simulate/hl7_message.h"

#include <cstdio>

namespace medtap::simulate {

namespace {

// PCD-01 MSH-21 profile identifier (IHE PCD TF-2 B.1).
constexpr std::string_view kPcd01Profile = "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO";
// OBR-4 for periodic monitoring (IHE PCD TF-2 B.6): SNOMED CT 182777000.
constexpr std::string_view kMonitoringOrder = "182777000^monitoring of patient^SNOMED-CT";

bool versionAtLeast25(std::string_view v) {
  return v >= "2.5";
}

void appendTime(std::string& out, Timestamp t, Hl7Zone zone) {
  appendHl7Time(out, t, zone);
}

void appendMsh(std::string& out, const OruMessage& m, std::string_view type,
               std::string_view control_id, Timestamp time, bool reply) {
  out += "MSH|^~\\&|";
  out += reply ? m.receiving_application : m.sending_application;
  out += '|';
  out += reply ? m.receiving_facility : m.sending_facility;
  out += '|';
  out += reply ? m.sending_application : m.receiving_application;
  out += '|';
  out += reply ? m.sending_facility : m.receiving_facility;
  out += '|';
  appendTime(out, time, m.zone);
  out += "||";
  out += type;
  out += '|';
  out += control_id;
  out += "|P|";
  out += m.version;
  if (m.dialect == Hl7Dialect::Mdc) {
    // MSH-15 NE, MSH-16 AL, MSH-18 character set, MSH-21 profile (PCD-01 requires them).
    out += "|||NE|AL||UNICODE UTF-8|||";
    out += kPcd01Profile;
  }
  out += '\r';
}

}  // namespace

std::string eui64FromMac(const uint8_t mac[6]) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%02X%02X%02XFFFE%02X%02X%02X", mac[0], mac[1], mac[2], mac[3],
                mac[4], mac[5]);
  return std::string(buf, 16);
}

std::string hl7Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '|':
        out += "\\F\\";
        break;
      case '^':
        out += "\\S\\";
        break;
      case '&':
        out += "\\T\\";
        break;
      case '~':
        out += "\\R\\";
        break;
      case '\\':
        out += "\\E\\";
        break;
      default:
        out += c;
    }
  }
  return out;
}

void appendMllpOru(std::string& out, const OruMessage& m) {
  out += kMllpStart;
  const bool v25 = versionAtLeast25(m.version);
  appendMsh(out, m, v25 ? "ORU^R01^ORU_R01" : "ORU^R01", m.control_id, m.time, false);
  if (m.patient != nullptr) {
    const Patient& p = *m.patient;
    out += m.dialect == Hl7Dialect::Mdc ? "PID|||" : "PID|1||";
    out += p.mrn;
    out += "^^^";
    out += m.receiving_facility.empty() ? "HOSP" : m.receiving_facility;
    out += "^MR||";
    out += p.family;
    out += '^';
    out += p.given;
    out += m.dialect == Hl7Dialect::Mdc ? "^^^^^L||" : "||";
    out += p.birth_date;
    out += '|';
    out += p.sex == Sex::Female ? 'F' : 'M';
    out += '\r';
    out += m.dialect == Hl7Dialect::Mdc ? "PV1||I|" : "PV1|1|I|";
    out += m.unit;
    out += m.dialect == Hl7Dialect::Mdc ? "^^" : "^";
    if (m.bed < 10) out += '0';
    out += std::to_string(m.bed);
    out += '\r';
  }
  out += "OBR|1|";
  out += m.control_id;
  if (!m.equipment.empty()) {
    out += '^';
    out += m.sending_application.substr(0, m.sending_application.find('^'));
    out += '^';
    out += m.equipment;
    out += "^EUI-64";
  }
  out += '|';
  out += m.control_id;
  out += '|';
  out += m.dialect == Hl7Dialect::Mdc ? kMonitoringOrder : std::string_view("VITALS^Vital signs^L");
  out += "|||";
  appendTime(out, m.observations.empty() ? m.time : m.observations.front().time, m.zone);
  out += '\r';
  int set_id = 1;
  if (!m.device_code.empty()) {
    // The device's MDS-level observation (PCD-01 containment: MDS 1).
    out += "OBX|1||";
    out += m.device_code;
    out += "|1|||||||X|||||||";
    out += m.equipment;
    out += "^EUI-64\r";
    ++set_id;
  }
  for (const Observation& o : m.observations) {
    out += "OBX|";
    out += std::to_string(set_id++);
    out += '|';
    out += o.value_type;
    out += '|';
    out += o.code;
    out += '|';
    out += o.sub_id;
    out += '|';
    out += o.value;
    out += '|';
    out += o.units;
    out += '|';
    out += o.range;
    out += "||||";
    out += m.dialect == Hl7Dialect::Mdc ? 'R' : 'F';
    out += "|||";
    appendTime(out, o.time, m.zone);
    if (m.dialect == Hl7Dialect::Mdc && !m.equipment.empty()) {
      out += "||||";
      out += m.equipment;
      out += "^EUI-64";
    }
    out += '\r';
  }
  if (!m.note.empty()) {
    out += "NTE|1||";
    out += m.note;
    out += '\r';
  }
  out += kMllpEnd;
  out += kMllpTrailer;
}

void appendMllpAck(std::string& out, const OruMessage& acked, std::string_view ack_control_id,
                   Timestamp time) {
  out += kMllpStart;
  appendMsh(out, acked, versionAtLeast25(acked.version) ? "ACK^R01^ACK" : "ACK^R01", ack_control_id,
            time, true);
  out += "MSA|AA|";
  out += acked.control_id;
  out += '\r';
  out += kMllpEnd;
  out += kMllpTrailer;
}

namespace {

std::string formatTemp(double c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", c);
  return buf;
}

void add(std::vector<Observation>& out, std::string code, std::string value, std::string units,
         std::string range, Timestamp t, std::string sub_id) {
  Observation o;
  o.code = std::move(code);
  o.value = std::move(value);
  o.units = std::move(units);
  o.range = std::move(range);
  o.time = t;
  o.sub_id = std::move(sub_id);
  out.push_back(std::move(o));
}

}  // namespace

void vitalsObservations(Hl7Dialect dialect, const Vitals& v, Timestamp t,
                        std::vector<Observation>& out) {
  out.clear();
  const bool oxi = v.spo2_valid == Validity::Valid;
  if (dialect == Hl7Dialect::Mdc) {
    // Codes per IEEE 11073-10101 as used in IHE PCD-01; units MDC_DIM_*.
    constexpr const char* kBpm = "264864^MDC_DIM_BEAT_PER_MIN^MDC";
    add(out, "147842^MDC_ECG_HEART_RATE^MDC", std::to_string(v.hr), kBpm, "50-120", t, "1.1.1.1");
    if (oxi) {
      add(out, "150456^MDC_PULS_OXIM_SAT_O2^MDC", std::to_string(v.spo2),
          "262688^MDC_DIM_PERCENT^MDC", "90-100", t, "1.2.1.1");
      add(out, "149530^MDC_PULS_OXIM_PULS_RATE^MDC", std::to_string(v.pr), kBpm, "50-120", t,
          "1.2.1.2");
    }
    add(out, "151562^MDC_RESP_RATE^MDC", std::to_string(v.rr), "264928^MDC_DIM_RESP_PER_MIN^MDC",
        "8-30", t, "1.3.1.1");
    add(out, "150344^MDC_TEMP^MDC", formatTemp(v.temp_c), "268192^MDC_DIM_DEGC^MDC", "36.0-38.0", t,
        "1.4.1.1");
    if (v.nibp_fresh) {
      constexpr const char* kMmhg = "266016^MDC_DIM_MMHG^MDC";
      add(out, "150021^MDC_PRESS_BLD_NONINV_SYS^MDC", std::to_string(v.nibp_sys), kMmhg, "90-160",
          v.nibp_time, "1.5.1.1");
      add(out, "150022^MDC_PRESS_BLD_NONINV_DIA^MDC", std::to_string(v.nibp_dia), kMmhg, "50-90",
          v.nibp_time, "1.5.1.2");
      add(out, "150023^MDC_PRESS_BLD_NONINV_MEAN^MDC", std::to_string(v.nibp_mean), kMmhg, "60-110",
          v.nibp_time, "1.5.1.3");
    }
    return;
  }
  // LOINC with UCUM units.
  add(out, "8867-4^Heart rate^LN", std::to_string(v.hr), "/min^beats per minute^UCUM", "50-120", t,
      "");
  if (oxi) {
    add(out, "59408-5^Oxygen saturation in Arterial blood by Pulse oximetry^LN",
        std::to_string(v.spo2), "%^percent^UCUM", "90-100", t, "");
    add(out, "8889-8^Heart rate by Pulse oximetry^LN", std::to_string(v.pr),
        "/min^beats per minute^UCUM", "50-120", t, "");
  }
  add(out, "9279-1^Respiratory rate^LN", std::to_string(v.rr), "/min^breaths per minute^UCUM",
      "8-30", t, "");
  add(out, "8310-5^Body temperature^LN", formatTemp(v.temp_c), "Cel^degree Celsius^UCUM",
      "36.0-38.0", t, "");
  if (v.nibp_fresh) {
    add(out, "8480-6^Systolic blood pressure^LN", std::to_string(v.nibp_sys),
        "mm[Hg]^millimeter of mercury^UCUM", "90-160", v.nibp_time, "");
    add(out, "8462-4^Diastolic blood pressure^LN", std::to_string(v.nibp_dia),
        "mm[Hg]^millimeter of mercury^UCUM", "50-90", v.nibp_time, "");
  }
}

}  // namespace medtap::simulate
