# Installs the library as a CMake package: find_package(ctp) -> ctp::ctp.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set_target_properties(ctp PROPERTIES EXPORT_NAME ctp)
install(TARGETS ctp ctp_base ctp_model ctp_step ctp_emit ctp_interpreter ctp_native ctp_runner ctp_kernels ctp_blas
        EXPORT ctpTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS ctp_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(dir base model step interpreter native emit runner kernels cli)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()
install(EXPORT ctpTargets NAMESPACE ctp:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ctp)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/ctpConfig.cmake.in
  ${PROJECT_BINARY_DIR}/ctpConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ctp)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ctpConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ctpConfig.cmake ${PROJECT_BINARY_DIR}/ctpConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ctp)
# LuaLS annotations of the DSL, for editors (`workspace.library`).
install(FILES ${PROJECT_SOURCE_DIR}/interpreter/dsl/luals/ctp.d.lua DESTINATION ${CMAKE_INSTALL_DATADIR}/ctp/lua)
