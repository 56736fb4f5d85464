"""The settings a systemd unit gives its process, read the way systemd reads them.

`EnvironmentFile=` is not a shell script: the value is everything after `=` (surrounding blanks
removed, quotes and backslashes handled as below), and a `# comment` after a value is part of the
value. A shell that sources the same file drops that comment, so a check that starts the
processes through `. /etc/intranet/env` would pass where the service fails. This module follows
systemd 252 (Debian 12): src/basic/env-file.c for the files, `extract_first_word` with
EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE for `Environment=`. `make test-deploy` starts the processes with
it, tests/test_deploy_files.py reads the templates with it, and deploy/install.sh uses it to read
one setting (`get`) and to warn about a value holding a `#` (`check`):

    python3 deploy/systemd_env.py get /etc/intranet/env DOCUMENTS_MAX_UPLOAD_MB 200   (FILE "-": stdin)
    python3 deploy/systemd_env.py check /etc/intranet/env

Standard library only: it runs with the system's python3, before the virtual environment exists.
"""

from __future__ import annotations

import re
import shlex
import sys

WHITESPACE = " \t\n\r"
NEWLINE = "\n\r"
SHELL_NEED_ESCAPE = '"\\`$'
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# What systemd gives every service before its own settings (User= adds HOME, USER, LOGNAME, SHELL).
BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"


def parse_environment_file(text: str) -> dict[str, str]:
    """NAME=value lines as `EnvironmentFile=` reads them (systemd's parse_env_file_internal)."""
    pairs: dict[str, str] = {}
    key: list[str] = []
    value: list[str] = []
    key_blank = value_blank = None  # where trailing blanks of the key / an unquoted value start
    state = "pre_key"

    def push() -> None:
        name = "".join(key[:key_blank] if key_blank is not None else key)
        if NAME.match(name):  # systemd drops an assignment with an invalid name
            pairs[name] = "".join(value)

    for c in text:
        if state == "pre_key":
            if c in "#;":
                state = "comment"
            elif c not in WHITESPACE:
                state, key, value, key_blank = "key", [c], [], None
        elif state == "key":
            if c in NEWLINE:
                state = "pre_key"  # a line without "=": ignored
            elif c == "=":
                state, value_blank = "pre_value", None
            else:
                if c not in WHITESPACE:
                    key_blank = None
                elif key_blank is None:
                    key_blank = len(key)
                key.append(c)
        elif state == "pre_value":
            if c in NEWLINE:
                push()
                state = "pre_key"
            elif c == "'":
                state = "single_quote"
            elif c == '"':
                state = "double_quote"
            elif c == "\\":
                state = "value_escape"
            elif c not in WHITESPACE:
                state = "value"
                value.append(c)
        elif state == "value":
            if c in NEWLINE:
                if value_blank is not None:
                    del value[value_blank:]
                push()
                state = "pre_key"
            elif c == "\\":
                state, value_blank = "value_escape", None
            else:
                if c not in WHITESPACE:
                    value_blank = None
                elif value_blank is None:
                    value_blank = len(value)
                value.append(c)
        elif state == "value_escape":
            state = "value"
            if c not in NEWLINE:  # a backslash before a newline joins the lines
                value.append(c)
        elif state == "single_quote":
            if c == "'":
                state = "pre_value"
            else:
                value.append(c)
        elif state == "double_quote":
            if c == '"':
                state = "pre_value"
            elif c == "\\":
                state = "double_quote_escape"
            else:
                value.append(c)
        elif state == "double_quote_escape":
            state = "double_quote"
            if c in SHELL_NEED_ESCAPE:
                value.append(c)
            elif c != "\n":  # any other character keeps its backslash, as in a shell
                value.extend(("\\", c))
        elif state == "comment":
            if c == "\\":
                state = "comment_escape"
            elif c in NEWLINE:
                state = "pre_key"
        elif state == "comment_escape":
            state = "comment"  # systemd 252: a backslash at the end of a comment continues it
    if state in ("pre_value", "value", "value_escape", "single_quote", "double_quote", "double_quote_escape"):
        if state == "value" and value_blank is not None:
            del value[value_blank:]
        push()
    return pairs


def parse_unit(text: str) -> list[tuple[str, str, str]]:
    """(section, key, value) of a unit file: comments only on lines of their own, "\\" continues."""
    entries: list[tuple[str, str, str]] = []
    section, pending = "", ""
    for raw in text.splitlines():
        line = raw.strip()
        if pending and line[:1] in ("#", ";"):
            continue  # a comment inside a continued line is skipped
        line = pending + line
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        entries.append((section, key.strip(), value.strip()))
    return entries


ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "s": " "}


