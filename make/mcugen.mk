# mcugen.mk: run mcugen from a firmware's own Makefile (GNU Make 4.2 or newer).
#
#   include path/to/mcugen/make/mcugen.mk
#   $(eval $(call mcugen_model,har,model/har.tflite,--target cortex-m4))
#   app.elf: main.c $(HAR_SRCS)
#   	$(CC) $(CFLAGS) $(HAR_CFLAGS) -o $@ $^
#
# $(call mcugen_model,ID,MODEL,OPTIONS[,CALIBRATION[,DEPENDS]]) runs
# `$(MCUGEN) build MODEL --name ID --out $(MCUGEN_OUT)/ID [--calibration C]... OPTIONS` and includes the
# generated fragment $(MCUGEN_OUT)/ID/ID.mk, which defines <ID>_SRCS (the model's .c and the runtime
# sources it calls) and <ID>_CFLAGS (-std=c99 and the include folders); <ID> is ID in capitals.
#   ID           the C prefix of the generated code (har_invoke, HAR_INPUT_SIZE, ...), a C identifier
#   MODEL        the model file (.h5, .keras, .tflite, .onnx, TF.js model.json or its folder, graph JSON)
#   OPTIONS      any other `mcugen build` options, e.g. --target cortex-m4 --board nrf52840 --per-channel
#   CALIBRATION  the calibration .npy files, passed as --calibration each (default: mcugen's own,
#                calibration.npy / calibration_<input>.npy beside the model)
#   DEPENDS      further files the model reads (e.g. ONNX external data)
#
# When mcugen runs: the generated ID.mk is an included makefile with a rule, so Make remakes it (and
# the whole folder with it) before anything else and then re-reads it, which is how the source list
# of a model is known before compiling. The rule depends on the model, its weight files (the .bin
# files beside a .json model: TF.js shards, a graph JSON's <stem>.weights.bin), the calibration data,
# DEPENDS and an options stamp, $(MCUGEN_OUT)/ID.mcugen-stamp, which holds the mcugen command line and
# is rewritten only when that line changed: so a changed model, calibration file or option
# regenerates the C, and an unchanged rebuild does not run mcugen. mcugen writes into a temporary
# folder and moves it into place only on success: a failed run leaves the previous folder as it was
# (and, being older than its inputs, it is retried on the next make).
#
# Variables (set them before the include or on the command line):
#   MCUGEN       the mcugen command (default: this checkout's ./mcugen launcher, else mcugen on PATH)
#   MCUGEN_OUT   where the generated folders go (default: build/mcugen)
#   MCUGEN_SKIP_GOALS  goals that need no generated code (default: clean): with only those, nothing runs

mcugen__here := $(dir $(lastword $(MAKEFILE_LIST)))
MCUGEN ?= $(if $(wildcard $(mcugen__here)../mcugen $(mcugen__here)../cli/pom.xml),$(mcugen__here)../mcugen,mcugen)
MCUGEN_OUT ?= build/mcugen
MCUGEN_SKIP_GOALS ?= clean

# ID in capitals: the generated fragment's variable prefix.
mcugen__upper = $(subst z,Z,$(subst y,Y,$(subst x,X,$(subst w,W,$(subst v,V,$(subst u,U,$(subst t,T,$(subst s,S,$(subst r,R,$(subst q,Q,$(subst p,P,$(subst o,O,$(subst n,N,$(subst m,M,$(subst l,L,$(subst k,K,$(subst j,J,$(subst i,I,$(subst h,H,$(subst g,G,$(subst f,F,$(subst e,E,$(subst d,D,$(subst c,C,$(subst b,B,$(subst a,A,$1))))))))))))))))))))))))))

# The model file itself (MODEL may be the folder of a TF.js model.json), and the .bin weight files
# beside a .json model.
mcugen__model_file = $(if $(wildcard $1/model.json),$1/model.json,$1)
mcugen__model_dir = $(dir $(call mcugen__model_file,$1))
mcugen__weights = $(if $(filter %.json,$(call mcugen__model_file,$1)),$(sort $(wildcard $(call mcugen__model_dir,$1)*.bin)))
mcugen__calibration = $(if $(strip $2),$2,$(sort $(wildcard $(call mcugen__model_dir,$1)calibration.npy $(call mcugen__model_dir,$1)calibration_*.npy)))

# Marks the generated fragment $@ newer than its prerequisites. A file system may stamp a file written
# later with an earlier time (coarse and fine-grained clocks mixed): Make would then remake the fragment
# and re-read it forever. So touch again until it is newer (at most about a second, for inputs dated
# in the future).
mcugen__touch = touch $@; n=0; while [ $$n -lt 100 ] && [ -n "$$(find $^ -newer $@ 2>/dev/null)" ]; do \
    sleep 0.01; touch $@; n=$$((n + 1)); done

define mcugen_model
$(call mcugen__upper,$1)_DIR := $(MCUGEN_OUT)/$1/
mcugen__command_$1 := $(strip $(MCUGEN) build $2 --name $1 --out $(MCUGEN_OUT)/$1 --no-progress$(foreach c,$4, --calibration $c) $3)
mcugen__inputs_$1 := $(call mcugen__model_file,$2) $(call mcugen__weights,$2) $(call mcugen__calibration,$2,$4) $5
ifneq ($(filter-out $(MCUGEN_SKIP_GOALS),$(or $(MAKECMDGOALS),all)),)
# The options stamp: rewritten (now, while Make reads this) only when the command line changed
# (compared stripped: GNU Make 4.3 keeps the file's final newline when it reads a longer file).
$$(shell mkdir -p $(MCUGEN_OUT))
ifneq ($$(strip $$(file <$(MCUGEN_OUT)/$1.mcugen-stamp)),$$(mcugen__command_$1))
$$(file >$(MCUGEN_OUT)/$1.mcugen-stamp,$$(mcugen__command_$1))
endif
# The generation rule must not become the default goal: the makefile's first own target stays it.
mcugen__goal := $$(.DEFAULT_GOAL)
$(MCUGEN_OUT)/$1/$1.mk: $$(mcugen__inputs_$1) $(MCUGEN_OUT)/$1.mcugen-stamp
	$$(mcugen__command_$1)
	@$$(mcugen__touch)
.DEFAULT_GOAL := $$(mcugen__goal)
include $(MCUGEN_OUT)/$1/$1.mk
endif
endef
