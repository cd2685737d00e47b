#!/usr/bin/env bash
# Check that what lees needs to build or test is present; install what is
# missing where that can be done without asking, else say how to install it.
#
# Usage: scripts/deps.sh build|test
#
# Silent, exit 0, when nothing is missing. Every check is a real one
# (command -v, pkg-config, or compiling and linking a small program), so a
# package removed since the last run is noticed.
#
# When something is missing and apt-get exists, it runs apt-get update and
# apt-get install, as root or through sudo when sudo needs no password.
# Otherwise it prints what is missing with the install commands for apt, dnf,
# apk and brew, and exits 1. Messages go to standard error.
#
# Environment:
#   LEES_DEPS_INSTALL=0        never install, only report (exit 1 if missing)
#   LEES_DEPS_PRETEND_MISSING  space-separated check names (as printed in the
#                              report, e.g. "md4c cmocka") to treat as missing;
#                              for testing this script
#   CC, CPPFLAGS, LDFLAGS      used by the compile-and-link checks

set -u

say() { printf 'lees deps: %s\n' "$*" >&2; }

usage() {
    say "usage: scripts/deps.sh build|test"
    exit 2
}

[ $# -eq 1 ] || usage
case $1 in
build | test) mode=$1 ;;
*) usage ;;
esac

# name|what is checked|apt|dnf|apk|brew   ("-": no package for that manager)
table='cc|C compiler (cc)|gcc|gcc|gcc musl-dev|-
make|make|make|make|make|-
pkg-config|pkg-config|pkg-config|pkgconf-pkg-config|pkgconf|pkgconf
ncursesw|ncursesw (pkg-config ncursesw)|libncurses-dev|ncurses-devel|ncurses-dev|ncurses
libunistring|libunistring (unistr.h, -lunistring)|libunistring-dev|libunistring-devel|libunistring-dev|libunistring
md4c|md4c (pkg-config md4c)|libmd4c-dev|md4c-devel|md4c-dev|md4c
xxhash|xxhash (pkg-config libxxhash)|libxxhash-dev|xxhash-devel|xxhash-dev|xxhash
cmocka|cmocka (pkg-config cmocka)|libcmocka-dev|libcmocka-devel|cmocka-dev|cmocka
vterm|libvterm (pkg-config vterm)|libvterm-dev|libvterm-devel|libvterm-dev|libvterm
clang|clang|clang|clang|clang|llvm
clang-rt|clang runtime (clang -fsanitize=fuzzer,address,undefined)|libclang-rt-dev|compiler-rt|compiler-rt|llvm
cppcheck|cppcheck|cppcheck|cppcheck|cppcheck|cppcheck
clang-format|clang-format|clang-format|clang-tools-extra|clang-extra-tools|clang-format
valgrind|valgrind (the linear-growth check)|valgrind|valgrind|valgrind|-'

build_checks='cc make pkg-config ncursesw libunistring md4c xxhash'
test_checks='cmocka vterm clang clang-rt cppcheck clang-format valgrind'
checks=$build_checks
[ "$mode" = test ] && checks="$checks $test_checks"

# pkg-config module of each library check
pc_module() {
    case $1 in
    ncursesw) echo ncursesw ;;
    md4c) echo md4c ;;
    xxhash) echo libxxhash ;;
    cmocka) echo cmocka ;;
    vterm) echo vterm ;;
    esac
}

field() { # field NAME INDEX
    local line
    line=$(printf '%s\n' "$table" | grep "^$1|")
    printf '%s\n' "$line" | cut -d'|' -f"$2"
}

tmp=
cleanup() { [ -n "$tmp" ] && rm -rf "$tmp"; }
trap cleanup EXIT

# Compile and link with libunistring, then run it.
check_libunistring() {
    local cc=${CC:-cc}
    cat >"$tmp/u.c" <<'EOF'
#include <unistr.h>
#include <uniwidth.h>
int main(void)
{
    static const uint8_t s[] = "a";
    return u8_strwidth(s, "UTF-8") == 1 ? 0 : 1;
}
EOF
    # shellcheck disable=SC2086 # CC, CPPFLAGS and LDFLAGS may hold several words
    $cc ${CPPFLAGS:-} "$tmp/u.c" -o "$tmp/u" ${LDFLAGS:-} -lunistring >/dev/null 2>&1 &&
        "$tmp/u"
}

# Build a trivial fuzz target with the sanitizers the test builds use.
check_clang_rt() {
    cat >"$tmp/f.c" <<'EOF'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)data;
    (void)size;
    return 0;
}
EOF
    clang -fsanitize=fuzzer,address,undefined "$tmp/f.c" -o "$tmp/f" >/dev/null 2>&1
}

pretend() {
    case " ${LEES_DEPS_PRETEND_MISSING:-} " in
    *" $1 "*) return 0 ;;
    esac
    return 1
}

