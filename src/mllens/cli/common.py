"""What every command shares: consoles, and turning library errors into exit codes."""

from __future__ import annotations

from rich.console import Console

console = Console()
err_console = Console(stderr=True)

EXIT_OK = 0
EXIT_THRESHOLD = 1
EXIT_USAGE = 2
