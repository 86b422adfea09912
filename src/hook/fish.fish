# devvault shell hook for fish: put `devvault hook fish | source` in ~/.config/fish/config.fish.
# Before each prompt it looks for the nearest .devvault.toml (up to the repository root or
# $HOME) with fish builtins only; devvault runs only when that file, its
# .devvault.local.toml or DEVVAULT_ENV changed, or while a load is pending (locked, not
# allowed). Variables are set in this shell only; nothing is written to disk.
function __devvault_find
    set -g __devvault_key ''
    set -l d $PWD
    while true
        set -l b (string replace -r '/$' '' -- $d)
        if test -f "$b/.devvault.toml"; and not test -L "$b/.devvault.toml"
            set -l c ''
            read -z c <"$b/.devvault.toml"
            set -l l ''
            if test -f "$b/.devvault.local.toml"
                read -z l <"$b/.devvault.local.toml"
            end
            set -g __devvault_key "$b|$c|$l|$DEVVAULT_ENV|$DEVVAULT_VAULT"
            return 0
        end
        if test -z "$b"; or test -e "$b/.git"; or test "$d" = "$HOME"
            return 0
        end
        set d (string replace -r '/[^/]*$' '' -- $d)
        test -n "$d"; or set d /
    end
end
function __devvault_unload
    if set -q __devvault_restore; and test -n "$__devvault_restore"
        eval $__devvault_restore
    end
    set -g __devvault_restore ''
end
function __devvault_hook --on-event fish_prompt
    __devvault_find
    if test "$__devvault_key" != "$__devvault_seen"
        set -g __devvault_seen $__devvault_key
        set -g __devvault_quiet
    else if test -n "$__devvault_pending"
        set -g __devvault_quiet --quiet
    else
        return
    end
    set -g __devvault_pending ''
    if test -z "$__devvault_key"
        __devvault_unload
    else
        @DEVVAULT@ hook fish --load $__devvault_quiet | source
    end
end
