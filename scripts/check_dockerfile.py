#!/usr/bin/env python3
"""Checks the Dockerfile without a Docker engine (none runs on the machines this project is built on).

1. The build stage's context: the files its COPY lines take from the build context (the repository less what
   .dockerignore leaves out), laid out under its WORKDIR as the image would have them. SwiftPM must load the
   package from there (`swift package describe`), with the `logit` product the stage builds.
2. The runtime stage's Debian packages: each shared library the binary links directly (readelf's NEEDED, resolved
   by ldd) must come from a package the stage installs or from one that debian:bookworm-slim already has, and the
   stage installs nothing else. Libraries of the Swift toolchain are left out: the image links the Swift standard
   library statically.

Usage: scripts/check_dockerfile.py PATH/TO/logit
The last line is `dockerfile: N passed, M failed`.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Packages every debian:bookworm-slim image has (priority required, or needed by apt), which a stage may name.
BASE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}


def stages(dockerfile: str) -> list[list[str]]:
    """The instructions of each stage, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", dockerfile)
    result: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            result.append([])
        if result:
            result[-1].append(line)
    return result


def ignore_patterns() -> list[tuple[bool, str]]:
    """.dockerignore's patterns as (is_exception, pattern), in order (the last match wins, as in Docker)."""
    path = ROOT / ".dockerignore"
    patterns = []
    if path.exists():
        for line in path.read_text().splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            exception = line.startswith("!")
            pattern = os.path.normpath(line.lstrip("!").strip("/"))
            patterns.append((exception, pattern))
    return patterns


def pattern_matches(pattern: str, path: str) -> bool:
    """Docker's matching: `*` and `?` within one path segment, `**` across any number of them; a pattern that names
    a folder also covers everything below it."""
    regex = ""
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            regex += "(?:.*/)?"
            index += 3
        elif pattern.startswith("**", index):
            regex += ".*"
            index += 2
        else:
            char = pattern[index]
            regex += "[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char)
            index += 1
    return re.fullmatch(regex + "(?:/.*)?", path) is not None


def ignored(relative: str, patterns: list[tuple[bool, str]]) -> bool:
    result = False
    for exception, pattern in patterns:
        if pattern_matches(pattern, relative):
            result = not exception
    return result


def copy_into(source: str, destination: Path, patterns: list[tuple[bool, str]]) -> int:
    """Copies a COPY source (file, folder or glob, relative to the context) to destination; returns files copied."""
    copied = 0
    matches = sorted(ROOT.glob(source)) if any(c in source for c in "*?[") else [ROOT / source]
    for match in matches:
        if not match.exists():
            raise FileNotFoundError(f"COPY {source}: not in the build context")
        relative = match.relative_to(ROOT).as_posix()
        if ignored(relative, patterns):
            raise FileNotFoundError(f"COPY {source}: left out of the build context by .dockerignore")
        if match.is_file():
            target = destination / match.name if str(destination).endswith("/") or destination.is_dir() else destination
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(match, target)
            copied += 1
            continue
        for folder, subfolders, files in os.walk(match):
            folder_relative = Path(folder).relative_to(ROOT).as_posix()
            subfolders[:] = [s for s in subfolders if not ignored(f"{folder_relative}/{s}", patterns)]
            for name in files:
                if ignored(f"{folder_relative}/{name}", patterns):
                    continue
                target = destination / Path(folder).relative_to(match) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(folder) / name, target)
                copied += 1
    return copied


