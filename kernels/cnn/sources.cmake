# The CNN kernels: CPU references always, CUDA twins when the build has CUDA.
target_sources(ctp_kernels PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/batch_norm.cc
  ${CMAKE_CURRENT_LIST_DIR}/bias_add.cc
  ${CMAKE_CURRENT_LIST_DIR}/conv2d.cc
  ${CMAKE_CURRENT_LIST_DIR}/cpu_parallel.cc
  ${CMAKE_CURRENT_LIST_DIR}/dropout.cc
  ${CMAKE_CURRENT_LIST_DIR}/gemm.cc
  ${CMAKE_CURRENT_LIST_DIR}/global_avg_pool.cc
  ${CMAKE_CURRENT_LIST_DIR}/linear.cc
  ${CMAKE_CURRENT_LIST_DIR}/max_pool.cc
  ${CMAKE_CURRENT_LIST_DIR}/network_size.cc
  ${CMAKE_CURRENT_LIST_DIR}/optimizer.cc
  ${CMAKE_CURRENT_LIST_DIR}/random.cc
  ${CMAKE_CURRENT_LIST_DIR}/relu.cc
  ${CMAKE_CURRENT_LIST_DIR}/residual_add.cc
  ${CMAKE_CURRENT_LIST_DIR}/sequential.cc
  ${CMAKE_CURRENT_LIST_DIR}/softmax_cross_entropy.cc
  ${CMAKE_CURRENT_LIST_DIR}/tensor.cc)
if(CTP_HAVE_CUDA)
  target_sources(ctp_kernels PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/batch_norm.cu
    ${CMAKE_CURRENT_LIST_DIR}/bias_add.cu
    ${CMAKE_CURRENT_LIST_DIR}/conv2d.cu
    ${CMAKE_CURRENT_LIST_DIR}/cuda_common.cu
    ${CMAKE_CURRENT_LIST_DIR}/dropout.cu
    ${CMAKE_CURRENT_LIST_DIR}/gemm.cu
    ${CMAKE_CURRENT_LIST_DIR}/global_avg_pool.cu
    ${CMAKE_CURRENT_LIST_DIR}/max_pool.cu
    ${CMAKE_CURRENT_LIST_DIR}/optimizer.cu
    ${CMAKE_CURRENT_LIST_DIR}/random.cu
    ${CMAKE_CURRENT_LIST_DIR}/relu.cu
    ${CMAKE_CURRENT_LIST_DIR}/residual_add.cu
    ${CMAKE_CURRENT_LIST_DIR}/softmax_cross_entropy.cu)
  # The element-wise twins pass __device__ lambdas to a shared grid-stride kernel.
  target_compile_options(ctp_kernels PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:--extended-lambda>)
endif()
# Let GCC vectorise the element-wise CPU loops at -O2 (its default "very cheap" cost model
# refuses loops that need a remainder loop, i.e. nearly all of them).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  file(GLOB CTP_CNN_CPU_SOURCES ${CMAKE_CURRENT_LIST_DIR}/*.cc)
  set_source_files_properties(${CTP_CNN_CPU_SOURCES} PROPERTIES COMPILE_OPTIONS
                              "-fvect-cost-model=dynamic")
endif()
