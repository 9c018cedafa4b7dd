// KissFFT 131 (libkissfft-dev), float build. The .pc file's -D flags are rejected by SwiftPM, so the
// scalar type is left at its default (float), which is what libkissfft-float was built with.
// Only the 1-D transforms are used: this package's kiss_fftndr_alloc refuses sizes above 52x52
// (kissfft issue #129, an over-strict overflow check), so the 2-D transform is built from 1-D ones.
#include <stdlib.h>
#include <kissfft/kiss_fft.h>
#include <kissfft/kiss_fftr.h>
