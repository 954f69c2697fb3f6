//===- Passes.td - emlc compression passes ---------------------------------===//
#ifndef EMLC_QUANTIZATION_PASSES
#define EMLC_QUANTIZATION_PASSES

include "mlir/Pass/PassBase.td"

def Quantize : Pass<"emlc-quantize", "mlir::ModuleOp"> {
  let summary = "Post-training quantization of a float nn module: calibrate, rewrite onto !quant.uniform, measure";
  let description = [{
    Runs the float `@main` in the reference interpreter over the calibration
    samples (a `.npy` with samples on axis 0, or a folder of `.npy`/`.pb`
    files), chooses activation ranges (min/max, or a histogram clipped at
    `percentile`), quantizes weights per output channel and biases to int32,
    and rewrites the graph onto `!quant.uniform` types with TFLite's rules
    (lib/Quantization/PTQ.cpp). Ops without an int8 kernel stay float between
    `quant.dcast`/`quant.qcast`. With `io=int8` the function takes and
    returns int8 storage.

    Weights are int8 unless `precision` says otherwise: a uniform int4, int2
    or ternary, or `auto`: the per-layer precisions with the least predicted
    output noise whose weights fit `flash-limit`
    (lib/Quantization/MixedPrecision.cpp: sensitivity per layer and
    precision in the interpreter, then an exact or greedy search);
    `layer-precision` pins layers by ONNX node name. With `instruction-limit`
    and `layer-instructions` (each layer's instructions per precision, which
    `emlc compile --precision=auto --latency-limit MS` reads from the
    target's cost model) the plan's instructions stay within the limit too.

    Results, for the report and the driver: every quantized layer gets
    `emlc.sqnr` (dB, quantized vs float on the samples), with auto also
    `emlc.predicted_sqnr` (the search's estimate), and the module gets
    `emlc.quantization = {mode, calibration_method, calibration_runs, io,
    output_sqnr_db, precision}`. Bad calibration data fails the pass with an error
    saying what does not fit.
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"int8\"", "quantization scheme (int8)">,
    Option<"calibration", "calibration", "std::string", /*default=*/"\"\"",
           "calibration samples: a .npy (samples on axis 0) or a folder of .npy/.pb files">,
    Option<"method", "calibration-method", "std::string", /*default=*/"\"minmax\"",
           "how activation ranges are chosen: minmax or percentile">,
    Option<"io", "io", "std::string", /*default=*/"\"float\"",
           "float: the function keeps float inputs and outputs; int8: it takes and returns int8">,
    Option<"percentile", "percentile", "double", /*default=*/"99.99",
           "with calibration-method=percentile, the share of values kept at each end (%)">,
    Option<"precision", "precision", "std::string", /*default=*/"\"int8\"",
           "weights of conv/fully connected layers: int8, int4, int2, ternary, or auto (searched per layer "
           "within flash-limit)">,
    ListOption<"layerPrecision", "layer-precision", "std::string",
               "NAME=wNa8 pins a layer's weights (N = 8, 4, 2, t)">,
    Option<"flashLimit", "flash-limit", "int64_t", /*default=*/"-1",
           "with precision=auto: the bytes all weights may take">,
    Option<"search", "search", "std::string", /*default=*/"\"exact\"",
           "with precision=auto: exact (dynamic programming) or greedy (noise per byte saved)">,
    Option<"labels", "calibration-labels", "std::string", /*default=*/"\"\"",
           "a .npy of the calibration samples' classes (int): auto then reports and can bound top-1">,
    Option<"maxAccuracyDrop", "max-accuracy-drop", "double", /*default=*/"-1.0",
           "with precision=auto and labels: top-1 points the plan may lose (without flash-limit: the smallest "
           "weights that keep it)">,
    Option<"weightRounding", "weight-rounding", "std::string", /*default=*/"\"feedback\"",
           "below int8: feedback (each column's rounding error pushed onto the next through the inputs' "
           "moments) or nearest">,
    ListOption<"layerInstructions", "layer-instructions", "std::string",
               "with precision=auto and instruction-limit: NAME=int8:N,int4:N,int2:N, a layer's instructions at each "
               "weight precision (the target's cost model; emlc compile --latency-limit prices them)">,
    Option<"instructionLimit", "instruction-limit", "double", /*default=*/"-1.0",
           "with precision=auto: the most instructions the priced layers may take together (-1: no limit)">,
    Option<"arenaLimit", "arena-limit", "int64_t", /*default=*/"-1",
           "with precision=auto and no instruction-limit: the arena (bytes, estimated from the live activations) "
           "within which layers with int8 weights may get int16 activations where that lowers the output noise "
           "(-1: activations stay int8)">,
    Option<"sensitivitySamples", "sensitivity-samples", "int64_t", /*default=*/"64",
           "with precision=auto: the last calibration samples, on which the per-layer sensitivity is measured "
           "(held out of the error feedback when there are twice as many)">,
  ];
  let dependentDialects = ["::emlc::nn::NNDialect", "::mlir::arith::ArithDialect",
                           "::mlir::quant::QuantizationDialect"];
}

#endif
