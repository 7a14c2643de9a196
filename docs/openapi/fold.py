#!/usr/bin/env python3
"""Fold OpenAPI fragments into docs/openapi.yaml.

A feature that adds endpoints may describe them in a fragment, docs/openapi/<feature>.yaml, with exactly two
top-level keys (either may be empty or absent):

    paths:                      # path items, indented by 2, exactly as under `paths:` in openapi.yaml
      /api/things/{thingId}:
        parameters: [...]
        get: {...}
    schemas:                    # component schemas, indented by 2 (they land under `components: schemas:`)
      Thing:
        type: object

References inside a fragment are written as in openapi.yaml (`#/components/schemas/Thing`,
`#/components/responses/NotFound`, ...).

    python3 docs/openapi/fold.py              # fold every docs/openapi/*.yaml, then delete the fragments
    python3 docs/openapi/fold.py --check      # only report what would be folded (nothing is written or deleted)
    python3 docs/openapi/fold.py --keep       # fold, but keep the fragment files
    python3 docs/openapi/fold.py --openapi PATH --fragments DIR   # other files (defaults: next to this script)

What it does:
  * Path items are merged into `paths:`: a new path is added; for a path that exists, the fragment's operations are
    added to it. The same operation (path + method) twice, a path-level `parameters` that differs from the existing
    one, or the same operationId twice is refused.
  * Schemas are added under `components: schemas:` (re-indented by 2). A schema name that exists with a different
    definition is refused; an identical one is skipped.
  * Paths and schemas are written sorted by name (plain string order, as openapi.yaml keeps them).
  * Nothing is written and no fragment deleted when any fragment is refused: the script exits with status 1.

The merge is textual, so comments and formatting of openapi.yaml are kept exactly; it relies on the layout
openapi.yaml uses (2-space indentation; `paths:` and `components:` at the top level, `schemas:` directly under
`components:`). When PyYAML is importable, every fragment and the result are also parsed as YAML as a check.
Afterwards run: dotnet test tests/ItInventory.Functions.Tests --filter "FullyQualifiedName~OpenApi"
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

try:
    import yaml  # type: ignore
except ImportError:  # PyYAML is optional: it only double-checks the text merge.
    yaml = None

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
KEY = re.compile(r"""^(?P<indent> *)(?:'(?P<sq>(?:[^']|'')*)'|"(?P<dq>[^"]*)"|(?P<plain>[^\s#'"][^:]*?))\s*:(?:\s|$)""")


class FoldError(Exception):
    pass


def key_of(line: str, indent: int) -> str | None:
    """The mapping key a line opens at exactly this indentation, or None."""
    m = KEY.match(line)
    if not m or len(m.group("indent")) != indent:
        return None
    if m.group("sq") is not None:
        return m.group("sq").replace("''", "'")
    return m.group("dq") if m.group("dq") is not None else m.group("plain").strip()


def is_trivia(line: str) -> bool:
    stripped = line.strip()
    return stripped == "" or stripped.startswith("#")


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def entries(lines: list[str], indent: int, where: str) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """Splits a block's lines into (key, lines) entries opened at `indent` (comments and blank lines before an
    entry belong to it) and the trailing trivia."""
    result: list[tuple[str, list[str]]] = []
    pending: list[str] = []
    for number, line in enumerate(lines, 1):
        if "\t" in line[: indent_of(line) + 1]:
            raise FoldError(f"{where}: line {number} is indented with a tab")
        if is_trivia(line):
            pending.append(line)
            continue
        if indent_of(line) < indent:
            raise FoldError(f"{where}: line {number} is indented less than {indent} spaces: {line.strip()!r}")
        if indent_of(line) == indent:
            key = key_of(line, indent)
            if key is None:
                raise FoldError(f"{where}: line {number} is not a 'key:' entry: {line.strip()!r}")
            result.append((key, pending + [line]))
            pending = []
        else:
            if not result:
                raise FoldError(f"{where}: line {number} belongs to no entry: {line.strip()!r}")
            result[-1][1].extend(pending + [line])
            pending = []
    return result, pending


