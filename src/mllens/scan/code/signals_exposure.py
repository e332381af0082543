"""Signals of how serving code exposes a model: the development server's debugger, who may
call an inference route (authentication, CORS, a public Gradio link), payloads that name a
URL the service then fetches, and database passwords written into connection calls.

Read from modules only (db_credentials also from notebooks). Each signal first asks the
index for the calls or decorators it is about (a Flask app's run, a route decorator, a
Gradio launch, a JSON response, a database client), so a module with none of them is never
walked (mllens.scan.code.triggers).
"""

from __future__ import annotations

import ast
import re

from mllens.scan.code import serving
from mllens.scan.code.analysis import CodeIndex, Site
from mllens.scan.context import FileContext

_APP_RUN = ("flask.*().run", "werkzeug.serving.run_simple")
_ANY_HOST = frozenset({"0.0.0.0", "::", ""})
_CORS = ("flask_cors.CORS", "flask_cors.cross_origin")
_GRADIO = ("gradio.*",)
# the names an authentication dependency, decorator or middleware is given
_AUTH = re.compile(r"auth|login|token|jwt|api_?key|apikey|credential|current_user|verify|oauth|bearer|"
                   r"permission|security|session", re.IGNORECASE)
# routes a serving platform calls after authenticating the caller itself: SageMaker's
# /invocations (IAM-signed requests reach the container only through the endpoint); and /
_PLATFORM_PATHS = frozenset({"", "/invocations"})
_URL_KEY_TEXT = re.compile(r"""["'][\w-]*(url|uri|link|href)s?["']""", re.IGNORECASE)
_CORS_HEADER = re.compile(r"access-control-allow-origin", re.IGNORECASE)
_URL_KEY = re.compile(r"(^|[_-])(url|uri|link|href)s?$", re.IGNORECASE)
# calls that show a URL from the payload is checked before it is fetched
_URL_CHECKS = ("urlparse", "urlsplit", "HttpUrl", "AnyHttpUrl", "ip_address", "ip_network")


def _last(expr: ast.expr) -> str:
    """The plain name a call, attribute or name ends with (`Depends` in `fastapi.Depends(x)`)."""
    if isinstance(expr, ast.Call):
        expr = expr.func
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return expr.id if isinstance(expr, ast.Name) else ""


def debug_server(ctx: FileContext, code: CodeIndex) -> None:
    for site in code.select(_APP_RUN):
        debug = site.value("use_debugger" if site.last == "run_simple" else "debug")
        if debug is not True:
            continue
        host = site.value("hostname" if site.last == "run_simple" else "host", site.value(0))
        where = ("on every interface" if host in _ANY_HOST else
                 "on the local interface" if host is None or host in ("127.0.0.1", "localhost") else
                 "on the configured host")
        server = site.name.split(".")[0].capitalize()
        ctx.contradicts(line=site.line, message=f"{server} development server runs with its interactive debugger "
                                                f"{where}: anyone who reaches the port can run code in the process")


def _dict_headers(tree: ast.Module) -> list[int]:
    """Lines of `{"Access-Control-Allow-Origin": "*"}` in response headers."""
    lines: list[int] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (isinstance(key, ast.Constant) and isinstance(key.value, str)
                        and key.value.lower() == "access-control-allow-origin"
                        and isinstance(value, ast.Constant) and value.value == "*"):
                    lines.append(key.lineno)
    return lines


def _any_origin(site: Site, code: CodeIndex) -> int | None:
    """The line where a CORS setup admits every origin, else None."""
    if site.name.startswith("flask_cors."):
        origins = site.value("origins", site.value("resources", "*"))
        spread = origins == "*" or (isinstance(origins, list) and "*" in origins)
        return site.line if spread else None
    origins = site.value("allow_origins")
    regex = site.value("allow_origin_regex")
    if (isinstance(origins, list) and "*" in origins) or regex in (".*", "^.*$", ".+"):
        node = site.kw("allow_origins") or site.kw("allow_origin_regex")
        return getattr(node, "lineno", site.line)
    return None