def _unescape_one(text: str, i: int) -> tuple[str, int]:
    """systemd's cunescape_one: the character escaped at text[i] (after the backslash), and its length."""
    c = text[i]
    if c in ESCAPES:
        return ESCAPES[c], 1
    if c in "\\\"'":
        return c, 1
    for letter, digits in (("x", 2), ("u", 4), ("U", 8)):
        if c == letter and re.fullmatch(r"[0-9a-fA-F]+", text[i + 1 : i + 1 + digits] or "-"):
            return chr(int(text[i + 1 : i + 1 + digits], 16)), 1 + digits
    if re.fullmatch(r"[0-7]{3}", text[i : i + 3]):
        return chr(int(text[i : i + 3], 8)), 3
    raise ValueError(f"invalid escape \\{c}")


def split_words(text: str) -> list[str]:
    """extract_first_word in a loop, with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE."""
    words: list[str] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in WHITESPACE:
            i += 1
        if i >= n:
            return words
        word: list[str] = []
        quote = ""
        while i < n and (quote or text[i] not in WHITESPACE):
            c = text[i]
            if c == "\\":
                if i + 1 >= n:
                    raise ValueError("a backslash ends the line")
                char, length = _unescape_one(text, i + 1)
                word.append(char)
                i += 1 + length
                continue
            if quote and c == quote:
                quote = ""
            elif not quote and c in "'\"":
                quote = c
            else:
                word.append(c)
            i += 1
        if quote:
            raise ValueError("unbalanced quotes")
        words.append("".join(word))


def expand_specifiers(text: str, unit: str) -> str:
    """The few specifiers our units use: %i (instance), %n (unit name), %p (prefix), %%."""
    prefix, _, rest = unit.partition("@")
    instance = rest.rpartition(".")[0] if rest else ""
    values = {"i": instance, "I": instance, "n": unit, "p": prefix, "%": "%"}

    def replace(match: re.Match) -> str:
        if match.group(1) not in values:
            raise ValueError(f"specifier %{match.group(1)} not handled here")
        return values[match.group(1)]

    return re.sub(r"%(.)", replace, text)


def unit_settings(text: str, unit: str) -> tuple[list[str], dict[str, str]]:
    """A service's EnvironmentFile= paths and its Environment= assignments, as systemd reads them."""
    files: list[str] = []
    assignments: dict[str, str] = {}
    for section, key, value in parse_unit(text):
        if section != "Service":
            continue
        if key == "EnvironmentFile":
            if value:
                files.append(expand_specifiers(value, unit))
            else:
                files.clear()
        elif key == "Environment":
            if not value:
                assignments.clear()
                continue
            for word in split_words(value):
                word = expand_specifiers(word, unit)
                name, equals, setting = word.partition("=")
                if not equals or not NAME.match(name):
                    raise ValueError(f"Environment= of {unit}: {word!r} is not NAME=value")
                assignments[name] = setting
    return files, assignments


def service_environment(text: str, unit: str, user_home: str, user: str) -> dict[str, str]:
    """The environment systemd would start the unit's process with (Environment=, then its files)."""
    environment = {"PATH": BASE_PATH, "LANG": "C.UTF-8", "HOME": user_home, "USER": user, "LOGNAME": user}
    environment["SHELL"] = "/usr/sbin/nologin"
    files, assignments = unit_settings(text, unit)
    environment.update(assignments)
    for path in files:
        optional = path.startswith("-")
        try:
            with open(path.removeprefix("-"), encoding="utf-8") as file:
                environment.update(parse_environment_file(file.read()))
        except FileNotFoundError:
            if not optional:
                raise
    return environment


def exec_start(text: str, unit: str) -> list[str]:
    """ExecStart= as a list of arguments (our units use neither $VARIABLES nor prefixes like "-")."""
    [command] = [value for section, key, value in parse_unit(text) if section == "Service" and key == "ExecStart"]
    return shlex.split(expand_specifiers(command, unit))


def suspicious(pairs: dict[str, str]) -> list[str]:
    """Settings whose value holds a "#": a comment after a value, kept in it by systemd."""
    return [name for name, value in pairs.items() if "#" in value]


def main(arguments: list[str]) -> int:
    if len(arguments) >= 3 and arguments[0] == "get":
        if arguments[1] == "-":
            pairs = parse_environment_file(sys.stdin.read())
        else:
            with open(arguments[1], encoding="utf-8") as file:
                pairs = parse_environment_file(file.read())
        value = pairs.get(arguments[2], arguments[3] if len(arguments) > 3 else None)
        if value is None:
            return 1
        print(value)
        return 0
    if len(arguments) == 2 and arguments[0] == "check":
        with open(arguments[1], encoding="utf-8") as file:
            names = suspicious(parse_environment_file(file.read()))
        for name in names:
            print(f"{name}: its value holds a '#'; systemd keeps a comment after a value as part of it")
        return 1 if names else 0
    print(__doc__.split("\n\n")[2], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