def top_level_sections(lines: list[str], where: str) -> list[tuple[str, int, int]]:
    """(key, start, end) of each top-level key: lines[start] is the key line, lines[start+1:end] its block."""
    sections: list[tuple[str, int, int]] = []
    for i, line in enumerate(lines):
        if line and not line[0].isspace() and not line.startswith("#"):
            key = key_of(line, 0)
            if key is None:
                raise FoldError(f"{where}: line {i + 1} is not a top-level 'key:' line: {line!r}")
            if sections:
                sections[-1] = (sections[-1][0], sections[-1][1], i)
            sections.append((key, i, len(lines)))
    return sections


def inline_value(line: str) -> str:
    """What follows 'key:' on its line (without a comment)."""
    value = line.split(":", 1)[1].strip()
    return "" if value.startswith("#") else value


def read_fragment(path: Path) -> tuple[list[tuple[str, list[str]]], list[tuple[str, list[str]]]]:
    text = path.read_text(encoding="utf-8")
    if yaml is not None:
        try:
            parsed = yaml.safe_load(text) or {}
        except yaml.YAMLError as e:
            raise FoldError(f"{path}: not valid YAML: {e}") from e
        if not isinstance(parsed, dict) or set(parsed) - {"paths", "schemas"}:
            raise FoldError(f"{path}: the top-level keys must be 'paths' and 'schemas' only")
    lines = text.splitlines()
    paths: list[tuple[str, list[str]]] = []
    schemas: list[tuple[str, list[str]]] = []
    for key, start, end in top_level_sections(lines, str(path)):
        if key not in ("paths", "schemas"):
            raise FoldError(f"{path}: unexpected top-level key '{key}' (only 'paths' and 'schemas')")
        if inline_value(lines[start]) not in ("", "{}"):
            raise FoldError(f"{path}: write '{key}:' as a block (entries on the lines below, indented by 2)")
        block, _ = entries(lines[start + 1:end], 2, f"{path} ({key})")
        (paths if key == "paths" else schemas).extend(block)
    for kind, block in (("path", paths), ("schema", schemas)):
        seen = set()
        for name, _ in block:
            if name in seen:
                raise FoldError(f"{path}: {kind} '{name}' appears twice")
            seen.add(name)
    return paths, schemas


def normalised(block: list[str]) -> list[str]:
    """An entry without its leading trivia and trailing blank lines, for comparing definitions."""
    lines = list(block)
    while lines and is_trivia(lines[0]):
        lines.pop(0)
    while lines and lines[-1].strip() == "":
        lines.pop()
    return lines


def operation_ids(block: list[str]) -> list[str]:
    return [m.group(1).strip("'\"") for m in (re.match(r"^ {6}operationId:\s*(\S+)", line) for line in block) if m]


def split_key_line(block: list[str]) -> tuple[list[str], list[str]]:
    """An entry as (its leading trivia and key line, the lines of its value)."""
    key_line = next(i for i, line in enumerate(block) if not is_trivia(line))
    return block[:key_line + 1], block[key_line + 1:]


def tidy(block: list[str]) -> list[str]:
    """A fragment's entry without leading and trailing blank lines (comments are kept)."""
    lines = list(block)
    while lines and lines[0].strip() == "":
        lines.pop(0)
    while lines and lines[-1].strip() == "":
        lines.pop()
    return lines


def merge_path(name: str, existing: list[str], addition: list[str], source: str) -> list[str]:
    """Adds the operations of `addition` (a path item) to `existing` (the same path in openapi.yaml)."""
    head, body = split_key_line(existing)
    have, have_tail = entries(body, 4, f"openapi.yaml path {name}")
    new, _ = entries(split_key_line(addition)[1], 4, f"{source} path {name}")
    have_keys = {key: block for key, block in have}
    merged = list(have)
    for key, block in new:
        if key in have_keys:
            if key == "parameters" and normalised(have_keys[key]) == normalised(block):
                continue
            what = f"operation {key.upper()} {name}" if key in HTTP_METHODS else f"'{key}' of path {name}"
            raise FoldError(f"{source}: {what} is already in openapi.yaml")
        merged.append((key, tidy(block)))
    return head + [line for _, block in merged for line in block] + have_tail


