#!/usr/bin/env python3
# k8s-check.py FILE...: checks Kubernetes Job manifests (the examples in
# examples/kubernetes) offline against the part of the batch/v1 Job and
# core/v1 PodSpec schema they use, strictly: an unknown field, a wrong
# type, a missing required field or a volume mount without its volume is
# an error, as `kubectl apply --validate=strict` would report it (no
# cluster here to ask).  Also the rules of an Indexed Job: completions
# given, parallelism at most completions, backoffLimitPerIndex only with
# completionMode Indexed.  One line per error; exit 1 if any, 2 when a
# file cannot be read or parsed.
import sys

import yaml

STR, INT, BOOL = "string", "integer", "boolean"
QTY = "quantity"    # "8", 8, "1Gi"

# Each schema is a dict: field -> type, or ("list", schema), or a dict.
# "!" before a field name marks it required.
RESOURCES = {"requests": {"*": QTY}, "limits": {"*": QTY}}
ENV = {"!name": STR, "value": STR}
MOUNT = {"!name": STR, "!mountPath": STR, "readOnly": BOOL,
         "subPath": STR}
CONTAINER = {"!name": STR, "!image": STR, "command": ("list", STR),
             "args": ("list", STR), "env": ("list", ENV),
             "workingDir": STR, "resources": RESOURCES,
             "volumeMounts": ("list", MOUNT),
             "imagePullPolicy": STR}
VOLUME = {"!name": STR,
          "persistentVolumeClaim": {"!claimName": STR, "readOnly": BOOL},
          "secret": {"!secretName": STR, "defaultMode": INT},
          "emptyDir": {"medium": STR, "sizeLimit": QTY},
          "configMap": {"!name": STR}}
POD = {"!containers": ("list", CONTAINER), "!restartPolicy": STR,
       "volumes": ("list", VOLUME), "serviceAccountName": STR,
       "nodeSelector": {"*": STR}}
META = {"!name": STR, "namespace": STR, "labels": {"*": STR},
        "annotations": {"*": STR}}
JOB = {"!apiVersion": STR, "!kind": STR, "!metadata": META,
       "!spec": {"!template": {"metadata": {"labels": {"*": STR}},
                               "!spec": POD},
                 "completionMode": STR, "completions": INT,
                 "parallelism": INT, "backoffLimit": INT,
                 "backoffLimitPerIndex": INT, "maxFailedIndexes": INT,
                 "activeDeadlineSeconds": INT,
                 "ttlSecondsAfterFinished": INT}}

errors = []


def err(where, msg):
    errors.append("%s: %s" % (where, msg))


def typed(where, v, t):
    ok = {STR: lambda x: isinstance(x, str),
          INT: lambda x: isinstance(x, int) and not isinstance(x, bool),
          BOOL: lambda x: isinstance(x, bool),
          QTY: lambda x: (isinstance(x, int) and not isinstance(x, bool))
          or isinstance(x, str)}[t](v)
    if not ok:
        err(where, "must be a %s, not %r" % (t, v))


def walk(where, v, schema):
    if isinstance(schema, tuple):
        if not isinstance(v, list):
            err(where, "must be a list")
            return
        for i, x in enumerate(v):
            walk("%s[%d]" % (where, i), x, schema[1])
        return
    if isinstance(schema, str):
        typed(where, v, schema)
        return
    if not isinstance(v, dict):
        err(where, "must be a mapping")
        return
    fields = {k.lstrip("!"): s for k, s in schema.items()}
    for k in schema:
        if k.startswith("!") and k[1:] not in v:
            err(where, "missing required field %s" % k[1:])
    for k, x in v.items():
        if k in fields:
            walk("%s.%s" % (where, k), x, fields[k])
        elif "*" in fields:
            walk("%s.%s" % (where, k), x, fields["*"])
        else:
            err(where, "unknown field %s" % k)


def job_rules(where, doc):
    if doc.get("apiVersion") != "batch/v1" or doc.get("kind") != "Job":
        err(where, "not a batch/v1 Job")
        return
    spec = doc.get("spec") or {}
    pod = (spec.get("template") or {}).get("spec") or {}
    if not isinstance(spec, dict) or not isinstance(pod, dict):
        return
    if pod.get("restartPolicy") not in ("Never", "OnFailure"):
        err(where, "spec.template.spec.restartPolicy must be Never or "
            "OnFailure for a Job")
    mode = spec.get("completionMode", "NonIndexed")
    if mode not in ("Indexed", "NonIndexed"):
        err(where, "spec.completionMode must be Indexed or NonIndexed")
    if mode == "Indexed" and not isinstance(spec.get("completions"), int):
        err(where, "an Indexed Job needs spec.completions")
    if ("backoffLimitPerIndex" in spec or "maxFailedIndexes" in spec) \
            and mode != "Indexed":
        err(where, "spec.backoffLimitPerIndex needs completionMode "
            "Indexed")
    c, p = spec.get("completions"), spec.get("parallelism")
    if isinstance(c, int) and isinstance(p, int) and p > c:
        err(where, "spec.parallelism %d is more than completions %d"
            % (p, c))
    vols = {v.get("name") for v in pod.get("volumes") or []
            if isinstance(v, dict)}
    for ci, ctr in enumerate(pod.get("containers") or []):
        if not isinstance(ctr, dict):
            continue
        for m in ctr.get("volumeMounts") or []:
            if isinstance(m, dict) and m.get("name") not in vols:
                err("%s.spec.template.spec.containers[%d]" % (where, ci),
                    "volume mount %s has no volume of that name"
                    % m.get("name"))
    for vi, v in enumerate(pod.get("volumes") or []):
        kinds = [k for k in ("persistentVolumeClaim", "secret", "emptyDir",
                             "configMap") if isinstance(v, dict) and k in v]
        if len(kinds) != 1:
            err("%s.spec.template.spec.volumes[%d]" % (where, vi),
                "exactly one volume source, not %d" % len(kinds))


def main(paths):
    status = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                docs = [d for d in yaml.safe_load_all(f) if d is not None]
        except (OSError, yaml.YAMLError, UnicodeDecodeError) as e:
            print("%s: %s" % (path, str(e).splitlines()[0]))
            status = 2
            continue
        if not docs:
            err(path, "no document")
        for i, doc in enumerate(docs):
            where = path if len(docs) == 1 else "%s#%d" % (path, i)
            walk(where, doc, JOB)
            if isinstance(doc, dict):
                job_rules(where, doc)
    for e in errors:
        print(e)
    if errors and status == 0:
        status = 1
    if status == 0:
        print("k8s-check: %d file(s) ok" % len(paths))
    return status


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: k8s-check.py FILE...", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
