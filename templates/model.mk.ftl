# ${m.banner[0]}
# Model ${m.id}: include this file, then add $(${m.macro}_SRCS) to your sources and
# $(${m.macro}_CFLAGS) to your compiler flags. Set ${m.macro}_DIR first if you include it from elsewhere.
${m.macro}_DIR ?= $(dir $(lastword $(MAKEFILE_LIST)))
${m.macro}_SRCS := $(${m.macro}_DIR)${m.id}.c<#list m.runtimeSources as s> \
    $(${m.macro}_DIR)${s}</#list>
${m.macro}_CFLAGS := -std=c99 -I$(${m.macro}_DIR) -I$(${m.macro}_DIR)runtime/include
