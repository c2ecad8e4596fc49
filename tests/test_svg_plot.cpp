#include "demos/toolkit/svg_plot.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "demos/toolkit/atomic_file.h"

namespace rl {
namespace {

// ---- a small XML well-formedness checker (elements, attributes, entities, comments, PI) ----

struct XmlCheck {
  bool ok = true;
  std::string error;
  std::map<std::string, int> elements;          // element name -> count
  std::map<std::string, int> classes;           // "name.class" -> count
};

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.'; }

// Checks the entity at s[i] == '&'; advances i past it.
bool check_entity(const std::string& s, std::size_t& i) {
  const std::size_t semi = s.find(';', i);
  if (semi == std::string::npos) return false;
  const std::string name = s.substr(i + 1, semi - i - 1);
  i = semi + 1;
  if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") return true;
  if (name.size() > 1 && name[0] == '#') {
    for (std::size_t k = 1; k < name.size(); ++k)
      if (!std::isdigit(static_cast<unsigned char>(name[k]))) return false;
    return true;
  }
  return false;
}

XmlCheck check_xml(const std::string& s) {
  XmlCheck r;
  auto fail = [&](const std::string& why, std::size_t at) {
    r.ok = false;
    r.error = why + " at offset " + std::to_string(at);
    return r;
  };
  std::vector<std::string> stack;
  bool seen_root = false;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '<') {
      if (s[i] == '&') {
        const std::size_t at = i;
        if (!check_entity(s, i)) return fail("bad entity", at);
        continue;
      }
      if (stack.empty() && !std::isspace(static_cast<unsigned char>(s[i]))) return fail("text outside the root", i);
      ++i;
      continue;
    }
    if (s.compare(i, 5, "<?xml") == 0) {
      const std::size_t end = s.find("?>", i);
      if (end == std::string::npos || i != 0) return fail("bad XML declaration", i);
      i = end + 2;
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      const std::size_t end = s.find("-->", i);
      if (end == std::string::npos) return fail("unterminated comment", i);
      i = end + 3;
      continue;
    }
    if (s.compare(i, 2, "</") == 0) {
      std::size_t j = i + 2;
      while (j < s.size() && is_name_char(s[j])) ++j;
      const std::string name = s.substr(i + 2, j - i - 2);
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      if (j >= s.size() || s[j] != '>') return fail("bad end tag", i);
      if (stack.empty() || stack.back() != name) return fail("mismatched end tag </" + name + ">", i);
      stack.pop_back();
      i = j + 1;
      continue;
    }
    std::size_t j = i + 1;
    while (j < s.size() && is_name_char(s[j])) ++j;
    const std::string name = s.substr(i + 1, j - i - 1);
    if (name.empty()) return fail("empty element name", i);
    if (stack.empty() && seen_root) return fail("second root element", i);
    seen_root = true;
    std::map<std::string, std::string> attrs;
    while (true) {
      const std::size_t before = j;
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      if (j >= s.size()) return fail("unterminated tag", i);
      if (s[j] == '>' || s.compare(j, 2, "/>") == 0) break;
      if (j == before) return fail("missing space before attribute", j);
      std::size_t k = j;
      while (k < s.size() && is_name_char(s[k])) ++k;
      const std::string attr = s.substr(j, k - j);
      if (attr.empty() || k >= s.size() || s[k] != '=' || k + 1 >= s.size() || (s[k + 1] != '"' && s[k + 1] != '\''))
        return fail("bad attribute in <" + name + ">", j);
      const char quote = s[k + 1];
      std::size_t v = k + 2;
      std::string value;
      while (v < s.size() && s[v] != quote) {
        if (s[v] == '<') return fail("'<' in attribute value", v);
        if (s[v] == '&') {
          const std::size_t at = v;
          if (!check_entity(s, v)) return fail("bad entity in attribute", at);
          continue;
        }
        value += s[v++];
      }
      if (v >= s.size()) return fail("unterminated attribute value", k);
      if (attrs.count(attr)) return fail("duplicate attribute " + attr, j);
      attrs[attr] = value;
      j = v + 1;
    }
    ++r.elements[name];
    if (attrs.count("class")) ++r.classes[name + "." + attrs["class"]];
    if (s[j] == '/') {
      i = j + 2;
    } else {
      stack.push_back(name);
      i = j + 1;
    }
  }
  if (!stack.empty()) return fail("unclosed <" + stack.back() + ">", s.size());
  if (!seen_root) return fail("no root element", 0);
  return r;
}

