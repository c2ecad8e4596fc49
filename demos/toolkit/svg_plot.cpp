// Our own small SVG plotting helper (declared in svg_plot.h; plumbing a first reading can skip).  One
// renderer whose parts share the panel's private state, in sections marked with rulers.
#include "demos/toolkit/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/csv.h"

namespace rl {

// ---------------------------------------------------------------------------- SVG text helpers

namespace {

// Labelled decades on a long log axis: at most kMaxLogLabels, every k-th decade with k from the
// "nice" steps below, placed at multiples of k (1e-40, 1e-20, 1, 1e20, 1e40), so that labels never
// overprint even when the values span tens of decades.
constexpr int kMaxLogLabels = 7;

int decade_step(int e0, int e1) {
  for (int k : {1, 2, 3, 5, 10, 20, 25, 50, 100}) {
    const int first = static_cast<int>(std::ceil(static_cast<double>(e0) / k)) * k;
    const int count = first > e1 ? 0 : (e1 - first) / k + 1;
    if (count <= kMaxLogLabels) return k;
  }
  return 100 * ((e1 - e0) / (100 * kMaxLogLabels) + 1);  // beyond 700 decades: still at most ~7
}

std::vector<double> axis_ticks(double lo, double hi, AxisScale scale) {
  return scale == AxisScale::kLog ? log_ticks(lo, hi) : linear_ticks(lo, hi);
}

// The index of `s` in `v`, or v.size() when it is absent.
std::size_t position(const std::vector<std::string>& v, const std::string& s) {
  return static_cast<std::size_t>(std::find(v.begin(), v.end(), s) - v.begin());
}

// The index of `s` in `v`, appending it when absent.
std::size_t index_in(std::vector<std::string>& v, const std::string& s) {
  if (position(v, s) == v.size()) v.push_back(s);
  return position(v, s);
}

std::string dash_attr(const SeriesStyle& st) { return st.dash.empty() ? "" : " stroke-dasharray=\"" + st.dash + "\""; }

// Escapes &, <, >, " and ' for SVG text and attributes.
std::string xml_escape(const std::string& s) {
  static const std::map<char, std::string> kEntities = {
      {'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}, {'\'', "&apos;"}};
  std::string out;
  for (char c : s) {
    const auto it = kEntities.find(c);
    out += it == kEntities.end() ? std::string(1, c) : it->second;
  }
  return out;
}

std::string num(double v) {  // SVG coordinate
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string xy(double x, double y) { return num(x) + "," + num(y); }

// "<rect<attrs> x=.. y=.. width=.. height=..": the caller adds the paint and closes the element.
std::string rect_svg(const std::string& attrs, double x, double y, double w, double h) {
  return "<rect" + attrs + " x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(h) + "\"";
}

std::string marker_svg(Marker m, double cx, double cy, const std::string& color, const std::string& cls,
                       bool hollow) {
  constexpr double r = 3.6;  // [TP] marker radius in px
  auto paint_with = [&](const std::string& fill, const char* width) {
    return " fill=\"" + fill + "\" stroke=\"" + color + "\" stroke-width=\"" + width + "\"/>";
  };
  const std::string paint = paint_with(hollow ? "none" : color, "1.2");
  const std::string c = "class=\"" + cls + "\"";
  const std::string circle =
      "<circle " + c + " cx=\"" + num(cx) + "\" cy=\"" + num(cy) + "\" r=\"" + num(r) + "\"";
  auto polygon = [&](std::initializer_list<std::pair<double, double>> pts) {
    std::string p;
    for (const auto& d : pts) p += (p.empty() ? "" : " ") + xy(cx + d.first, cy + d.second);
    return "<polygon " + c + " points=\"" + p + "\"" + paint;
  };
  auto strokes = [&](const std::string& d) {
    return "<path " + c + " d=\"" + d + "\"" + paint_with("none", "1.8");
  };
  const double a = m == Marker::kPlus ? 1.2 * r : 0.9 * r;  // the arms of + and x
  switch (m) {
    case Marker::kCircle: return circle + paint;
    case Marker::kOpenCircle: return circle + paint_with("none", "1.5");
    case Marker::kSquare: return rect_svg(" " + c, cx - r * 0.9, cy - r * 0.9, 1.8 * r, 1.8 * r) + paint;
    case Marker::kTriangleUp: return polygon({{0, -1.2 * r}, {1.1 * r, 0.8 * r}, {-1.1 * r, 0.8 * r}});
    case Marker::kTriangleDown: return polygon({{0, 1.2 * r}, {1.1 * r, -0.8 * r}, {-1.1 * r, -0.8 * r}});
    case Marker::kDiamond: return polygon({{0, -1.3 * r}, {r, 0}, {0, 1.3 * r}, {-r, 0}});
    case Marker::kPlus:
      return strokes("M" + xy(cx - a, cy) + "H" + num(cx + a) + "M" + xy(cx, cy - a) + "V" + num(cy + a));
    case Marker::kCross:
      return strokes("M" + xy(cx - a, cy - a) + "L" + xy(cx + a, cy + a) + "M" + xy(cx - a, cy + a) + "L" +
                     xy(cx + a, cy - a));
  }
  return "";
}

std::string text_svg(double x, double y, const std::string& text, const std::string& anchor,
                     const std::string& extra = "") {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\"" + extra + ">" +
         xml_escape(text) + "</text>\n";
}

std::string line_svg(double x1, double y1, double x2, double y2, const std::string& cls, const std::string& stroke,
                     const std::string& extra = "") {
  return "<line class=\"" + cls + "\" x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" +
         num(y2) + "\" stroke=\"" + stroke + "\"" + extra + "/>\n";
}

std::string stroked_path(const std::string& cls, const std::string& d, const std::string& color) {
  return "<path class=\"" + cls + "\" d=\"" + d + "\" stroke=\"" + color + "\" fill=\"none\"/>\n";
}

// The horizontal caps at y1 and y2 of a vertical bar at cx, `half` px each side.
std::string bar_caps(double cx, double half, double y1, double y2) {
  return "M" + xy(cx - half, y1) + "H" + num(cx + half) + "M" + xy(cx - half, y2) + "H" + num(cx + half);
}

// Maps a data value to pixels: p0 at lo, p1 at hi.
double to_pixel(double v, double lo, double hi, AxisScale scale, double p0, double p1) {
  const double t = scale == AxisScale::kLog ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo))
                                            : (v - lo) / (hi - lo);
  return p0 + t * (p1 - p0);
}

// Characters (not bytes) of UTF-8 text: "±" counts once.
std::size_t utf8_length(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// Splits `text` at spaces into lines of at most `width` characters (a longer word gets its own line).
std::vector<std::string> wrap_words(const std::string& text, std::size_t width) {
  std::vector<std::string> lines(1);
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!lines.back().empty() && utf8_length(lines.back()) + 1 + utf8_length(word) > width) lines.emplace_back();
    lines.back() += (lines.back().empty() ? "" : " ") + word;
    start = end + 1;
  }
  return lines;
}

