"""`govtrust import --dataset records`: the JSON summary, exit statuses, and a real kill in mid-import."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from govtrust.ledger.models import Record
from govtrust.testing import factories

from .helpers import run_import_command

GOVTRUST = Path(sys.executable).with_name("govtrust")


_run = run_import_command


@pytest.fixture
def penalty(db):
    return factories.category("test_penalty", name="测试行政处罚")


def test_json_summary_and_exit_statuses(world, penalty, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    path = tmp_path / "records.csv"
    rows = [factories.record_row(penalty.name, world.finance_a, source=world.credit_a) for _ in range(3)]
    path.write_bytes(factories.records_csv(rows))
    code, out, _ = _run(str(path), "--dataset", "records", "--json", "--reason", "首次归集")
    summary = json.loads(out)
    assert code == 0 and (summary["created"], summary["written"], summary["rejects_file"]) == (3, True, None)
    code, out, _ = _run(str(path), "--dataset", "records", "--json")
    assert code == 0 and (json.loads(out)["unchanged"], json.loads(out)["created"]) == (3, 0)

    rows.append(factories.record_row(penalty.name, world.finance_a, source=world.credit_a, 决定日期="2030-01-01"))
    path.write_bytes(factories.records_csv(rows))
    code, out, _ = _run(str(path), "--dataset", "records", "--json")
    refused = json.loads(out)
    assert code == 1 and refused["written"] is False and refused["rejected_count"] == 1
    lines = Path(refused["rejects_file"]).read_text("utf-8-sig").splitlines()
    assert len(lines) == 2 and ",2030-01-01," in lines[1] and ",5," in lines[1]  # the row and its number
    code, out, err = _run(str(path), "--dataset", "records", "--accept-valid")
    assert code == 0 and "未变化3行" in out and "第5行" in err
    assert Record.objects.count() == 3


@pytest.fixture
def scratch_database(tmp_path):
    """A database of its own for the child processes: an SQLite file, or a scratch PostgreSQL database."""
    if connection.vendor == "sqlite":
        file = tmp_path / "crash.sqlite3"
        yield f"sqlite:///{file}", lambda sql: sqlite3.connect(file).execute(sql).fetchall()
        return
    import psycopg

    name = f"govtrust_crash_{os.getpid()}"
    params = connection.get_connection_params()
    admin = psycopg.connect(**(params | {"dbname": "postgres"}), autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()

    def query(sql):
        with psycopg.connect(**(params | {"dbname": name})) as conn:
            return conn.execute(sql).fetchall()

    user = params.get("user") or "postgres"
    yield f"postgres://{user}@{params.get('host') or '127.0.0.1'}:{params.get('port') or 5432}/{name}", query
    with psycopg.connect(**(params | {"dbname": "postgres"}), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


PREPARE = """
import django, sys
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from govtrust.testing import factories
world = factories.World()
penalty = factories.category("test_penalty", name="测试行政处罚")
rows = [factories.record_row(penalty.name, world.finance_a, f"批量〔2026〕{i}号", source=world.credit_a)
        for i in range(int(sys.argv[2]))]
open(sys.argv[1], "wb").write(factories.records_csv(rows))
"""


@pytest.mark.django_db(transaction=True)
def test_a_killed_import_leaves_nothing_and_the_rerun_completes_it(tmp_path, scratch_database):
    url, query = scratch_database
    env = os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "govtrust.test_settings",
                        "GOVTRUST_VAR_DIR": str(tmp_path)}
    path = tmp_path / "big.csv"
    rows = 60_000
    subprocess.run([sys.executable, "-c", PREPARE, str(path), str(rows)], env=env, check=True)
    command = [str(GOVTRUST), "import", str(path), "--dataset", "records", "--json"]
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not query("SELECT id FROM intake_batch WHERE status = 'running'"):
        time.sleep(0.05)
    time.sleep(0.5)  # inside the import: rows are being checked and written
    assert child.poll() is None, "the import finished before it could be killed; use a larger file"
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert query("SELECT COUNT(*) FROM ledger_record") == [(0,)]
    assert query("SELECT COUNT(*) FROM ledger_revision") == [(0,)]
    assert query("SELECT status FROM intake_batch") == [("running",)]  # the history shows it was started

    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["created"] == rows
    assert query("SELECT COUNT(*) FROM ledger_record") == [(rows,)]
    assert query("SELECT status FROM intake_batch ORDER BY id") == [("failed",), ("committed",)]