TEST(XmlChecker, RejectsMalformedDocuments) {  // the checker itself must be able to fail
  EXPECT_TRUE(check_xml("<a><b x=\"1\"/>t &amp; u</a>").ok);
  EXPECT_FALSE(check_xml("<a><b></a>").ok);
  EXPECT_FALSE(check_xml("<a x=1/>").ok);
  EXPECT_FALSE(check_xml("<a>&foo;</a>").ok);
  EXPECT_FALSE(check_xml("<a>x < y</a>").ok);
  EXPECT_FALSE(check_xml("<a/><b/>").ok);
  EXPECT_FALSE(check_xml("<a x=\"1\" x=\"2\"/>").ok);
}

// Runs `xmllint --noout` on the SVG when xmllint is installed (skips the check otherwise).
void expect_xmllint_accepts(const std::string& svg, const std::string& name) {
  if (std::system("command -v xmllint > /dev/null 2>&1") != 0) return;
  const std::string path = ::testing::TempDir() + "rl_svg_" + name + "_" + std::to_string(::getpid()) + ".svg";
  write_text_atomic(path, svg);
  EXPECT_EQ(std::system(("xmllint --noout " + path).c_str()), 0) << path;
  std::filesystem::remove(path);
}

int count(const XmlCheck& x, const std::string& element_dot_class) {
  auto it = x.classes.find(element_dot_class);
  return it == x.classes.end() ? 0 : it->second;
}

// ---- plots ----

TEST(SvgPlot, ScatterDrawsOneMarkPerFinitePointAndNotesTheRest) {
  Figure fig(1, 1, "scatter <test> & \"quotes\"");
  Rng rng(1);
  fig.panel(0, 0).title("dW").x_label("rank").y_label("dW").x_scale(AxisScale::kLog);
  const std::vector<double> x = {1, 2, 5, 10, 30, 100, 300, 1, 2, 3};
  const std::vector<double> y = {1, 2, 3, 4, 5, 6, 7, NAN, INFINITY, 4};
  fig.panel(0, 0).scatter("seed runs", x, y, 4.0, rng);
  fig.panel(0, 0).scatter("second", {1, 2, 3}, {1, 2, -INFINITY});
  const std::string svg = fig.to_svg();
  const XmlCheck xml = check_xml(svg);
  ASSERT_TRUE(xml.ok) << xml.error;
  EXPECT_EQ(count(xml, "circle.mark"), 8);  // style 0 = circles: 10 points - 2 non-finite
  EXPECT_EQ(count(xml, "rect.mark"), 2);    // style 1 = squares: 3 points - 1 non-finite
  EXPECT_EQ(count(xml, "circle.legend-mark") + count(xml, "rect.legend-mark"), 2);
  EXPECT_NE(svg.find("3 non-finite value(s) not shown"), std::string::npos);
  EXPECT_NE(svg.find("scatter &lt;test&gt; &amp; &quot;quotes&quot;"), std::string::npos);
  expect_xmllint_accepts(svg, "scatter");
}

TEST(SvgPlot, NonPositiveValuesOnALogAxisAreCountedNotDrawn) {
  Figure fig(1, 1, "log");
  fig.panel(0, 0).y_scale(AxisScale::kLog).scatter("", {1, 2, 3, 4}, {1, 0, -1, 10});
  const XmlCheck xml = check_xml(fig.to_svg());
  ASSERT_TRUE(xml.ok) << xml.error;
  EXPECT_EQ(count(xml, "circle.mark"), 2);
  EXPECT_NE(fig.to_svg().find("2 value(s) &lt;= 0 not shown on log axis"), std::string::npos);
}

TEST(SvgPlot, BoxPlotsHaveOneBoxPerCategoryAndTheirOutliers) {
  Figure fig(1, 1, "boxes");
  Panel& p = fig.panel(0, 0);
  const std::vector<std::string> cat = {"gauss", "gauss", "gauss", "gauss", "gauss", "dale", "dale", "dale",
                                        "dale",  "dale",  "chain", "chain", "chain", "chain", "chain"};
  const std::vector<double> y = {1, 2, 3, 4, -20, 5, 6, 7, 8, 9, 1, 1, 1, 1, NAN};
  p.boxplot("2AF", cat, y, Values::kDrawnByAnotherSeries);
  Rng rng(3);
  p.category_scatter("2AF", cat, y, 5.0, rng);
  const std::string svg = fig.to_svg();
  const XmlCheck xml = check_xml(svg);
  ASSERT_TRUE(xml.ok) << xml.error;
  EXPECT_EQ(count(xml, "rect.box"), 3);
  EXPECT_EQ(count(xml, "line.median"), 3);
  EXPECT_EQ(count(xml, "path.whisker"), 3);
  // Outliers by box_stats: gauss {-20} (hand computed in test_stats), dale none, chain none.
  EXPECT_EQ(count(xml, "circle.outlier"), 1);
  EXPECT_EQ(count(xml, "circle.mark"), 14);   // the dots: 15 values - 1 NaN
  EXPECT_EQ(count(xml, "rect.legend-box"), 1);  // same label: one legend entry
  EXPECT_NE(svg.find(">gauss</text>"), std::string::npos);
  EXPECT_NE(svg.find(">chain</text>"), std::string::npos);
  EXPECT_NE(svg.find("1 non-finite value(s) not shown"), std::string::npos);  // the dots own it; the box repeats them
  expect_xmllint_accepts(svg, "box");
}

