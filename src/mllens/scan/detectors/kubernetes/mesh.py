"""How traffic reaches a model in the cluster: the service mesh's transport (Istio and Linkerd
sidecars, peer authentication, gateways), how the model's Service is exposed, and network
policies that let every namespace in."""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.detectors._iac import Node, as_str, listify
from mllens.scan.detectors._k8s import K8sObject, manifests
from mllens.scan.detectors._k8s_sizing import role
from mllens.scan.model.kubernetes import admits_anyone
from mllens.scan.registry import rule

# pod annotations (and namespace labels) that put a mesh proxy beside every container
_INJECT = {"sidecar.istio.io/inject": ("true",), "linkerd.io/inject": ("enabled",),
           "istio-injection": ("enabled",)}
_CLEAR = ("HTTP", "HTTP2", "GRPC", "TCP")


def _injected(node: Node | None) -> str | None:
    """The injection key a metadata mapping (annotations or labels) turns on."""
    for key, on in _INJECT.items():
        value = node.get(key) if node is not None else None
        if isinstance(value, str | bool) and str(value).lower() in on:
            return key
    return None


def _pod_metadata(obj: K8sObject) -> list[Node]:
    found = [obj.child(p) for p in ("spec.template.metadata", "spec.jobTemplate.spec.template.metadata")]
    return [n for n in found if n is not None]


def _gateway_servers(ctx: FileContext, obj: K8sObject) -> None:
    """Istio Gateway servers and Gateway API listeners: TLS supports, plain HTTP contradicts."""
    spec = obj.child("spec")
    entries = (spec.children("servers") + spec.children("listeners")) if spec is not None else []
    for entry in entries:
        port = entry.child("port")
        holder = port if port is not None and port.has("protocol") else entry
        protocol = (as_str(holder.get("protocol")) or "").upper()
        tls = entry.child("tls")
        if protocol in ("HTTPS", "TLS") or (tls is not None and as_str(tls.get("mode")) not in (None, "")):
            ctx.supports(line=holder.line_of("protocol"), message=f"{obj.address} serves over TLS ({protocol})")
        elif protocol in _CLEAR and not (tls is not None and tls.get("httpsRedirect") is True):
            hosts = [str(h) for h in listify(entry.get("hosts"))] or [str(entry.get("hostname") or "*")]
            reach = "any host" if "*" in hosts else ", ".join(hosts)
            ctx.contradicts(line=holder.line_of("protocol"),
                            message=f"{obj.address} accepts plain {protocol} for {reach}: requests and predictions "
                                    f"cross the network unencrypted; terminate TLS at the gateway")


@rule()
def mesh_transport(ctx: FileContext) -> None:
    for obj in manifests(ctx.file):
        if obj.kind == "Gateway" and obj.api_version.startswith(("networking.istio.io", "gateway.networking.k8s.io")):
            _gateway_servers(ctx, obj)
        elif obj.kind == "PeerAuthentication" and obj.api_version.startswith("security.istio.io"):
            mode, line = obj.at("spec.mtls.mode")
            if isinstance(mode, str) and mode.upper() == "STRICT":
                ctx.supports(line=line, message=f"{obj.address} requires mutual TLS between workloads")
            elif isinstance(mode, str) and mode.upper() == "DISABLE":
                ctx.contradicts(line=line, message=f"{obj.address} turns mutual TLS off: workloads talk in plain text")
        elif obj.kind == "Namespace":
            labels = obj.child("metadata.labels")
            key = _injected(labels)
            if labels is not None and key is not None:
                ctx.supports(line=labels.line_of(key), confidence=0.6,
                             message=f"{obj.address} injects the mesh sidecar into its pods ({key}): traffic "
                                     f"between them can use mutual TLS")
        for metadata in _pod_metadata(obj):
            annotations = metadata.child("annotations")
            key = _injected(annotations)
            if annotations is not None and key is not None:
                ctx.supports(line=annotations.line_of(key), confidence=0.6,
                             message=f"{obj.address} runs with the mesh sidecar ({key}): its traffic inside the "
                                     f"mesh can use mutual TLS")


_INTERNAL_LB = ("service.beta.kubernetes.io/aws-load-balancer-internal", "networking.gke.io/load-balancer-type",
                "cloud.google.com/load-balancer-type", "service.beta.kubernetes.io/azure-load-balancer-internal",
                "service.beta.kubernetes.io/aws-load-balancer-scheme")


@rule()
def service_exposure(ctx: FileContext) -> None:
    # only the Services beside a model server: a database's or a dashboard's is not an endpoint
    if not any(role(obj) == "serving" for obj in manifests(ctx.file)):
        return
    for obj in manifests(ctx.file, "Service"):
        spec = obj.child("spec")
        if spec is None or not spec.has("ports"):
            continue
        kind = as_str(spec.get("type")) or "ClusterIP"
        line = spec.line_of("type") if spec.has("type") else obj.line
        annotations = obj.child("metadata.annotations")
        internal = annotations is not None and any(annotations.has(k) and "external" not in
                                                   str(annotations.get(k)).lower() for k in _INTERNAL_LB)
        if kind == "ClusterIP" or (kind == "LoadBalancer" and internal):
            ctx.supports(line=line, confidence=0.6,
                         message=f"{obj.address} is reachable only inside the cluster or network ({kind})")
        elif kind in ("LoadBalancer", "NodePort"):
            ctx.contradicts(line=line, confidence=0.6,
                            message=f"{obj.address} exposes the model outside the cluster ({kind}): callers reach "
                                    f"it directly, not through an authenticating gateway or private network")


@rule()
def open_network_policy(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, "NetworkPolicy"):
        spec = obj.child("spec")
        if spec is not None and spec.has("ingress") and admits_anyone(spec.get("ingress")):
            ctx.contradicts(line=obj.line,
                            message=f"{obj.address} admits traffic from every namespace or address: it isolates "
                                    f"nothing; list the namespaces and pods that may call the model")
