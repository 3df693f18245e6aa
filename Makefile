# Lien — build, run, test.  See README.md.
#   make run        build, create var/lien.db with demo data if absent, serve on :8080
#   make test       the whole suite (unit, CLI, HTTP, browser) under ASan/UBSan
#   make SANITIZE=address,undefined   build with sanitizers
#   make bench | make fuzz | make e2e | make deps

CC      ?= gcc
PKGS    := libmicrohttpd sqlite3 libpq libsodium libqrencode gnutls pangocairo cairo-pdf fontconfig libcurl xlsxwriter libcjson
BUILD   ?= build
SANITIZE ?=

CFLAGS_WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wpointer-arith \
	-Wstrict-prototypes -Wmissing-prototypes -Wundef -Wcast-qual -Wwrite-strings \
	-Wno-unused-parameter -Wimplicit-fallthrough
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE $(CFLAGS_WARN) $(CFLAGS) -Isrc -I$(BUILD)/gen \
	-include src/core/banned.h $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(PKGS) 2>/dev/null)) -pthread
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread -lm
ifneq ($(SANITIZE),)
  ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
  LDFLAGS += -fsanitize=$(SANITIZE)
endif

SRC      := $(wildcard src/core/*.c src/http/*.c src/db/*.c src/gateway/*.c src/view/*.c src/domain/*.c src/web/*.c src/cmd/*.c)
LIB_SRC  := $(filter-out src/cmd/main.c,$(SRC))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded.o
EMBEDDED := $(sort $(wildcard templates/*.html static/* src/db/migrations/*.sql data/*.csv))
UNIT_SRC := $(wildcard tests/unit/test_*.c)

.PHONY: all run test deps e2e bench fuzz load soak clean
all: lien

lien: $(BUILD)/lien
	@ln -sf $(BUILD)/lien lien

$(BUILD)/lien: $(BUILD)/src/cmd/main.o $(BUILD)/liblien.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/liblien.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c | $(BUILD)/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/gen/embedded.o: $(BUILD)/gen/embedded.c
	$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -c -o $@ $<

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O1 -Wall -Werror -o $@ $<

$(BUILD)/gen/embedded.c: $(BUILD)/tools/embed $(EMBEDDED)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $@ $(EMBEDDED)

$(BUILD)/tests/unit_tests: $(UNIT_SRC) tests/unit/unit.h tests/unit/main.c $(BUILD)/liblien.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ tests/unit/main.c $(UNIT_SRC) $(BUILD)/liblien.a $(LDLIBS)

deps:
	@sh tools/deps.sh

# Targets that may need packages call make again after deps: the library
# flags above are read when make starts, before deps installs anything.
run: deps
	@$(MAKE) --no-print-directory lien
	@sh tools/run.sh

# The whole suite runs on a sanitizer build kept apart from the normal one.
test: deps
	@$(MAKE) --no-print-directory BUILD=build-san SANITIZE=address,undefined CFLAGS="-O1 -g" build-san/lien build-san/tests/unit_tests
	@LIEN_BIN=build-san/lien LIEN_UNIT=build-san/tests/unit_tests sh tests/run.sh

e2e: deps
	@$(MAKE) --no-print-directory lien
	@LIEN_BIN=build/lien sh tests/run.sh e2e

bench: deps
	@$(MAKE) --no-print-directory lien
	@sh bench/run.sh
	@sh bench/persons.sh
	@sh bench/report.sh
	@sh bench/directory.sh
	@sh bench/directory_search.sh
	@sh bench/reminders.sh
	@sh bench/pg.sh

load: deps
	@$(MAKE) --no-print-directory lien
	@sh bench/load.sh

soak: deps
	@$(MAKE) --no-print-directory BUILD=build-san SANITIZE=address,undefined CFLAGS="-O1 -g" build-san/lien
	@sh bench/soak.sh

fuzz: deps
	@sh fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf build build-san build-fuzz lien

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
