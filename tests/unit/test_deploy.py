"""The production profile's files: endpoints, nginx's template, and the
deployment on paper (deploy/helm, deploy/k8s) parse and fit together."""

import re
import shutil
import subprocess
from pathlib import Path

import yaml

from scripts.run_production import nginx_config, parse_args, services, write_nginx_config

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


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
    assert endpoints["tracker_store"]["type"] == "bot.tracker_store.LeanSQLTrackerStore"
    assert endpoints["tracker_store"]["dialect"] == "postgresql"
    assert endpoints["lock_store"]["type"] == "bot.lock_store.AtomicRedisLockStore"
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
    assert endpoints["trackerStore"]["type"] == "bot.tracker_store.LeanSQLTrackerStore"
    assert endpoints["lockStore"]["enabled"] and endpoints["lockStore"]["type"] == "bot.lock_store.AtomicRedisLockStore"
    assert endpoints["lockStore"]["key_prefix"].isalnum()
    channels = values["applicationSettings"]["credentials"]["additionalChannelCredentials"]
    assert set(channels) == set(documents(ROOT / "credentials.yml")[0])
    assert values["resources"]["requests"]["memory"] and values["resources"]["limits"]["memory"]
    # A liveness probe must wait out TensorFlow's start-up.
    assert values["livenessProbe"]["initialDelaySeconds"] >= 180
    actions = documents(DEPLOY / "helm" / "actions-values.yaml")[0]
    assert actions["replicaCount"] == 2 and actions["resources"]["limits"]["memory"]


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
    assert container["resources"]["requests"]["memory"] and container["resources"]["limits"]["memory"]
    env = {e["name"]: e for e in container["env"]}
    for name in ("VARDVAGEN_DATABASE_URL", "VARDVAGEN_TRACKER_URL", "VARDVAGEN_SMTP_PASSWORD"):
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
