// Result<T, E>: a value or a typed error, for code paths that must not throw
// (everything that handles network input or runs inside a libuv callback).
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace jamfleet::base {

// Wraps an error value so that Result<E, E> stays unambiguous.
template <typename E>
struct Err {
    E error;
};

template <typename E>
Err(E) -> Err<E>;

template <typename T, typename E>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    template <typename E2>
    Result(Err<E2> err) : state_(std::in_place_index<1>, E(std::move(err.error))) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(state_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(state_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(state_));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const E& error() const {
        assert(!ok());
        return std::get<1>(state_);
    }

private:
    std::variant<T, E> state_;
};

// Result of an operation that produces nothing but may fail.
struct Unit {};

template <typename E>
using Status = Result<Unit, E>;

inline constexpr Unit kOk{};

} // namespace jamfleet::base
