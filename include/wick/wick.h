#pragma once
// wick's C++ API: load a TorchScript archive (.pt, as torch.jit.save writes
// it) and call its methods, without PyTorch.
//
//   #include <wick/wick.h>
//
//   wick::Module m = wick::Module::load("net.pt");
//   float in[2 * 3] = {...};
//   wick::Tensor x = wick::Tensor::fromBuffer(in, {2, 3}, wick::DType::Float32);
//   wick::Value y = m.forward({x});
//   const float* out = static_cast<const float*>(y.toTensor().data());
//
// A Module may be called from several threads at once: each call runs on its
// own interpreter stack, and the module's parameters are only read (a method
// that assigns attributes or mutates tensors in place is not safe to share).
// Every failure (bad archive, wrong arguments, a runtime error in the model)
// throws wick::Error with a message naming the file and place.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace wick {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Element types, numbered as torch's ScalarType.
enum class DType : int8_t {
  UInt8 = 0, Int8 = 1, Int16 = 2, Int32 = 3, Int64 = 4, Float16 = 5, Float32 = 6, Float64 = 7, Bool = 11, BFloat16 = 15,
};
size_t elementSize(DType dtype);

class Value;

// A CPU tensor. Copies share the data (as torch tensors do).
class Tensor {
 public:
  Tensor();
  ~Tensor();
  Tensor(const Tensor&);
  Tensor& operator=(const Tensor&);

  // A new tensor holding a copy of `data` (C order, numel * elementSize(dtype) bytes).
  static Tensor fromBuffer(const void* data, const std::vector<int64_t>& shape, DType dtype);
  // A tensor over the caller's memory, no copy: `data` must outlive the tensor and every view of it.
  static Tensor wrapBuffer(void* data, const std::vector<int64_t>& shape, DType dtype);

  std::vector<int64_t> shape() const;
  DType dtype() const;
  int64_t numel() const;
  // The elements in C order: a view when the tensor is contiguous, else a contiguous copy's.
  const void* data() const;
  // Text as print(t) shows it.
  std::string str() const;

 private:
  friend class Value;
  friend class Module;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A TorchScript value: None, bool, int, float, str, Tensor, list, tuple, dict, object.
class Value {
 public:
  Value();  // None
  Value(bool b);
  Value(int64_t i);
  Value(int i) : Value(static_cast<int64_t>(i)) {}
  Value(double d);
  Value(const char* s);
  Value(std::string s);
  Value(const Tensor& t);
  // A list of tensors, ints, floats, ... (the element type is taken from the first item; an empty list is List[Tensor]).
  static Value list(std::vector<Value> items);
  static Value tuple(std::vector<Value> items);
  ~Value();
  Value(const Value&);
  Value& operator=(const Value&);

  bool isNone() const;
  bool isBool() const;
  bool isInt() const;
  bool isDouble() const;
  bool isString() const;
  bool isTensor() const;
  bool isList() const;
  bool isTuple() const;
  bool isDict() const;
  bool isObject() const;
  bool toBool() const;
  int64_t toInt() const;
  double toDouble() const;
  std::string toString() const;
  Tensor toTensor() const;
  std::vector<Value> toList() const;   // list or tuple items
  std::vector<std::pair<Value, Value>> toDict() const;
  // Text as str(v) shows it in TorchScript.
  std::string str() const;

 private:
  friend class Module;
  friend class Tensor;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class Module {
 public:
  // Loads and compiles every method; throws wick::Error.
  static Module load(const std::string& path);
  static Module loadFromBuffer(const void* data, size_t size, const std::string& name = "<buffer>");
  ~Module();
  Module(Module&&) noexcept;
  Module& operator=(Module&&) noexcept;

  Value forward(const std::vector<Value>& args) const { return run("forward", args); }
  Value run(const std::string& method, const std::vector<Value>& args) const;
  std::vector<std::string> methods() const;
  // An attribute of the root module ("training", a submodule, a tensor, ...), or of a
  // submodule by dotted name ("encoder.layer0.weight").
  Value attr(const std::string& dotted_name) const;
  // Parameters and buffers of the module tree, by dotted name, as torch's named_parameters().
  std::vector<std::pair<std::string, Tensor>> namedParameters() const;
  std::vector<std::pair<std::string, Tensor>> namedBuffers() const;
  // The archive's extra/ records (torch.jit.save's _extra_files).
  std::vector<std::pair<std::string, std::string>> extraFiles() const;

 private:
  Module();
  std::vector<std::pair<std::string, Tensor>> named(bool parameters) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wick
