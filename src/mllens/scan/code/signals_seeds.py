"""Random seeds: whether a module's training and data splits give the same result each run.

A module that fixes a seed (random, numpy, torch, TensorFlow, a framework's seed_everything,
a seeded estimator or split) supports; in one that fixes none, the first place randomness
enters (an unseeded split or shuffle, an estimator with no random_state, deep-learning
training) contradicts. Splits are judged one by one for the reproducible-split check.
"""

from __future__ import annotations

from mllens.scan.code.analysis import CodeIndex, Site
from mllens.scan.code.signals_train import training_sites
from mllens.scan.context import FileContext

SEED_CALLS = (
    "random.seed",
    "numpy.random.seed",
    "torch.manual_seed",
    "torch.cuda.manual_seed",
    "torch.cuda.manual_seed_all",
    "tensorflow.random.set_seed",
    "tensorflow.set_random_seed",
    "tensorflow.keras.utils.set_random_seed",
    "keras.utils.set_random_seed",
    "keras.*.set_random_seed",
    "transformers.set_seed",
    "transformers.*.set_seed",
    "pytorch_lightning.seed_everything",
    "lightning.seed_everything",
    "lightning.*.seed_everything",
    "accelerate.utils.set_seed",
    "jax.random.PRNGKey",
    "jax.random.key",
    "paddle.seed",
    "mxnet.random.seed",
    "numpy.random.default_rng",
    "numpy.random.RandomState",
    "torch.Generator().manual_seed",
    "torch.use_deterministic_algorithms",
)
SEED_KWARGS = ("random_state", "seed", "random_seed")
SPLITS = (
    "sklearn.model_selection.train_test_split",
    "sklearn.model_selection.*KFold",
    "sklearn.model_selection.*ShuffleSplit",
    "sklearn.model_selection.TimeSeriesSplit",
    "sklearn.cross_validation.train_test_split",
    "torch.utils.data.random_split",
)
# estimators whose fit draws on a generator they take as random_state (seed, random_seed)
RANDOM_ESTIMATORS = (
    "sklearn.*SGD*", "sklearn.*Forest*", "sklearn.*DecisionTree*", "sklearn.*ExtraTree*",
    "sklearn.*GradientBoosting*", "sklearn.*MLP*", "sklearn.*Bagging*", "sklearn.*AdaBoost*",
    "sklearn.*KMeans", "xgboost.XGB*", "lightgbm.LGBM*", "catboost.CatBoost*",
)  # fmt: skip
# draws on the module's global generator: reproducible only where the module fixes a seed
GLOBAL_SHUFFLES = ("random.shuffle", "numpy.random.shuffle", "numpy.random.permutation")
LIGHTNING_TRAINERS = (
    "pytorch_lightning.Trainer",
    "pytorch_lightning.trainer*Trainer",
    "lightning.Trainer",
    "lightning.pytorch.Trainer",
    "lightning.pytorch.trainer*Trainer",
)
LIGHTNING_FITS = tuple(f"{t}().fit" for t in LIGHTNING_TRAINERS)
_DL_TRAINING_WORDS = (("tensorflow", "fit"), ("keras", "fit"), ("torch", "backward"))
_SEEDED_LIBS = ("sklearn.", "xgboost.", "lightgbm.", "catboost.", "imblearn.", "optuna.", "umap.")


def _seed_sites(code: CodeIndex) -> list[Site]:
    found: list[Site] = []
    for site in code.find(*SEED_CALLS):
        first = site.value(0, default=site.value("seed", default=None))
        if site.last == "use_deterministic_algorithms" or first is not None:
            found.append(site)  # seed() with no argument seeds from the OS: not reproducible
    for site in code.calls_with_kw(*SEED_KWARGS):
        if (
            site.resolved
            and site.name.startswith(_SEEDED_LIBS)
            and any(site.value(k, default=None) is not None for k in SEED_KWARGS if site.kw(k) is not None)
        ):
            found.append(site)
    return sorted(found, key=lambda s: s.line)


def _split_seeded(site: Site, *, seeded_here: bool) -> bool | None:
    """Whether a data split gives the same rows each run: True when seeded or not shuffled,
    False when it shuffles from no seed, None when it cannot be told. `seeded_here`: the
    module fixes a seed, so the global generators a split may draw on are seeded."""
    if site.name in GLOBAL_SHUFFLES:  # random.shuffle(rows): the module's global generator
        return None if seeded_here else False
    if site.last == "random_split":  # torch: a seeded generator, or the global one
        return True if site.has_kw("generator") else None if seeded_here else False
    if site.last == "TimeSeriesSplit":
        return True
    if site.last == "sample":  # a pandas shuffle of every row: seeded or not
        return site.value("random_state", default=None) is not None
    seed = site.value("random_state", default=None)
    shuffles = site.last == "train_test_split" or "Shuffle" in site.last or "Repeated" in site.last
    shuffle = site.value("shuffle", default=shuffles)
    if seed is not None or shuffle is False:
        return True
    return False if shuffle is True else None


