/*
 * Kiln neural-network kernels (C99). One kernel per file, no allocation: the caller passes every
 * buffer, shapes and quantization arrive as small structs, every kernel returns a status.
 * int8 kernels follow docs/int8.md of Kiln (TFLite's int8 rules, gemmlowp's double rounding);
 * the float32 kernels run the same layers in single precision.
 *
 * The int8 dot products have a portable C path and a Cortex-M4 path using the DSP extension
 * (SMLAD / SXTB16 through ACLE intrinsics), chosen when __ARM_FEATURE_DSP is defined; define
 * KILN_NO_DSP_EXT to force the portable path. Both give the same integers.
 */
#ifndef KILN_NN_H
#define KILN_NN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* int8 weight arrays are word-aligned (the DSP path loads them a word or two at a time). */
#if defined(__GNUC__)
#define KILN_ALIGNED4 __attribute__((aligned(4)))
#else
#define KILN_ALIGNED4
#endif

/*
 * Weight layout of the int8 dense and conv kernels: rows (output units / filters) of n weights,
 * row-major, except that every block of four rows (rows 4b … 4b+3, at byte 4b·n) is interleaved:
 * for each group of four inputs, the four rows' four weights one after the other (16 bytes), then
 * the last n % 4 weights of each of the four rows, row after row. Rows past the last full block
 * stay plain. The exporter writes weights this way; the sums are the same integers.
 */

typedef enum {
    KILN_NN_OK = 0,
    KILN_NN_ARG_ERROR = -1
} kiln_nn_status;

/* Per-output-channel requantization: multiplier in [2^30, 2^31) (or 0), shift > 0 = left. */
typedef struct {
    const int32_t *multiplier;
    const int32_t *shift;
} kiln_requant;

/* Convolution / pooling geometry, channels last; 1-D layers have h = kh = sh = oh = 1. */
typedef struct {
    int32_t h, w, c;
    int32_t kh, kw;
    int32_t sh, sw;
    int32_t oh, ow;
    int32_t pad_top, pad_left;
} kiln_geometry;

/* Output side of an int8 affine layer: zero point and fused-activation clamp bounds. */
typedef struct {
    int32_t output_zero_point;
    int32_t act_min, act_max;
} kiln_output_s8;

/*
 * int8 dense: out[o] = requant(bias[o] + sum_i x[i] * w[o][i]). The bias must already hold
 * -input_zero_point * sum_i w[o][i] (folded at export time). Weights in the layout above, word-
 * aligned. Scratch: kiln_dense_s8_scratch().
 */
typedef struct {
    int32_t in_size, units;
    kiln_output_s8 out;
} kiln_dense_s8_params;

int32_t kiln_dense_s8_scratch(int32_t in_size);
kiln_nn_status kiln_dense_s8(const kiln_dense_s8_params *p, const kiln_requant *rq, const int8_t *input, const int8_t *weights,
                             const int32_t *bias, int16_t *scratch, int8_t *output);

/*
 * int8 convolution, TensorFlow same/valid geometry, weights [filters][kh][kw][c]. The bias must
 * already hold -input_zero_point * (sum of all the filter's weights); padded positions count as
 * input_zero_point. Weights in the layout above ([filters][kh][kw][c] rows), word-aligned.
 * Scratch: kiln_conv_s8_scratch().
 */
typedef struct {
    kiln_geometry g;
    int32_t filters;
    int32_t input_zero_point;
    kiln_output_s8 out;
} kiln_conv_s8_params;

int32_t kiln_conv_s8_scratch(const kiln_geometry *g);
kiln_nn_status kiln_conv_s8(const kiln_conv_s8_params *p, const kiln_requant *rq, const int8_t *input, const int8_t *weights,
                            const int32_t *bias, int16_t *scratch, int8_t *output);

/* Batch norm without a preceding dense/conv: y = requant(bias_c + (x - zx) * w_c), channel = index % channels. */
typedef struct {
    int32_t size, channels;
    int32_t input_zero_point;
    kiln_output_s8 out;
} kiln_channel_affine_s8_params;

