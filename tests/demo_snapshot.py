"""The demo loaded once per database and put back from a snapshot after that.

Loading the demo through the operations takes seconds (tens on PostgreSQL); tests that
only need its rows get them copied back in a few bulk inserts.
"""

import shutil
from pathlib import Path

from flask import current_app

from procure.extensions import db

_snapshots: dict[str, "DemoSnapshot"] = {}


class DemoSnapshot:
    """The rows and uploaded files `flask demo` produced on an empty database."""

    def __init__(self, upload_copy: Path):
        self.rows = {
            table.name: [dict(row) for row in db.session.execute(table.select()).mappings()]
            for table in db.metadata.sorted_tables
        }
        self.uploads = upload_copy
        shutil.copytree(current_app.config["UPLOAD_FOLDER"], upload_copy, dirs_exist_ok=True)

    def restore(self) -> None:
        with db.engine.begin() as conn:
            postgres = conn.dialect.name == "postgresql"
            # Self-references (a merged signal) are inserted in id order, not graph order.
            conn.exec_driver_sql(
                "SET LOCAL session_replication_role = replica"
                if postgres
                else "PRAGMA defer_foreign_keys = ON"
            )
            for table in db.metadata.sorted_tables:
                if rows := self.rows[table.name]:
                    conn.execute(table.insert(), rows)
            if postgres:
                for table in db.metadata.sorted_tables:
                    if "id" in table.c and table.c.id.autoincrement and self.rows[table.name]:
                        conn.exec_driver_sql(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                            f'(SELECT max(id) FROM "{table.name}"))'
                        )
        shutil.copytree(self.uploads, current_app.config["UPLOAD_FOLDER"], dirs_exist_ok=True)


def load_demo(database_url: str, tmp_path_factory) -> None:
    """The full demo into the current app's empty database: loaded the first time, from
    the snapshot after that."""
    from procure.demo import load_all

    snapshot = _snapshots.get(database_url)
    if snapshot is None:
        Path(current_app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)
        load_all()
        db.session.remove()
        _snapshots[database_url] = DemoSnapshot(tmp_path_factory.mktemp("demo-uploads"))
    else:
        snapshot.restore()