def check_build_context(build_stage: list[str]) -> list[str]:
    problems = []
    patterns = ignore_patterns()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        workdir = root
        for instruction in build_stage:
            words = shlex.split(instruction)
            keyword = words[0].upper()
            if keyword == "WORKDIR":
                workdir = root / words[1].lstrip("/")
                workdir.mkdir(parents=True, exist_ok=True)
            elif keyword == "COPY" and not any(w.startswith("--from") for w in words):
                *sources, destination = [w for w in words[1:] if not w.startswith("--")]
                target = workdir / destination
                if destination.endswith("/") or destination in (".", "./") or len(sources) > 1:
                    target.mkdir(parents=True, exist_ok=True)
                for source in sources:
                    try:
                        copy_into(source, target, patterns)
                    except FileNotFoundError as error:
                        problems.append(str(error))
        described = subprocess.run(["swift", "package", "describe", "--type", "json"], cwd=workdir,
                                   capture_output=True, text=True)
        if described.returncode != 0:
            problems.append("SwiftPM cannot load the package from the build stage's files: "
                            + described.stderr.strip().splitlines()[-1])
        else:
            products = [p["name"] for p in json.loads(described.stdout).get("products", [])]
            if "logit" not in products:
                problems.append(f"the package in the build stage has no logit product (only {products})")
    return problems


def installed_packages(stage: list[str]) -> set[str]:
    packages: set[str] = set()
    for instruction in stage:
        if not instruction.upper().startswith("RUN "):
            continue
        for command in re.split(r"&&|;", instruction[4:]):
            words = command.split()
            if "apt-get" in words and "install" in words:
                after = words[words.index("install") + 1:]
                packages |= {w for w in after if not w.startswith("-")}
    return packages


def owning_package(library_path: str) -> str | None:
    """The Debian package that owns a library file (usrmerge: /lib and /usr/lib name the same file)."""
    real = os.path.realpath(library_path)
    candidates = {library_path, real}
    for path in list(candidates):
        candidates.add(path[4:] if path.startswith("/usr/") else "/usr" + path)
    for path in sorted(candidates):
        found = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
        if found.returncode == 0:
            return found.stdout.split(":")[0].strip()
    return None


def needed_packages(binary: str) -> tuple[set[str], list[str]]:
    """The packages owning the binary's direct shared libraries, and the libraries no package owns."""
    dynamic = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dynamic)
    resolved = {}
    for line in subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout.splitlines():
        match = re.match(r"\s*(\S+) => (\S+)", line)
        if match:
            resolved[match.group(1)] = match.group(2)
        elif (loader := re.match(r"\s*(/\S+) \(", line)):  # the dynamic loader, named by its path alone
            resolved[os.path.basename(loader.group(1))] = loader.group(1)
    packages, unowned = set(), []
    for library in needed:
        path = resolved.get(library)
        package = owning_package(path) if path else None
        if package:
            packages.add(package)
        else:
            unowned.append(f"{library} ({path or 'not found'})")
    return packages, unowned


def swift_toolchain_library(entry: str) -> bool:
    return re.match(r"lib(swift|Foundation|_Foundation|dispatch|BlocksRuntime)", entry) is not None


def check_runtime_stage(runtime_stage: list[str], binary: str) -> list[str]:
    problems = []
    listed = installed_packages(runtime_stage)
    needed, unowned = needed_packages(binary)
    for entry in unowned:
        if not swift_toolchain_library(entry):
            problems.append(f"the binary needs {entry}, which no Debian package provides here")
    missing = needed - listed - BASE_PACKAGES
    extra = listed - needed - BASE_PACKAGES
    if missing:
        problems.append(f"the runtime stage does not install {sorted(missing)}, which the binary links")
    if extra:
        problems.append(f"the runtime stage installs {sorted(extra)}, which the binary does not link")
    print(f"runtime stage installs {sorted(listed)}; the binary links libraries of {sorted(needed)}")
    return problems


def main() -> int:
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        print("usage: scripts/check_dockerfile.py PATH/TO/logit", file=sys.stderr)
        return 2
    all_stages = stages((ROOT / "Dockerfile").read_text())
    if len(all_stages) != 2:
        print(f"expected a build and a runtime stage, found {len(all_stages)} stages")
        print("dockerfile: 0 passed, 1 failed")
        return 1
    checks = {
        "build context loads": lambda: check_build_context(all_stages[0]),
        "runtime packages match the binary": lambda: check_runtime_stage(all_stages[1], sys.argv[1]),
    }
    passed = failed = 0
    for name, check in checks.items():
        problems = check()
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for problem in problems:
                print(f"  - {problem}")
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"dockerfile: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
