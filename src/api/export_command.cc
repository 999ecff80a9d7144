#include "api/export_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "api/export.h"
#include "api/server.h"
#include "common/command.h"
#include "common/log.h"
#include "db/database_url.h"
#include "db/pool.h"

namespace hltwap {
namespace {

struct ExportFlags {
  // The query parameters of GET /api/v1/export, by name; unset flags are absent parameters.
  std::map<std::string, std::optional<std::string>> params;
  std::string output = "-";
};

// Where the bytes go: stdout; for a file, a temporary file beside PATH renamed to PATH once the
// export is complete, so PATH is never a truncated file; a device or pipe, written directly.
class Sink {
 public:
  static Result<Sink> Open(const std::string& path) {
    Sink sink;
    if (path == "-") {
      sink.fd_ = STDOUT_FILENO;
      return sink;
    }
    sink.path_ = path;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
      // A device or a pipe (/dev/null, a FIFO) is written as it is: nothing to rename.
      sink.fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    } else {
      sink.temp_ = path + ".partial-XXXXXX";
      sink.fd_ = ::mkstemp(sink.temp_.data());
    }
    if (sink.fd_ < 0) {
      sink.temp_.clear();
      return Status::InvalidArgument("cannot write " + path + ": " + std::strerror(errno));
    }
    return sink;
  }
  Sink(Sink&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)),
        path_(std::move(other.path_)),
        temp_(std::move(other.temp_)) {}
  Sink& operator=(Sink&&) = delete;
  ~Sink() {
    if (fd_ < 0 || fd_ == STDOUT_FILENO) return;
    ::close(fd_);
    if (!temp_.empty()) ::unlink(temp_.c_str());
  }

  Status Write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0)
        return Status::Internal(std::string("writing the export: ") + std::strerror(errno));
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  Status Finish() {
    if (fd_ == STDOUT_FILENO) return Status::Ok();
    const int fd = std::exchange(fd_, -1);
    if (temp_.empty()) {
      if (::close(fd) == 0) return Status::Ok();
      return Status::Internal("writing " + path_ + ": " + std::strerror(errno));
    }
    if (::close(fd) != 0 || std::rename(temp_.c_str(), path_.c_str()) != 0) {
      const std::string why = std::strerror(errno);
      ::unlink(temp_.c_str());
      return Status::Internal("writing " + path_ + ": " + why);
    }
    return Status::Ok();
  }

 private:
  Sink() = default;
  int fd_ = -1;
  std::string path_;
  std::string temp_;
};

// Writes the export of `query` to `output`; a usage error (a refused export) is kInvalidArgument
// with the issues in `issues`.
boost::asio::awaitable<Status> WriteExport(PgPool& pool, const api::ExportQuery& query,
                                           const std::string& output,
                                           std::vector<api::ValidationIssue>& issues) {
  auto plan = co_await api::StartExport(pool, query);
  if (!plan.ok()) co_return plan.status();
  if (!plan->issues.empty()) {
    issues = plan->issues;
    co_return Status::InvalidArgument("export refused");
  }
  auto sink = Sink::Open(output);
  if (!sink.ok()) {
    co_await plan->source->Close();
    co_return sink.status();
  }
  std::string piece;
  size_t bytes = 0;
  Status written = Status::Ok();
  for (;;) {
    auto more = co_await plan->source->Next(piece);
    if (!more.ok()) {
      written = more.status().WithContext("export aborted");
      break;
    }
    if (!*more) break;
    written = sink->Write(piece);
    if (!written.ok()) break;
    bytes += piece.size();
  }
  co_await plan->source->Close();
  if (!written.ok()) co_return written;
  HLTWAP_CO_RETURN_IF_ERROR(sink->Finish());
  log::Debug("export: {} bytes ({})", bytes, plan->file_name);
  co_return Status::Ok();
}

int RunExport(const ExportFlags& flags) {
  api::QueryParams params;
  for (const auto& [name, value] : flags.params) {
    if (value) params[name] = *value;
  }
  auto parsed = api::ParseExportQuery(params);
  const auto usage = [](const std::vector<api::ValidationIssue>& issues) {
    for (const auto& issue : issues) {
      const std::string& name = issue.loc.back();
      std::fputs(("hltwap export: --" + name + ": " + issue.msg + "\n").c_str(), stderr);
    }
    return kExitUsage;
  };
  if (auto* issues = std::get_if<std::vector<api::ValidationIssue>>(&parsed)) return usage(*issues);

  auto config = LoadCommandConfig(/*need_database=*/true);
  if (!config.ok()) return ReportFailure(config.status());
  auto conninfo = DatabaseConninfo(*config);
  if (!conninfo.ok()) return ReportFailure(conninfo.status());
  auto pool_options = api::PoolOptionsFromConfig(*config, std::move(conninfo).value(), 1);
  pool_options.max_size = 1;
  PgPool pool(std::move(pool_options));

  // The export's statements run on an event loop of this thread, as the server's do.
  boost::asio::io_context io;
  std::vector<api::ValidationIssue> issues;
  auto done = boost::asio::co_spawn(
      io, WriteExport(pool, std::get<api::ExportQuery>(parsed), flags.output, issues),
      boost::asio::use_future);
  io.run();
  const Status st = done.get();
  if (!issues.empty()) return usage(issues);
  if (!st.ok()) return ReportFailure(st);
  return kExitOk;
}

}  // namespace

void AddExportCommand(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "export",
      "Write a wallet's fills or TWAPs in a time range as CSV (csv, awaken or koinly): the file "
      "GET /api/v1/export serves, byte for byte. Needs only DATABASE_URL.");
  auto flags = std::make_shared<ExportFlags>();
  const auto add = [&](const std::string& name, const std::string& help, bool required) {
    auto* option = cmd->add_option("--" + name, flags->params[name], help);
    if (required) option->required();
  };
  add("wallet", "Wallet address (lowercased)", true);
  add("start", "Window start, inclusive (ISO-8601; a bare date is its midnight UTC)", true);
  add("end", "Window end, inclusive", true);
  add("format", "csv (default), awaken or koinly", false);
  add("level", "fill (default) or twap (format csv only)", false);
  add("asset", "Only this coin (e.g. BTC, @107)", false);
  add("market", "perp or spot", false);
  cmd->add_option("--output,-o", flags->output, "File to write, or - for stdout")
      ->capture_default_str();
  cmd->callback([&exit_code, flags] { exit_code = RunExport(*flags); });
}

}  // namespace hltwap
