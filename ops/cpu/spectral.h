#pragma once
// The complex cases of ops registered elsewhere (abs, angle, conj, arithmetic), and the
// complex-to-real view stft returns when asked for a real result
// (spectral.cpp).
#include "ops/tensor/tensor.h"

namespace wick::ops {

Tensor viewAsReal(const Tensor& t);    // complex [...] -> real [..., 2], sharing storage
Tensor complexAbs(const Tensor& t);    // |z|, in the real type of z's precision
Tensor complexAngle(const Tensor& t);  // arg z
Tensor complexConj(const Tensor& t);   // conj z (a copy: wick has no lazy conjugate bit)
// a op b for op in + - * / (binary.cpp's arithmetic, when an operand is complex),
// broadcast, computed in double and stored as `out` (complex64 or complex128).
Tensor complexArithmetic(const Tensor& a, const Tensor& b, char op, ScalarType out);

}  // namespace wick::ops
