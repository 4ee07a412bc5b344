// Keeps the library non-empty until the first sources land.
