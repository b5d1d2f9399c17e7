# Mcugen.cmake: run mcugen from a firmware's own CMake build.
#
#   include(path/to/mcugen/cmake/Mcugen.cmake)    # or: list(APPEND CMAKE_MODULE_PATH path/to/mcugen/cmake)
#                                                 #     include(Mcugen)
#   add_executable(app main.c)
#   mcugen_add_model(TARGET app MODEL model/har.tflite
#                    [NAME har]                     # C prefix (har_invoke, HAR_INPUT_SIZE...); default: the model's name
#                    [ISA cortex-m4]                # mcugen --target: host, cortex-m0/m3/m4/m7/m33/m55, neon
#                                                   # (default: the BOARD's core, else host)
#                    [BOARD nrf52840]               # passed through as mcugen --board
#                    [CALIBRATION calib.npy ...]    # default: calibration.npy / calibration_<input>.npy beside the model
#                    [OPTIONS --per-channel ...]    # any other `mcugen build` options, passed as written
#                    [DEPENDS extra files ...]      # further files the model reads (e.g. ONNX external data)
#                    [OUTPUT_DIR dir])              # default: <binary dir>/mcugen/<NAME or TARGET_model>
#
# It runs `mcugen build MODEL --out OUTPUT_DIR ...`, adds the generated folder with add_subdirectory()
# (its CMakeLists.txt makes a static library named after the C prefix, carrying the include folders
# of the header and the runtime) and links TARGET to it, so `#include "har.h"` works in TARGET's sources.
# The header carries every model constant as a macro: no compile definitions are needed.
#
# When mcugen runs: at configure time, and again only when an input changed.
#   The files mcugen writes depend on the model: the runtime kernels it calls (mcu_lstm_step_s8.c,
#   mcu_fully_connected_s8_s32.c, ...) are known only once mcugen has read the model. CMake wants every
#   source of a target at configure time, so a build-time add_custom_command() would need a source
#   list fixed in advance, which no model-independent list can be. The module therefore generates at
#   configure time and declares the inputs (the model, its weight files, the calibration data, DEPENDS)
#   as CMAKE_CONFIGURE_DEPENDS: `cmake --build` re-runs the configure step by itself when one of them
#   is touched, and a changed option (in CMakeLists.txt or the cache) re-runs it anyway. At each
#   configure the module compares a stamp (the full mcugen command line plus the SHA-256 of every input
#   file) with the one of the last successful run, kept beside the generated folder, and runs mcugen
#   only when they differ or the folder is missing. So an unchanged rebuild never runs mcugen, a model
#   merely touched re-runs the (quick) configure step but not mcugen, and a changed model, calibration
#   file or option regenerates the C, which the build then recompiles.
#
# When mcugen fails the configure step stops with its message. mcugen writes into a temporary folder
# and moves it into place only when everything succeeded, so the previous generated folder (and its
# stamp) stay as they were: never a half-written folder.
#
# MCUGEN_EXECUTABLE (cache) is the mcugen command: by default the repository's ./mcugen launcher when
# this file is used from a mcugen checkout (the first run builds the tool, about a minute), else
# `mcugen` on PATH. It may be a list, e.g. -DMCUGEN_EXECUTABLE="java;-jar;/opt/mcugen/mcugen.jar".
# A newer mcugen jar or executable (a file named in MCUGEN_EXECUTABLE) also changes the stamp.

# A version check, not cmake_minimum_required(): that would reset the including project's policies.
if(CMAKE_VERSION VERSION_LESS 3.13)
    message(FATAL_ERROR "Mcugen.cmake needs CMake 3.13 or newer (this is ${CMAKE_VERSION})")
endif()
include_guard(GLOBAL)

get_filename_component(_mcugen_checkout "${CMAKE_CURRENT_LIST_DIR}/.." REALPATH)
if(EXISTS "${_mcugen_checkout}/mcugen" AND EXISTS "${_mcugen_checkout}/cli/pom.xml")
    set(_mcugen_default "${_mcugen_checkout}/mcugen")
else()
    find_program(MCUGEN_ON_PATH mcugen DOC "mcugen found on PATH")
    set(_mcugen_default "${MCUGEN_ON_PATH}")
endif()
set(MCUGEN_EXECUTABLE "${_mcugen_default}" CACHE STRING
    "The mcugen command (a path, or a list such as java;-jar;/path/mcugen.jar)")