TEST(SvgPlot, ErrorLinesStateTheirSpreadInTheLegend) {
  Figure fig(1, 1, "lines");
  fig.panel(0, 0).line_error("KA", {1, 10, 100}, {{1, 2, 3}, {2, 3, 4}, {5}}, ErrorBar::kSem).x_scale(AxisScale::kLog);
  fig.panel(0, 0).line("theory", {1, 10, 100}, {2, NAN, 5});
  const std::string svg = fig.to_svg();
  const XmlCheck xml = check_xml(svg);
  ASSERT_TRUE(xml.ok) << xml.error;
  EXPECT_EQ(count(xml, "path.errorbar"), 2);       // the single sample at x = 100 has no spread
  EXPECT_EQ(count(xml, "circle.mark"), 3);
  EXPECT_EQ(count(xml, "polyline.line"), 1 + 2);   // the NaN breaks "theory" into two pieces
  EXPECT_NE(svg.find("KA (mean \u00b1 sem)"), std::string::npos);
  EXPECT_NE(svg.find("stroke-dasharray=\"6,3\""), std::string::npos);  // second style is dashed
  expect_xmllint_accepts(svg, "lines");
}

TEST(SvgPlot, GridOfPanelsRendersEveryPanel) {
  Figure fig(2, 3, "grid");
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t c = 0; c < 3; ++c) fig.panel(r, c).title("p" + std::to_string(r * 3 + c)).line("", {0, 1}, {0, 1});
  const XmlCheck xml = check_xml(fig.to_svg());
  ASSERT_TRUE(xml.ok) << xml.error;
  EXPECT_EQ(count(xml, "g.panel"), 6);
  EXPECT_EQ(xml.elements.at("clipPath"), 6);
  EXPECT_THROW(fig.panel(2, 0), std::out_of_range);
  EXPECT_THROW(Figure(0, 1, ""), std::invalid_argument);
}

TEST(SvgPlot, JitterIsDeterministicGivenTheRng) {
  auto draw = [](std::uint64_t seed) {
    Figure fig(1, 1, "");
    Rng rng(seed);
    fig.panel(0, 0).scatter("", {1, 1, 1, 1}, {1, 2, 3, 4}, 5.0, rng);
    return fig.to_svg();
  };
  EXPECT_EQ(draw(7), draw(7));
  EXPECT_NE(draw(7), draw(8));
}

TEST(SvgPlot, MixingCategoricalAndNumericXIsAnError) {
  Panel p;
  p.scatter("", {1}, {1});
  EXPECT_THROW(p.boxplot("", {"a"}, {1}), std::invalid_argument);
  EXPECT_THROW(p.line("", {1, 2}, {1}), std::invalid_argument);
}

TEST(SvgPlot, StylesAreDistinctInColourMarkerAndDash) {
  for (std::size_t a = 0; a < kStyleCount; ++a)
    for (std::size_t b = a + 1; b < kStyleCount; ++b) {
      EXPECT_NE(series_style(a).color, series_style(b).color);
      EXPECT_NE(series_style(a).marker, series_style(b).marker);
      EXPECT_NE(series_style(a).dash, series_style(b).dash);
    }
  EXPECT_EQ(series_style(0).color, "#0072B2");  // Okabe-Ito blue first
}

TEST(AxisTicks, LinearTicksAreOneTwoFiveTimesPowersOfTen) {
  EXPECT_EQ(linear_ticks(0.0, 1.0), (std::vector<double>{0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0}));
  const std::vector<double> t = linear_ticks(-0.03, 0.27);  // raw step 0.06 -> 0.05
  ASSERT_EQ(t.size(), 6u);
  EXPECT_EQ(t[0], 0.0);
  EXPECT_FALSE(std::signbit(t[0]));
  EXPECT_NEAR(t[5], 0.25, 1e-15);
  EXPECT_EQ(linear_ticks(0, 1700), (std::vector<double>{0, 500, 1000, 1500}));
  EXPECT_TRUE(linear_ticks(1.0, 1.0).empty());
}

