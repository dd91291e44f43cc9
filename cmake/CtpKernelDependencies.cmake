# What the kernels need: BLAS (OpenBLAS's CBLAS) and threads; CUDA comes from CtpCuda.
find_package(Threads REQUIRED)
set(BLA_VENDOR OpenBLAS)
find_package(BLAS REQUIRED)
find_path(CBLAS_INCLUDE_DIR cblas.h PATH_SUFFIXES openblas-pthread openblas REQUIRED)
add_library(ctp_blas INTERFACE)
target_link_libraries(ctp_blas INTERFACE ${BLAS_LIBRARIES})
target_include_directories(ctp_blas INTERFACE ${CBLAS_INCLUDE_DIR})
