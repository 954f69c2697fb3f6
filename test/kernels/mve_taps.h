/* Shared by the int8 and lowbit kernel tests. The Helium im2col's form of t[0..Kp) (K taps, then zeros; Kp = K
   padded to 16): uint16, two to a little-endian word, when every offset fits 16 bits (the compiler's tapTableMVE),
   else as they are. */
static void taps_to_mve_form(int32_t *t, int32_t K) {
  const int32_t Kp = (K + 15) & ~15;
  int32_t k, largest = 0;
  for (k = 0; k < K; ++k)
    largest = t[k] > largest ? t[k] : largest;
  if (largest < 65536)
    for (k = 0; k < Kp / 2; ++k)
      t[k] = (int32_t)((uint32_t)t[2 * k] | (uint32_t)t[2 * k + 1] << 16);
}
