"""The classroom app from the command line: ``tightrope app`` (this computer) and ``tightrope class``
(the school network, printing the teacher's PIN and the address teams join at).

The app is Streamlit's: the command starts ``streamlit run`` on the app's entry script, in a
process of its own (nothing here imports Streamlit), with the class's file (``--db``) passed in
``TIGHTROPE_DB``. The PIN is kept in that file (hashed) across restarts: it is printed when it is
made, and ``--new-pin`` makes a new one.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from sim.scenario.errors import InputError

ROOT = Path(__file__).resolve().parent.parent.parent


def app_script() -> Path:
    """The app's entry script, wherever Tightrope is installed."""
    for candidate in (Path(__file__).resolve().parent.parent / "app" / "main.py", ROOT / "app.py"):
        if candidate.is_file():
            return candidate
    raise InputError.command_line("the classroom app is not installed with this copy of Tightrope")


def lan_address() -> str | None:
    """This machine's address on its network (a UDP socket's route: no packet is sent), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: only the routing table is consulted
            return s.getsockname()[0]
        except OSError:
            return None


def announce_pin(db: Path, new: bool) -> None:
    from sim.game import access
    from sim.game.store import Store

    store = Store(db)
    if os.environ.get("TIGHTROPE_PIN"):
        print("Teacher's PIN: the one set in TIGHTROPE_PIN")
        return
    since = access.pin_set_at(store)
    if since is None or new:
        pin = access.new_pin(store)
        print(f"Teacher's PIN: {pin}  (kept in {db}; it holds across restarts until `tightrope class --new-pin`)")
    else:
        made = time.strftime("%d %b %Y %H:%M", time.localtime(since))
        print(f"Teacher's PIN: the one printed on {made}  (kept in {db}; `tightrope class --new-pin` makes a new one)")


def serve(args, host: str, classroom: bool) -> int:
    from sim.game.store import default_path

    db = Path(args.db).expanduser() if args.db else default_path()
    if not 0 < args.port < 65536:
        raise InputError.command_line(f"--port {args.port}: expected 1 to 65535")
    env = {**os.environ, "TIGHTROPE_DB": str(db)}
    if classroom:
        announce_pin(db, args.new_pin)
        address = lan_address() if host in ("0.0.0.0", "") else host
        print(f"Teams join at http://{address or host}:{args.port}/ ; the teacher's page: ?page=class")
    else:
        print(f"The classroom app: http://{host}:{args.port}/")
    command = [sys.executable, "-m", "streamlit", "run", str(app_script()), "--server.address", host]
    command += ["--server.port", str(args.port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    sys.stdout.flush()
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0


def add_parsers(sub) -> None:
    for name, host, said in (
        ("app", "127.0.0.1", "start the classroom app on this computer"),
        ("class", "0.0.0.0", "start the app for a class game on the school network: prints the PIN and the address"),
    ):
        p = sub.add_parser(name, help=said)
        p.add_argument("--port", type=int, default=8501, help="the port to listen on (default 8501)")
        p.add_argument("--host", default=host, help=f"the address to listen on (default {host})")
        p.add_argument("--db", metavar="FILE", help="the class's games file (default: TIGHTROPE_DB, or ~/.local/share)")
        if name == "class":
            p.add_argument(
                "--new-pin", action="store_true", help="make a new teacher's PIN (the old one stops working)"
            )
        p.set_defaults(func=lambda args, host=None, classroom=(name == "class"): serve(args, args.host, classroom))