def _shuffles(code: CodeIndex) -> list[Site]:
    """pandas `frame.sample(frac=1, ...)`: a shuffle of every row, the usual start of a split."""
    return [s for s in code.calls_with_kw("frac") if s.last == "sample" and s.value("frac") in (1, 1.0)]


def random_seeds(ctx: FileContext, code: CodeIndex) -> None:
    shuffles = _shuffles(code)
    seeded_shuffles = [s for s in shuffles if s.value("random_state", default=None) is not None]
    sites = sorted([*_seed_sites(code), *seeded_shuffles], key=lambda s: s.line)
    determinism = code.assignments("torch.backends.cudnn.deterministic")
    if sites:
        first = sites[0]
        message = f"fixes a random seed: {first.name}{first.where}"
        ctx.supports(line=first.line, message=message, check="random_seeds")
        ctx.fact("seeds", {"file": ctx.file.path, "line": first.line})
    elif determinism:
        ctx.supports(line=determinism[0][2], message="turns on deterministic cuDNN kernels", check="random_seeds")
        ctx.fact("seeds", {"file": ctx.file.path, "line": determinism[0][2]})
    seeded_here = bool(sites or determinism)
    seeded = False
    unseeded: list[Site] = []
    splits = sorted([*code.find(*SPLITS), *code.find(*GLOBAL_SHUFFLES), *shuffles], key=lambda s: s.line)
    for split in splits:
        same = _split_seeded(split, seeded_here=seeded_here)
        if same is False:
            unseeded.append(split)
        if same and not seeded:
            seeded = True
            ctx.supports(
                line=split.line,
                message=f"splits the data reproducibly: {split.name}{split.where}",
                check="reproducible_split",
            )
        elif same is False:
            ctx.contradicts(
                line=split.line,
                confidence=0.6,
                message=f"{split.name} shuffles the data with no seed: each run splits it differently{split.where}",
                check="reproducible_split",
            )
    if not seeded_here:
        _unseeded(ctx, code, unseeded[0] if unseeded else None)


def _unseeded_estimator(code: CodeIndex) -> tuple[Site, str] | None:
    """The first estimator built with no seed, and what it is."""
    for site in code.find(*RANDOM_ESTIMATORS):
        if "()" in site.name or not site.last[:1].isupper() or site.has_kw(*SEED_KWARGS):
            continue  # a method of a built estimator, a function, or a seeded one
        return site, f"{site.name} is built with no random_state"
    return None


def _unseeded_deep_learning(code: CodeIndex) -> tuple[Site, str] | None:
    """The first deep-learning training with no seed, and what it is: a Lightning Trainer, or
    a Keras/TensorFlow fit or a PyTorch backward pass."""
    trainer = code.first(*LIGHTNING_TRAINERS)
    if trainer is not None and code.first(*LIGHTNING_FITS) is not None:  # not one that only tests
        asked = " (deterministic=...)" if trainer.has_kw("deterministic") else ""
        return trainer, f"{trainer.name}{asked} trains with no seed_everything"
    # a framework's word and its training call's, asked apart: each need is met only by both
    if not any([code.has_words(*words) for words in _DL_TRAINING_WORDS]):
        return None
    if not any(code.uses(root) for root in ("tensorflow", "keras", "torch")):
        return None
    sites = training_sites(code)
    return (sites[0], f"{sites[0].name} trains with no framework seed") if sites else None


def _line_of(found: tuple[Site, str]) -> int:
    """Where to point: a Trainer's `deterministic` flag (a reproducible run asked for, which a
    seed must complete), else the call."""
    site = found[0]
    flag = site.kw("deterministic")
    if flag is None:
        return site.line
    return site.line + getattr(flag, "lineno", 0) - getattr(site.node, "lineno", 0)


def _unseeded(ctx: FileContext, code: CodeIndex, split: Site | None) -> None:
    """In a module that fixes no seed anywhere: the first place randomness enters (an unseeded
    split or shuffle, an estimator built with no seed, deep-learning training). In a notebook,
    python_code.unseeded_training speaks for the project instead."""
    first_split = (split, f"{split.name} shuffles with no seed") if split is not None else None
    found = [f for f in (first_split, _unseeded_estimator(code), _unseeded_deep_learning(code)) if f is not None]
    if not found or any(f[0].cell is not None for f in found):
        return
    chosen = min(found, key=lambda f: f[0].line)
    ctx.contradicts(
        line=_line_of(chosen),
        confidence=0.6,
        message=f"{chosen[1]} and nothing here fixes a seed: each run gives a different model",
        check="random_seeds",
    )
