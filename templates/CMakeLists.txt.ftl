# ${m.banner[0]}
# Model ${m.id}: add this folder with add_subdirectory() and link the library ${m.id}.
cmake_minimum_required(VERSION 3.13)

add_library(${m.id} STATIC
    ${m.id}.c
<#list m.runtimeSources as s>
    ${s}
</#list>
)
target_include_directories(${m.id} PUBLIC
    ${r"${CMAKE_CURRENT_LIST_DIR}"}
    ${r"${CMAKE_CURRENT_LIST_DIR}"}/runtime/include
)
set_target_properties(${m.id} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON)
