// Keeps the library non-empty until the first kernels land.
