#include "simulate/lpd.h"

#include <cstdio>

namespace medtap::simulate::lpd {

namespace {

std::string jobSuffix(int job, std::string_view host) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%03d", job % 1000);
  return std::string("A") + buf + std::string(host);
}

}  // namespace

std::vector<Step> printJob(std::string_view queue, std::string_view host, std::string_view user,
                           int job, std::string_view job_name, const std::string& document) {
  const std::string suffix = jobSuffix(job, host);
  std::string control;
  control += "H" + std::string(host) + "\n";
  control += "P" + std::string(user) + "\n";
  control += "J" + std::string(job_name) + "\n";
  control += "ldf" + suffix + "\n";
  control += "Udf" + suffix + "\n";
  control += "N" + std::string(job_name) + "\n";

  const std::string ack(1, '\0');
  std::vector<Step> s;
  s.push_back({Step::From::Client, "\x02" + std::string(queue) + "\n"});
  s.push_back({Step::From::Printer, ack});
  s.push_back(
      {Step::From::Client, "\x02" + std::to_string(control.size()) + " cf" + suffix + "\n"});
  s.push_back({Step::From::Printer, ack});
  s.push_back({Step::From::Client, control + std::string(1, '\0')});
  s.push_back({Step::From::Printer, ack});
  s.push_back(
      {Step::From::Client, "\x03" + std::to_string(document.size()) + " df" + suffix + "\n"});
  s.push_back({Step::From::Printer, ack});
  s.push_back({Step::From::Client, document + std::string(1, '\0')});
  s.push_back({Step::From::Printer, ack});
  return s;
}

std::string wardReport(std::string_view title, int pages, int first_bed, int beds) {
  std::string ps =
      "%!PS-Adobe-3.0\n%%Creator: Microsoft PS driver\n%%Pages: " + std::to_string(pages) +
      "\n%%EndComments\n/Helvetica findfont 10 scalefont setfont\n";
  for (int p = 1; p <= pages; ++p) {
    ps += "%%Page: " + std::to_string(p) + " " + std::to_string(p) + "\n";
    ps += "72 760 moveto (" + std::string(title) + " - page " + std::to_string(p) + ") show\n";
    for (int b = 0; b < beds; ++b) {
      const int bed = first_bed + b;
      ps += "72 " + std::to_string(730 - 14 * b) + " moveto (Bed " + std::to_string(bed) +
            ": obs due 10:00, 14:00, 18:00; fluids checked; lines checked) show\n";
    }
    // Raster logo and form lines, as drivers embed them.
    ps += "gsave 400 740 translate 120 40 scale 240 80 1 [240 0 0 -80 0 80] {<";
    for (int i = 0; i < 2400; ++i) ps += "0f";
    ps += ">} image grestore\nshowpage\n";
  }
  ps += "%%EOF\n";
  return ps;
}

}  // namespace medtap::simulate::lpd
