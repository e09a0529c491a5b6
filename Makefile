# The two commands: `make run` and `make test`. Both bootstrap .venv themselves.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)
PORT ?= 5000
export KHENTHUONG_TEST_PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: typecheck run test test-sqlite test-postgres lint bench bench-quick worker yesterday docs clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

## Migrate the embedded database, load the demo organisation, serve on 127.0.0.1:$(PORT).
run: $(STAMP)
	@echo "[1/5] Cập nhật cơ sở dữ liệu…"
	@$(VENV)/bin/khenthuong db upgrade
	@echo "[2/5] Khóa ký nhật ký kiểm tra…"
	@$(VENV)/bin/khenthuong audit keygen --keep
	@echo "[3/5] Nạp tổ chức mẫu demo/org.yaml (lần đầu khoảng 20 giây: băm mật khẩu của 52 người dùng)…"
	@$(VENV)/bin/khenthuong import --brief demo/org.yaml
	@echo "[4/5] Tạo hồ sơ mẫu…"
	@$(VENV)/bin/khenthuong demo
	@echo "[5/5] Sẵn sàng: mở http://127.0.0.1:$(PORT)/ và đăng nhập, ví dụ truong.denghi (người đề nghị) hoặc quantri (quản trị), mật khẩu KhenThuong@2026. Dừng: Ctrl+C."
	@$(VENV)/bin/khenthuong serve --port $(PORT)

## The whole suite on SQLite and on PostgreSQL (required when CI=true), side by side: each run's output
## is printed as a block when it ends (`make test-sqlite` or `make test-postgres` show one as it goes).
test: $(STAMP)
	@echo "The suite on SQLite and on PostgreSQL side by side; each run's output follows when it ends."
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite: $(STAMP)
	KHENTHUONG_TEST_DB=sqlite $(PY) -m pytest

test-postgres: $(STAMP)
	@if $(PY) tests/check_postgres.py; then \
		KHENTHUONG_TEST_DB=postgresql $(PY) -m pytest; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is required on CI and is not reachable at $$KHENTHUONG_TEST_PG_URL" >&2; exit 1; \
	else \
		echo "PostgreSQL not reachable at $$KHENTHUONG_TEST_PG_URL: the PostgreSQL run is SKIPPED (it is required on CI)." >&2; \
	fi

lint: typecheck
	$(VENV)/bin/ruff check engine api tests bench
	../shared/tools/bpmn-lint

## mypy over engine/ (configured in pyproject.toml).
typecheck: $(STAMP)
	$(VENV)/bin/mypy

## Benchmarks (not part of `make test`): bench/README.md. `make bench-quick` skips the 100,000-dossier registry.
bench: $(STAMP)
	$(PY) -m bench.lifecycle
	$(PY) -m bench.long_loop
	$(PY) -m bench.history
	$(PY) -m bench.search
	$(PY) -m bench.public_lookup
	$(PY) -m bench.http
	$(PY) -m bench.audit_chain
	$(PY) -m bench.documents

bench-quick: $(STAMP)
	$(PY) -m bench.lifecycle --n 50
	$(PY) -m bench.long_loop --loops 30
	$(PY) -m bench.history --small 1000 --large 10000 --no-states
	$(PY) -m bench.search --small 1000 --large 10000
	$(PY) -m bench.public_lookup --small 1000 --large 10000
	$(PY) -m bench.http --jobs 20 --ceiling-seconds 2
	$(PY) -m bench.audit_chain --events 100000 --small 10000
	$(PY) -m bench.documents --sizes 50,600 --repeat 1

worker: $(STAMP)
	$(VENV)/bin/khenthuong worker

## When a release is cut: the backup the next release's migrations are tested on (tests/fixtures/yesterday.tar.gz).
yesterday: $(STAMP)
	$(PY) -m tests.yesterday

clean:
	rm -rf $(VENV) instance .pytest_cache
