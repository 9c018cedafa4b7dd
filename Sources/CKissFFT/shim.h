// KissFFT 131 (libkissfft-dev), float build. The .pc file's -D flags are rejected by SwiftPM, so the
// scalar type is left at its default (float), which is what libkissfft-float was built with.
#include <stdlib.h>
#include <kissfft/kiss_fftndr.h>
