#!/bin/sh
# Makes Firstline's prompts from text: one 8 kHz mono GSM file per line of a prompts file, the format
# Asterisk plays without converting (format_gsm), a few kB each.
#
#   ./make-prompts.sh [PROMPTS_FILE] [LANGUAGE] [VOICE]
#     PROMPTS_FILE  lines "<name>: <words>" (default prompts-en.txt beside this script)
#     LANGUAGE      Asterisk's language directory to write into (default en): <LANGUAGE>/custom/<name>.gsm
#     VOICE         an espeak-ng voice (default en-us; "espeak-ng --voices" lists them, e.g. de, fr-fr)
#
# Needs espeak-ng and sox (Debian/Ubuntu: apt-get install espeak-ng sox). The committed files were made
# with espeak-ng 1.51 and SoX 14.4.2 (Debian 12); other versions speak slightly differently.
# Install the result into Asterisk as dialplans/README.md says (sounds/<language>/custom/).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prompts=${1:-$here/prompts-en.txt}
lang=${2:-en}
voice=${3:-en-us}
out=$here/$lang/custom
for tool in espeak-ng sox; do
    command -v "$tool" >/dev/null || { echo "make-prompts.sh: $tool is missing (apt-get install espeak-ng sox)" >&2; exit 1; }
done
[ -r "$prompts" ] || { echo "make-prompts.sh: cannot read $prompts" >&2; exit 1; }
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
made=0
while IFS= read -r line || [ -n "$line" ]; do
    case $line in ''|';'*) continue ;; esac
    name=${line%%:*}
    words=${line#*:}
    words=${words# }
    case $name in
        *[!A-Za-z0-9_-]*|'') echo "make-prompts.sh: bad name '$name' in $prompts" >&2; exit 1 ;;
    esac
    [ "$name" != "$line" ] || { echo "make-prompts.sh: no ':' after '$name' in $prompts" >&2; exit 1; }
    # 150 words a minute, a little slower than espeak-ng's default, for the telephone
    espeak-ng -v "$voice" -s 150 -w "$tmp/$name.wav" "$words"
    # telephone band: 8 kHz, mono, a short fade so that no click starts or ends a prompt; -R -D: no random
    # dither, so the same words make the same bytes (a changed file in git is a changed prompt)
    sox -R -D "$tmp/$name.wav" -r 8000 -c 1 "$out/$name.gsm" highpass 300 lowpass 3400 fade 0.02 -0 0.05
    echo "$out/$name.gsm: $words"
    made=$((made + 1))
done < "$prompts"
echo "made $made prompts in $out"
