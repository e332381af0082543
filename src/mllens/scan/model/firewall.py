"""Security groups into the resource model: the ingress rules that admit any address
(0.0.0.0/0 or ::/0), with their ports, from CloudFormation (AWS::EC2::SecurityGroup and
its SecurityGroupIngress items, AWS::EC2::SecurityGroupIngress) and Terraform
(aws_security_group ingress blocks, aws_security_group_rule of type ingress,
aws_vpc_security_group_ingress_rule)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mllens.scan.detectors._iac import Node
from mllens.scan.model.kinds import Resource

_ANY = ("0.0.0.0/0", "::/0")


@dataclass(frozen=True, kw_only=True)
class OpenIngress:
    line: int  # where the open range is written
    source: str  # 0.0.0.0/0 or ::/0
    from_port: int | None  # None: every port (protocol -1, or ports from a reference)
    to_port: int | None


@dataclass(frozen=True, kw_only=True)
class SecurityGroup(Resource):
    """A security group, or one ingress rule of one, and the rules that admit any address."""

    open_ingress: tuple[OpenIngress, ...] = ()


def _port(value: Any) -> int | None:
    try:
        port = int(str(value))
    except ValueError:
        return None
    return None if port < 0 else port


def _open(node: Node, keys: tuple[str, ...], ports: tuple[str, str], protocol: str) -> Iterator[OpenIngress]:
    every = str(node.get(protocol)) in ("-1", "all")
    for key in keys:
        value = node.get(key)
        sources = value if isinstance(value, list) else [value]
        for source in sources:
            if str(source) in _ANY:
                low, high = (None, None) if every else (_port(node.get(ports[0])), _port(node.get(ports[1])))
                yield OpenIngress(line=node.line_of(key), source=str(source), from_port=low, to_port=high)


_CFN_KEYS, _CFN_PORTS = ("CidrIp", "CidrIpv6"), ("FromPort", "ToPort")
_TF_KEYS, _TF_PORTS = ("cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6"), ("from_port", "to_port")


def cloudformation_group(base: dict[str, Any], props: Node, rtype: str) -> SecurityGroup:
    items = props.children("SecurityGroupIngress") if rtype == "AWS::EC2::SecurityGroup" else [props]
    return SecurityGroup(**base, open_ingress=tuple(
        o for item in items for o in _open(item, _CFN_KEYS, _CFN_PORTS, "IpProtocol")))


def terraform_group(base: dict[str, Any], body: Node, rtype: str) -> SecurityGroup:
    if rtype == "aws_security_group":
        items = body.children("ingress")
    elif rtype == "aws_security_group_rule":
        items = [body] if str(body.get("type")) == "ingress" else []
    else:
        items = [body]
    return SecurityGroup(**base, open_ingress=tuple(o for item in items for o in _open(item, _TF_KEYS, _TF_PORTS,
                                                                                        "ip_protocol" if
                                                                                        item.has("ip_protocol")
                                                                                        else "protocol")))
