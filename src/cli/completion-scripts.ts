import { FILES_DIRECTIVE } from './completion-words.js';

// The scripts `dockpit completion bash|zsh` prints. Each asks `dockpit __complete WORD…` (complete.ts) for
// the candidates on every Tab, so host, line and plan names and run ids are the config's and the state's
// as they are at that moment, and the script never needs regenerating when dockpit gains a command.
// They call the dockpit the operator typed (the line's first word), and need no bash-completion package.

export type Shell = 'bash' | 'zsh';

export const SHELLS: readonly Shell[] = ['bash', 'zsh'];

// mapfile, not found=($(…)): an unquoted expansion would glob a candidate such as "*".
const BASH = `# dockpit completion for bash: commands, options, host, line and plan names, run ids.
# Now:           source <(dockpit completion bash)
# Every shell:   dockpit completion bash > ~/.local/share/bash-completion/completions/dockpit
#                (or /etc/bash_completion.d/dockpit), or the line above in ~/.bashrc
_dockpit_complete() {
  local -a found
  COMPREPLY=()
  mapfile -t found < <("\${COMP_WORDS[0]}" __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  if [[ \${found[0]-} == '${FILES_DIRECTIVE}' ]]; then
    # A path (--config FILE): bash's own file name completion.
    compopt -o default 2>/dev/null
    return 0
  fi
  COMPREPLY=("\${found[@]}")
}
complete -F _dockpit_complete dockpit
`;

const ZSH = `#compdef dockpit
# dockpit completion for zsh: commands, options, host, line and plan names, run ids.
# Now (after compinit):  source <(dockpit completion zsh)
# Every shell:           dockpit completion zsh > "\${fpath[1]}/_dockpit"  (then compinit picks it up)
_dockpit() {
  local -a found
  found=("\${(@f)$("\${words[1]}" __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  found=(\${found:#})
  if [[ \${found[1]-} == '${FILES_DIRECTIVE}' ]]; then
    _files
    return
  fi
  (( \${#found} )) && compadd -- "\${found[@]}"
}
if [[ "\${funcstack[1]-}" == _dockpit ]]; then
  # Autoloaded from $fpath by compinit: this file is _dockpit's body.
  _dockpit "$@"
elif (( \${+functions[compdef]} )); then
  compdef _dockpit dockpit
else
  print -u2 'dockpit completion: compdef is not defined; run "autoload -U compinit && compinit" first'
fi
`;

export function completionScript(shell: Shell): string {
  return shell === 'bash' ? BASH : ZSH;
}
