"""Flask commands — thin wrappers on services: `flask seed`, `flask demo`, `flask setup`."""
from __future__ import annotations

import json
import time
from pathlib import Path

import click
from flask import Flask, current_app


def register_cli(app: Flask) -> None:
    @app.cli.command("seed")
    def seed_command():
        """Load the reference data (regions, zones, trades, parks, schools) where tables are empty."""
        from matchmaker.services import seed
        started = time.perf_counter()
        loaded = seed.load_all(Path(current_app.config["SEED_DIR"]))
        click.echo(f"loaded {loaded} in {time.perf_counter() - started:.1f}s")
        click.echo(json.dumps(seed.seed_counts(), ensure_ascii=False, default=str))

    @app.cli.command("demo")
    @click.option("--workers", default=200, show_default=True, help="Workers to generate.")
    @click.option("--vacancies", default=None, type=int, help="Vacancies (default: workers / 10, at least 30).")
    @click.option("--seed", "random_seed", default=7, show_default=True, help="Random seed (reproducible).")
    def demo_command(workers, vacancies, random_seed):
        """Generate a reproducible demo province and print the demo accounts."""
        from matchmaker.services import demo
        started = time.perf_counter()
        report = demo.build_demo(workers, vacancies, random_seed)
        click.echo(f"demo built in {time.perf_counter() - started:.1f}s: {report['counts']}")
        click.echo("demo accounts (password for all: " + demo.DEMO_PASSWORD + "):")
        for role, login, org in report["accounts"]:
            click.echo(f"  {role:12} {login:24} {org}")

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False))
    def backup_command(path):
        """Write every table to PATH (gzip'd JSON lines; personal data stays encrypted)."""
        from matchmaker.services import backup
        counts = backup.dump(Path(path))
        click.echo(f"wrote {sum(counts.values())} rows from {len(counts)} tables to {path}")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def restore_command(path):
        """Load a backup into an empty database migrated to the backup's revision."""
        from matchmaker.services import backup, matching
        try:
            counts = backup.restore(Path(path))
        except backup.BackupError as e:
            raise click.ClickException(str(e)) from None
        matching.reset()
        click.echo(f"restored {sum(counts.values())} rows into {len(counts)} tables")

    @app.cli.command("setup")
    @click.option("--workers", default=200, show_default=True)
    def setup_command(workers):
        """Create or upgrade the database, load the seed, and load the demo if the database has none."""
        from flask_migrate import upgrade

        from matchmaker.services import demo, seed
        upgrade()
        click.echo(f"seed: {seed.load_all(Path(current_app.config['SEED_DIR']))}")
        if demo.has_demo():
            click.echo("demo data already present")
        else:
            report = demo.build_demo(workers, None, 7)
            click.echo(f"demo: {report['counts']}")
            for role, login, org in report["accounts"]:
                click.echo(f"  {role:12} {login:24} {org}")
            click.echo("password for all demo accounts: " + demo.DEMO_PASSWORD)

    @app.cli.group("audit")
    def audit_group():
        """The audit log's hash chain."""

    @audit_group.command("seal")
    def audit_seal_command():
        """Chain audit entries left unsealed (e.g. by a process that stopped between commit and seal)."""
        from matchmaker.services import audit
        click.echo(f"sealed {audit.seal()} entries")
        broken = audit.verify_chain()
        if broken is not None:
            raise click.ClickException(f"the audit chain is broken at entry {broken}")
        click.echo("the audit chain holds")

    @app.cli.group("matching")
    def matching_group():
        """The matching index's change log."""

    @matching_group.command("prune")
    @click.option("--days", default=7, show_default=True, help="Keep changes this many days old.")
    def matching_prune_command(days):
        """Delete old change-log rows (run daily); a process idle for longer rebuilds its index when it wakes."""
        from matchmaker.services import matching
        click.echo(f"pruned {matching.prune_changes(days)} change-log rows")

    @app.cli.group("referrals")
    def referrals_group():
        """Referrals (nominations, applications, invitations taken up)."""

    @referrals_group.command("expire")
    @click.option("--days", default=30, show_default=True, help="Expire referrals not moved for this many days.")
    def referrals_expire_command(days):
        """Expire stale referrals (run daily): their workers become available again; every party is told. Pending
        invitations as old expire too."""
        from matchmaker.services import invitations, referrals
        click.echo(f"expired {referrals.expire_stale(days)} referrals and "
                   f"{invitations.expire_stale(days)} invitations")
