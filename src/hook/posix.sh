# The part of the devvault shell hook bash and zsh share (`devvault hook bash|zsh` prints
# it between the shell's own lines): finding the link file with builtins only, and the
# hook run before each prompt. A load (`devvault hook SHELL --load`) sets
# __devvault_restore to the code that undoes it; __devvault_unload runs that code.
__devvault_find() {
  __devvault_key=
  __devvault_d=$PWD
  while :; do
    __devvault_b=${__devvault_d%/}
    if [ -f "$__devvault_b/.devvault.toml" ] && [ ! -L "$__devvault_b/.devvault.toml" ]; then
      __devvault_c=
      IFS= read -r -d '' __devvault_c <"$__devvault_b/.devvault.toml"
      __devvault_l=
      if [ -f "$__devvault_b/.devvault.local.toml" ]; then
        IFS= read -r -d '' __devvault_l <"$__devvault_b/.devvault.local.toml"
      fi
      __devvault_key="$__devvault_b|$__devvault_c|$__devvault_l|${DEVVAULT_ENV-}|${DEVVAULT_VAULT-}"
      return 0
    fi
    if [ -z "$__devvault_b" ] || [ -e "$__devvault_b/.git" ] || [ "$__devvault_d" = "$HOME" ]; then
      return 0
    fi
    __devvault_d=${__devvault_d%/*}
    [ -n "$__devvault_d" ] || __devvault_d=/
  done
}
__devvault_unload() {
  if [ -n "${__devvault_restore-}" ]; then eval "$__devvault_restore"; fi
  __devvault_restore=
}
__devvault_hook() {
  __devvault_status=$?
  __devvault_find
  if [ "$__devvault_key" != "${__devvault_seen-}" ]; then
    __devvault_seen=$__devvault_key
    __devvault_quiet=
  elif [ -n "${__devvault_pending-}" ]; then
    __devvault_quiet=--quiet
  else
    return $__devvault_status
  fi
  __devvault_pending=
  if [ -z "$__devvault_key" ]; then
    __devvault_unload
  else
    eval "$(@DEVVAULT@ hook @SHELL@ --load $__devvault_quiet)"
  fi
  return $__devvault_status
}
