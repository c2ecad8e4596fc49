// The command line of every program (declared in cli.h).  Toolkit plumbing: a first reading can skip it.
// One parser for every flag kind (int, double, string, their lists, flags, --shard): a scalar is a
// list of one, so each kind is parsed and checked in one place, with one error message per bad input.
#include "demos/toolkit/cli.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <thread>

#include "demos/toolkit/csv.h"

namespace rl {

namespace {

std::string int_text(std::int64_t v) { return std::to_string(v); }
std::string as_is(const std::string& s) { return s; }

// "1,30,100" (sep ","): a list's values as the command line writes them; "2af, dms" (sep ", ") in messages.
template <class T, class Text>
std::string join(const std::vector<T>& values, const char* sep, Text text) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? sep : "") + text(values[i]);
  return out;
}

// parse(text, "--flag") (parse_integer or parse_number, demos/toolkit/csv.h; parse_shard), its
// std::invalid_argument turned into CliError: "--iters: '12x' is not an integer".
template <class Parse>
auto parsed(const std::string& flag, const std::string& text, Parse parse) {
  try {
    return parse(text, "--" + flag);
  } catch (const std::invalid_argument& e) {
    throw CliError(e.what());
  }
}

// Splits "a,b,c"; an empty list or an empty item is an error naming the flag.
std::vector<std::string> split_list(const std::string& flag, const std::string& text) {
  if (text.empty()) throw CliError("--" + flag + ": empty list");
  std::vector<std::string> items;
  std::istringstream ss(text + ",");  // getline drops one trailing empty item: "a," must show its empty one
  for (std::string item; std::getline(ss, item, ',');) {
    if (item.empty()) throw CliError("--" + flag + ": empty item in list '" + text + "'");
    items.push_back(item);
  }
  return items;
}

// lo <= v <= hi (never for NaN), or CliError "--flag: v is out of range [lo, hi]", numbers as text(x).
template <class T, class Text>
void check_range(const std::string& flag, T v, T lo, T hi, Text text) {
  if (!(v >= lo && v <= hi))
    throw CliError("--" + flag + ": " + text(v) + " is out of range [" + text(lo) + ", " + text(hi) + "]");
}

void check_choice(const std::string& flag, const std::string& v, const std::vector<std::string>& choices) {
  if (choices.empty() || std::find(choices.begin(), choices.end(), v) != choices.end()) return;
  throw CliError("--" + flag + ": '" + v + "' is not one of " + join(choices, ", ", as_is));
}

}  // namespace

Cli::Cli(std::string program, std::string description)
    : program_(std::move(program)), description_(std::move(description)), command_line_(program_) {}

Cli::Option& Cli::declare(const std::string& name, Kind kind, const std::string& help) {
  if (name.empty() || name[0] == '-' || name == "help")
    throw std::logic_error("Cli: invalid flag name '" + name + "'");
  if (options_.count(name)) throw std::logic_error("Cli: flag --" + name + " declared twice");
  Option& opt = options_[name];
  opt.kind = kind;
  opt.list = kind == Kind::kInt || kind == Kind::kDouble || kind == Kind::kString;
  opt.help = help;
  order_.push_back(name);
  return opt;
}

// A scalar flag is a list of one: declared as a list, then marked scalar (one value, no commas).
void Cli::add_int(const std::string& name, std::int64_t def, const std::string& help, std::int64_t min,
                  std::int64_t max) {
  add_int_list(name, {def}, help, min, max);
  options_[name].list = false;
}

void Cli::add_double(const std::string& name, double def, const std::string& help, double min, double max) {
  add_double_list(name, {def}, help, min, max);
  options_[name].list = false;
}

void Cli::add_string(const std::string& name, const std::string& def, const std::string& help,
                     const std::vector<std::string>& choices) {
  add_string_list(name, {def}, help, choices);
  options_[name].list = false;
}

void Cli::add_int_list(const std::string& name, const std::vector<std::int64_t>& def, const std::string& help,
                       std::int64_t min, std::int64_t max) {
  for (std::int64_t v : def)
    if (v < min || v > max) throw std::logic_error("Cli: default of --" + name + " outside its range");
  Option& o = declare(name, Kind::kInt, help);
  o.int_min = min;
  o.int_max = max;
  o.ints = def;
  o.default_text = value_text(o);
}

void Cli::add_double_list(const std::string& name, const std::vector<double>& def, const std::string& help,
                          double min, double max) {
  for (double v : def)
    if (!(v >= min && v <= max)) throw std::logic_error("Cli: default of --" + name + " outside its range");
  Option& o = declare(name, Kind::kDouble, help);
  o.double_min = min;
  o.double_max = max;
  o.doubles = def;
  o.default_text = value_text(o);
}

void Cli::add_string_list(const std::string& name, const std::vector<std::string>& def, const std::string& help,
                          const std::vector<std::string>& choices) {
  Option& o = declare(name, Kind::kString, help);
  o.choices = choices;
  o.strings = def;
  o.default_text = value_text(o);
}