def _cors(ctx: FileContext, code: CodeIndex) -> None:
    calls = code.select(_CORS)
    called = {(s.line, s.last) for s in calls}
    # a bare `@cross_origin` (no call): what the decorator index holds for `@cross_origin(...)` is its callee
    bare = [s for s in code.select(_CORS, "decorators") if (s.line, s.last) not in called]
    sites = [*calls, *bare, *code.calls_ending("add_middleware")]
    for site in sites:
        if site.last == "add_middleware" and not any(
            isinstance(a, ast.Name | ast.Attribute) and _last(a) == "CORSMiddleware"
            for a in getattr(site.node, "args", [])
        ):
            continue
        line = _any_origin(site, code)
        if line is not None:
            ctx.contradicts(line=line, check="endpoint_private_access",
                            message="CORS admits every origin: any web page can call the model from its "
                                    "visitors' browsers; list the origins that may call it")
    # the header is a string: its words, then the text, before any parse
    if (code.has_words("Allow", "Origin") or code.has_words("allow", "origin")) and _CORS_HEADER.search(ctx.file.text):
        tree = ctx.file.data
        for line in _dict_headers(tree) if isinstance(tree, ast.Module) else []:
            ctx.contradicts(line=line, check="endpoint_private_access",
                            message="the response allows any origin (Access-Control-Allow-Origin: *): any web "
                                    "page can call the model from its visitors' browsers")


def _gradio(ctx: FileContext, code: CodeIndex) -> None:
    if not code.select(_GRADIO):
        return
    for site in code.calls_ending("launch"):
        if site.value("share") is True:
            node = site.kw("share")
            ctx.contradicts(line=getattr(node, "lineno", site.line), check="endpoint_private_access",
                            message="the Gradio app opens a public share link (share=True): anyone with the "
                                    "link reaches the model")
        if site.has_kw("auth", "auth_dependency"):
            ctx.supports(line=site.line, check="endpoint_authentication",
                         message="the Gradio app asks its users to log in (launch(auth=...))")
        else:
            ctx.contradicts(line=site.line, check="endpoint_authentication", confidence=0.6,
                            message="the Gradio app is launched with no authentication (no auth=): whoever "
                                    "reaches it can query the model")


def _protected(function: serving.Function, decorator_kw: list[ast.keyword]) -> bool:
    """A route guarded by an authentication dependency, decorator or Security parameter."""
    for decorator in function.decorator_list:
        if _AUTH.search(ast.unparse(decorator.func if isinstance(decorator, ast.Call) else decorator)):
            return True
    if any(k.arg == "dependencies" and _AUTH.search(ast.unparse(k.value)) for k in decorator_kw):
        return True
    args = function.args
    for default in [*args.defaults, *args.kw_defaults]:
        if isinstance(default, ast.Call) and _last(default) in ("Depends", "Security") \
                and _AUTH.search(ast.unparse(default)):
            return True
    return any(_AUTH.search(ast.unparse(a.annotation)) for a in [*args.args, *args.kwonlyargs]
               if a.annotation is not None and "Credentials" in ast.unparse(a.annotation))


def _app_guarded(code: CodeIndex) -> bool:
    """Authentication set for the whole app: app-wide dependencies, an auth middleware, or a
    Flask before_request hook (whatever it checks is not read)."""
    for site in code.select(("fastapi.FastAPI", "fastapi.APIRouter")):
        dependencies = site.kw("dependencies")
        if dependencies is not None and _AUTH.search(ast.unparse(dependencies)):
            return True
    for site in code.calls_ending("add_middleware"):
        if any(_AUTH.search(ast.unparse(a)) for a in getattr(site.node, "args", [])):
            return True
    return bool(code.select(("flask.*().before_request",), "decorators"))


def _calls_model(function: serving.Function) -> bool:
    return any(isinstance(n, ast.Call) and _last(n) in serving.PREDICTS for n in ast.walk(function))


def _routes(ctx: FileContext, code: CodeIndex) -> None:
    if not code.select(serving.ROUTES, "decorators") or not code.calls_ending(*serving.PREDICTS):
        return
    tree = ctx.file.data
    if not isinstance(tree, ast.Module) or _app_guarded(code):
        return
    for handler in serving.handlers(code, tree):
        if handler.kind != "route" or (handler.path or "").rstrip("/") in serving.HEALTH_PATHS | _PLATFORM_PATHS:
            continue
        if not _calls_model(handler.function):
            continue
        decorator = next((d for d in handler.function.decorator_list if getattr(d, "lineno", 0) == handler.line), None)
        keywords = decorator.keywords if isinstance(decorator, ast.Call) else []
        name = f"route {handler.path or ''} ({handler.function.name})"
        if _protected(handler.function, keywords):
            ctx.supports(line=handler.line, check="endpoint_authentication",
                         message=f"{name} requires an authenticated caller")
        else:
            ctx.contradicts(line=handler.line, check="endpoint_authentication",
                            message=f"{name} answers any caller: no authentication dependency, decorator or "
                                    f"middleware (unless a gateway in front checks callers)")
        return  # one finding per module: the first inference route


