"""The production profile's files: endpoints, nginx's template, and the
deployment on paper (deploy/helm, deploy/k8s) parse and fit together."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from scripts.run_production import nginx_config, parse_args, services, write_nginx_config

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"

# The measured RSS the deployment is sized from, in MiB, read from the committed
# benchmark results (bench/measured.json; docs/performance.md). A request below
# them fails the sizing tests.
MEASURED = json.loads((ROOT / "bench" / "measured.json").read_text(encoding="utf-8"))


def measured_rss_mib(process: str, one_rasa_process: bool = False) -> int:
    """The largest RSS measured for a process: every `make run` start in
    bench/resources.py's results and every production profile measurement.
    `one_rasa_process`: only where Rasa ran as one process (as in each pod),
    not as a main process with forked workers."""
    found = []
    for run in MEASURED["resources"]:
        if one_rasa_process and run["rasa_workers"] != 1:
            continue
        found += [start["rss_mb"][process] for start in run["starts"] if process in start["rss_mb"]]
    for run in MEASURED["production_profile"]:
        found += run["rss_mb"].get(process, [])
    assert found, f"bench/measured.json has no RSS of {process!r}"
    return max(found)


# Each Rasa pod runs one Rasa process (no Sanic workers): sized from a production
# instance after its load, or one `make run` process, whichever is larger.
RASA_RSS_MIB = max(measured_rss_mib("rasa instance"), measured_rss_mib("rasa", one_rasa_process=True))
ACTIONS_RSS_MIB = measured_rss_mib("action server")
BOT_RSS_MIB = measured_rss_mib("bot web service")

_UNITS = {
    "": 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40,
}


def mebibytes(quantity) -> float:
    """A Kubernetes memory quantity ("1Gi", "1536Mi", "500M", 2**30) in MiB."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?", str(quantity).strip())
    assert match, f"not a memory quantity: {quantity!r}"
    return float(match.group(1)) * _UNITS[match.group(2) or ""] / 2**20


def assert_sized(resources: dict, measured_mib: int, what: str) -> None:
    request = mebibytes(resources["requests"]["memory"])
    limit = mebibytes(resources["limits"]["memory"])
    assert request >= measured_mib, f"{what}: memory request {request:g} Mi is below the measured {measured_mib} MiB"
    assert limit > request, f"{what}: memory limit {limit:g} Mi is not above the request {request:g} Mi"
    assert limit >= 1.25 * measured_mib, f"{what}: memory limit {limit:g} Mi leaves no headroom over {measured_mib} MiB"


def documents(path: Path) -> list:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]


def test_every_deploy_yaml_file_parses():
    files = sorted(DEPLOY.rglob("*.yaml"))
    assert len(files) >= 7
    for path in files:
        assert documents(path), path


def test_production_endpoints_take_every_value_from_the_environment(tmp_path):
    text = (ROOT / "endpoints.production.yml").read_text(encoding="utf-8")
    # Rasa fills in ${VAR} only in plain (unquoted) values.
    assert not re.search(r"""['"]\$\{""", text)
    endpoints = yaml.safe_load(text)
    assert endpoints["tracker_store"]["type"] == "rasa_addons.tracker_store.LeanSQLTrackerStore"
    assert endpoints["tracker_store"]["dialect"] == "postgresql"
    assert endpoints["lock_store"]["type"] == "rasa_addons.redis_lock_store.AtomicRedisLockStore"
    needed = set(re.findall(r"\$\{(\w+)\}", text))
    args = parse_args(["--var-dir", str(tmp_path)])
    conf = write_nginx_config(args, tmp_path / "nginx")
    rasa = next(s for s in services(args, tmp_path / "model.tar.gz", tmp_path, conf) if s.name == "rasa 1")
    assert needed <= set(rasa.env), needed - set(rasa.env)
    assert "endpoints.production.yml" in rasa.command