void Cli::add_flag(const std::string& name, const std::string& help) {
  declare(name, Kind::kFlag, help).default_text = "off";
}

void Cli::add_common(const CommonFlags& d) {
  static const std::vector<std::string> kCommon = {"seed",    "seeds",     "task", "ranks", "iters",
                                                    "gain",    "threads",   "log-every", "out", "shard"};
  for (const std::string& name : d.omit)
    if (std::find(kCommon.begin(), kCommon.end(), name) == kCommon.end())
      throw std::logic_error("Cli::add_common: --" + name + " in CommonFlags::omit is not a common flag");
  auto wanted = [&](const char* name) { return std::find(d.omit.begin(), d.omit.end(), name) == d.omit.end(); };
  if (wanted("seed")) add_int("seed", 1, "first repetition seed; runs use seeds seed .. seed+seeds-1", 0, INT64_MAX);
  if (wanted("seeds")) add_int("seeds", d.seeds, "number of repetitions (seeds) per setting", 1, 100000);
  if (wanted("task")) add_string_list("task", {"2af"}, "task(s), comma-separated", d.task_choices);
  if (wanted("ranks")) add_int_list("ranks", d.ranks, "initial connectivity ranks, comma-separated", 1, 1000000);
  if (wanted("iters")) add_int("iters", d.iters, "training iterations per run", 0, 1000000000);
  if (wanted("gain")) add_double("gain", d.gain, "initial connectivity gain g", 0.0, 1.0e6);
  if (wanted("threads")) add_int("threads", 0, "worker threads; 0 = all hardware cores", 0, 4096);
  if (wanted("log-every"))
    add_int("log-every", d.log_every, "log the loss (and the measures the program names) every k training iterations into runs/*_log.csv, drawn as evolution figures; 0 = measure at the start and the end only", 0, INT64_MAX);
  if (wanted("out")) add_string("out", d.out.empty() ? "out/" + program_ : d.out, "output folder (created if missing)");
  if (wanted("shard")) {
    Option& s = declare("shard", Kind::kShard, "run only shard i of n: runs with index % n == i");
    s.strings = {"0/1"};
    s.default_text = "0/1";
  }
}

bool Cli::parse(int argc, const char* const* argv) {
  return parse(std::vector<std::string>(argv + std::min(argc, 1), argv + argc));  // argv[0]: the program
}

bool Cli::parse(const std::vector<std::string>& args) {
  command_line_ = program_;
  for (const std::string& a : args) command_line_ += " " + a;
  for (const std::string& a : args)
    if (a == "--help" || a == "-h") return false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0)
      throw CliError("unexpected argument '" + arg + "' (flags start with --)");
    const std::size_t eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    auto it = options_.find(name);
    if (it == options_.end()) throw CliError("--" + name + ": unknown flag");
    Option& opt = it->second;
    if (opt.given) throw CliError("--" + name + ": given more than once");
    opt.given = true;
    if (opt.kind == Kind::kFlag) {
      if (eq != std::string::npos) throw CliError("--" + name + ": takes no value");
      continue;
    }
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else {
      if (i + 1 >= args.size()) throw CliError("--" + name + ": missing value");
      value = args[++i];
      // "--iters --seed 3": a flag where a value belongs.  Negative numbers ("-1") stay allowed.
      if (value.compare(0, 2, "--") == 0) throw CliError("--" + name + ": missing value (got flag '" + value + "')");
    }
    set_value(name, opt, value);
  }
  return true;
}

// One value, or each item of a list: parsed, range- or choice-checked, then stored.
void Cli::set_value(const std::string& name, Option& opt, const std::string& text) {
  const std::vector<std::string> items = opt.list ? split_list(name, text) : std::vector<std::string>{text};
  if (opt.kind == Kind::kInt) {
    std::vector<std::int64_t> ints;
    for (const std::string& item : items) {
      ints.push_back(parsed(name, item, parse_integer));
      check_range(name, ints.back(), opt.int_min, opt.int_max, int_text);
    }
    opt.ints = ints;
  } else if (opt.kind == Kind::kDouble) {
    std::vector<double> doubles;
    for (const std::string& item : items) {
      doubles.push_back(parsed(name, item, parse_number));
      if (!std::isfinite(doubles.back()))
        throw CliError("--" + name + ": '" + item + "' is not a finite number");
      check_range(name, doubles.back(), opt.double_min, opt.double_max, format_number_short);
    }
    opt.doubles = doubles;
  } else if (opt.kind == Kind::kString) {
    if (text.empty()) throw CliError("--" + name + ": empty value");
    for (const std::string& item : items) check_choice(name, item, opt.choices);
    opt.strings = items;
  } else if (opt.kind == Kind::kShard) {
    parsed(name, text, parse_shard);
    opt.strings = {text};
  }  // kFlag: handled in parse()
}

bool Cli::parse_or_exit(int argc, const char* const* argv) {
  try {
    if (!parse(argc, argv)) {
      std::cout << help_text();
      return false;
    }
  } catch (const CliError& e) {
    std::cerr << program_ << ": " << e.what() << " (see --help)\n";
    std::exit(2);
  }
  return true;
}

