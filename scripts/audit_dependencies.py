"""Audit the installed Python distributions for known vulnerabilities: pip-audit, or what PyPI still tells us.

    .venv/bin/python scripts/audit_dependencies.py [--python .venv/bin/python] [--json audit.json]
                                                   [--ignore ADVISORY_ID ...] [--no-pip-audit]

1. pip-audit (``python -m pip_audit``, run by the audited interpreter; ``pip install pip-audit`` there when
   missing) with its PyPI service. Where the per-release JSON API (``/pypi/NAME/VERSION/json``) cannot be
   reached, pip-audit reports every package as "not found on PyPI" and prints "No known vulnerabilities
   found": that is not an audit, so those packages go to step 2.
2. The project JSON API (``/pypi/NAME/json``), which PyPI serves for the *latest* release only: its
   ``vulnerabilities`` list holds the advisories that affect the latest release. So a package installed at
   its latest release is checked (clean / affected); a package installed at an older release is "could not
   check" (PyPI's advisories for that release are not reachable from here), with the latest release's
   advisories shown when it has any.

Prints one row per installed distribution: version, latest on PyPI, advisories affecting it, status (clean,
affected, could not check) and where the verdict came from. Exit status: 1 when a package is affected by an
advisory not given with --ignore, else 0 (packages that could not be checked are listed, not failed on).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from packaging.version import InvalidVersion, Version

REPO = Path(__file__).resolve().parent.parent
PYPI_PROJECT_JSON = "https://pypi.org/pypi/{name}/json"
TIMEOUT_S = 30


@dataclass
class Verdict:
    name: str
    version: str
    latest: str = ""
    advisories: list[str] = field(default_factory=list)      # "ID (fixed in X)" affecting the installed version
    status: str = "could not check"                           # clean | affected | could not check
    source: str = ""                                          # pip-audit | pypi-latest | why it could not check


def installed(python: str) -> list[tuple[str, str]]:
    out = subprocess.run([python, "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
                         capture_output=True, text=True, check=True).stdout
    return sorted((d["name"], d["version"]) for d in json.loads(out))


def run_pip_audit(python: str) -> tuple[dict[str, Verdict], str]:
    """Verdicts pip-audit really reached (skipped packages left out), and a one-line account of the run."""
    if subprocess.run([python, "-c", "import pip_audit"], capture_output=True).returncode != 0:
        return {}, "pip-audit is not installed in the audited environment (pip install pip-audit)"
    proc = subprocess.run([python, "-m", "pip_audit", "--local", "--vulnerability-service", "pypi", "--format", "json",
                           "--progress-spinner", "off"], capture_output=True, text=True, timeout=1800)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {}, f"pip-audit failed (exit {proc.returncode}): {last[:200]}"
    verdicts: dict[str, Verdict] = {}
    skipped = 0
    for dep in report.get("dependencies", []):
        if "skip_reason" in dep:
            skipped += 1
            continue
        ids = [f"{v['id']} (fixed in {', '.join(v.get('fix_versions') or []) or 'no release'})"
               for v in dep.get("vulns", [])]
        verdicts[_key(dep["name"])] = Verdict(dep["name"], dep.get("version", ""), advisories=ids,
                                               status="affected" if ids else "clean", source="pip-audit")
    return verdicts, f"pip-audit (PyPI service): {len(verdicts)} packages audited, {skipped} skipped"


def pypi_latest_verdict(name: str, version: str) -> Verdict:
    verdict = Verdict(name, version)
    try:
        with urllib.request.urlopen(PYPI_PROJECT_JSON.format(name=name), timeout=TIMEOUT_S) as response:
            project = json.load(response)
    except urllib.error.HTTPError as err:
        verdict.source = "not on PyPI (a local package?)" if err.code == 404 else f"PyPI: HTTP {err.code}"
        return verdict
    except (urllib.error.URLError, OSError, ValueError) as err:
        verdict.source = f"PyPI unreachable: {getattr(err, 'reason', err)}"
        return verdict
    verdict.latest = project.get("info", {}).get("version", "")
    listed = [v for v in project.get("vulnerabilities") or [] if not v.get("withdrawn")]
    try:
        mine, latest = Version(version), Version(verdict.latest)
    except InvalidVersion:
        verdict.source = "unparseable version"
        return verdict
    affecting = [v for v in listed if _affects(v, mine)]
    verdict.advisories = [f"{v.get('id')} (fixed in {', '.join(v.get('fixed_in') or []) or 'no release'})"
                          for v in affecting]
    if mine == latest:
        verdict.status = "affected" if affecting else "clean"
        verdict.source = "pypi-latest"
    else:
        verdict.source = (f"installed {'older' if mine < latest else 'newer'} than the latest release; PyPI "
                          "lists advisories for the latest only")
    return verdict


def _affects(advisory: dict, version: Version) -> bool:
    """An advisory listed for the latest release affects ``version`` unless a listed fix is at or below it
    on the same major line."""
    for fixed in advisory.get("fixed_in") or []:
        try:
            f = Version(fixed)
        except InvalidVersion:
            continue
        if f <= version and f.major == version.major:
            return False
    return True


def _key(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def audit(python: str, use_pip_audit: bool = True) -> tuple[list[Verdict], str]:
    packages = installed(python)
    by_pip_audit, account = run_pip_audit(python) if use_pip_audit else ({}, "pip-audit not run (--no-pip-audit)")
    rest = [(n, v) for n, v in packages if _key(n) not in by_pip_audit]
    with ThreadPoolExecutor(max_workers=8) as pool:
        fallback = list(pool.map(lambda nv: pypi_latest_verdict(*nv), rest))
    verdicts = {**{_key(v.name): v for v in fallback}, **by_pip_audit}
    return [verdicts[_key(n)] for n, _ in packages], account


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_python = REPO / ".venv" / "bin" / "python"
    parser.add_argument("--python", default=str(default_python if default_python.exists() else sys.executable),
                        help="interpreter of the environment to audit (default: the project's .venv)")
    parser.add_argument("--json", type=Path, help="also write the verdicts here")
    parser.add_argument("--ignore", action="append", default=[], metavar="ID",
                        help="an advisory already explained (docs/reliability.md): reported, not failed on")
    parser.add_argument("--no-pip-audit", action="store_true", help="only the PyPI project JSON fallback")
    args = parser.parse_args(argv)

    verdicts, account = audit(args.python, use_pip_audit=not args.no_pip_audit)
    print(account)
    width = max(len(v.name) for v in verdicts)
    print(f"{'package':<{width}}  {'installed':<12} {'latest':<12} {'status':<16} advisories / source")
    for v in verdicts:
        detail = "; ".join(v.advisories) + (" — " if v.advisories else "") + v.source
        print(f"{v.name:<{width}}  {v.version:<12} {v.latest:<12} {v.status:<16} {detail}")
    counts = {s: sum(v.status == s for v in verdicts) for s in ("clean", "affected", "could not check")}
    print(f"{len(verdicts)} distributions: {counts['clean']} clean, {counts['affected']} affected, "
          f"{counts['could not check']} could not be checked")
    if args.json:
        args.json.write_text(json.dumps({"account": account, "verdicts": [asdict(v) for v in verdicts]}, indent=1),
                             encoding="utf-8")
    unexplained = [v for v in verdicts if v.status == "affected"
                   and any(a.split()[0] not in args.ignore for a in v.advisories)]
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
