{
  "targets": [
    {
      "target_name": "gankit_native",
      "sources": [
        "src/native/csrc/addon.cc",
        "src/native/csrc/gemm.cc",
        "src/native/csrc/winograd.cc",
        "src/native/csrc/threads.cc",
        "src/native/csrc/kern_avx512.cc",
        "src/native/csrc/kern_avx2.cc",
        "src/native/csrc/kern_generic.cc"
      ],
      "cflags!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags": ["-O3", "-pthread", "-fno-math-errno", "-Wno-psabi"],
      "cflags_cc": ["-O3", "-std=c++17", "-pthread", "-fno-math-errno", "-Wno-psabi"],
      "ldflags": ["-pthread"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
