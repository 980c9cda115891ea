// Built without -mavx2 (scripts/build-native.ts): the one function keisei calls before it knows
// whether this CPU can run kernels.c.

/** 1 when the CPU has AVX2 and FMA (what kernels.c is compiled for), else 0. */
int keisei_native_supported(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