// Pads a data range for display: 5% each side (in log10 units on a log axis); widens a
// degenerate range; no data (lo > hi) gives any valid range.
void pad_range(double& lo, double& hi, AxisScale scale) {
  constexpr double kPad = 0.05;  // [TP] fraction of the range left empty at each end
  if (lo > hi) lo = 1.0, hi = 10.0;
  if (scale == AxisScale::kLog) {
    double a = std::log10(lo), b = std::log10(hi);
    if (b - a < 1e-12) a -= 0.5, b += 0.5;
    const double p = (b - a) * kPad;
    lo = std::pow(10.0, a - p);
    hi = std::pow(10.0, b + p);
    return;
  }
  if (hi - lo <= 1e-12 * std::max(std::fabs(lo), std::fabs(hi))) {
    const double w = lo == 0.0 ? 1.0 : 0.1 * std::fabs(lo);
    lo -= w, hi += w;
  }
  const double p = (hi - lo) * kPad;
  lo -= p, hi += p;
}

}  // namespace

// ---------------------------------------------------------------------------- styles and ticks

SeriesStyle series_style(std::size_t k) {
  // Okabe & Ito (2008), "Color Universal Design": blue, vermillion, bluish green, orange,
  // reddish purple, sky blue, black, yellow.  Dark and light colours alternate for grey-scale.
  static const char* const kColors[kStyleCount] = {"#0072B2", "#D55E00", "#009E73", "#E69F00",
                                                   "#CC79A7", "#56B4E9", "#000000", "#F0E442"};
  static const Marker kMarkers[kStyleCount] = {Marker::kCircle,       Marker::kSquare, Marker::kTriangleUp,
                                               Marker::kDiamond,      Marker::kTriangleDown, Marker::kPlus,
                                               Marker::kCross,        Marker::kOpenCircle};
  static const char* const kDashes[kStyleCount] = {"", "6,3", "2,2", "8,3,2,3", "4,4", "10,3", "1,3", "6,2,2,2"};
  const std::size_t i = k % kStyleCount;
  return {kColors[i], kMarkers[i], kDashes[i]};
}

