# idemstream — `make test` and `make demo` set up a fresh machine themselves.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := librdkafka-dev libzstd-dev libsnappy-dev libsqlite3-dev pkg-config postgresql
PY_PACKAGES := confluent-kafka==2.16.1 deltalake==1.6.6 pyarrow==26.0.1 prometheus_client==0.26.0 'moto[server]==5.2.1'
SWIFT_TEST_FLAGS ?=

.PHONY: all build test demo deps venv format lint reliability bench clean

all: build

# Debian packages, installed only when missing (CI and new machines start without them).
deps:
	@scripts/install-packages.sh $(APT_PACKAGES)

# Python venv for the interop checks (pyarrow, deltalake, confluent-kafka read what we write;
# moto_server is the S3 server of the S3 tests: it answers 412 to If-None-Match: *).
venv: $(VENV)/.installed
$(VENV)/.installed: Makefile scripts/make-venv.sh
	@scripts/make-venv.sh $(VENV) $(PY_PACKAGES)
	touch $@

build: deps
	swift build

# The whole suite, with the short reliability variants (10 kill -9 iterations, a 20 s
# decoder fuzz). The real disk faults need mount(8), so they run in `make reliability`.
test: deps venv
	swift build --build-tests
	set -o pipefail; IDEMSTREAM_PYTHON=$(abspath $(PY)) swift test --skip-build --skip RealDiskFaultTests $(SWIFT_TEST_FLAGS) 2>&1 | tee .build/test.log
	@# One plain closing line for CI: XCTest's totals ("Executed N tests, with M failures").
	@line=$$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" .build/test.log | tail -1); \
	  total=$$(echo "$$line" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/'); \
	  failed=$$(echo "$$line" | sed -E 's/.*with ([0-9]+) failures?.*/\1/'); \
	  echo "$$((total - failed)) passed, $$failed failed"

# The long reliability variants (RELIABILITY.md): 50 kill -9 iterations, a 10-minute decoder
# fuzz, and the real disk faults on a tmpfs (needs root or CAP_SYS_ADMIN). Every test prints
# its RELIABILITY.md row; they are collected in .build/reliability-rows.txt.
RELIABILITY_TESTS := CrashTests|ShutdownTests|BrokerFaultTests|DiskFaultTests|RealDiskFaultTests|ContractRejectTests|ContractRejectDecodingTests|DecoderFuzzTests
reliability: deps venv
	swift build --build-tests
	set -o pipefail; IDEMSTREAM_PYTHON=$(abspath $(PY)) IDEMSTREAM_KILL_ITERATIONS=50 \
	  IDEMSTREAM_FUZZ_SECONDS=600 swift test --skip-build --filter '$(RELIABILITY_TESTS)' \
	  2>&1 | tee .build/reliability.log
	grep '^RELIABILITY |' .build/reliability.log | tee .build/reliability-rows.txt

demo: deps
	swift build -c release --product idemstream
	.build/release/idemstream demo

format:
	swift format --in-place --recursive Sources Tests Package.swift

lint:
	swift format lint --strict --recursive Sources Tests Package.swift

clean:
	rm -rf .build demo-data