TEST(AxisTicks, LogTicksAreDecadesOrOneTwoFive) {
  EXPECT_EQ(log_ticks(1, 1000), (std::vector<double>{1, 10, 100, 1000}));
  EXPECT_EQ(log_ticks(1, 30), (std::vector<double>{1, 2, 5, 10, 20}));
  // 21 decades: every third, at multiples of 3 (1e-9, 1e-6, ..., 1e9).
  EXPECT_EQ(log_ticks(1e-10, 1e10), (std::vector<double>{1e-9, 1e-6, 1e-3, 1, 1e3, 1e6, 1e9}));
  EXPECT_TRUE(log_ticks(0.0, 10.0).empty());
}

// The tick labels of one axis in a rendered SVG: (position along the axis, text).  Y labels are
// right-aligned ("end") left of the axis, x labels centred ("middle") below it.
std::vector<std::pair<double, std::string>> tick_labels(const std::string& svg, const std::string& anchor) {
  std::vector<std::pair<double, std::string>> out;
  const std::string key = "text-anchor=\"" + anchor + "\">";
  for (std::size_t at = svg.find(key); at != std::string::npos; at = svg.find(key, at + 1)) {
    const std::size_t open = svg.rfind("<text ", at);
    const std::string coord = anchor == "end" ? " y=\"" : "x=\"";
    const std::size_t c = svg.find(coord, open) + coord.size();
    const std::size_t text_begin = at + key.size();
    const std::string text = svg.substr(text_begin, svg.find("</text>", text_begin) - text_begin);
    if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-')) continue;
    out.emplace_back(std::atof(svg.c_str() + c), text);
  }
  return out;
}

// docs/img/fig2_frobenius_2af.svg once printed 41 overlapping labels on the weight-change axis of a
// run whose values spanned 1e-40..1e40 (issue: the SVG log axis overprints its labels).
TEST(AxisTicks, LogAxisOverManyDecadesLabelsAtMostSevenWithoutOverlap) {
  const std::vector<double> t = log_ticks(1e-40, 1e40);
  EXPECT_EQ(t, (std::vector<double>{1e-40, 1e-20, 1, 1e20, 1e40}));
  for (double lo_exp : {-300.0, -40.0, -12.0, -3.0, 0.0})
    for (double span : {3.0, 8.0, 9.0, 15.0, 21.0, 33.0, 80.0, 300.0}) {
      const std::size_t n = log_ticks(std::pow(10.0, lo_exp), std::pow(10.0, lo_exp + span)).size();
      EXPECT_GE(n, 2u) << "1e" << lo_exp << " .. 1e" << lo_exp + span;
      EXPECT_LE(n, 8u) << "1e" << lo_exp << " .. 1e" << lo_exp + span;
    }

  Figure fig(1, 1, "decades");
  fig.panel(0, 0).scatter("dW", {1e-40, 1e-3, 1e40}, {1e-40, 1.0, 1e40}).x_scale(AxisScale::kLog).y_scale(AxisScale::kLog);
  const std::string svg = fig.to_svg();
  for (const std::string anchor : {"end", "middle"}) {
    const auto labels = tick_labels(svg, anchor);
    SCOPED_TRACE(anchor == "end" ? "y axis" : "x axis");
    ASSERT_GE(labels.size(), 2u) << svg;
    EXPECT_LE(labels.size(), 8u);
    for (std::size_t i = 1; i < labels.size(); ++i) {
      // A label is about 7 px per character wide and 12 px high: neighbours must clear that.
      const double need = anchor == "end" ? 14.0 : 7.0 * std::max(labels[i].second.size(), labels[i - 1].second.size());
      EXPECT_GE(std::fabs(labels[i].first - labels[i - 1].first), need)
          << labels[i - 1].second << " and " << labels[i].second << " overprint";
    }
  }
}

TEST(AxisTicks, LabelsAreShort) {
  EXPECT_EQ(tick_label(0.25), "0.25");
  EXPECT_EQ(tick_label(300), "300");
  EXPECT_EQ(tick_label(1e-5), "1e-5");
  EXPECT_EQ(tick_label(1e6), "1e6");
  EXPECT_EQ(tick_label(0.6000000000000001), "0.6");
}

TEST(SvgPlot, WritesAtomically) {
  const std::string dir = ::testing::TempDir() + "rl_svg_write_" + std::to_string(::getpid());
  Figure fig(1, 1, "w");
  fig.panel(0, 0).scatter("", {1}, {1});
  fig.write(dir + "/fig.svg");
  EXPECT_EQ(read_text_file(dir + "/fig.svg"), fig.to_svg());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rl
