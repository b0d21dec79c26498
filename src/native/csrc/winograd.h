// Winograd's minimal filtering for stride-2 4x4 convolutions and both their gradients:
// see winograd.cc.
#pragma once
#include "gemm.h"

// On by default; off gives the direct (im2col + GEMM) path for every shape.
void gk_set_winograd(bool on);
bool gk_winograd();

// Each computes the convolution (or its input or filter gradient) and returns true when the shape
// is one it handles (4x4 kernel, stride 2, no dilation, 32 or more channels both sides,
// 64 or more 4x4 output tiles); otherwise it returns false and touches nothing.
bool gk_wino_conv2d(const ConvShape& s, const float* x, const float* w, float* y);
bool gk_wino_conv2d_backprop_input(const ConvShape& s, const float* dy, const float* w, float* dx);
bool gk_wino_conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dw);