# Sets $missing to the names of the checks that fail, in table order.
run_checks() {
    missing=
    local name ok pcs_ok=0 unistring_pid='' rt_pid='' cc
    cc=${CC:-cc}
    cc=${cc%% *}

    tmp=$(mktemp -d "${TMPDIR:-/tmp}/lees-deps.XXXXXX") || {
        say "cannot create a temporary directory"
        exit 1
    }

    # The two compile checks are the slow ones: run them side by side.
    if command -v "$cc" >/dev/null 2>&1; then
        check_libunistring &
        unistring_pid=$!
    fi
    if [ "$mode" = test ] && command -v clang >/dev/null 2>&1; then
        check_clang_rt &
        rt_pid=$!
    fi

    # One pkg-config call when every module is there, one per module if not.
    if command -v pkg-config >/dev/null 2>&1; then
        local mods=
        for name in $checks; do
            [ -n "$(pc_module "$name")" ] && mods="$mods $(pc_module "$name")"
        done
        # shellcheck disable=SC2086
        pkg-config --exists $mods 2>/dev/null && pcs_ok=1
    fi

    for name in $checks; do
        ok=0
        case $name in
        cc) command -v "$cc" >/dev/null 2>&1 && ok=1 ;;
        make | pkg-config | clang | cppcheck | clang-format | valgrind)
            command -v "$name" >/dev/null 2>&1 && ok=1
            ;;
        libunistring)
            [ -n "$unistring_pid" ] && wait "$unistring_pid" && ok=1
            ;;
        clang-rt)
            [ -n "$rt_pid" ] && wait "$rt_pid" && ok=1
            ;;
        *)
            if [ "$pcs_ok" = 1 ]; then
                ok=1
            elif command -v pkg-config >/dev/null 2>&1 &&
                pkg-config --exists "$(pc_module "$name")" 2>/dev/null; then
                ok=1
            fi
            ;;
        esac
        pretend "$name" && ok=0
        [ "$ok" = 1 ] || missing="$missing $name"
    done
    missing=${missing# }
    cleanup
    tmp=
}

# packages MANAGER-FIELD: the packages for $missing, each once
packages() {
    local name pkg out=
    for name in $missing; do
        for pkg in $(field "$name" "$1"); do
            [ "$pkg" = - ] && continue
            case " $out " in
            *" $pkg "*) ;;
            *) out="$out $pkg" ;;
            esac
        done
    done
    printf '%s\n' "${out# }"
}

report() {
    local name apt dnf apk brew
    say "missing to $mode lees:"
    for name in $missing; do
        if [ "$name" = cc ]; then
            say "  C compiler (${CC:-cc})"
        else
            say "  $(field "$name" 2)"
        fi
    done
    apt=$(packages 3)
    dnf=$(packages 4)
    apk=$(packages 5)
    brew=$(packages 6)
    say "install with one of:"
    say "  Debian/Ubuntu (apt): sudo apt-get install -y --no-install-recommends $apt"
    say "  Fedora (dnf):        sudo dnf install -y $dnf"
    say "  Alpine (apk):        sudo apk add $apk"
    case " $missing " in
    *" cc "* | *" make "*)
        say "  macOS (brew):        xcode-select --install${brew:+ && brew install $brew}"
        ;;
    *)
        if [ -n "$brew" ]; then
            say "  macOS (brew):        brew install $brew"
        else
            say "  macOS (brew):        (not packaged there)"
        fi
        ;;
    esac
    case " $brew " in
    *" llvm "*)
        say "  (Homebrew's llvm is keg-only: put \$(brew --prefix llvm)/bin first on PATH)"
        ;;
    esac
    case " $brew " in
    *" ncurses "*)
        say "  (Homebrew's ncurses is keg-only: add \$(brew --prefix ncurses)/lib/pkgconfig to PKG_CONFIG_PATH)"
        ;;
    esac
}

run_checks
[ -z "$missing" ] && exit 0

# Something is missing: install it with apt-get when we may, else report.
runner=
if [ "${LEES_DEPS_INSTALL:-1}" = 0 ]; then
    why="LEES_DEPS_INSTALL=0: not installing"
elif ! command -v apt-get >/dev/null 2>&1; then
    why="no apt-get on this system: not installing"
elif [ "$(id -u)" = 0 ]; then
    runner=root
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    runner=sudo
else
    why="not root, and sudo is not available without a password: not installing"
fi

if [ -z "$runner" ]; then
    say "$why"
    report
    exit 1
fi

pkgs=$(packages 3)
say "missing: $missing"
say "installing with apt-get: $pkgs"
as_root() {
    if [ "$runner" = sudo ]; then
        sudo -n "$@"
    else
        "$@"
    fi
}
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 ||
    say "apt-get update failed; trying the install all the same"
# shellcheck disable=SC2086 # one word per package
if ! as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends $pkgs >&2; then
    say "apt-get install failed"
    report
    exit 1
fi

run_checks
if [ -n "$missing" ]; then
    say "still missing after apt-get install:"
    report
    exit 1
fi
say "installed: $pkgs"
exit 0