def test_nginx_accepts_the_generated_configuration(tmp_path):
    args = parse_args(["--var-dir", str(tmp_path), "--rasa-ports", "6001,6002", "--actions-ports", "6011,6012"])
    text = nginx_config(args, tmp_path)
    assert "hash $binary_remote_addr consistent;" in text
    assert text.count("server 127.0.0.1:6001") == 2 and "server 127.0.0.1:6012" in text
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: run `make nginx`"
    conf = write_nginx_config(args, tmp_path)
    result = subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_helm_values_for_rasa():
    values = documents(DEPLOY / "helm" / "values.yaml")[0]
    assert values["replicaCount"] == 2
    assert values["image"]["tag"].startswith("3.6.21")
    endpoints = values["applicationSettings"]["endpoints"]
    assert endpoints["trackerStore"]["enabled"] and endpoints["trackerStore"]["dialect"] == "postgresql"
    assert endpoints["trackerStore"]["type"] == "rasa_addons.tracker_store.LeanSQLTrackerStore"
    assert endpoints["lockStore"]["enabled"] and endpoints["lockStore"]["type"] == "rasa_addons.redis_lock_store.AtomicRedisLockStore"
    assert endpoints["lockStore"]["key_prefix"].isalnum()
    channels = values["applicationSettings"]["credentials"]["additionalChannelCredentials"]
    assert set(channels) == set(documents(ROOT / "credentials.yml")[0])
    # Rasa starts through our entry point, which installs the patches (rasa_addons/__main__.py).
    assert values["command"] == ["python", "-m", "rasa_addons"]
    # A liveness probe must wait out TensorFlow's start-up.
    assert values["livenessProbe"]["initialDelaySeconds"] >= 180
    actions = documents(DEPLOY / "helm" / "actions-values.yaml")[0]
    assert actions["replicaCount"] == 2


def test_helm_values_keep_rasas_http_api_off():
    values = documents(DEPLOY / "helm" / "values.yaml")[0]
    settings = values["applicationSettings"]
    # Rasa's chart adds --enable-api to `rasa run` when enableAPI is true, and
    # true is its default: the key must be there and false.
    assert settings.get("enableAPI") is False
    # Nothing else may switch it on: overridden or extra arguments, a command,
    # or Rasa X mode (`rasa x` instead of `rasa run`).
    for key in ("args", "extraArgs", "command"):
        assert "--enable-api" not in [str(a) for a in values.get(key) or []], key
    assert "--enable-api" not in yaml.safe_dump(values)
    assert not (settings.get("rasaX") or {}).get("enabled")


def test_rasa_pods_are_sized_from_the_measured_rss():
    values = documents(DEPLOY / "helm" / "values.yaml")[0]
    # One Rasa process per pod, as the measurement: no Sanic workers.
    env = {e["name"]: e.get("value") for e in values.get("extraEnv") or []}
    assert env.get("SANIC_WORKERS", "1") == "1"
    assert_sized(values["resources"], RASA_RSS_MIB, "Rasa (deploy/helm/values.yaml)")


def test_action_server_pods_are_sized_from_the_measured_rss():
    actions = documents(DEPLOY / "helm" / "actions-values.yaml")[0]
    assert_sized(actions["resources"], ACTIONS_RSS_MIB, "action server (deploy/helm/actions-values.yaml)")


def test_bot_service_pods_are_sized_from_the_measured_rss():
    deployment = next(
        d for d in documents(DEPLOY / "k8s" / "bot.yaml")
        if d["kind"] == "Deployment" and d["metadata"]["name"] == "vardvagen-bot"
    )
    container = next(c for c in deployment["spec"]["template"]["spec"]["containers"] if c["name"] == "bot")
    assert_sized(container["resources"], BOT_RSS_MIB, "bot service (deploy/k8s/bot.yaml)")


def test_the_measured_results_are_dated_and_name_their_command():
    for run in MEASURED["resources"] + MEASURED["production_profile"]:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", run["date"]), run
        assert run["command"].strip(), run
    # The numbers the pods are sized from.
    assert 500 < RASA_RSS_MIB < 4096 and 20 < ACTIONS_RSS_MIB < 1024 and 20 < BOT_RSS_MIB < 1024


