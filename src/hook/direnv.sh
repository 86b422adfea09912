# devvault for direnv: put `eval "$(devvault hook direnv)"` in ~/.config/direnv/direnvrc,
# then `use devvault` in an .envrc. The scope comes from the nearest .devvault.toml, which
# must be allowed with `devvault allow` like for the shell hook; direnv unloads on leave.
use_devvault() {
  eval "$(@DEVVAULT@ hook direnv --load)"
}
