# Tiling kernels: tissue mask, patch scoring, polygon rasterisation, stain normalisation, packing.
target_sources(ctp_kernels PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/color.cc
  ${CMAKE_CURRENT_LIST_DIR}/threshold.cc
  ${CMAKE_CURRENT_LIST_DIR}/downsample.cc
  ${CMAKE_CURRENT_LIST_DIR}/mask_cleanup.cc
  ${CMAKE_CURRENT_LIST_DIR}/tissue_mask.cc
  ${CMAKE_CURRENT_LIST_DIR}/patch_score.cc
  ${CMAKE_CURRENT_LIST_DIR}/polygon.cc
  ${CMAKE_CURRENT_LIST_DIR}/reinhard.cc
  ${CMAKE_CURRENT_LIST_DIR}/packing.cc)
if(CTP_HAVE_CUDA)
  target_sources(ctp_kernels PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/color.cu
    ${CMAKE_CURRENT_LIST_DIR}/threshold.cu
    ${CMAKE_CURRENT_LIST_DIR}/downsample.cu
    ${CMAKE_CURRENT_LIST_DIR}/patch_score.cu
    ${CMAKE_CURRENT_LIST_DIR}/polygon.cu
    ${CMAKE_CURRENT_LIST_DIR}/reinhard.cu
    ${CMAKE_CURRENT_LIST_DIR}/packing.cu)
endif()