def test_memory_quantities_are_read_as_kubernetes_reads_them():
    assert mebibytes("1Gi") == 1024 and mebibytes("1536Mi") == 1536 and mebibytes("192Mi") == 192
    assert round(mebibytes("1G"), 1) == 953.7 and mebibytes(2**30) == 1024
    # A request just under the measurement fails.
    try:
        assert_sized({"requests": {"memory": f"{RASA_RSS_MIB - 1}Mi"}, "limits": {"memory": "4Gi"}}, RASA_RSS_MIB, "probe")
    except AssertionError:
        pass
    else:
        raise AssertionError("a request below the measured RSS passed")


def kinds(folder: Path) -> dict:
    found = {}
    for path in folder.glob("*.yaml"):
        for doc in documents(path):
            found.setdefault(doc["kind"], []).append(doc)
    return found


def test_kubernetes_manifests_for_the_bot_service():
    found = kinds(DEPLOY / "k8s")
    deployment = next(d for d in found["Deployment"] if d["metadata"]["name"] == "vardvagen-bot")
    assert deployment["spec"]["replicas"] == 2
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/health"
    env = {e["name"]: e for e in container["env"]}
    for name in ("VARDVAGEN_DATABASE_URL", "VARDVAGEN_TRACKER_URL", "VARDVAGEN_SMTP_PASSWORD", "VARDVAGEN_ACTIONS_TOKEN"):
        assert "secretKeyRef" in env[name]["valueFrom"], name
    assert any(v.get("configMap", {}).get("name") == "vardvagen-content" for v in pod["volumes"])
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    service = next(s for s in found["Service"] if s["metadata"]["name"] == "vardvagen-bot")
    assert service["spec"]["selector"].items() <= labels.items()
    socket = next(i for i in found["Ingress"] if any(
        p["path"] == "/socket.io" for rule in i["spec"]["rules"] for p in rule["http"]["paths"]
    ))
    annotations = socket["metadata"]["annotations"]
    assert "nginx.ingress.kubernetes.io/upstream-hash-by" in annotations or "nginx.ingress.kubernetes.io/affinity" in annotations
    assert "NetworkPolicy" in found and "Job" in found


def test_the_bot_service_and_the_action_servers_share_one_actions_token():
    """The per-conversation lookup limit needs the same secret on both sides (bot/security.py)."""
    deployment = next(
        d for d in documents(DEPLOY / "k8s" / "bot.yaml")
        if d["kind"] == "Deployment" and d["metadata"]["name"] == "vardvagen-bot"
    )
    bot_env = {e["name"]: e for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    actions_env = {e["name"]: e for e in documents(DEPLOY / "helm" / "actions-values.yaml")[0]["extraEnv"]}
    bot_ref = bot_env["VARDVAGEN_ACTIONS_TOKEN"]["valueFrom"]["secretKeyRef"]
    actions_ref = actions_env["VARDVAGEN_ACTIONS_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert (bot_ref["name"], bot_ref["key"]) == (actions_ref["name"], actions_ref["key"])
    assert not bot_ref.get("optional") and not actions_ref.get("optional")
    secret = next(d for d in documents(DEPLOY / "k8s" / "secret.example.yaml") if d["metadata"]["name"] == bot_ref["name"])
    assert secret["stringData"][bot_ref["key"]] == "CHANGE-ME"


def test_the_production_profile_gives_rasa_its_action_servers_and_bot_service_one_new_token(tmp_path, monkeypatch):
    monkeypatch.delenv("VARDVAGEN_ACTIONS_TOKEN", raising=False)
    args = parse_args(["--var-dir", str(tmp_path)])
    conf = write_nginx_config(args, tmp_path / "nginx")

    def tokens():
        found = {s.name: s.env.get("VARDVAGEN_ACTIONS_TOKEN") for s in services(args, tmp_path / "m.tar.gz", tmp_path, conf)}
        return {name: token for name, token in found.items() if name.startswith(("action server", "bot", "rasa"))}, found

    first, every = tokens()
    assert set(first) == {"action server 1", "action server 2", "bot web service", "rasa 1", "rasa 2"}
    assert len(set(first.values())) == 1 and len(next(iter(first.values()))) >= 32
    assert all(token is None for name, token in every.items() if name not in first), "only they have it"
    assert set(tokens()[0].values()) != set(first.values()), "a new token at every start"