std::vector<double> linear_ticks(double lo, double hi, int target) {
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi) || target < 1) return {};
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = (norm < 1.5 ? 1.0 : norm < 3.0 ? 2.0 : norm < 7.0 ? 5.0 : 10.0) * mag;
  std::vector<double> ticks;
  for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k += 1.0) {
    const double v = k * step;
    ticks.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);  // no "-0" or 1e-17 at the origin
  }
  return ticks;
}

std::vector<double> log_ticks(double lo, double hi) {
  if (!(lo > 0.0) || !(hi > lo) || !std::isfinite(hi)) return {};
  const int e0 = static_cast<int>(std::floor(std::log10(lo))), e1 = static_cast<int>(std::ceil(std::log10(hi)));
  const bool dense = std::log10(hi) - std::log10(lo) < 2.0;
  const int every = decade_step(e0, e1);
  std::vector<double> ticks;
  for (int e = e0; e <= e1; ++e) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (m != 1.0 && !dense) continue;
      if (m == 1.0 && e % every != 0) continue;
      const double v = m * std::pow(10.0, e);
      if (v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12)) ticks.push_back(v);
    }
  }
  return ticks;
}

std::string tick_label(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return compact_exponent(buf);
}

// ---------------------------------------------------------------------------- Panel: data

Panel& Panel::title(const std::string& text) { title_ = text; return *this; }
Panel& Panel::x_label(const std::string& text) { x_label_ = text; return *this; }
Panel& Panel::y_label(const std::string& text) { y_label_ = text; return *this; }
Panel& Panel::x_scale(AxisScale scale) { x_scale_ = scale; return *this; }
Panel& Panel::y_scale(AxisScale scale) { y_scale_ = scale; return *this; }

Panel& Panel::add_series(Series s) {
  index_in(labels_, s.label);
  series_.push_back(std::move(s));
  return *this;
}

std::size_t Panel::skipped_non_finite() const {
  std::size_t total = 0;
  for (const Series& s : series_) total += s.skipped;
  return total;
}

// A new series `what` ("scatter 'KA'"): as many x as y values, on the kind of x axis the panel has.
void Panel::check_series(const std::string& what, std::size_t nx, std::size_t ny, bool categorical) {
  if (nx != ny)
    throw std::invalid_argument(what + ": " + std::to_string(nx) + " x values but " + std::to_string(ny) + " y values");
  if (categorical_ && *categorical_ != categorical)
    throw std::invalid_argument("Panel '" + title_ + "': " + what + " mixes categorical and numeric x");
  categorical_ = categorical;
}

