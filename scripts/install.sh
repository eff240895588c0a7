#!/bin/sh
# Install rnn-tutor like any Unix tool, or remove exactly what was installed.
#
#   swift build -c release && scripts/install.sh            # into PREFIX (default ~/.local)
#   PREFIX=/usr/local scripts/install.sh
#   scripts/install.sh --uninstall                          # removes the manifest's files
#   scripts/install.sh --binary PATH                        # install this binary instead of .build/release/rnn-tutor
#
# What goes where:
#   PREFIX/bin/rnn-tutor
#   PREFIX/share/rnn-tutor/{lessons,models,corpus}   the course, the shipped models (README, licence
#                                                     notes), the held-out corpus text (SOURCE.md)
#   PREFIX/share/rnn-tutor/VERSION                    version and commit, for `rnn-tutor --version`
#   PREFIX/share/bash-completion/completions/rnn-tutor, PREFIX/share/fish/vendor_completions.d/rnn-tutor.fish,
#   PREFIX/share/zsh/site-functions/_rnn-tutor      shell completions
#   PREFIX/share/rnn-tutor/install-manifest.txt       every file above, one per line
#
# PREFIX/share/rnn-tutor is also where progress lives by default ($XDG_DATA_HOME/rnn-tutor with
# PREFIX=~/.local). Neither installing nor uninstalling ever touches progress.sqlite* or backups/:
# only the files in the manifest are replaced or removed, and a manifest naming one of them is refused.
set -eu

say() { printf '%s\n' "$*"; }
fail() { printf 'install.sh: %s\n' "$*" >&2; exit 2; }

