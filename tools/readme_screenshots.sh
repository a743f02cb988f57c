#!/usr/bin/env bash
# Regenerate the README's screenshots from the app itself, headless, at 1280x720 (a common laptop
# screen: the window must hold up there) and a few at 1400x900.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
shot() { python main.py --screenshot "docs/screenshots/$1.png" "${@:2}"; }
S=1280x720
shot window-1280x720-accurate-digits --size $S --preset "Accurate digits" --steps 0
shot window-1280x720-3blue1brown-digits --size $S --preset "3Blue1Brown digits" --steps 600 --select 1,3
shot window-1280x720-xor --size $S --preset XOR --steps 600 --select 1,0
shot window-1280x720-circle --size $S --preset Circle --steps 1500 --select 1,0
shot window-1280x720-spiral --size $S --preset Spiral --steps 4000 --select 2,0
shot window-1280x720-neuron-lab --size $S --preset XOR --steps 600 --select 1,0 --show lab
shot window-1024x600-3blue1brown-digits --size 1024x600 --preset "3Blue1Brown digits" --steps 600
shot gradview-cost-curve --size 1400x900 --preset XOR --steps 150 --select-weight 1,0,1
shot gradview-overlay --size 1400x900 --preset Circle --steps 300 --overlay
shot walk-backward --size 1400x900 --preset Circle --steps 60 --select 2,1 --phase 7
shot walk-cost-graph --size 1400x900 --preset XOR --steps 100 --phase 5 --show cost
python tools/lab2dgui_screenshots.py docs/screenshots
