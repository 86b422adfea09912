# devvault shell hook for zsh: put `eval "$(devvault hook zsh)"` in ~/.zshrc.
# Before each prompt it looks for the nearest .devvault.toml (up to the repository root or
# $HOME) with shell builtins only; devvault runs only when that file, its
# .devvault.local.toml or DEVVAULT_ENV changed, or while a load is pending (locked, not
# allowed). Variables are set in this shell only; nothing is written to disk.
@POSIX@
autoload -Uz add-zsh-hook
add-zsh-hook precmd __devvault_hook