checkout=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
prefix=${PREFIX:-$HOME/.local}
binary=$checkout/.build/release/rnn-tutor
uninstall=false
while [ $# -gt 0 ]; do
    case $1 in
        --uninstall) uninstall=true ;;
        --binary) [ $# -ge 2 ] || fail "--binary needs a path"; binary=$2; shift ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) fail "unknown argument $1 (expected --uninstall, --binary PATH or --help)" ;;
    esac
    shift
done
case $prefix in /*) ;; *) fail "PREFIX must be an absolute path, not $prefix" ;; esac

share=$prefix/share/rnn-tutor
manifest=$share/install-manifest.txt

# Removes the files a manifest lists (never a folder, never progress), then the folders
# the install made, if they are empty.
remove_listed() {
    list=$(mktemp "${TMPDIR:-/tmp}/rnn-tutor-manifest.XXXXXX")
    cp -- "$1" "$list"   # the manifest lists itself
    while IFS= read -r file; do
        [ -n "$file" ] || continue
        case $file in
            "$prefix"/*) ;;
            *) fail "$manifest lists $file, which is outside PREFIX=$prefix; nothing more removed" ;;
        esac
        case $file in
            */progress.sqlite*|*/backups/*) fail "$manifest lists $file, which is progress; nothing more removed" ;;
        esac
        if [ -f "$file" ] || [ -L "$file" ]; then rm -f -- "$file"; fi
    done < "$list"
    sed 's|/[^/]*$||' "$list" | sort -u -r | while IFS= read -r folder; do
        while [ "$folder" != "$prefix" ] && [ "$folder" != "$share" ] && rmdir -- "$folder" 2>/dev/null; do
            folder=${folder%/*}
        done
    done
    rm -f -- "$list"
}

if $uninstall; then
    [ -f "$manifest" ] || fail "no install to remove: $manifest does not exist"
    count=$(grep -c . "$manifest" || true)
    remove_listed "$manifest"
    rm -f -- "$manifest"
    rmdir -- "$share" 2>/dev/null || true   # stays when progress lives there
    say "removed $count files installed under $prefix"
    [ -d "$share" ] && say "kept $share (your progress is there)"
    exit 0
fi

[ -x "$binary" ] || fail "$binary does not exist: run 'swift build -c release' first (or give --binary PATH)"
for needed in lessons models data/corpus/test.txt data/agreement/sentences.txt; do
    [ -e "$checkout/$needed" ] || fail "$checkout/$needed is missing: run install.sh from a complete checkout"
done

# Everything is staged first, so a failure (disk full, a bad binary) leaves the old install as it was.
staging=$(mktemp -d "${TMPDIR:-/tmp}/rnn-tutor-install.XXXXXX")
trap 'rm -rf -- "$staging"' EXIT INT TERM
mkdir -p "$staging/bin" "$staging/share/rnn-tutor/lessons" "$staging/share/rnn-tutor/models" \
         "$staging/share/rnn-tutor/corpus" "$staging/share/rnn-tutor/agreement" \
         "$staging/share/bash-completion/completions" \
         "$staging/share/fish/vendor_completions.d" "$staging/share/zsh/site-functions"
cp -- "$binary" "$staging/bin/rnn-tutor"
cp -R -- "$checkout/lessons/." "$staging/share/rnn-tutor/lessons/"
cp -- "$checkout"/models/*.safetensors "$checkout"/models/*.md "$staging/share/rnn-tutor/models/"
cp -- "$checkout/data/corpus/test.txt" "$checkout/data/corpus/SOURCE.md" "$staging/share/rnn-tutor/corpus/"
cp -- "$checkout/data/agreement/sentences.txt" "$staging/share/rnn-tutor/agreement/"
for shell in bash fish zsh; do
    "$binary" --generate-completion-script "$shell" > "$staging/completion.$shell" \
        || fail "$binary could not write its $shell completion script"
done
mv "$staging/completion.bash" "$staging/share/bash-completion/completions/rnn-tutor"
mv "$staging/completion.fish" "$staging/share/fish/vendor_completions.d/rnn-tutor.fish"
mv "$staging/completion.zsh" "$staging/share/zsh/site-functions/_rnn-tutor"

# --version reads this: the number the binary knows, and the commit of this checkout now.
version=$("$binary" --version | sed 's/^rnn-tutor //; s/ (.*//')
commit=unknown
if command -v git >/dev/null 2>&1 && git -C "$checkout" rev-parse --short=12 HEAD >/dev/null 2>&1; then
    commit=$(git -C "$checkout" rev-parse --short=12 HEAD)
    [ -z "$(git -C "$checkout" status --porcelain --untracked-files=no)" ] || commit="$commit + changes"
fi
printf '%s (commit %s, installed %s)\n' "$version" "$commit" "$(date -u +%Y-%m-%d)" > "$staging/share/rnn-tutor/VERSION"

# The new manifest: every staged file, at its installed path.
(cd "$staging" && find bin share -type f | LC_ALL=C sort | sed "s|^|$prefix/|") > "$staging/manifest"
grep -q -e '/progress\.sqlite' -e '/backups/' "$staging/manifest" && fail "the staged files include progress; nothing installed"

# Each file replaces its old copy in one rename; then what the previous install had and this
# one does not (a lesson since removed) goes.
(cd "$staging" && find bin share -type f) | while IFS= read -r file; do
    mkdir -p -- "$prefix/$(dirname -- "$file")"
    cp -- "$staging/$file" "$prefix/$file.new.$$" && mv -f -- "$prefix/$file.new.$$" "$prefix/$file"
done
chmod 755 "$prefix/bin/rnn-tutor"
if [ -f "$manifest" ]; then
    grep -v -x -F -f "$staging/manifest" "$manifest" | grep -v -x -F "$manifest" > "$staging/stale" || true
    remove_listed "$staging/stale"
fi
cp -- "$staging/manifest" "$staging/manifest.new"
echo "$manifest" >> "$staging/manifest.new"
mv -f -- "$staging/manifest.new" "$manifest"

say "installed rnn-tutor $version (commit $commit) under $prefix: $(grep -c . "$manifest") files, listed in $manifest"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) say "add $prefix/bin to your PATH to run rnn-tutor from anywhere" ;; esac
say "bash and fish find the completions by themselves; for zsh add this line to ~/.zshrc before compinit:"
say "    fpath=($prefix/share/zsh/site-functions \$fpath)"
say "remove with: PREFIX=$prefix $0 --uninstall (your progress stays)"