Panel& Panel::scatter(const std::string& label, const std::vector<double>& x, const std::vector<double>& y) {
  Rng unused(0);  // no jitter: no draw
  return scatter(label, x, y, 0.0, unused);
}

// The finite (x, y) pairs as points, one after a skipped pair marked as a gap (a line breaks there);
// with jitter_px > 0 every pair, skipped or not, draws its horizontal jitter from `rng`.
std::vector<Panel::Point> Panel::finite_points(const std::vector<double>& x, const std::vector<double>& y,
                                               double jitter_px, Rng& rng, std::size_t& skipped) {
  std::vector<Point> points;
  bool gap = false;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double jitter = jitter_px > 0.0 ? rng.uniform(-jitter_px, jitter_px) : 0.0;  // drawn for every point
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) {
      ++skipped;
      gap = true;
      continue;
    }
    points.push_back({x[i], y[i], jitter, 0.0, gap});
    gap = false;
  }
  return points;
}

Panel& Panel::scatter(const std::string& label, const std::vector<double>& x, const std::vector<double>& y,
                      double jitter_px, Rng& rng) {
  check_series("scatter '" + label + "'", x.size(), y.size(), false);
  Series s{Kind::kScatter, label, {}, {}, ""};
  s.points = finite_points(x, y, jitter_px, rng, s.skipped);
  return add_series(std::move(s));
}

Panel& Panel::line(const std::string& label, const std::vector<double>& x, const std::vector<double>& y) {
  check_series("line '" + label + "'", x.size(), y.size(), false);
  Rng unused(0);
  Series s{Kind::kLine, label, {}, {}, ""};
  s.points = finite_points(x, y, 0.0, unused, s.skipped);
  return add_series(std::move(s));
}

Panel& Panel::line_error(const std::string& label, const std::vector<double>& x,
                         const std::vector<std::vector<double>>& samples, ErrorBar kind, Values values) {
  check_series("line_error '" + label + "'", x.size(), samples.size(), false);
  Series s{Kind::kLineError, label, {}, {}, std::string(" (mean \u00b1 ") + error_bar_name(kind) + ")"};
  bool gap = false;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t bad = count_non_finite(samples[i]);
    s.skipped += bad;
    if (!std::isfinite(x[i]) || bad == samples[i].size()) {
      if (!std::isfinite(x[i])) s.skipped += samples[i].size() - bad;
      gap = true;
      continue;
    }
    const MeanSpread m = mean_spread(samples[i], kind);
    s.points.push_back({x[i], m.mean, 0.0, m.spread, gap});
    gap = false;
  }
  if (values == Values::kDrawnByAnotherSeries) s.skipped = 0;  // noted by the series that draws them
  return add_series(std::move(s));
}

Panel& Panel::category_scatter(const std::string& label, const std::vector<std::string>& category,
                               const std::vector<double>& y, double jitter_px, Rng& rng) {
  check_series("category_scatter '" + label + "'", category.size(), y.size(), true);
  std::vector<double> x;  // category indices, in order of first appearance
  for (const std::string& c : category) x.push_back(static_cast<double>(index_in(categories_, c)));
  Series s{Kind::kScatter, label, {}, {}, ""};
  s.points = finite_points(x, y, jitter_px, rng, s.skipped);
  return add_series(std::move(s));
}

Panel& Panel::boxplot(const std::string& label, const std::vector<std::string>& category,
                      const std::vector<double>& y, Values values) {
  check_series("boxplot '" + label + "'", category.size(), y.size(), true);
  Series s{Kind::kBox, label, {}, {}, ""};
  std::vector<std::string> order;  // this series' categories, in order of first appearance
  for (const std::string& c : category) index_in(order, c);
  for (const std::string& c : order) {
    std::vector<double> values;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (category[i] == c) values.push_back(y[i]);
    const std::size_t bad = count_non_finite(values);
    s.skipped += bad;
    const double cx = static_cast<double>(index_in(categories_, c));
    if (bad == values.size()) continue;
    s.points.push_back({cx, 0.0, 0.0, 0.0, false});
    s.boxes.push_back(box_stats(values));
  }
  if (values == Values::kDrawnByAnotherSeries) s.skipped = 0;  // noted by the series that draws them
  return add_series(std::move(s));
}

