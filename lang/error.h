#pragma once
// Run-time errors raised by kernels and the interpreter.
//
// `kind` is the Python exception class a user would see ("RuntimeError",
// "ValueError", "IndexError", "KeyError", "ZeroDivisionError",
// "AssertionError", "Exception", ...). The interpreter appends one traceback
// frame per active call as the error unwinds.
#include <stdexcept>
#include <string>
#include <vector>

#include "lang/source.h"

namespace wick::lang {

class Error : public std::exception {
 public:
  Error(std::string kind, std::string message) : kind_(std::move(kind)), message_(std::move(message)) { refresh(); }
  const char* what() const noexcept override { return text_.c_str(); }
  const std::string& kind() const { return kind_; }
  const std::string& message() const { return message_; }

  struct Frame {
    std::string function;
    SourceRange range;
  };
  // Innermost frame first.
  const std::vector<Frame>& traceback() const { return frames_; }
  void addFrame(std::string function, SourceRange range) {
    frames_.push_back({std::move(function), std::move(range)});
    refresh();
  }
  // "Traceback (most recent call last):\n  File ..., line N, in f\n    src\nKind: message"
  std::string format() const;

 private:
  void refresh();
  std::string kind_;
  std::string message_;
  std::vector<Frame> frames_;
  std::string text_;
};

[[noreturn]] inline void raise(const char* kind, std::string message) { throw Error(kind, std::move(message)); }

// Broken invariants: a wick bug, never bad user input (see STYLE.md).
[[noreturn]] void assertFail(const char* expr, const char* file, int line, const std::string& msg);
#define WICK_ASSERT(cond, ...)                                                      \
  do {                                                                              \
    if (!(cond)) ::wick::lang::assertFail(#cond, __FILE__, __LINE__, std::string(__VA_ARGS__)); \
  } while (0)

}  // namespace wick::lang
