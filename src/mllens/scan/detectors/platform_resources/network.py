"""Security groups that admit any address on the internet, and on which ports."""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.model import state_of
from mllens.scan.model.firewall import OpenIngress, SecurityGroup
from mllens.scan.registry import rule

_WEB = (80, 443)  # a public web front end is often the point: not judged


def _ports(item: OpenIngress) -> str:
    if item.from_port is None or item.to_port is None:
        return "every port"
    return f"port {item.from_port}" if item.from_port == item.to_port else f"ports {item.from_port}-{item.to_port}"


@rule()
def open_ingress(ctx: FileContext) -> None:
    for group in state_of(ctx.file).of(SecurityGroup):
        for item in group.open_ingress:
            if item.from_port is not None and item.from_port == item.to_port and item.from_port in _WEB:
                continue
            ctx.contradicts(line=item.line, message=f"{group.address} admits {item.source} (any address) on "
                                                    f"{_ports(item)}")
