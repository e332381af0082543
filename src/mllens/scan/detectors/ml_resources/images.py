"""The images SageMaker models and training or processing jobs run: by a moving tag or pinned.

An image URI is often built from parts (`f"{account}.dkr.ecr.{region}.amazonaws.com/repo:latest"`,
a Terraform interpolation): its tag is judged when the part after the last `/` is known,
whatever the registry part is."""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.detectors._k8s import image_pin
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Model, TrainingJob
from mllens.scan.model.values import Value
from mllens.scan.registry import rule


def _pin(image: object) -> str | None:
    """digest / version / floating / other for an image whose name and tag are known; else None."""
    if not isinstance(image, str) or not image.strip():
        return None
    name = image.strip().rsplit("/", 1)[-1]
    if "{" in name or "}" in name:
        return None  # the name or tag comes from a variable: not known here
    return image_pin(image.strip())


@rule()
def sagemaker_image_tags(ctx: FileContext) -> None:
    for resource in state_of(ctx.file).resources:
        if isinstance(resource, Model):
            images, what, check = resource.images, "serves", None
        elif isinstance(resource, TrainingJob) and resource.image is not None:
            images, what = (resource.image,), "processes" if resource.processing else "trains"
            check = "base_images_pinned"  # a job serves nothing: its environment only
        else:
            continue
        for image in images:
            _judge(ctx, resource.address, what, image, check)


def _judge(ctx: FileContext, address: str, what: str, image: Value, check: str | None) -> None:
    for one in image.each():  # per environment when set from a variable or parameter
        pin = _pin(one.raw)
        if pin == "floating":
            ctx.given(one).contradicts(
                line=one.line,
                check=check,
                message=f"{address} {what} with {one.raw}, which has no tag or uses latest: "
                "each pull may get a different image",
            )
        elif pin in ("digest", "version"):
            ctx.given(one).supports(line=one.line, check=check, message=f"{address} {what} with {one.raw} ({pin})")
