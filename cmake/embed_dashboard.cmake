# Compiles the dashboard's files (service/dashboard/assets/) into backflow_service
# as byte arrays (service/dashboard/embedded_assets.h), regenerated whenever a
# file changes, so the binary serves the dashboard with nothing beside it.
file(GLOB BACKFLOW_DASHBOARD_ASSETS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/service/dashboard/assets/*)
set(BACKFLOW_DASHBOARD_GENERATED ${CMAKE_BINARY_DIR}/generated/dashboard_embedded_assets.cpp)
add_custom_command(
  OUTPUT ${BACKFLOW_DASHBOARD_GENERATED}
  COMMAND ${CMAKE_COMMAND} -DASSET_DIR=${CMAKE_SOURCE_DIR}/service/dashboard/assets
          -DOUTPUT=${BACKFLOW_DASHBOARD_GENERATED} -P ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
  DEPENDS ${BACKFLOW_DASHBOARD_ASSETS} ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
  COMMENT "Embedding the dashboard's assets"
  VERBATIM)
target_sources(backflow_service PRIVATE ${BACKFLOW_DASHBOARD_GENERATED})
