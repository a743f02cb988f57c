"""Neural Network Playground.

    python main.py                      open the window
    python main.py --screenshot PATH    render the main window offscreen to a PNG and exit
    python main.py train ...            train a network headless (see `python main.py train --help`)
    python main.py download-mnist       fetch the full MNIST set into the user's data folder
"""

from __future__ import annotations

import sys

HEADLESS_COMMANDS = ("train", "download-mnist")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in HEADLESS_COMMANDS:
        # Headless commands never import Qt, so they work on any machine.
        from engine.cli import main as cli_main

        return cli_main(argv)
    from playground.app import main as app_main

    return app_main(argv)


if __name__ == "__main__":
    sys.exit(main())