// ---------------------------------------------------------------------------- Panel: drawing

// One render() of a panel (a friend of Panel): the layout of a panel of size (w, h), then its parts
// in the order render() draws them: axes, marks (lines, boxes, points), legend, note.
struct PanelDrawing {
  struct Range { double lo, hi; };
  struct LegendEntry {
    std::string label, text;  // text = label + suffix such as " (mean ± sd)"
    bool has_line = false, has_marker = false, has_box = false;
  };
  using Kind = Panel::Kind;
  using Series = Panel::Series;

  const Panel& panel;
  const std::vector<LegendEntry> legend;
  double px0 = 0, px1 = 0, py0 = 0, py1 = 0, height = 0;  // plot area in px; the panel's height
  bool categorical = false, rotate = false;               // rotate: category names drawn at -30 degrees
  AxisScale xs = AxisScale::kLinear, ys = AxisScale::kLinear;
  Range xr{0, 1}, yr{0, 1};
  std::size_t legend_chars = 8;  // legend text wraps at this many characters
  std::size_t not_on_log = 0;    // values <= 0 a log axis could not show, counted while drawing the marks

  // Where things go: the plot area, the axes' ranges and the legend width.
  PanelDrawing(const Panel& p, double w, double h) : panel(p), legend(legend_entries()), height(h) {
    constexpr double kLeft = 66, kRight = 12, kTop = 30, kBottom = 72;  // [TP] margins in px
    constexpr double kCharWidth = 6.2;       // [TP] rough width of one 11 px character
    constexpr double kMaxLegendShare = 0.4;  // [TP] legend takes at most this share of the panel width
    std::size_t longest = 0;
    for (const LegendEntry& e : legend) longest = std::max(longest, utf8_length(e.text));
    const double legend_width =
        legend.empty() ? 0.0 : std::min(40.0 + kCharWidth * static_cast<double>(longest), kMaxLegendShare * w);
    legend_chars = static_cast<std::size_t>(std::max(8.0, std::floor((legend_width - 40.0) / kCharWidth + 1e-9)));
    px0 = kLeft, px1 = w - kRight - legend_width;
    py0 = kTop, py1 = h - kBottom;
    categorical = panel.categorical_.value_or(false);
    if (categorical) {  // rotate category names when they would not fit side by side
      double total = 0.0;
      for (const auto& c : panel.categories_) total += kCharWidth * 1.1 * static_cast<double>(c.size() + 2);
      rotate = total > px1 - px0;
    }
    xs = categorical ? AxisScale::kLinear : panel.x_scale_;
    ys = panel.y_scale_;
    xr = x_range(), yr = y_range();
  }

  double X(double v) const { return to_pixel(v, xr.lo, xr.hi, xs, px0, px1); }  // data -> pixel
  double Y(double v) const { return to_pixel(v, yr.lo, yr.hi, ys, py1, py0); }
  bool drawable(double x, double y) const {
    return !((xs == AxisScale::kLog && x <= 0.0) || (ys == AxisScale::kLog && y <= 0.0));
  }

  // One entry per distinct non-empty label: the marks of its series, the first suffix one of them has.
  std::vector<LegendEntry> legend_entries() const {
    std::vector<LegendEntry> entries;
    for (const std::string& label : panel.labels_) {
      if (label.empty()) continue;
      LegendEntry e{label, label};
      for (const Series& s : panel.series_) {
        if (s.label != label) continue;
        e.has_line = e.has_line || s.kind == Kind::kLine || s.kind == Kind::kLineError;
        e.has_marker = e.has_marker || s.kind != Kind::kLine;
        e.has_box = e.has_box || s.kind == Kind::kBox;
        if (e.text == label) e.text += s.legend_suffix;
      }
      entries.push_back(e);
    }
    return entries;
  }