function(mcugen_add_model)
    cmake_parse_arguments(PARSE_ARGV 0 MG "" "TARGET;MODEL;NAME;BOARD;ISA;OUTPUT_DIR" "CALIBRATION;OPTIONS;DEPENDS")
    if(MG_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "mcugen_add_model: unknown arguments: ${MG_UNPARSED_ARGUMENTS}")
    endif()
    if(NOT MG_TARGET OR NOT MG_MODEL)
        message(FATAL_ERROR "mcugen_add_model: TARGET and MODEL are required")
    endif()
    if(NOT TARGET "${MG_TARGET}")
        message(FATAL_ERROR "mcugen_add_model: ${MG_TARGET} is not a target (call add_executable/add_library first)")
    endif()
    if(NOT MCUGEN_EXECUTABLE)
        message(FATAL_ERROR "mcugen_add_model(${MG_TARGET}): mcugen not found: set MCUGEN_EXECUTABLE to the mcugen command")
    endif()
    if(MG_NAME AND MG_NAME STREQUAL MG_TARGET)
        message(FATAL_ERROR "mcugen_add_model: NAME ${MG_NAME} must differ from TARGET (the generated library is a target named NAME)")
    endif()

    get_filename_component(model "${MG_MODEL}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT EXISTS "${model}")
        message(FATAL_ERROR "mcugen_add_model(${MG_TARGET}): model ${model} does not exist")
    endif()
    # mcugen also takes the folder of a TF.js model.json.
    if(IS_DIRECTORY "${model}")
        set(model_file "${model}/model.json")
        set(model_dir "${model}")
    else()
        set(model_file "${model}")
        get_filename_component(model_dir "${model}" DIRECTORY)
    endif()
    get_filename_component(model_stem "${model_file}" NAME_WE)

    if(MG_OUTPUT_DIR)
        get_filename_component(out "${MG_OUTPUT_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
    elseif(MG_NAME)
        set(out "${CMAKE_CURRENT_BINARY_DIR}/mcugen/${MG_NAME}")
    else()
        set(out "${CMAKE_CURRENT_BINARY_DIR}/mcugen/${MG_TARGET}_${model_stem}")
    endif()

    # The files the generated C depends on: the model, its weight files (a TF.js model.json's shards,
    # a graph JSON's <stem>.weights.bin: the .bin files beside a .json model), the calibration data.
    set(inputs "${model_file}")
    if(model_file MATCHES "\\.json$")
        file(GLOB weight_files LIST_DIRECTORIES false "${model_dir}/*.bin")
        list(SORT weight_files)
        list(APPEND inputs ${weight_files})
    endif()
    set(args build "${model}" --out "${out}" --no-progress)
    if(MG_NAME)
        list(APPEND args --name "${MG_NAME}")
    endif()
    if(MG_ISA)
        list(APPEND args --target "${MG_ISA}")
    endif()
    if(MG_BOARD)
        list(APPEND args --board "${MG_BOARD}")
    endif()
    if(MG_CALIBRATION)
        foreach(c IN LISTS MG_CALIBRATION)
            get_filename_component(c "${c}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
            list(APPEND args --calibration "${c}")
            list(APPEND inputs "${c}")
        endforeach()
    else()
        # mcugen's default calibration data.
        file(GLOB default_calibration LIST_DIRECTORIES false "${model_dir}/calibration.npy" "${model_dir}/calibration_*.npy")
        list(SORT default_calibration)
        list(APPEND inputs ${default_calibration})
    endif()
    foreach(d IN LISTS MG_DEPENDS)
        get_filename_component(d "${d}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
        list(APPEND inputs "${d}")
    endforeach()
    list(APPEND args ${MG_OPTIONS})

    # A touched input re-runs the configure step, which decides below whether mcugen must run.
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${inputs})

    set(command ${MCUGEN_EXECUTABLE} ${args})
    string(REPLACE ";" " " command_line "${command}")
    set(stamp "mcugen command: ${command_line}\n")
    foreach(f IN LISTS inputs)
        if(NOT EXISTS "${f}")
            message(FATAL_ERROR "mcugen_add_model(${MG_TARGET}): ${f} does not exist")
        endif()
        file(SHA256 "${f}" sha)
        string(APPEND stamp "input ${f} sha256 ${sha}\n")
    endforeach()
    foreach(e IN LISTS MCUGEN_EXECUTABLE)
        if(EXISTS "${e}" AND NOT IS_DIRECTORY "${e}")
            file(TIMESTAMP "${e}" time "%Y-%m-%dT%H:%M:%S" UTC)
            string(APPEND stamp "tool ${e} modified ${time}\n")
        endif()
    endforeach()

    set(stamp_file "${out}.mcugen-stamp")
    set(previous "")
    if(EXISTS "${stamp_file}")
        file(READ "${stamp_file}" previous)
    endif()
    if(NOT previous STREQUAL stamp OR NOT EXISTS "${out}/CMakeLists.txt")
        message(STATUS "mcugen: ${command_line}")
        # mcugen's messages (and the launcher's first-run build progress) go straight to the terminal.
        execute_process(COMMAND ${command} RESULT_VARIABLE rc OUTPUT_VARIABLE said OUTPUT_STRIP_TRAILING_WHITESPACE)
        if(NOT rc EQUAL 0)
            message(FATAL_ERROR "mcugen_add_model(${MG_TARGET}): mcugen failed (exit ${rc}, its message is above); "
                "the generated folder ${out} was left as it was. ${said}")
        endif()
        message(STATUS "mcugen: ${said}")
        file(WRITE "${stamp_file}" "${stamp}")
    endif()

    # The library target is the C prefix: --name, or the one mcugen chose from the model's name.
    file(STRINGS "${out}/CMakeLists.txt" add_library REGEX "^add_library\\([A-Za-z_][A-Za-z0-9_]* STATIC")
    if(NOT add_library MATCHES "^add_library\\(([A-Za-z_][A-Za-z0-9_]*) STATIC")
        message(FATAL_ERROR "mcugen_add_model(${MG_TARGET}): ${out}/CMakeLists.txt declares no library")
    endif()
    set(id "${CMAKE_MATCH_1}")
    if(id STREQUAL MG_TARGET)
        message(FATAL_ERROR "mcugen_add_model: the model's C prefix ${id} is the name of TARGET: give another NAME")
    endif()
    if(TARGET "${id}")
        message(FATAL_ERROR "mcugen_add_model(${MG_TARGET}): a target named ${id} exists already: give this model another NAME")
    endif()
    add_subdirectory("${out}" "${CMAKE_CURRENT_BINARY_DIR}/mcugen-build/${id}")
    target_link_libraries(${MG_TARGET} PRIVATE ${id})
    set(MCUGEN_${id}_DIR "${out}" PARENT_SCOPE)
endfunction()
