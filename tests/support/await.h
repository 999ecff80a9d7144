// Runs a coroutine to completion on an io_context of the calling thread, for tests of code that
// the server awaits.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>
#include <utility>

namespace hltwap::testing {

// Starts `awaitable` on `io`; `result` holds its value once io has run it to completion.
template <typename T>
void Spawn(boost::asio::io_context& io, boost::asio::awaitable<T> awaitable,
           std::optional<T>& result) {
  boost::asio::co_spawn(
      io,
      [&result, a = std::move(awaitable)]() mutable -> boost::asio::awaitable<void> {
        result.emplace(co_await std::move(a));
      },
      [](const std::exception_ptr& error) {
        if (error) std::rethrow_exception(error);
      });
}

template <typename T>
T Await(boost::asio::awaitable<T> awaitable) {
  boost::asio::io_context io;
  std::optional<T> result;
  Spawn(io, std::move(awaitable), result);
  io.run();
  return std::move(*result);
}

}  // namespace hltwap::testing
