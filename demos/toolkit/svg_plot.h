// Standalone SVG figures for the demo programs: scatter (with deterministic jitter), box plots,
// lines with error bars, linear or log axes, categorical or numeric x, a grid of panels.  How to read
// them: docs/demos.md#reading-the-plots.  Marks carry classes (mark, box, median, whisker, outlier,
// errorbar, line, legend-mark, note) so tests and readers can count them.
//
//   rl::Figure fig(1, 2, "Fig. 1 (reproduction): rank sweep on 2AF");   // 1 row, 2 panels
//   rl::Panel& a = fig.panel(0, 0).title("weight change").x_label("rank").x_scale(rl::AxisScale::kLog);
//   a.scatter("2AF", ranks, dW, /*jitter_px=*/4.0, jitter_rng);          // one dot per run
//   a.line_error("2AF mean", rank_values, dW_by_rank, rl::ErrorBar::kSem);
//   fig.panel(0, 1).boxplot("2AF", structure_of_run, ka_of_run);          // categorical x
//   fig.write(cli.out_dir() + "/fig1.svg");                               // atomic
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "demos/toolkit/table_summary.h"
#include "linalg/rng.h"

namespace rl {

enum class AxisScale { kLinear, kLog };
enum class Marker { kCircle, kSquare, kTriangleUp, kDiamond, kTriangleDown, kPlus, kCross, kOpenCircle };

struct SeriesStyle {
  std::string color;  // "#RRGGBB"
  Marker marker;
  std::string dash;   // SVG stroke-dasharray, "" = solid
};

// The k-th style (k cycles): Okabe-Ito colours ordered for contrast on white, black/yellow last.
SeriesStyle series_style(std::size_t k);
constexpr std::size_t kStyleCount = 8;

// Axis ticks at 1, 2 or 5 x 10^k spacing inside [lo, hi], about `target` of them.
std::vector<double> linear_ticks(double lo, double hi, int target = 5);
// Log-axis ticks inside [lo, hi] (lo > 0): decades; with 1, 2, 5 x 10^k when the range spans
// less than two decades; on long ranges every k-th decade (k = 1, 2, 3, 5, 10, 20, 25, 50, 100,
// at multiples of k), so that at most 7 decades are labelled and labels never overprint.
std::vector<double> log_ticks(double lo, double hi);
// Short tick text: "0.25", "300", "1e-05" -> "1e-5", "1e6".
std::string tick_label(double v);

// Whose values a summary series (a mean line, a box) shows: its own, or those another series of the
// panel also draws one by one (the dots of the same runs).  A non-finite value is noted once: by the
// series that owns it.
enum class Values { kOwn, kDrawnByAnotherSeries };

class Panel {
 public:
  Panel& title(const std::string& text);
  Panel& x_label(const std::string& text);
  Panel& y_label(const std::string& text);
  Panel& x_scale(AxisScale scale);
  Panel& y_scale(AxisScale scale);

  // Numeric x.  Points with a non-finite x or y are skipped and counted.
  // jitter_px > 0 shifts each point horizontally by a uniform draw from [-jitter_px, jitter_px]
  // pixels, drawn now from `rng`, so the figure is the same for the same Rng state.
  Panel& scatter(const std::string& label, const std::vector<double>& x, const std::vector<double>& y);
  Panel& scatter(const std::string& label, const std::vector<double>& x, const std::vector<double>& y,
                 double jitter_px, Rng& rng);
  Panel& line(const std::string& label, const std::vector<double>& x, const std::vector<double>& y);
  // Mean and sd/sem of samples[i] drawn at x[i], joined by a line, with error bars.
  Panel& line_error(const std::string& label, const std::vector<double>& x,
                    const std::vector<std::vector<double>>& samples, ErrorBar kind, Values values = Values::kOwn);

  // Categorical x: category[i] is the category of value y[i].
  Panel& category_scatter(const std::string& label, const std::vector<std::string>& category,
                          const std::vector<double>& y, double jitter_px, Rng& rng);
  Panel& boxplot(const std::string& label, const std::vector<std::string>& category,
                 const std::vector<double>& y, Values values = Values::kOwn);

  // Rendering (used by Figure): the panel's SVG group at (x0, y0) of size (w, h).
  std::string render(double x0, double y0, double w, double h, const std::string& clip_id) const;

 private:
  friend struct PanelDrawing;  // svg_plot.cpp: one render(), its layout and parts
  enum class Kind { kScatter, kLine, kLineError, kBox };
  struct Point {
    double x = 0.0, y = 0.0, jitter = 0.0, err = 0.0;  // err: half-length of the error bar
    bool gap_before = false;                           // a skipped point precedes: break the line
  };
  struct Series {
    Kind kind;
    std::string label;
    std::vector<Point> points;  // kBox: x = category index, stats in boxes
    std::vector<BoxStats> boxes;
    std::string legend_suffix;
    std::size_t skipped = 0;  // its own non-finite values, not drawn (0 for Values::kDrawnByAnotherSeries)
  };
  void check_series(const std::string& what, std::size_t nx, std::size_t ny, bool categorical);
  Panel& add_series(Series s);  // keeps the label's style
  std::vector<Point> finite_points(const std::vector<double>& x, const std::vector<double>& y, double jitter_px,
                                   Rng& rng, std::size_t& skipped);
  // Non-finite values not drawn, each counted by the series that owns it (Values).
  std::size_t skipped_non_finite() const;

  std::string title_, x_label_, y_label_;
  AxisScale x_scale_ = AxisScale::kLinear, y_scale_ = AxisScale::kLinear;
  std::optional<bool> categorical_;  // set by the first series
  std::vector<std::string> categories_;
  std::vector<Series> series_;
  std::vector<std::string> labels_;  // distinct labels in order of first use: style k = position
};

class Figure {
 public:
  static constexpr double kPanelWidth = 440, kPanelHeight = 330, kTitleHeight = 34;

  Figure(std::size_t rows, std::size_t cols, std::string title);
  Panel& panel(std::size_t row, std::size_t col);  // throws std::out_of_range
  std::string to_svg() const;
  void write(const std::string& path) const;  // atomic (demos/toolkit/atomic_file.h)

 private:
  std::size_t rows_, cols_;
  std::string title_;
  std::vector<Panel> panels_;
};

}  // namespace rl