  Range x_range() const {
    if (categorical) return {-0.5, static_cast<double>(panel.categories_.size()) - 0.5};
    double lo = INFINITY, hi = -INFINITY;
    for (const Series& s : panel.series_)
      for (const auto& p : s.points)
        if (drawable(p.x, 1.0)) lo = std::min(lo, p.x), hi = std::max(hi, p.x);
    pad_range(lo, hi, xs);
    return {lo, hi};
  }

  Range y_range() const {
    double lo = INFINITY, hi = -INFINITY;
    auto take = [&](double v) {
      if (std::isfinite(v) && drawable(1.0, v)) lo = std::min(lo, v), hi = std::max(hi, v);
    };
    for (const Series& s : panel.series_) {
      for (const auto& p : s.points)
        if (s.kind != Kind::kBox) take(p.y - p.err), take(p.y), take(p.y + p.err);
      for (const BoxStats& b : s.boxes) {
        take(b.whisker_low), take(b.whisker_high);
        for (double o : b.outliers) take(o);
      }
    }
    pad_range(lo, hi, ys);
    return {lo, hi};
  }

  // Grid, ticks and tick labels, the frame, and the axis labels.
  std::string axes() const {
    std::string o;
    for (double v : axis_ticks(yr.lo, yr.hi, ys)) {
      o += line_svg(px0, Y(v), px1, Y(v), "grid", "#e6e6e6");
      o += text_svg(px0 - 5, Y(v) + 4, tick_label(v), "end");
    }
    if (categorical) {
      for (std::size_t i = 0; i < panel.categories_.size(); ++i) {
        const double x = X(static_cast<double>(i));
        o += line_svg(x, py1, x, py1 + 4, "tick", "#000");
        o += rotate ? text_svg(x + 3, py1 + 14, panel.categories_[i], "end",
                               " transform=\"rotate(-30 " + num(x + 3) + " " + num(py1 + 14) + ")\"")
                    : text_svg(x, py1 + 16, panel.categories_[i], "middle");
      }
    } else {
      for (double v : axis_ticks(xr.lo, xr.hi, xs)) {
        o += line_svg(X(v), py0, X(v), py1, "grid", "#e6e6e6");
        o += text_svg(X(v), py1 + 16, tick_label(v), "middle");
      }
    }
    o += rect_svg(" class=\"frame\"", px0, py0, px1 - px0, py1 - py0) + " fill=\"none\" stroke=\"#000\"/>\n";
    const double mid_x = (px0 + px1) / 2, mid_y = (py0 + py1) / 2;
    if (!panel.x_label_.empty()) o += text_svg(mid_x, py1 + (rotate ? 54 : 38), panel.x_label_, "middle");
    if (!panel.y_label_.empty())
      o += text_svg(16, mid_y, panel.y_label_, "middle", " transform=\"rotate(-90 16 " + num(mid_y) + ")\"");
    return o;
  }

  // A line series as polylines, broken at gaps and at points a log axis cannot show (counted).
  std::string line(const Series& s, const SeriesStyle& st) {
    std::string o, pts;
    auto flush = [&]() {
      if (!pts.empty())
        o += "<polyline class=\"line\" fill=\"none\" stroke=\"" + st.color + "\" stroke-width=\"1.8\"" +
             dash_attr(st) + " points=\"" + pts + "\"/>\n";
      pts.clear();
    };
    for (const auto& p : s.points) {
      if (p.gap_before) flush();
      if (!drawable(p.x, p.y)) {
        ++not_on_log;
        flush();
        continue;
      }
      pts += (pts.empty() ? "" : " ") + xy(X(p.x), Y(p.y));
    }
    flush();
    return o;
  }

