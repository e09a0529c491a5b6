"""Exit 0 when the PostgreSQL server of KHENTHUONG_TEST_PG_URL answers, 1 (with the reason) otherwise."""
import os
import sys

import psycopg
from sqlalchemy.engine import make_url

url = make_url(os.environ.get("KHENTHUONG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
try:
    psycopg.connect(host=url.host, port=url.port or 5432, user=url.username, password=url.password,
                    dbname=url.database, connect_timeout=5).close()
except psycopg.Error as exc:
    print(f"PostgreSQL: {exc}".strip(), file=sys.stderr)
    sys.exit(1)
