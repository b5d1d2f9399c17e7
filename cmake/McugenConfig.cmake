# find_package(Mcugen CONFIG PATHS path/to/mcugen/cmake) (or -DMcugen_DIR=path/to/mcugen/cmake):
# the same as include(path/to/mcugen/cmake/Mcugen.cmake), which documents mcugen_add_model().
include("${CMAKE_CURRENT_LIST_DIR}/Mcugen.cmake")