  // Box plots: whiskers, box, median and outliers, dodged into the series' slot of its category.
  std::string boxes(const Series& s, const SeriesStyle& st, double dodge, double slot_width) {
    std::string o;
    for (std::size_t i = 0; i < s.boxes.size(); ++i) {
      const BoxStats& b = s.boxes[i];
      const double cx = X(s.points[i].x + dodge), half = (X(slot_width * 0.35) - X(0.0));
      if (!drawable(1.0, b.whisker_low)) {  // log axis with values <= 0: skip the whole box
        not_on_log += b.n;
        continue;
      }
      const double low = Y(b.whisker_low), high = Y(b.whisker_high);
      const std::string d = "M" + xy(cx, low) + "V" + num(Y(b.q1)) + "M" + xy(cx, Y(b.q3)) + "V" + num(high);
      o += stroked_path("whisker", d + bar_caps(cx, half / 2, low, high), st.color);
      o += rect_svg(" class=\"box\"", cx - half, Y(b.q3), 2 * half, Y(b.q1) - Y(b.q3)) + " fill=\"" + st.color +
           "\" fill-opacity=\"0.18\" stroke=\"" + st.color + "\" stroke-width=\"1.4\"/>\n";
      o += line_svg(cx - half, Y(b.median), cx + half, Y(b.median), "median", st.color);
      for (double v : b.outliers) o += marker_svg(st.marker, cx, Y(v), st.color, "outlier", true) + "\n";
    }
    return o;
  }

  // One marker per point (and its error bar, for a line with errors).
  std::string points(const Series& s, const SeriesStyle& st, double dodge) {
    std::string o;
    for (const auto& p : s.points) {
      if (!drawable(p.x, p.y)) {
        if (s.kind != Kind::kLineError) ++not_on_log;  // already counted for the line
        continue;
      }
      const double cx = X(p.x + dodge) + p.jitter, cy = Y(p.y);
      if (s.kind == Kind::kLineError && p.err > 0.0) {
        const double lo = p.y - p.err, hi = p.y + p.err;
        const double ylo = drawable(1.0, lo) ? Y(lo) : py1 + 10;  // below the axis: clipped
        const std::string d = "M" + xy(cx, ylo) + "V" + num(Y(hi)) + bar_caps(cx, 4, ylo, Y(hi));
        o += stroked_path("errorbar", d, st.color);
      }
      o += marker_svg(st.marker, cx, cy, st.color, "mark", false) + "\n";
    }
    return o;
  }

  // Every series' marks, clipped to the plot area.
  std::string marks(const std::string& clip_id) {
    // On a categorical x every series (boxes, dots) has its own slot in each category, side by side.
    const double slot_width = 0.8 / static_cast<double>(std::max<std::size_t>(1, panel.labels_.size()));
    std::string o = "<g clip-path=\"url(#" + clip_id + ")\">\n";
    for (const Series& s : panel.series_) {
      const std::size_t k = position(panel.labels_, s.label);
      const SeriesStyle st = series_style(k);
      const double dodge = categorical ? -0.4 + (static_cast<double>(k) + 0.5) * slot_width : 0.0;
      if (s.kind == Kind::kLine || s.kind == Kind::kLineError) o += line(s, st);
      if (s.kind == Kind::kBox)
        o += boxes(s, st, dodge, slot_width);
      else if (s.kind != Kind::kLine)
        o += points(s, st, dodge);
    }
    return o + "</g>\n";
  }