def endpoint_access(ctx: FileContext, code: CodeIndex) -> None:
    _cors(ctx, code)
    _gradio(ctx, code)
    _routes(ctx, code)


def _reachable(tree: ast.Module, start: serving.Function) -> list[serving.Function]:
    """The handler and the module's functions it calls by name (two calls deep)."""
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    found: list[serving.Function] = [start]
    for _ in range(2):
        for function in list(found):
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    callee = functions.get(node.func.id)
                    if callee is not None and callee not in found:
                        found.append(callee)
    return found


def _url_read(function: serving.Function) -> ast.AST | None:
    """`payload["image_url"]` or `payload.get("url")`: a URL taken from the request."""
    for node in ast.walk(function):
        key: ast.expr | None = None
        if isinstance(node, ast.Subscript):
            key = node.slice
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and node.args:
            key = node.args[0]
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and _URL_KEY.search(key.value):
            return node
    return None


def _lambda_handlers(tree: ast.Module) -> list[serving.Function]:
    """Module functions shaped like an AWS Lambda handler: `*handler(event, context)`."""
    return [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            and n.name.endswith("handler") and len(n.args.args) == 2]


def payload_urls(ctx: FileContext, code: CodeIndex) -> None:
    serves = (code.select(serving.ROUTES, "decorators") or code.select(serving.KSERVE_BASES, "bases")
              or code.calls_ending(*serving.PREDICTS, "invoke", "invoke_endpoint"))
    # no quoted url/uri/link key in the text: nothing to find, and no syntax tree to walk
    if not serves or code.calls_ending(*_URL_CHECKS) or not _URL_KEY_TEXT.search(ctx.file.text):
        return
    tree = ctx.file.data
    if not isinstance(tree, ast.Module):
        return
    starts = [h.function for h in serving.handlers(code, tree) if h.kind != "route" or h.takes_body]
    starts += [f for f in _lambda_handlers(tree) if f not in starts]
    seen: set[int] = set()
    for start in starts:
        for function in _reachable(tree, start):
            node = _url_read(function)
            if node is None or id(node) in seen:
                continue
            seen.add(id(node))
            via = "" if function is start else f" (in {function.name})"
            ctx.contradicts(line=getattr(node, "lineno", start.lineno),
                            message=f"{start.name} takes a URL from the request{via} and nothing checks its "
                                    f"scheme, host or size before it is used: callers can make the service "
                                    f"fetch internal addresses or huge files")
            break


_DB_CONNECT = (
    "psycopg.connect", "psycopg.AsyncConnection.connect", "psycopg2.connect", "psycopg_pool.*Pool",
    "asyncpg.connect", "asyncpg.create_pool", "pymysql.connect", "mysql.connector.connect", "MySQLdb.connect",
    "sqlalchemy.create_engine", "sqlalchemy.engine.create_engine", "sqlalchemy.ext.asyncio.create_async_engine",
    "pymongo.MongoClient", "motor.motor_asyncio.AsyncIOMotorClient", "redis.Redis", "redis.StrictRedis",
    "redis.from_url", "pyodbc.connect", "cx_Oracle.connect", "oracledb.connect", "snowflake.connector.connect",
    "trino.dbapi.connect",
)  # fmt: skip
_DSN_PASSWORD = re.compile(r"(?:^|\s|;)(?:password|pwd)\s*=\s*(?!\s|$|\{|\$)[^\s;]+", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"^[a-z][\w+.-]*://[^:/@\s]+:(?!\{|\$)[^@/\s]+@", re.IGNORECASE)


def _literal_password(site: Site) -> bool:
    """The call passes a password written in the code: a password= argument or a DSN or URL holding one."""
    for name in ("password", "passwd", "pwd"):
        value = site.value(name)
        if isinstance(value, str) and value and not value.startswith("$"):
            return True
    node = site.node
    texts = [site.index.value_of(a) if site.index else None for a in getattr(node, "args", [])[:1]]
    texts += [site.value(k) for k in ("conninfo", "dsn", "url", "host", "connection_string", "conn_string")]
    return any(isinstance(t, str) and (_DSN_PASSWORD.search(t) or _URL_PASSWORD.search(t)) for t in texts)


def db_credentials(ctx: FileContext, code: CodeIndex) -> None:
    for site in code.select(_DB_CONNECT):
        if _literal_password(site):
            # never repeat the value: it would end up in reports and CI logs
            ctx.contradicts(line=site.line, message=f"{site.name} is given a database password written in the "
                                                    f"code{site.where}: read it from the environment or a "
                                                    f"secrets manager")