kiln_nn_status kiln_channel_affine_s8(const kiln_channel_affine_s8_params *p, const kiln_requant *rq, const int8_t *input,
                                      const int8_t *weights, const int32_t *bias, int8_t *output);

/* Pooling over in-bounds positions; keeps the input's scale and zero point. */
kiln_nn_status kiln_max_pool_s8(const kiln_geometry *g, const int8_t *input, int8_t *output);
kiln_nn_status kiln_avg_pool_s8(const kiln_geometry *g, const int8_t *input, int8_t *output);

/* tanh / sigmoid: y = table[x + 128]. Works in place. */
kiln_nn_status kiln_lut_s8(int32_t size, const int8_t table[256], const int8_t *input, int8_t *output);

/* Softmax to scale 1/256, zero point -128; exp_table[d] = round(exp(-d * logit_scale) * 2^20). */
kiln_nn_status kiln_softmax_s8(int32_t size, const int32_t exp_table[256], const int8_t *input, int8_t *output);

/*
 * float32 features -> int8 network input: v = x; v = (v - mean) * inv_std (when mean != NULL);
 * v = v * inv_scale; q = clamp(floor(v + 0.5) + zero_point, -128, 127). One float rounding per
 * step: compile with -ffp-contract=off.
 */
typedef struct {
    int32_t size;
    const float *mean;    /* NULL: no feature scaling */
    const float *inv_std;
    float inv_scale;
    int32_t zero_point;
} kiln_quantize_params;

kiln_nn_status kiln_quantize_s8(const kiln_quantize_params *p, const float *input, int8_t *output);

/* Requantization of one int32 accumulator (docs/int8.md): fixed-point multiply, double rounding. */
int32_t kiln_requantize(int32_t acc, int32_t multiplier, int32_t shift);

/* ---- float32 ---- */

typedef enum {
    KILN_ACT_LINEAR = 0,
    KILN_ACT_RELU = 1,
    KILN_ACT_RELU6 = 2,
    KILN_ACT_TANH = 3,
    KILN_ACT_SIGMOID = 4
} kiln_activation;

typedef struct {
    int32_t in_size, units;
    kiln_activation act;
} kiln_dense_f32_params;

/* out[o] = act(bias[o] + sum_i x[i] * w[o][i]) */
kiln_nn_status kiln_dense_f32(const kiln_dense_f32_params *p, const float *input, const float *weights, const float *bias, float *output);

typedef struct {
    kiln_geometry g;
    int32_t filters;
    kiln_activation act;
} kiln_conv_f32_params;

/* TensorFlow same/valid convolution, padded positions are 0, weights [filters][kh][kw][c]. */
kiln_nn_status kiln_conv_f32(const kiln_conv_f32_params *p, const float *input, const float *weights, const float *bias, float *output);

/* y = (x - mean_i) * inv_std_i: per-feature standardisation before the network */
kiln_nn_status kiln_standardise_f32(int32_t size, const float *mean, const float *inv_std, const float *input, float *output);

/* y = x * mul_c + add_c, channel = index % channels */
kiln_nn_status kiln_channel_affine_f32(int32_t size, int32_t channels, const float *mul, const float *add, const float *input, float *output);

kiln_nn_status kiln_max_pool_f32(const kiln_geometry *g, const float *input, float *output);
/* mean over the in-bounds positions of the window */
kiln_nn_status kiln_avg_pool_f32(const kiln_geometry *g, const float *input, float *output);

/* Element-wise activation; works in place. */
kiln_nn_status kiln_activation_f32(int32_t size, kiln_activation act, const float *input, float *output);

/* Softmax with the maximum subtracted first; works in place. */
kiln_nn_status kiln_softmax_f32(int32_t size, const float *input, float *output);

#ifdef __cplusplus
}
#endif

#endif /* KILN_NN_H */
