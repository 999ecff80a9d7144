// Status and Result<T>: the error type of every I/O path. Library exceptions are caught at the
// boundary and turned into one of these, so callers see a few error kinds, not library types.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace hltwap {

enum class ErrorKind {
  kOk,
  kInvalidArgument,  // bad input from a user or a file; retrying will not help
  kNotFound,
  kConnection,  // the peer (database, S3) could not be reached or went away
  kRetryable,   // a transient condition (serialization failure, throttling, 5xx)
  kData,        // the data broke a rule (constraint, malformed value)
  kPermission,
  kInternal,
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(ErrorKind kind, std::string message) {
    return Status(kind, std::move(message));
  }
  static Status InvalidArgument(std::string m) {
    return Error(ErrorKind::kInvalidArgument, std::move(m));
  }
  static Status NotFound(std::string m) { return Error(ErrorKind::kNotFound, std::move(m)); }
  static Status Connection(std::string m) { return Error(ErrorKind::kConnection, std::move(m)); }
  static Status Retryable(std::string m) { return Error(ErrorKind::kRetryable, std::move(m)); }
  static Status Data(std::string m) { return Error(ErrorKind::kData, std::move(m)); }
  static Status Permission(std::string m) { return Error(ErrorKind::kPermission, std::move(m)); }
  static Status Internal(std::string m) { return Error(ErrorKind::kInternal, std::move(m)); }

  bool ok() const { return kind_ == ErrorKind::kOk; }
  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }

  // Adds context in front of the message: "loading x.parquet: connection lost".
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(kind_, context + ": " + message_);
  }

 private:
  Status(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}
  ErrorKind kind_ = ErrorKind::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace hltwap

#define HLTWAP_CONCAT_INNER(a, b) a##b
#define HLTWAP_CONCAT(a, b) HLTWAP_CONCAT_INNER(a, b)

// `ret` is `return` in functions, `co_return` in coroutines.
#define HLTWAP_RETURN_IF_ERROR_WITH(ret, expr) \
  do {                                         \
    ::hltwap::Status _hltwap_st = (expr);      \
    if (!_hltwap_st.ok()) ret _hltwap_st;      \
  } while (false)

#define HLTWAP_ASSIGN_OR_RETURN_WITH(ret, tmp, lhs, expr) \
  auto tmp = (expr);                                      \
  if (!tmp.ok()) ret tmp.status();                        \
  lhs = std::move(tmp).value()

// Returns the status from the enclosing function when it is an error.
#define HLTWAP_RETURN_IF_ERROR(expr) HLTWAP_RETURN_IF_ERROR_WITH(return, expr)

// HLTWAP_ASSIGN_OR_RETURN(auto conn, Connect(url));
#define HLTWAP_ASSIGN_OR_RETURN(lhs, expr) \
  HLTWAP_ASSIGN_OR_RETURN_WITH(return, HLTWAP_CONCAT(_hltwap_result_, __LINE__), lhs, expr)

// The same two for coroutines.
#define HLTWAP_CO_RETURN_IF_ERROR(expr) HLTWAP_RETURN_IF_ERROR_WITH(co_return, expr)
#define HLTWAP_CO_ASSIGN_OR_RETURN(lhs, expr) \
  HLTWAP_ASSIGN_OR_RETURN_WITH(co_return, HLTWAP_CONCAT(_hltwap_result_, __LINE__), lhs, expr)
