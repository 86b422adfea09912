# devvault shell hook for bash: put `eval "$(devvault hook bash)"` in ~/.bashrc.
# Before each prompt it looks for the nearest .devvault.toml (up to the repository root or
# $HOME) with shell builtins only; devvault runs only when that file, its
# .devvault.local.toml or DEVVAULT_ENV changed, or while a load is pending (locked, not
# allowed). Variables are set in this shell only; nothing is written to disk.
@POSIX@
if [[ ";${PROMPT_COMMAND[*]-};" != *";__devvault_hook;"* ]]; then
  PROMPT_COMMAND="__devvault_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
fi