const Cli::Option& Cli::option(const std::string& name) const {
  auto it = options_.find(name);
  if (it == options_.end()) throw std::logic_error("Cli: flag --" + name + " was not declared");
  return it->second;
}

const Cli::Option& Cli::find(const std::string& name, Kind kind, bool list) const {
  const Option& o = option(name);
  if (o.kind != kind || o.list != list) throw std::logic_error("Cli: flag --" + name + " read with the wrong type");
  return o;
}

std::int64_t Cli::get_int(const std::string& name) const { return find(name, Kind::kInt).ints[0]; }
double Cli::get_double(const std::string& name) const { return find(name, Kind::kDouble).doubles[0]; }
const std::string& Cli::get_string(const std::string& name) const { return find(name, Kind::kString).strings[0]; }
const std::vector<std::int64_t>& Cli::get_int_list(const std::string& name) const { return find(name, Kind::kInt, true).ints; }
const std::vector<double>& Cli::get_double_list(const std::string& name) const { return find(name, Kind::kDouble, true).doubles; }
const std::vector<std::string>& Cli::get_string_list(const std::string& name) const {
  return find(name, Kind::kString, true).strings;
}
bool Cli::get_flag(const std::string& name) const { return find(name, Kind::kFlag).given; }

bool Cli::was_given(const std::string& name) const { return option(name).given; }

bool Cli::has(const std::string& name) const { return options_.count(name) > 0; }

std::vector<std::uint64_t> Cli::seed_list() const {
  const std::int64_t first = get_int("seed"), n = get_int("seeds");
  std::vector<std::uint64_t> seeds;
  for (std::int64_t k = 0; k < n; ++k) seeds.push_back(static_cast<std::uint64_t>(first) + static_cast<std::uint64_t>(k));
  return seeds;
}

std::uint64_t Cli::announce_seed() const {
  const auto seed = static_cast<std::uint64_t>(get_int("seed"));
  std::printf("%s: seed %llu\n", program_.c_str(), static_cast<unsigned long long>(seed));
  return seed;
}

int Cli::threads() const {
  const std::int64_t t = get_int("threads");
  return static_cast<int>(t > 0 ? t : std::max(1u, std::thread::hardware_concurrency()));  // 0: unknown
}

std::string Cli::out_dir() const { return get_string("out"); }

Shard Cli::shard() const { return parse_shard(find("shard", Kind::kShard).strings[0]); }

std::string Cli::placeholder(const Option& o) {  // "<int>", "<num,...>", "<i/n>"; none for a flag
  static const char* const kNames[] = {"int", "num", "text", "", "i/n"};  // in the order of enum class Kind
  return o.kind == Kind::kFlag ? "" : std::string("<") + kNames[static_cast<int>(o.kind)] + (o.list ? ",...>" : ">");
}

std::string Cli::value_text(const Option& o) {  // a scalar is a list of one: joined, it is its own text
  switch (o.kind) {
    case Kind::kInt: return join(o.ints, ",", int_text);
    case Kind::kDouble: return join(o.doubles, ",", format_number_short);
    case Kind::kString:
    case Kind::kShard: return join(o.strings, ",", as_is);
    case Kind::kFlag: return o.given ? "on" : "off";
  }
  return "";
}

std::string Cli::help_text() const {
  std::ostringstream os;
  os << program_ << ": " << description_ << "\n\nUsage: " << program_ << " [--flag value | --flag=value ...]\n\n"
     << "Flags [default]:\n";
  for (const std::string& name : order_) {
    const Option& o = options_.at(name);
    std::string left = "  --" + name + (o.kind == Kind::kFlag ? "" : " " + placeholder(o));
    if (left.size() < 26) left.resize(26, ' ');
    else left += "  ";
    os << left << o.help << " [" << o.default_text << "]";
    const bool int_kind = o.kind == Kind::kInt, dbl_kind = o.kind == Kind::kDouble;
    if (int_kind && o.int_min != INT64_MIN && o.int_max != INT64_MAX)
      os << " (range " << o.int_min << ".." << o.int_max << ")";
    else if (int_kind && o.int_min != INT64_MIN)
      os << " (>= " << o.int_min << ")";
    else if (int_kind && o.int_max != INT64_MAX)
      os << " (<= " << o.int_max << ")";
    if (dbl_kind && (o.double_min != -1.0e308 || o.double_max != 1.0e308))
      os << " (range " << format_number_short(o.double_min) << ".." << format_number_short(o.double_max) << ")";
    if (!o.choices.empty()) os << " (one of " << join(o.choices, ", ", as_is) << ")";
    os << "\n";
  }
  os << "  --help                  print this help and exit\n";
  return os.str();
}

std::vector<std::pair<std::string, std::string>> Cli::values_as_text() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& name : order_) out.emplace_back(name, value_text(options_.at(name)));
  return out;
}

}  // namespace rl
