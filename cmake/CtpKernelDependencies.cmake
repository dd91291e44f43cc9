# What the kernels need: BLAS (OpenBLAS's CBLAS) and threads; CUDA comes from CtpCuda.
find_package(Threads REQUIRED)
set(BLA_VENDOR OpenBLAS)
find_package(BLAS REQUIRED)
find_path(CBLAS_INCLUDE_DIR cblas.h PATH_SUFFIXES openblas-pthread openblas REQUIRED)
add_library(ctp_blas INTERFACE)
# OpenBLAS is loaded on the first CPU GEMM (kernels/include/ctp/kernels/blas_loader.h): its header
# at build time, its soname baked into ctp_kernels, nothing linked.
include(${CMAKE_CURRENT_LIST_DIR}/CtpSoname.cmake)
list(GET BLAS_LIBRARIES 0 CTP_BLAS_LIBRARY)
ctp_soname("${CTP_BLAS_LIBRARY}" CTP_BLAS_SONAME)
target_link_libraries(ctp_blas INTERFACE ${CMAKE_DL_LIBS})
target_include_directories(ctp_blas INTERFACE ${CBLAS_INCLUDE_DIR})