def fold(openapi: Path, fragment_files: list[Path]) -> tuple[str, list[str]]:
    lines = openapi.read_text(encoding="utf-8").splitlines()
    sections = {key: (start, end) for key, start, end in top_level_sections(lines, str(openapi))}
    if "paths" not in sections or "components" not in sections:
        raise FoldError(f"{openapi}: needs top-level 'paths:' and 'components:'")

    p_start, p_end = sections["paths"]
    paths, paths_tail = entries(lines[p_start + 1:p_end], 2, f"{openapi} (paths)")

    c_start, c_end = sections["components"]
    components, components_tail = entries(lines[c_start + 1:c_end], 2, f"{openapi} (components)")
    schema_index = next((i for i, (key, _) in enumerate(components) if key == "schemas"), None)
    if schema_index is None:
        raise FoldError(f"{openapi}: 'components:' has no 'schemas:'")
    schema_head, schema_body = split_key_line(components[schema_index][1])
    schemas, schemas_tail = entries(schema_body, 4, f"{openapi} (components.schemas)")

    path_map = {name: block for name, block in paths}
    schema_map = {name: block for name, block in schemas}
    ids = {i: "openapi.yaml" for _, block in paths for i in operation_ids(block)}
    report: list[str] = []
    errors: list[str] = []
    for fragment in fragment_files:
        try:
            f_paths, f_schemas = read_fragment(fragment)
            for name, block in f_paths:
                for operation_id in operation_ids(block):
                    if operation_id in ids:
                        raise FoldError(f"{fragment}: operationId '{operation_id}' is already used in {ids[operation_id]}")
                    ids[operation_id] = fragment.name
                if name in path_map:
                    path_map[name] = merge_path(name, path_map[name], block, fragment.name)
                    report.append(f"{fragment.name}: operations added to {name}")
                else:
                    path_map[name] = tidy(block)
                    report.append(f"{fragment.name}: path {name}")
            for name, block in f_schemas:
                shifted = [("  " + line) if line.strip() else "" for line in block]
                if name in schema_map:
                    if normalised(schema_map[name]) != normalised(shifted):
                        raise FoldError(f"{fragment}: schema '{name}' is already in openapi.yaml with another definition")
                    report.append(f"{fragment.name}: schema {name} (identical, skipped)")
                    continue
                schema_map[name] = tidy(shifted)
                report.append(f"{fragment.name}: schema {name}")
        except FoldError as e:
            errors.append(str(e))
    if errors:
        raise FoldError("\n".join(errors))

    def joined(mapping: dict[str, list[str]]) -> list[str]:
        return [line for name in sorted(mapping) for line in mapping[name]]

    new_schema_block = schema_head + joined(schema_map) + schemas_tail
    components[schema_index] = ("schemas", new_schema_block)
    new_components = [line for _, block in components for line in block] + components_tail
    new_paths = joined(path_map) + paths_tail

    # Replace the later section first so the earlier indexes stay valid.
    replacements = sorted([(p_start, p_end, new_paths), (c_start, c_end, new_components)], reverse=True)
    for start, end, block in replacements:
        lines[start + 1:end] = block
    text = "\n".join(lines) + "\n"

    if yaml is not None:
        document = yaml.safe_load(text)
        if set(document.get("paths") or {}) != set(path_map) or set(document["components"].get("schemas") or {}) != set(schema_map):
            raise FoldError("internal error: the merged text does not parse to the expected paths and schemas")
    return text, report


def main() -> int:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--openapi", type=Path, default=here.parent / "openapi.yaml")
    parser.add_argument("--fragments", type=Path, default=here)
    parser.add_argument("--check", action="store_true", help="report only; write and delete nothing")
    parser.add_argument("--keep", action="store_true", help="keep the fragment files after folding")
    args = parser.parse_args()

    fragments = sorted(p for p in args.fragments.glob("*.yaml") if p.resolve() != args.openapi.resolve())
    if not fragments:
        print(f"No fragments in {args.fragments}: nothing to fold.")
        return 0
    try:
        text, report = fold(args.openapi, fragments)
    except FoldError as e:
        print(f"Refused, nothing changed:\n{e}", file=sys.stderr)
        return 1
    print("\n".join(report))
    if args.check:
        print(f"--check: {args.openapi} not written, {len(fragments)} fragment(s) kept.")
        return 0
    args.openapi.write_text(text, encoding="utf-8")
    if not args.keep:
        for fragment in fragments:
            fragment.unlink()
    print(f"Folded {len(fragments)} fragment(s) into {args.openapi}{' (fragments kept)' if args.keep else ' and deleted them'}.")
    if yaml is None:
        print("PyYAML is not installed: the result was not parsed as a check; run the OpenApi tests.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
