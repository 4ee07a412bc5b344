#pragma once
// Refcounted heap objects shared by runtime values (IValue), tensors and
// everything else that lives on the heap at run time.
//
// Note [Intrusive refcount]: every heap object carries its own atomic count so
// an IValue is one tag plus one pointer (16 bytes), and values can be shared
// between threads running the same module (the embedding API promises that).
#include <atomic>
#include <cstdint>
#include <utility>

namespace wick::lang {

class HeapObject {
 public:
  HeapObject() = default;
  HeapObject(const HeapObject&) = delete;
  HeapObject& operator=(const HeapObject&) = delete;
  virtual ~HeapObject() = default;

  void incref() const noexcept { refcount_.fetch_add(1, std::memory_order_relaxed); }
  void decref() const noexcept {
    if (refcount_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
  uint32_t refcount() const noexcept { return refcount_.load(std::memory_order_relaxed); }

 private:
  mutable std::atomic<uint32_t> refcount_{0};
};

// A strong pointer to a HeapObject subclass (like c10::intrusive_ptr).
template <class T>
class Ref {
 public:
  Ref() = default;
  Ref(std::nullptr_t) {}
  explicit Ref(T* p) : p_(p) { if (p_) p_->incref(); }
  Ref(const Ref& o) : p_(o.p_) { if (p_) p_->incref(); }
  Ref(Ref&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  template <class U>
  Ref(const Ref<U>& o) : p_(o.get()) { if (p_) p_->incref(); }
  ~Ref() { if (p_) p_->decref(); }
  Ref& operator=(Ref o) noexcept { std::swap(p_, o.p_); return *this; }

  template <class... Args>
  static Ref make(Args&&... args) { return Ref(new T(std::forward<Args>(args)...)); }
  // Takes over a pointer whose count was already incremented for us.
  static Ref adopt(T* p) { Ref r; r.p_ = p; return r; }
  T* release() { return std::exchange(p_, nullptr); }

  T* get() const { return p_; }
  T* operator->() const { return p_; }
  T& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }
  bool operator==(const Ref& o) const { return p_ == o.p_; }

 private:
  T* p_ = nullptr;
};

}  // namespace wick::lang