  // The legend entries beside the plot area, long text wrapped at spaces.
  std::string legend_svg() const {
    std::string o;
    double ly = py0 + 10;
    for (const LegendEntry& e : legend) {
      const SeriesStyle st = series_style(position(panel.labels_, e.label));
      const double lx = px1 + 10;
      if (e.has_box)
        o += "<rect class=\"legend-box\" x=\"" + num(lx + 4) + "\" y=\"" + num(ly - 6) + "\" width=\"16\"" +
             " height=\"12\" fill=\"" + st.color + "\" fill-opacity=\"0.18\" stroke=\"" + st.color + "\"/>\n";
      if (e.has_line)
        o += line_svg(lx, ly, lx + 24, ly, "legend-line", st.color, " stroke-width=\"1.8\"" + dash_attr(st));
      if (e.has_marker && !e.has_box)
        o += marker_svg(st.marker, lx + 12, ly, st.color, "legend-mark", false) + "\n";
      for (const std::string& line : wrap_words(e.text, legend_chars)) {
        o += text_svg(lx + 30, ly + 4, line, "start", " font-size=\"11\"");
        ly += 14;
      }
      ly += 5;
    }
    return o;
  }

  // What was not drawn, never silently (after marks(), which counts what a log axis could not show).
  std::string note() const {
    const std::size_t skipped = panel.skipped_non_finite();
    std::string text = skipped ? std::to_string(skipped) + " non-finite value(s) not shown" : "";
    if (not_on_log)
      text += (skipped ? "; " : "") + std::to_string(not_on_log) + " value(s) <= 0 not shown on log axis";
    if (text.empty()) return "";
    return text_svg(px0, height - 6, "note: " + text, "start", " class=\"note\" font-size=\"10\" fill=\"#444\"");
  }
};

std::string Panel::render(double x0, double y0, double w, double h, const std::string& clip_id) const {
  PanelDrawing d(*this, w, h);
  std::string o = "<g class=\"panel\" transform=\"translate(" + num(x0) + "," + num(y0) + ")\">\n";
  o += "<defs><clipPath id=\"" + clip_id + "\">" + rect_svg("", d.px0, d.py0, d.px1 - d.px0, d.py1 - d.py0) +
       "/></clipPath></defs>\n";
  if (!title_.empty()) o += text_svg((d.px0 + d.px1) / 2, 18, title_, "middle", " font-weight=\"bold\"");
  o += d.axes();
  o += d.marks(clip_id);
  o += d.legend_svg();
  o += d.note();
  return o + "</g>\n";
}

// ---------------------------------------------------------------------------- Figure

Figure::Figure(std::size_t rows, std::size_t cols, std::string title)
    : rows_(rows), cols_(cols), title_(std::move(title)), panels_(rows * cols) {
  if (rows == 0 || cols == 0) throw std::invalid_argument("Figure: need at least one row and one column of panels");
}

Panel& Figure::panel(std::size_t row, std::size_t col) {
  if (row >= rows_ || col >= cols_)
    throw std::out_of_range("Figure::panel(" + std::to_string(row) + ", " + std::to_string(col) + ") outside the " +
                            std::to_string(rows_) + " x " + std::to_string(cols_) + " grid");
  return panels_[row * cols_ + col];
}

std::string Figure::to_svg() const {
  const double width = kPanelWidth * static_cast<double>(cols_);
  const double height = kTitleHeight + kPanelHeight * static_cast<double>(rows_);
  std::string o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width) + "\" height=\"" + num(height) +
       "\" viewBox=\"0 0 " + num(width) + " " + num(height) +
       "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n";
  o += "<rect class=\"background\" x=\"0\" y=\"0\" width=\"" + num(width) + "\" height=\"" + num(height) +
       "\" fill=\"#ffffff\"/>\n";
  if (!title_.empty()) o += text_svg(width / 2, 22, title_, "middle", " font-size=\"15\" font-weight=\"bold\"");
  for (std::size_t r = 0; r < rows_; ++r)
    for (std::size_t c = 0; c < cols_; ++c)
      o += panels_[r * cols_ + c].render(kPanelWidth * static_cast<double>(c),
                                         kTitleHeight + kPanelHeight * static_cast<double>(r), kPanelWidth,
                                         kPanelHeight, "clip" + std::to_string(r) + "_" + std::to_string(c));
  return o + "</svg>\n";
}

void Figure::write(const std::string& path) const { write_text_atomic(path, to_svg()); }

}  // namespace rl
